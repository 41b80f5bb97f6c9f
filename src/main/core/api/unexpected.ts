// An error nobody expected: logged once, with its stack and a short reference that the answer
// carries too, so IT can find the one log line an operator reads out. Ids and codes only: the
// error's message is left out (it may name a file, and so a patient), the stack frames are kept.
import { randomBytes } from 'node:crypto';
import { StationError } from '../../../shared/errors.ts';
import type { Logger } from '../kernel/logger.ts';

export function newErrorRef(): string {
  return randomBytes(5).toString('hex');
}

/** The stack without its first line(s), which repeat the message. */
export function stackFrames(err: unknown): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return undefined;
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return frames.length ? `${(err as Error).name}\n${frames.join('\n')}` : undefined;
}

/** Logs `err` once under a new reference (with `context`: ids and route names only); returns the reference. */
export function logUnexpected(log: Logger | undefined, err: unknown, context: Record<string, string | number> = {}): string {
  const ref = newErrorRef();
  const code = (err as { code?: unknown } | null)?.code;
  log?.error(
    {
      ...context,
      ref,
      name: err instanceof Error ? err.name : typeof err,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      stack: stackFrames(err),
    },
    'unexpected error',
  );
  return ref;
}

/** The error the other side gets for an unexpected failure logged under `ref`. */
export function internalError(ref: string): StationError {
  return new StationError('internal', `Something went wrong inside the station. The details are in the log under reference ${ref}.`, ref);
}
