// One temporary folder per test run: every test's temp folders (os.tmpdir(): test/fixtures/headless.ts
// tempDir and the mkdtemp calls) go inside it, for the test processes and the hosts, cameras and
// PACS they start, and it is removed when the run ends. Without it each run left several GB of
// station data folders, spools and DICOM objects in /tmp. KEEP_TEST_TMP=1 keeps it (its path is
// printed) for a look after a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function useRunTempRoot(tool: string): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), `capture-station-${tool}-`));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.KEEP_TEST_TMP) console.log(`test temp folder kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
