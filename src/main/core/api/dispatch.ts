// The generic half of every host: validate the input against the contract, call the core,
// turn any failure into a StationError the other side can show. Unexpected failures are logged
// here, once, so both hosts (IPC and HTTP) log them the same way.
import { z } from 'zod';
import { isMethodName, methods } from '../../../shared/contract/index.ts';
import { StationError } from '../../../shared/errors.ts';
import type { Logger } from '../kernel/logger.ts';
import type { StationApi } from './types.ts';
import { internalError, logUnexpected } from './unexpected.ts';

/** The IT lock as dispatch sees it (it-lock/it-lock-service.ts). */
export interface ItGate {
  /** Why an IT-only method may not run now, or null when it may. */
  refusal(): StationError | null;
  /** An IT-only method ran: the IT session's idle time starts again. */
  used(): void;
}

const gates = new WeakMap<StationApi, ItGate>();

/** Puts `api` behind the IT lock: from now on dispatch refuses its IT-only methods while `gate` says so. */
export function lockable<A extends StationApi>(api: A, gate: ItGate): A {
  gates.set(api, gate);
  return api;
}

export async function dispatch(api: StationApi, name: string, rawInput: unknown, log?: Logger): Promise<unknown> {
  if (!isMethodName(name)) throw new StationError('not-found', `Unknown method: ${name}`);
  const spec = methods[name];
  // The one IT lock check, for both hosts: the contract marks the method (`itOnly`), the station's gate says whether it is locked.
  const gate = 'itOnly' in spec && spec.itOnly ? gates.get(api) : undefined;
  const refused = gate?.refusal();
  if (refused) throw refused;
  try {
    const parsed = spec.input.safeParse(rawInput ?? undefined);
    if (!parsed.success) throw new StationError('bad-input', describeZodError(parsed.error));
    const handler = api[name] as (args: unknown) => unknown;
    const result = await handler(parsed.data);
    gate?.used();
    return result;
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
