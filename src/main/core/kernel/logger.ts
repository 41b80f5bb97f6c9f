// Logs for IT: JSON lines in <data>/logs. Never patient data: ids, codes and counts only.
// The folder is 0700 and the file 0600 (see data-dir.ts); a write that fails (a full disk) drops
// lines instead of crashing the station: the storage guard reports the disk state itself.
import pino, { type Logger } from 'pino';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './data-dir.ts';

export type { Logger };

type Destination = ReturnType<typeof pino.destination>;
/** The file each logger made here writes to, so its last lines can be waited for at close. */
const destinations = new WeakMap<Logger, Destination>();

export function createLogger(dataDir: string, level = process.env.CAPTURE_LOG_LEVEL ?? 'info'): Logger {
  const dir = path.join(dataDir, 'logs');
  ensurePrivateDir(dir);
  const destination = pino.destination({ dest: path.join(dir, 'station.log'), sync: false, mkdir: true, mode: PRIVATE_FILE_MODE });
  // Without a listener, sonic-boom's 'error' (ENOSPC, EIO) is an uncaught exception. The lines
  // that could not be written are retried with the next write.
  destination.on('error', () => undefined);
  const logger = pino(
    {
      level,
      base: undefined,
      redact: { paths: ['*.token', '*.connectionString', '*.sas', '*.patientId', '*.patientName'], censor: '[redacted]' },
    },
    destination,
  );
  destinations.set(logger, destination);
  return logger;
}

/**
 * Resolves once the lines logged so far are in the file (or after `limitMs`, a disk that hangs).
 * pino's flush(cb) does not wait: with sonic-boom's default minLength 0 it calls back at once,
 * while an asynchronous write may still be in flight, so "station stopped" could be lost when the
 * process ends right after close (an update's restart). The write in flight ends with 'drain'.
 */
export async function settleLog(log: Logger, limitMs = 2_000): Promise<void> {
  const dest = destinations.get(log);
  if (!dest) return new Promise<void>((resolve) => log.flush(() => resolve()));
  // sonic-boom has no public "writing" flag; without it (another version) only the limit applies.
  const writing: unknown = Reflect.get(dest, '_writing');
  if (writing === false) return;
  const target: Destination = dest;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, limitMs);
    timer.unref();
    function done(): void {
      clearTimeout(timer);
      target.off('drain', done);
      target.off('error', done);
      resolve();
    }
    target.once('drain', done);
    target.once('error', done);
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
