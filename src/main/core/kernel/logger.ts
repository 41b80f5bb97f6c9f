// Logs for IT: JSON lines in <data>/logs. Never patient data: ids, codes and counts only.
// The folder is 0700 and the file 0600 (see data-dir.ts); a write that fails (a full disk) drops
// lines instead of crashing the station: the storage guard reports the disk state itself.
import pino, { type Logger } from 'pino';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './data-dir.ts';

export type { Logger };

export function createLogger(dataDir: string, level = process.env.CAPTURE_LOG_LEVEL ?? 'info'): Logger {
  const dir = path.join(dataDir, 'logs');
  ensurePrivateDir(dir);
  const destination = pino.destination({ dest: path.join(dir, 'station.log'), sync: false, mkdir: true, mode: PRIVATE_FILE_MODE });
  // Without a listener, sonic-boom's 'error' (ENOSPC, EIO) is an uncaught exception. The lines
  // that could not be written are retried with the next write.
  destination.on('error', () => undefined);
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['*.token', '*.connectionString', '*.sas', '*.patientId', '*.patientName'], censor: '[redacted]' },
    },
    destination,
  );
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
