import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  WINDOWS_VOLUME_COMMAND,
  createWindowsVolumeLister,
  driveRootSignature,
  parseWin32LogicalDisks,
  shouldAskPowerShell,
} from '../../src/main/core/sources/volumes/windows.ts';

const recorded = (name: string): string => readFileSync(new URL(`../fixtures/recorded/${name}`, import.meta.url), 'utf8');

describe('parseWin32LogicalDisks', () => {
  it('keeps removable drives with a filesystem from a PowerShell 5.1 array (BOM, CRLF)', () => {
    expect(parseWin32LogicalDisks(recorded('windows-logicaldisk-ps51.json'))).toEqual([
      { id: '8A3C1F07', label: null, uuid: '8A3C1F07', mountPath: 'E:\\', fsType: 'FAT32' },
      { id: '4E21A9C0', label: 'Caméra', uuid: '4E21A9C0', mountPath: 'G:\\', fsType: 'exFAT' },
    ]);
  });

  it('accepts a single object, which ConvertTo-Json prints for one drive', () => {
    expect(parseWin32LogicalDisks(recorded('windows-logicaldisk-single.json'))).toEqual([
      { id: 'C2F011AB', label: 'AURORA', uuid: 'C2F011AB', mountPath: 'E:\\', fsType: 'FAT32' },
    ]);
  });

  it('reads no output as no drives', () => {
    expect(parseWin32LogicalDisks('')).toEqual([]);
    expect(parseWin32LogicalDisks('\r\n')).toEqual([]);
  });

  it('uses the drive letter as id when the serial number is missing', () => {
    const out = parseWin32LogicalDisks('{"DeviceID":"f:","DriveType":2,"VolumeName":"CAM","VolumeSerialNumber":null,"FileSystem":"FAT"}');
    expect(out).toEqual([{ id: 'F:', label: 'CAM', uuid: null, mountPath: 'F:\\', fsType: 'FAT' }]);
  });

  it('unwraps the { value, Count } form of an array', () => {
    const out = parseWin32LogicalDisks(
      '{"value":[{"DeviceID":"E:","DriveType":2,"VolumeName":"A","VolumeSerialNumber":"1","FileSystem":"FAT32"}],"Count":1}',
    );
    expect(out.map((v) => v.mountPath)).toEqual(['E:\\']);
  });

  it('throws when PowerShell printed an error instead of JSON', () => {
    expect(() => parseWin32LogicalDisks('Get-CimInstance : Access denied')).toThrow();
  });

  it('asks only for removable drives, in UTF-8, without double quotes', () => {
    expect(WINDOWS_VOLUME_COMMAND).toContain("-Filter 'DriveType=2'");
    expect(WINDOWS_VOLUME_COMMAND).toContain('UTF8');
    expect(WINDOWS_VOLUME_COMMAND).not.toContain('"');
  });
});

describe('when PowerShell is started', () => {
  const look = (signature: string, at: number, settled = true) => ({ signature, at, settled });

  it('asks first, on a change of drive roots, once more right after it, and then only when the answer is old', () => {
    expect(shouldAskPowerShell(null, 'C:1', 0, 30_000)).toBe(true);
    expect(shouldAskPowerShell(look('C:1', 0), 'C:1 E:7', 1_000, 30_000)).toBe(true); // a new letter
    expect(shouldAskPowerShell(look('C:1 E:7', 0), 'C:1 E:9', 1_000, 30_000)).toBe(true); // another card in E:
    expect(shouldAskPowerShell(look('C:1 E:7', 0, false), 'C:1 E:7', 1_000, 30_000)).toBe(true); // settling
    expect(shouldAskPowerShell(look('C:1 E:7', 0), 'C:1 E:7', 1_000, 30_000)).toBe(false); // nothing changed
    expect(shouldAskPowerShell(look('C:1 E:7', 0), 'C:1 E:7', 30_000, 30_000)).toBe(true);
  });

  it('the lister does not start PowerShell while the drive roots stay the same', async () => {
    let signature = 'C:1';
    let clock = 0;
    let started = 0;
    const lister = createWindowsVolumeLister({
      signature: async () => signature,
      now: () => clock,
      refreshMs: 30_000,
      list: async () => {
        started++;
        return signature.includes('E:') ? parseWin32LogicalDisks(recorded('windows-logicaldisk-single.json')) : [];
      },
    });
    expect(await lister()).toEqual([]);
    expect(await lister()).toEqual([]); // once more, to settle
    for (clock = 1_000; clock <= 20_000; clock += 1_000) await lister();
    expect(started).toBe(2);

    signature = 'C:1 E:3271561643'; // a camera plugged in
    expect((await lister()).map((v) => v.mountPath)).toEqual(['E:\\']);
    await lister();
    await lister();
    expect(started).toBe(4);

    clock = 60_000; // the answer is old: ask again, in case a label changed
    await lister();
    expect(started).toBe(5);
  });

  it('asks again on the next look when PowerShell failed', async () => {
    let fail = true;
    let started = 0;
    const lister = createWindowsVolumeLister({
      signature: async () => 'C:1',
      now: () => 0,
      list: async () => {
        started++;
        if (fail) throw new Error('PowerShell did not answer');
        return [];
      },
    });
    await expect(lister()).rejects.toThrow('PowerShell did not answer');
    fail = false;
    await lister();
    expect(started).toBe(2);
  });

  it('writes the drive roots as letter and volume serial, C to Z', async () => {
    const probed: string[] = [];
    const signature = await driveRootSignature(async (root) => {
      probed.push(root);
      return root === 'C:\\' ? 1 : root === 'G:\\' ? 77 : null;
    });
    expect(signature).toBe('C:1 G:77');
    expect(probed).toHaveLength(24);
    expect(probed).not.toContain('A:\\');
  });
});
