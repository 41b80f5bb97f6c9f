import { describe, expect, it } from 'vitest';
import { filesToImport, ledgerKey, ledgerLookup, normaliseRelPath } from '../../src/main/core/sources/volumes/ledger.ts';

const f = (relPath: string, mtimeMs: number, size = 1000) => ({ relPath, size, mtimeMs, path: `/media/u/CAM/${relPath}` });

describe('ledgerKey', () => {
  it('is the same for the same file however its path is spelled', () => {
    expect(ledgerKey('dev1', 'DCIM\\100CAMRA\\IMG_0001.JPG', 10, 1700000000000.75)).toBe(
      ledgerKey('dev1', './DCIM/100CAMRA/IMG_0001.JPG', 10, 1700000000000),
    );
    expect(normaliseRelPath('/DCIM/x.jpg')).toBe('DCIM/x.jpg');
  });

  it('differs by device, path, size and mtime', () => {
    const base = ledgerKey('dev1', 'DCIM/a.jpg', 10, 1000);
    expect(new Set([
      base,
      ledgerKey('dev2', 'DCIM/a.jpg', 10, 1000),
      ledgerKey('dev1', 'DCIM/b.jpg', 10, 1000),
      ledgerKey('dev1', 'DCIM/a.jpg', 11, 1000),
      ledgerKey('dev1', 'DCIM/a.jpg', 10, 1001),
    ]).size).toBe(5);
  });

  it('cannot be confused by separators inside the parts', () => {
    expect(ledgerKey('a","b', 'c', 1, 2)).not.toBe(ledgerKey('a', 'b","c', 1, 2));
  });
});

describe('filesToImport', () => {
  const listing = [
    f('DCIM/101CAMRA/IMG_0001.JPG', 5000),
    f('DCIM/100CAMRA/IMG_9999.JPG', 5000),
    f('DCIM/100CAMRA/IMG_0003.JPG', 3000),
    f('DCIM/100CAMRA/IMG_0002.JPG', 2000),
    f('DCIM/100CAMRA/IMG_0001.JPG', 1000),
  ];

  it('takes everything from a new device, in the order taken (mtime, then path)', () => {
    const out = filesToImport(listing, ledgerLookup('dev1', []));
    expect(out.map((x) => x.relPath)).toEqual([
      'DCIM/100CAMRA/IMG_0001.JPG',
      'DCIM/100CAMRA/IMG_0002.JPG',
      'DCIM/100CAMRA/IMG_0003.JPG',
      'DCIM/100CAMRA/IMG_9999.JPG',
      'DCIM/101CAMRA/IMG_0001.JPG',
    ]);
  });

  it('skips files the ledger knows with the same size and mtime', () => {
    const ledger = ledgerLookup('dev1', [
      { relPath: 'DCIM/100CAMRA/IMG_0001.JPG', size: 1000, mtimeMs: 1000 },
      { relPath: 'DCIM\\100CAMRA\\IMG_0002.JPG', size: 1000, mtimeMs: 2000 },
    ]);
    expect(filesToImport(listing, ledger).map((x) => x.relPath)).toEqual([
      'DCIM/100CAMRA/IMG_0003.JPG',
      'DCIM/100CAMRA/IMG_9999.JPG',
      'DCIM/101CAMRA/IMG_0001.JPG',
    ]);
  });

  it('takes a known path again when its size or mtime changed', () => {
    const ledger = ledgerLookup('dev1', [
      { relPath: 'DCIM/100CAMRA/IMG_0001.JPG', size: 999, mtimeMs: 1000 },
      { relPath: 'DCIM/100CAMRA/IMG_0002.JPG', size: 1000, mtimeMs: 1999 },
    ]);
    expect(filesToImport(listing, ledger).map((x) => x.relPath)).toContain('DCIM/100CAMRA/IMG_0001.JPG');
    expect(filesToImport(listing, ledger).map((x) => x.relPath)).toContain('DCIM/100CAMRA/IMG_0002.JPG');
  });

  it("does not use another device's ledger", () => {
    const ledger = ledgerLookup('dev2', listing);
    expect(filesToImport(listing, { deviceId: 'dev1', has: ledger.has })).toHaveLength(5);
    expect(filesToImport(listing, ledger)).toHaveLength(0);
  });

  it('orders unpadded numbers naturally when mtimes are equal', () => {
    const out = filesToImport([f('P10.jpg', 0), f('P9.jpg', 0), f('P100.jpg', 0)], ledgerLookup('d', []));
    expect(out.map((x) => x.relPath)).toEqual(['P9.jpg', 'P10.jpg', 'P100.jpg']);
  });

  it('does not reorder the listing it was given', () => {
    const copy = [...listing];
    filesToImport(listing, ledgerLookup('dev1', []));
    expect(listing).toEqual(copy);
  });
});
