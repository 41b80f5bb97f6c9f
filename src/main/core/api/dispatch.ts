// The generic half of every host: validate the input against the contract, call the core,
// turn any failure into a StationError the other side can show.
import { z } from 'zod';
import { isMethodName, methods } from '../../../shared/contract/index.ts';
import { StationError } from '../../../shared/errors.ts';
import type { StationApi } from './types.ts';

export async function dispatch(api: StationApi, name: string, rawInput: unknown): Promise<unknown> {
  if (!isMethodName(name)) throw new StationError('not-found', `Unknown method: ${name}`);
  const spec = methods[name];
  const parsed = spec.input.safeParse(rawInput ?? undefined);
  if (!parsed.success) throw new StationError('bad-input', describeZodError(parsed.error));
  const handler = api[name] as (args: unknown) => unknown;
  try {
    return await handler(parsed.data);
  } catch (err) {
    if (err instanceof StationError) throw err;
    if (err instanceof z.ZodError) throw new StationError('bad-input', describeZodError(err));
    throw new StationError('internal', 'Something went wrong inside the station. The details are in the log.');
  }
}

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
