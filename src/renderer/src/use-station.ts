import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract/index.ts';
import { station } from './bridge.ts';

/**
 * Calls a method and calls it again whenever one of `refreshOn` fires. The UI keeps no state of
 * its own that the station does not have: events only say "re-query".
 */
export function useStationQuery<M extends MethodName>(method: M, input: MethodInput<M> | undefined, refreshOn: EventName[]) {
  const [data, setData] = useState<MethodOutput<M> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(input ?? {});
  const inFlight = useRef(false);
  const again = useRef(false);
  // The newest input: a call that finishes after the input changed (typing in a search box) is
  // followed by one with the input as it is now, never shown as the answer to it.
  const latest = useRef({ method, key });
  latest.current = { method, key };

  const load = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        const asked = latest.current;
        const result = await station.call(asked.method, JSON.parse(asked.key) as MethodInput<M>);
        if (asked.key !== latest.current.key || asked.method !== latest.current.method) {
          again.current = true;
          continue;
        }
        setData(result as MethodOutput<M>);
        setError(null);
      } while (again.current);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    void load();
    const offs = refreshOn.map((e) => station.on(e, () => void load()));
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load, method, key, refreshOn.join(',')]);

  return { data, error, reload: load };
}
