// The desktop host's secret store: the cloud secrets encrypted with the operating system's key
// store through Electron's safeStorage (DPAPI on Windows, the Keychain on macOS, libsecret/kwallet
// on Linux), in <userData>/secrets.json (mode 0600). The file format and atomic writes live in the
// core (encryptedFileSecretStore); this file only supplies the cipher.
import { safeStorage } from 'electron';
import path from 'node:path';
import { encryptedFileSecretStore, type SecretCipher, type SecretStore } from '../core/sync/secrets.ts';

export interface ElectronSecrets {
  store: SecretStore;
  /** Set when the secrets cannot be protected properly here, in words for IT. */
  warning: string | null;
}

export function electronSecretStore(userData: string): ElectronSecrets {
  const available = safeStorage.isEncryptionAvailable();
  // Linux without a keyring: Electron falls back to a fixed key ('basic_text'), which is not protection.
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  const weak = !available || backend === 'basic_text' || backend === 'unknown';
  const cipher: SecretCipher = {
    description: weak
      ? 'in a file only this user account can read (mode 0600); the system key store is not available here, so they are not encrypted with it'
      : "encrypted with the operating system's key store (Electron safeStorage)",
    encrypt: (plain) => (available ? safeStorage.encryptString(plain) : Buffer.from(plain, 'utf8')),
    decrypt: (sealed) => (available ? safeStorage.decryptString(sealed) : sealed.toString('utf8')),
  };
  return {
    store: encryptedFileSecretStore(path.join(userData, 'secrets.json'), cipher),
    warning: weak
      ? 'The cloud secrets cannot be encrypted with the system key store on this computer (no keyring available); they are kept in a file only this user account can read. Ask IT to set up a keyring (GNOME Keyring or KWallet).'
      : null,
  };
}
