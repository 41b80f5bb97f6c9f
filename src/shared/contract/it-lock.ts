// The IT lock (README "The IT lock"): settings that change where photos go or come from are
// marked `itOnly` in the contract; while an administrator PIN is set and no IT session is open,
// api/dispatch.ts refuses them with LOCKED_MESSAGE. These methods open and close that session.
import { z } from 'zod';
import { method } from './define.ts';

/** What a refused IT-only call says (the screens show it as it is). */
export const LOCKED_MESSAGE = 'This setting is locked by IT. Unlock it with the administrator PIN.';
/** Shortest administrator PIN accepted when one is set or changed. */
export const MIN_PIN_LENGTH = 6;
export const MAX_PIN_LENGTH = 64;

export const itLockStatusSchema = z.object({
  /** An administrator PIN is set: IT-only settings are locked unless an IT session is open. */
  pinSet: z.boolean(),
  /** IT-only methods are refused now (pinSet and no open IT session). */
  locked: z.boolean(),
  /** When the open IT session locks again if nothing IT-only is done before (ISO); null when none is open. */
  unlockedUntil: z.string().nullable(),
  /** Minutes without an IT-only change after which an open session locks again. */
  idleMinutes: z.number(),
  /** Seconds to wait before the next PIN may be tried (after too many wrong ones); 0 = now. */
  waitSeconds: z.number(),
});
export type ItLockStatus = z.output<typeof itLockStatusSchema>;

const pinTyped = z.string().min(1, 'Type the administrator PIN.').max(MAX_PIN_LENGTH, 'That is longer than any PIN this station accepts.');
const newPin = z
  .string()
  .min(MIN_PIN_LENGTH, `Choose a PIN of at least ${MIN_PIN_LENGTH} characters.`)
  .max(MAX_PIN_LENGTH, `Choose a PIN of at most ${MAX_PIN_LENGTH} characters.`);

export const itLockMethods = {
  'itLock.status': method('Whether an administrator PIN is set and the IT settings are locked now.', z.object({}).default({}), itLockStatusSchema),
  'itLock.unlock': method(
    'Open an IT session with the administrator PIN: IT-only settings can be changed until "Lock now" or the idle time runs out. Wrong PINs are counted: after 5, each try waits (30 s, then longer).',
    z.object({ pin: pinTyped }),
    itLockStatusSchema,
  ),
  'itLock.lock': method('Lock now: close the IT session (nothing happens when no PIN is set).', z.object({}).default({}), itLockStatusSchema),
  'itLock.setPin': method(
    'Set the administrator PIN, or change it (currentPin is then required). Opens an IT session.',
    z.object({ currentPin: pinTyped.optional(), newPin }),
    itLockStatusSchema,
    { itOnly: true },
  ),
  'itLock.removePin': method(
    'Remove the administrator PIN (needs the current one): IT settings are then open to everyone on this station.',
    z.object({ currentPin: pinTyped }),
    itLockStatusSchema,
    { itOnly: true },
  ),
};

export const itLockEvents = {
  'itLock.changed': z.object({}).describe('The IT lock was locked, unlocked, or its PIN set or removed: re-query itLock.status.'),
};
