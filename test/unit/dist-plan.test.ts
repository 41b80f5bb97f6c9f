// scripts/dist.ts: which installers a machine can build, and one plain sentence for each it cannot.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planDist } from '../../scripts/dist.ts';
import { packageBin } from '../../scripts/package-bin.ts';

describe('npm run dist', () => {
  it('here (Linux, no Electron binary, no GitHub): builds nothing and says why for every target', () => {
    const plan = planDist({ platform: 'linux', hasElectron: false, online: false });
    expect(plan.targets).toEqual([]);
    expect(plan.cannot).toHaveLength(4);
    expect(plan.cannot.find((l) => l.startsWith('AppImage'))).toMatch(/Electron binary is not in node_modules\/electron\/dist/);
    expect(plan.cannot.find((l) => l.startsWith('Windows'))).toMatch(/build it on Windows/);
    expect(plan.cannot.find((l) => l.startsWith('macOS'))).toMatch(/need macOS/);
  });

  it('with the binary but offline: still nothing, since the native modules are rebuilt for Electron with downloaded headers', () => {
    const plan = planDist({ platform: 'linux', hasElectron: true, online: false });
    expect(plan.targets).toEqual([]);
    expect(plan.cannot.find((l) => l.startsWith('deb'))).toMatch(/rebuilt for Electron.*downloads fpm from GitHub/);
  });

  it('with the binary and the network: the targets of this platform', () => {
    expect(planDist({ platform: 'linux', hasElectron: true, online: true }).targets).toEqual(['AppImage', 'deb']);
    expect(planDist({ platform: 'win32', hasElectron: true, online: true }).targets).toEqual(['nsis']);
    expect(planDist({ platform: 'darwin', hasElectron: true, online: true }).targets).toEqual(['dmg', 'zip']);
  });

  it('runs electron-vite by the script its package.json names, wherever the package keeps it', () => {
    const bin = packageBin('electron-vite');
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!.*node/);
    expect(() => packageBin('electron-vite', 'no-such-command')).toThrow(/no command named no-such-command/);
  });
});
