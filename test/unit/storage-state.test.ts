// The decisions behind the data folder's disk state: which failures stop intake, when space is
// low, when intake may resume, and what the operator reads.
import { describe, expect, it } from 'vitest';
import { MB, roomToResume, spaceState, storageMessage, writeFailureKind, resumedMessage } from '../../src/main/core/storage/storage-state.ts';
import { stationSettingsSchema } from '../../src/shared/settings.ts';

const err = (code: string) => Object.assign(new Error(code), { code });

describe('writeFailureKind', () => {
  it('no space is "full": ENOSPC, EDQUOT, SQLITE_FULL', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL']) expect(writeFailureKind(err(code)), code).toBe('full');
  });

  it('a data folder that cannot be written is "error", SQLite extended codes included', () => {
    for (const code of ['EROFS', 'EIO', 'EACCES', 'EPERM', 'SQLITE_READONLY', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY_DBMOVED', 'SQLITE_CANTOPEN']) {
      expect(writeFailureKind(err(code)), code).toBe('error');
    }
  });

  it('anything else is not a storage problem (a bad file is refused as before)', () => {
    for (const e of [err('ENOENT'), err('SQLITE_CONSTRAINT_UNIQUE'), new Error('x'), null, 'ENOSPC']) expect(writeFailureKind(e)).toBeNull();
  });
});

describe('spaceState and roomToResume', () => {
  it('low below the threshold; a threshold of 0 never warns', () => {
    expect(spaceState(100 * MB, 2048 * MB)).toBe('low');
    expect(spaceState(3000 * MB, 2048 * MB)).toBe('ok');
    expect(spaceState(0, 0)).toBe('ok');
  });

  it('resumes only with room for the first batch of waiting photos plus a margin', () => {
    const sizes = [1 * MB, 3 * MB, 2 * MB, 2 * MB, 5 * MB];
    // The four largest (5+3+2+2 = 12 MB) + 2 MB margin.
    expect(roomToResume(13 * MB, sizes)).toBe(false);
    expect(roomToResume(14 * MB, sizes)).toBe(true);
    expect(roomToResume(4 * MB, sizes, 1)).toBe(false);
    expect(roomToResume(7 * MB, sizes, 1)).toBe(true);
    expect(roomToResume(2 * MB, [])).toBe(true);
  });
});

describe('messages', () => {
  it('say what happened, that photos wait, and what to do, naming the disk', () => {
    expect(storageMessage('full', '/srv', 0)).toBe(
      "The disk of the station's data folder is full. Photos wait in the camera folder and will be taken in as soon as space is freed: ask IT to free space on /srv.",
    );
    expect(storageMessage('low', 'C:\\', 1.5 * 1024 * MB)).toMatch(/almost full \(1\.5 GB free\).*C:\\/);
    expect(storageMessage('error', '/srv', null)).toMatch(/cannot write to its data folder.*call IT/);
    expect(storageMessage('ok', '/srv', 1)).toBeNull();
    expect(resumedMessage(8)).toMatch(/8 photos that waited are being taken in/);
  });
});

describe('the low disk space setting', () => {
  it('defaults to 2 GB, accepts 0 (off) and refuses nonsense in plain words', () => {
    expect(stationSettingsSchema.parse({}).lowDiskSpaceMegabytes).toBe(2048);
    expect(stationSettingsSchema.parse({ lowDiskSpaceMegabytes: 0 }).lowDiskSpaceMegabytes).toBe(0);
    expect(stationSettingsSchema.safeParse({ lowDiskSpaceMegabytes: -1 }).error?.issues[0]?.message).toMatch(/cannot be negative/);
    expect(stationSettingsSchema.safeParse({ lowDiskSpaceMegabytes: 1.5 }).error?.issues[0]?.message).toMatch(/whole megabytes/);
  });
});
