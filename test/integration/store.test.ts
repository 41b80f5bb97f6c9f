import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, migrate } from '../../src/main/core/store/connection.ts';
import { Spool, sha256 } from '../../src/main/core/store/spool.ts';
import { tempDir } from '../fixtures/headless.ts';

describe('database', () => {
  it('opens with WAL, foreign keys and the latest schema, and re-opens without migrating again', () => {
    const dir = tempDir('db');
    const file = path.join(dir, 'station.db');
    const { db, recovered } = openDatabase(file);
    expect(recovered).toBeNull();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const version = db.pragma('user_version', { simple: true }) as number;
    expect(version).toBeGreaterThanOrEqual(1);
    db.close();
    const again = openDatabase(file);
    expect(again.db.pragma('user_version', { simple: true })).toBe(version);
    again.db.close();
  });

  it('moves a corrupt database aside with a reason, never silently replacing it', () => {
    const dir = tempDir('db');
    const file = path.join(dir, 'station.db');
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    const { db, recovered } = openDatabase(file);
    expect(recovered).not.toBeNull();
    expect(recovered!.reason).toMatch(/integrity|cannot be opened|malformed|not a database/i);
    expect(existsSync(recovered!.movedTo)).toBe(true);
    expect(readdirSync(dir).some((n) => n.includes('.corrupt-'))).toBe(true);
    db.close();
  });

  it('refuses a database from a newer version instead of damaging it', () => {
    const { db } = openDatabase(path.join(tempDir('db'), 'station.db'));
    db.pragma('user_version = 999');
    expect(() => migrate(db, [{ version: 1, name: 'x', up: () => undefined }])).toThrow(/newer Capture Station/);
    db.close();
  });
});

describe('spool', () => {
  it('stores bytes under their hash once, and clears crash leftovers', async () => {
    const root = tempDir('spool');
    const spool = new Spool(root);
    const bytes = Buffer.from('fundus bytes');
    const hash = sha256(bytes);
    const p1 = await spool.put(hash, bytes);
    const p2 = await spool.put(hash, bytes);
    expect(p1).toBe(p2);
    expect(p1).toContain(path.join(hash.slice(0, 2), hash));
    expect(spool.has(hash)).toBe(true);
    writeFileSync(path.join(root, 'tmp', 'left-by-crash'), 'half');
    expect(await spool.clearTemp()).toBe(1);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});
