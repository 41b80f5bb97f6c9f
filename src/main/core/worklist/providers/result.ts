// What every worklist provider returns, and how it says that it could not deliver at all.
import type { WorklistEntry } from '../../../../shared/orders.ts';

/** A row that was skipped, and why, in words an operator or clinic IT can act on (no patient data). */
export interface RejectedRow {
  /** CSV: the spreadsheet row number (header = 1); JSON: "orders[3]"; folder: prefixed by the file name. */
  row: number | string;
  reason: string;
}

export interface WorklistProviderResult {
  entries: WorklistEntry[];
  rejected: RejectedRow[];
}

/**
 * Why a provider delivered nothing. The caller keeps the last good worklist and shows `message`;
 * `code` is for programs and logs.
 */
export type WorklistProviderErrorCode =
  | 'timeout'
  | 'cancelled'
  | 'unreachable'
  | 'http-status'
  | 'bad-json'
  | 'bad-shape'
  | 'unreadable'
  | 'bad-file';

export class WorklistProviderError extends Error {
  readonly code: WorklistProviderErrorCode;
  constructor(code: WorklistProviderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorklistProviderError';
    this.code = code;
  }
}
