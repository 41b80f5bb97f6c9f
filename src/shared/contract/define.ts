import type { z } from 'zod';

/** How a method is classified for the IT lock (README "The IT lock"; test/unit/it-lock-methods.test.ts lists them). */
export interface MethodOptions {
  /**
   * The method changes where photos go or come from (cloud, worklist sources, watched folders,
   * file-name rules, camera profiles, DICOM, PACS routes, updates) or other settings IT owns: while
   * an administrator PIN is set and the IT session is locked, api/dispatch.ts refuses it.
   */
  itOnly?: boolean;
}

/** One method the UI can call: a summary for docs, and the schemas that guard both directions. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  input: I;
  output: O;
  /** See MethodOptions.itOnly; absent = an operator may call it. */
  itOnly?: true;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O, options: MethodOptions = {}): MethodSpec<I, O> => ({
  summary,
  input,
  output,
  ...(options.itOnly && { itOnly: true as const }),
});
