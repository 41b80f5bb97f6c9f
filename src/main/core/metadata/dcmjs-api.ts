// The few parts of dcmjs this stage uses, typed here because dcmjs ships no type declarations.
// Loaded through require so that no ambient module declaration is needed.
import { createRequire } from 'node:module';

/** One element of dcmjs's un-naturalised data set: hex tag -> { vr, Value }. */
export interface DcmElement {
  vr: string;
  Value?: unknown[];
  /** The value as read, before dcmjs formats it (strings: split into values, padding dropped). */
  _rawValue?: unknown;
}
export type DcmDataset = Record<string, DcmElement>;

export interface DcmjsDicomDict {
  meta: DcmDataset;
  dict: DcmDataset;
  write(options?: Record<string, unknown>): ArrayBuffer;
}

export interface DcmjsApi {
  data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string | null; noCopy?: boolean }): DcmjsDicomDict;
    };
    DicomDict: new (meta: DcmDataset) => DcmjsDicomDict;
    DicomMetaDictionary: {
      denaturalizeDataset(dataset: Record<string, unknown>): DcmDataset;
      naturalizeDataset(dataset: DcmDataset): Record<string, unknown>;
      uid(): string;
    };
  };
}

export const dcmjs = createRequire(import.meta.url)('dcmjs') as DcmjsApi;
