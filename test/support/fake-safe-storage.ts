// A stand-in for Electron's safeStorage under plain Node: "encrypts" by XOR with a key and a marker,
// so ciphertext never shows the plain text, and a different key (a reset keychain) cannot decrypt.
import type { SafeStorageLike } from '../../electron/main/credential-store.ts';

export interface FakeSafeStorage extends SafeStorageLike {
  available: boolean;
  backend: string;
  /** The next decryption says the key was rotated. */
  rotateOnce: boolean;
  encrypted: string[];
}

export function fakeSafeStorage({
  available = true,
  backend = 'gnome_libsecret',
  key = 0x5a,
}: { available?: boolean; backend?: string; key?: number } = {}): FakeSafeStorage {
  const marker = Buffer.from([0x76, 0x31, 0x30, key]);
  const xor = (bytes: Buffer) => Buffer.from(bytes.map((byte) => byte ^ key));
  const storage: FakeSafeStorage = {
    available,
    backend,
    rotateOnce: false,
    encrypted: [],
    isAsyncEncryptionAvailable: async () => storage.available,
    async encryptStringAsync(plainText) {
      if (!storage.available) throw new Error('Encryption is not available');
      storage.encrypted.push(plainText);
      return Buffer.concat([marker, xor(Buffer.from(plainText, 'utf8'))]);
    },
    async decryptStringAsync(encrypted) {
      if (!encrypted.subarray(0, marker.length).equals(marker))
        throw new Error('Error while decrypting the ciphertext');
      const shouldReEncrypt = storage.rotateOnce;
      storage.rotateOnce = false;
      return { result: xor(encrypted.subarray(marker.length)).toString('utf8'), shouldReEncrypt };
    },
    getSelectedStorageBackend: () => storage.backend,
  };
  return storage;
}
