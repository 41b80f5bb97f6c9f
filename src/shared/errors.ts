// Errors that cross the contract: a stable code for programs and a plain-language message for people.
// 'locked': an IT-only setting while the IT lock is on (contract/it-lock.ts), or PIN tries paused after too many wrong ones.
export type ErrorCode = 'bad-input' | 'not-found' | 'conflict' | 'unavailable' | 'unauthorised' | 'locked' | 'internal';

export class StationError extends Error {
  readonly code: ErrorCode;
  /** For `internal` errors: the reference under which the details are in the station's log. */
  readonly ref: string | undefined;
  constructor(code: ErrorCode, message: string, ref?: string) {
    super(message);
    this.name = 'StationError';
    this.code = code;
    this.ref = ref;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; ref?: string };
}
