import type { CredentialEntry, CredentialKind } from '@keel/config';

/** The web service's users and API keys, wherever they are kept (FileCredentialStore: in files). */
export interface CredentialStore {
  /** The current entries; throws CredentialFileError when the file cannot be trusted or read. */
  entries(kind: CredentialKind): ReadonlyMap<string, CredentialEntry>;
  /** Replaces every entry of the kind (atomically: readers see the old file or the new one). */
  save(kind: CredentialKind, entries: Iterable<CredentialEntry>): void;
}

export const CREDENTIAL_STORE = Symbol.for('keel.api.credentialStore');
