// The generic half of every host: validate the input against the contract, call the core,
// turn any failure into a StationError the other side can show. Unexpected failures are logged
// here, once, so both hosts (IPC and HTTP) log them the same way.
import { z } from 'zod';
import { isMethodName, methods } from '../../../shared/contract/index.ts';
import { StationError } from '../../../shared/errors.ts';
import type { Logger } from '../kernel/logger.ts';
import type { StationApi } from './types.ts';
import { internalError, logUnexpected } from './unexpected.ts';

export async function dispatch(api: StationApi, name: string, rawInput: unknown, log?: Logger): Promise<unknown> {
  if (!isMethodName(name)) throw new StationError('not-found', `Unknown method: ${name}`);
  const spec = methods[name];
  try {
    const parsed = spec.input.safeParse(rawInput ?? undefined);
    if (!parsed.success) throw new StationError('bad-input', describeZodError(parsed.error));
    const handler = api[name] as (args: unknown) => unknown;
    return await handler(parsed.data);
  } catch (err) {
    if (err instanceof StationError) throw err;
    if (err instanceof z.ZodError) throw new StationError('bad-input', describeZodError(err));
    // The method name is a contract name (checked above); the input is never logged.
    throw internalError(logUnexpected(log, err, { method: name }));
  }
}

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
