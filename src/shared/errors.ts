// Errors that cross the contract: a stable code for programs and a plain-language message for people.
export type ErrorCode = 'bad-input' | 'not-found' | 'conflict' | 'unavailable' | 'unauthorised' | 'internal';

export class StationError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'StationError';
    this.code = code;
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}
