// The one error the metadata stage throws for a file it cannot take in. Its message is shown to
// the camera operator as it is: plain words about the file, never patient data or the file name.

export type UnreadableCode = 'empty-file' | 'not-an-image' | 'corrupt-dicom' | 'damaged-image';

export class UnreadableFileError extends Error {
  readonly code: UnreadableCode;
  /** True when the file looks cut short (still being written, or an interrupted copy). */
  readonly truncated: boolean;

  constructor(code: UnreadableCode, message: string, options: { truncated?: boolean } = {}) {
    super(message);
    this.name = 'UnreadableFileError';
    this.code = code;
    this.truncated = options.truncated ?? false;
  }
}
