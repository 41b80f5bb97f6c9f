// Per-site file-name rules: the code is shared (src/shared/filename-rules.ts), so the File-name
// rules screen's "try a file name" box runs exactly what the metadata stage runs.
export {
  applyFileNameRules,
  fileNameRulesApplied,
  KNOWN_GROUPS,
  validateFileNameRule,
  type FileNameMatch,
} from '../../../shared/filename-rules.ts';
