// The node's bus files, all in <etc>/bus (default /etc/keel/bus), directory 0700, files 0600:
//   nats-server.conf    keel's nats-server configuration (shipped as deploy/nats/nats-server.conf)
//   authorization.conf  generated: one nkey user per keel service with its subjects
//   <role>.nk           one credential (nkey seed) per keel service: admin.nk, cli.nk, ...
import { join } from 'node:path';
import type { BusRole } from '@keel/bus';

/** keel's nats-server configuration, as shipped, relative to where keel is installed. */
export const SHIPPED_NATS_SERVER_CONFIG = 'deploy/nats/nats-server.conf';

export interface BusFiles {
  readonly dir: string;
  /** What nats-server is started with (`nats-server -c <config>`). */
  readonly config: string;
  readonly authorization: string;
  /** The credential of one keel service. */
  credential(role: BusRole): string;
}

/** The bus files under a node's etc directory ($KEEL_ETC, default /etc/keel). */
export function busFiles(etc: string): BusFiles {
  const dir = join(etc, 'bus');
  return {
    dir,
    config: join(dir, 'nats-server.conf'),
    authorization: join(dir, 'authorization.conf'),
    credential: (role) => join(dir, `${role}.nk`),
  };
}
