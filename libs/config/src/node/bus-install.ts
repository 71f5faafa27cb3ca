// Creates (or completes) a node's bus files at install or lab start: a credential per keel role
// that lacks one (existing ones are kept, so running services stay connected), the authorization
// generated from the role table, and keel's nats-server configuration. Root-only: 0700 / 0600.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  BUS_ROLES,
  newBusCredentialSeed,
  parseBusCredential,
  renderNatsAuthorization,
  roleUser,
  type AuthorizedUser,
  type BusRole,
} from '@keel/bus';
import { busFiles } from './bus-files';

/** The file operations of an installation (a fake in unit tests). */
export interface BusFilesPort {
  /** The file's text, or undefined when it does not exist. */
  read(file: string): string | undefined;
  /** Writes the whole file (replacing it at once), mode 0600. */
  writePrivate(file: string, text: string): void;
  /** Creates the directory if needed and sets mode 0700. */
  privateDir(dir: string): void;
}

export interface BusInstallOptions {
  /** The text of deploy/nats/nats-server.conf. */
  readonly serverConfig: string;
  /** New credentials for every role, the old ones stop working once nats-server reloads. */
  readonly rotate?: boolean;
  /** Users added to the authorization (the medium-test harness adds its observer). */
  readonly extraUsers?: readonly AuthorizedUser[];
  readonly files?: BusFilesPort;
}

export interface BusInstallResult {
  readonly created: readonly BusRole[];
  readonly kept: readonly BusRole[];
}

/** Writes the bus files under `etc`; throws BusCredentialError for a malformed kept credential. */
export function installBusFiles(etc: string, options: BusInstallOptions): BusInstallResult {
  const fs = options.files ?? localBusFiles;
  const paths = busFiles(etc);
  fs.privateDir(paths.dir);
  const created: BusRole[] = [];
  const kept: BusRole[] = [];
  const users: AuthorizedUser[] = [];
  for (const role of BUS_ROLES) {
    const file = paths.credential(role);
    const existing = options.rotate ? undefined : fs.read(file);
    const seed = existing ?? `${newBusCredentialSeed()}\n`;
    const credential = parseBusCredential(seed, file, role);
    fs.writePrivate(file, seed);
    (existing === undefined ? created : kept).push(role);
    users.push(roleUser(role, credential.publicKey));
  }
  fs.writePrivate(paths.authorization, renderNatsAuthorization([...users, ...(options.extraUsers ?? [])]));
  fs.writePrivate(paths.config, options.serverConfig);
  return { created, kept };
}

export const localBusFiles: BusFilesPort = {
  read(file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  writePrivate(file, text) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  },
  privateDir(dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  },
};
