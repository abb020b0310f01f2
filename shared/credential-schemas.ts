// What the page may ask about remembered board credentials, and what it is told. The page never
// receives a stored secret: it hears only where credentials are saved for a device (`saved`), and
// what the OS offers to keep them in (`keychain`).
import { z } from 'zod';

/**
 * Where a push or plan asks the main process to keep the credentials it carries: in the OS keychain
 * (Electron safeStorage, survives a restart), for this session only (memory), or not at all.
 */
export const rememberChoiceSchema = z.union([z.literal('keychain'), z.literal('session'), z.literal(false)]);

/** The fields a push or plan request adds to ask for remembering (read by the main process only). */
export const rememberFields = {
  remember: rememberChoiceSchema.optional(),
  /**
   * Linux without a keychain (safeStorage's `basic_text` backend encrypts with a key anyone can
   * read): keep them on disk all the same, because the user explicitly said so.
   */
  keychainOptIn: z.literal(true).optional(),
};

export type RememberChoice = z.infer<typeof rememberChoiceSchema>;

/**
 * What the OS offers: a real keychain; Linux's `basic_text` (stored only after an explicit opt-in);
 * or no encryption at all (remembered for this session only).
 */
export type KeychainState = 'available' | 'basic-text' | 'unavailable';

/** Saved credentials of one device, as the page may see them: where, never what. */
export interface SavedCredentials {
  deviceId: string;
  /** Where they are kept, or null when none are. */
  saved: 'keychain' | 'session' | null;
  keychain: KeychainState;
  /** One sentence for the user when something is not as asked (session only, an unreadable file). */
  note?: string;
}
