// Worklist provider (b): a folder the EHR or a worklist server drops files into. Reads every
// ".csv" and ".wl" file directly in the folder (not in sub-folders); one bad file does not stop
// the others.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseWorklistCsv } from './csv.ts';
import { parseWorklistFile } from './dicom-worklist.ts';
import { WorklistProviderError, type RejectedRow, type WorklistProviderResult } from './result.ts';

export interface FolderFileError {
  file: string;
  reason: string;
}

export interface FolderWorklistResult extends WorklistProviderResult {
  /** Files that could not be used at all, with the reason (file names only, never contents). */
  fileErrors: FolderFileError[];
  /** How many .csv/.wl files were found. */
  fileCount: number;
}

const kindOf = (name: string): 'csv' | 'wl' | null => {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.csv') return 'csv';
  return ext === '.wl' ? 'wl' : null;
};

const label = (file: string, row: RejectedRow['row']): string =>
  typeof row === 'number' ? `${file} row ${row}` : `${file} ${row}`;

/**
 * Reads the worklist files of one folder, sorted by name. Throws WorklistProviderError when the
 * folder cannot be listed, or when there were files and none of them could be read (so the
 * caller keeps its last good worklist). An empty folder is an empty worklist, not an error.
 */
export async function readWorklistFolder(dir: string): Promise<FolderWorklistResult> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new WorklistProviderError('unreadable', 'The worklist folder could not be opened. Check that it exists and is shared with this computer.', {
      cause: error,
    });
  }

  const result: FolderWorklistResult = { entries: [], rejected: [], fileErrors: [], fileCount: 0 };
  for (const name of names.filter((n) => kindOf(n) !== null).sort()) {
    const full = path.join(dir, name);
    try {
      if (!(await stat(full)).isFile()) continue;
    } catch {
      continue; // vanished between listing and reading: the next poll sees the folder as it is
    }
    result.fileCount++;
    try {
      const bytes = await readFile(full);
      const source = `folder:${name}`;
      const parsed = kindOf(name) === 'csv' ? parseWorklistCsv(bytes, { source }) : parseWorklistFile(bytes, { source, dicomIdentities: true });
      result.entries.push(...parsed.entries);
      for (const r of parsed.rejected) result.rejected.push({ row: label(name, r.row), reason: r.reason });
    } catch (error) {
      const reason = error instanceof WorklistProviderError ? error.message : 'The file could not be read.';
      result.fileErrors.push({ file: name, reason });
    }
  }

  if (result.fileCount > 0 && result.fileErrors.length === result.fileCount) {
    const first = result.fileErrors[0];
    throw new WorklistProviderError(
      'bad-file',
      `None of the ${result.fileCount} worklist files could be read (first: ${first?.file}: ${first?.reason})`,
    );
  }
  return result;
}
