import type { z } from 'zod';

/** One method the UI can call: a summary for docs, and the schemas that guard both directions. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  input: I;
  output: O;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): MethodSpec<I, O> => ({
  summary,
  input,
  output,
});
