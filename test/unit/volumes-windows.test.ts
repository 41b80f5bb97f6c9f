import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WINDOWS_VOLUME_COMMAND, parseWin32LogicalDisks } from '../../src/main/core/sources/volumes/windows.ts';

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
