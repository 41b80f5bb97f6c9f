// The IT lock's methods (contract/it-lock.ts). The lock's one check is in dispatch.ts.
import type { ItLockService } from '../it-lock/it-lock-service.ts';
import type { Handlers } from './types.ts';

type ItLockMethod = 'itLock.status' | 'itLock.unlock' | 'itLock.lock' | 'itLock.setPin' | 'itLock.removePin';

export function itLockApi(lock: ItLockService): Handlers<ItLockMethod> {
  return {
    'itLock.status': () => lock.status(),
    'itLock.unlock': ({ pin }) => lock.unlock(pin),
    'itLock.lock': () => lock.lock(),
    'itLock.setPin': ({ currentPin, newPin }) => lock.setPin(currentPin, newPin),
    'itLock.removePin': ({ currentPin }) => lock.removePin(currentPin),
  };
}
