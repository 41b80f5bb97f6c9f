// Where the station's secrets (the cloud connection string, the order endpoint token, the worklist
// server's bearer token) are kept. The core only sees this interface; the host injects an implementation:
// - Electron: encrypted with the operating system's key store (safeStorage), see
//   src/main/electron/secrets.ts, through encryptedFileSecretStore() below;
// - headless: a file only the user can read (mode 0600) in the data folder, and/or environment
//   variables (CAPTURE_CONNECTION_STRING, CAPTURE_ORDER_TOKEN, CAPTURE_WORKLIST_TOKEN), which win over the file.
// Secrets never reach a log: nothing here logs, and errors name the file, never its content.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';

/** One name per secret; `worklistHttpToken` is the HTTP worklist provider's bearer token. */
export const SECRET_NAMES = ['connectionString', 'orderEndpointToken', 'worklistHttpToken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** Where a secret's current value comes from. */
export type SecretOrigin = 'store' | 'environment' | null;

export interface SecretStore {
  /** How the secrets are protected, in words for IT (shown on the cloud settings page). */
  readonly description: string;
  get(name: SecretName): string | null;
  /** null removes it. Throws when it cannot be stored safely. */
  set(name: SecretName, value: string | null): void;
  /** 'environment' when an environment variable provides it (it cannot be changed in the app). */
  origin(name: SecretName): SecretOrigin;
}

/** Secrets kept in memory only (tests; a host that has nowhere safe to keep them). */
export function memorySecretStore(initial: Partial<Record<SecretName, string>> = {}): SecretStore {
  const values = new Map<SecretName, string>(Object.entries(initial) as [SecretName, string][]);
  return {
    description: 'kept in memory only: they must be entered again after a restart',
    get: (name) => values.get(name) ?? null,
    set: (name, value) => {
      if (value === null) values.delete(name);
      else values.set(name, value);
    },
    origin: (name) => (values.has(name) ? 'store' : null),
  };
}

/** How a file store turns a secret into bytes at rest and back. */
export interface SecretCipher {
  readonly description: string;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

/** No encryption: the protection is the file's mode (0600, the user alone). */
export const plainCipher: SecretCipher = {
  description: 'in a file that only this user account can read (mode 0600)',
  encrypt: (plain) => Buffer.from(plain, 'utf8'),
  decrypt: (sealed) => sealed.toString('utf8'),
};

class SecretFileError extends Error {}

/**
 * A JSON file `{ name: base64(cipher.encrypt(value)) }`, written to a temp file with mode 0600,
 * fsynced and renamed, so a crash never leaves half a file and nobody else can read it.
 */
export function encryptedFileSecretStore(file: string, cipher: SecretCipher = plainCipher): SecretStore {
  let cache: Map<SecretName, string> | null = null;

  const load = (): Map<SecretName, string> => {
    if (cache) return cache;
    const map = new Map<SecretName, string>();
    if (existsSync(file)) {
      // Tighten a file someone loosened (POSIX only; Windows has no mode bits to check).
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        throw new SecretFileError(`The station's secrets file (${path.basename(file)}) cannot be read; enter the cloud settings and the worklist token again.`);
      }
      for (const name of SECRET_NAMES) {
        const v = raw[name];
        if (typeof v !== 'string') continue;
        try {
          map.set(name, cipher.decrypt(Buffer.from(v, 'base64')));
        } catch {
          // Sealed by another user account or machine: treat as absent; the settings page says so.
        }
      }
    }
    cache = map;
    return map;
  };

  const save = (map: Map<SecretName, string>): void => {
    mkdirSync(path.dirname(file), { recursive: true });
    const out: Record<string, string> = {};
    for (const [k, v] of map) out[k] = cipher.encrypt(v).toString('base64');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(out), { mode: 0o600 });
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (process.platform !== 'win32') chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  };

  return {
    description: cipher.description,
    get: (name) => {
      try {
        return load().get(name) ?? null;
      } catch {
        return null;
      }
    },
    set: (name, value) => {
      let map: Map<SecretName, string>;
      try {
        map = new Map(load());
      } catch {
        map = new Map(); // an unreadable file is replaced by the new values
      }
      if (value === null) map.delete(name);
      else map.set(name, value);
      save(map);
      cache = map;
    },
    origin: (name) => {
      try {
        return load().has(name) ? 'store' : null;
      } catch {
        return null;
      }
    },
  };
}

export const SECRET_ENV: Record<SecretName, string> = {
  connectionString: 'CAPTURE_CONNECTION_STRING',
  orderEndpointToken: 'CAPTURE_ORDER_TOKEN',
  worklistHttpToken: 'CAPTURE_WORKLIST_TOKEN',
};

/** Environment variables win over the store; a secret from the environment cannot be changed in the app. */
export function withEnvironmentSecrets(store: SecretStore, env: NodeJS.ProcessEnv = process.env): SecretStore {
  const fromEnv = (name: SecretName): string | null => {
    const v = env[SECRET_ENV[name]]?.trim();
    return v ? v : null;
  };
  const anyEnv = SECRET_NAMES.some((n) => fromEnv(n) !== null);
  return {
    description: anyEnv ? `${store.description}; environment variables (${SECRET_NAMES.filter((n) => fromEnv(n)).map((n) => SECRET_ENV[n]).join(', ')}) take precedence` : store.description,
    get: (name) => fromEnv(name) ?? store.get(name),
    set: (name, value) => store.set(name, value),
    origin: (name) => (fromEnv(name) !== null ? 'environment' : store.origin(name)),
  };
}

/** The headless host's store: `<dataDir>/secrets.json` (mode 0600), environment variables first. */
export function headlessSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretStore {
  return withEnvironmentSecrets(encryptedFileSecretStore(path.join(dataDir, 'secrets.json'), plainCipher), env);
}
