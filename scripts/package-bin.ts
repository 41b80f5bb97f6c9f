// The script a package's `bin` entry names, read from the package's own package.json (where that
// script sits is the package's business), so the scripts run it as `node <script>`: no shell and
// no .bin shim, so a checkout path with spaces works on Windows too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../package.json', import.meta.url));

export function packageBin(pkg: string, name = pkg): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const rel = typeof bin === 'string' ? bin : bin?.[name];
  if (!rel) throw new Error(`${pkg} has no command named ${name}.`);
  return path.join(path.dirname(manifest), rel);
}
