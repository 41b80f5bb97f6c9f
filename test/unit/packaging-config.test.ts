// electron-builder.yml checked offline with electron-builder's own schema
// (app-builder-lib's validateConfiguration), and the choices the fleet depends on.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures/headless.ts';

const require = createRequire(path.join(repoRoot, 'package.json'));
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(c: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const yaml = require('js-yaml') as { load(s: string): unknown };

type Config = Record<string, Record<string, unknown> & { [k: string]: unknown }>;
const config = yaml.load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Config;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema, which does refuse a wrong value", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, perMachine: 'yes' } }, new DebugLogger(false))).rejects.toThrow(/perMachine/);
  });

  it('installs per user on Windows (no UAC on update), and lets IT choose per machine', () => {
    expect(config.nsis).toMatchObject({ perMachine: false, oneClick: false, allowElevation: true });
  });

  it('builds NSIS, dmg + zip, AppImage + deb', () => {
    expect(config.win!.target).toBe('nsis');
    expect(config.mac!.target).toEqual(['dmg', 'zip']);
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
  });

  it('publishes to a generic HTTPS folder with no hard-coded channel', () => {
    const publish = config.publish as unknown as Record<string, unknown>;
    expect(publish.provider).toBe('generic');
    expect(String(publish.url)).toMatch(/^https:\/\/updates\.example\.invalid\//);
    expect(publish).not.toHaveProperty('channel');
    expect(JSON.stringify(config)).not.toMatch(/"channel"/);
  });

  it('names artifacts by version and arch (immutable on the feed)', () => {
    expect(config.artifactName).toBe('${name}-${version}-${arch}.${ext}');
    for (const key of ['win', 'nsis', 'mac', 'linux']) expect(config[key]).not.toHaveProperty('artifactName');
  });

  it('lists the Windows publisher names (a list, ready for a renewed certificate)', () => {
    const names = (config.win!.signtoolOptions as { publisherName: unknown }).publisherName;
    expect(Array.isArray(names)).toBe(true);
    expect((names as string[]).length).toBeGreaterThan(0);
  });

  it('flips the Electron fuses for release builds', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });
});
