// Logs for IT: JSON lines in <data>/logs. Never patient data: ids, codes and counts only.
import pino, { type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type { Logger };

export function createLogger(dataDir: string, level = process.env.CAPTURE_LOG_LEVEL ?? 'info'): Logger {
  const dir = path.join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['*.token', '*.connectionString', '*.sas', '*.patientId', '*.patientName'], censor: '[redacted]' },
    },
    pino.destination({ dest: path.join(dir, 'station.log'), sync: false, mkdir: true }),
  );
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
