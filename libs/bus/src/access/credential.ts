// A bus credential: the NATS nkey seed of one keel service, in <etc>/bus/<role>.nk (one line, the
// seed as nats-server's nkey tools write it, "SU..."), mode 0600, owned by root. The server only
// knows the public keys (authorization.conf). A missing, unreadable, malformed or group/world-
// accessible file is refused before connecting, naming the file.
import { readFileSync, statSync } from 'node:fs';
import { nkeys } from 'nats';

/** Why a bus credential was refused; the message names the file and says what to do. */
export class BusCredentialError extends Error {
  override readonly name = 'BusCredentialError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(
      `bus credential ${file}: ${problem}. keel's services and the keel command authenticate to the ` +
        `node's bus with it; (re)create the node's bus files as root with \`keel bus init\``,
    );
  }
}

export interface BusCredential {
  /** The keel role (BUS_ROLES) it authenticates, or a test harness's own user. */
  readonly role: string;
  readonly file: string;
  /** The nkey seed, as text bytes ("SU..."). */
  readonly seed: Uint8Array;
  /** What the server knows the role by ("U..."). */
  readonly publicKey: string;
}

/** Checks the text of a credential file; throws BusCredentialError. */
export function parseBusCredential(text: string, file: string, role: string): BusCredential {
  const seedText = text.trim();
  if (seedText.length === 0) throw new BusCredentialError(file, 'the file is empty');
  if (!seedText.startsWith('SU')) {
    throw new BusCredentialError(file, 'the file does not hold a NATS user nkey seed (SU...)');
  }
  const seed = new TextEncoder().encode(seedText);
  try {
    const pair = nkeys.fromSeed(seed);
    return { role, file, seed, publicKey: pair.getPublicKey() };
  } catch {
    throw new BusCredentialError(file, 'the nkey seed is malformed');
  }
}

/** Reads and checks a credential file (mode 0600 or stricter); throws BusCredentialError. */
export function loadBusCredentialFile(file: string, role: string): BusCredential {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new BusCredentialError(file, cannotRead(err, 'the file does not exist'));
  }
  if ((mode & 0o077) !== 0) {
    throw new BusCredentialError(
      file,
      `permissions ${(mode & 0o777).toString(8).padStart(4, '0')} let other users read it; run chmod 600 ${file}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BusCredentialError(file, cannotRead(err));
  }
  return parseBusCredential(text, file, role);
}

/** A new random seed for a credential file (its text, "SU..."). */
export function newBusCredentialSeed(): string {
  return new TextDecoder().decode(nkeys.createUser().getSeed());
}

function cannotRead(err: unknown, missing?: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && missing) return missing;
  if (code === 'EACCES') return 'permission denied (only root may use the bus credentials)';
  return `cannot read it (${code ?? (err as Error).message})`;
}
