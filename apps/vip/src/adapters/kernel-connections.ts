// A VIP's TCP connections as the kernel of this node's network namespace has them:
//  - `<vip tcpreset>` with iproute2's `ss -K`: the kernel destroys every TCP socket whose local
//    address is the VIP (SOCK_DESTROY, CONFIG_INET_DIAG_DESTROY), so clients get a reset instead
//    of waiting on a peer that no longer holds the address;
//  - `<virtual_addr connections="on">`: the established ones counted in /proc/net/tcp{,6}.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { endianness } from 'node:os';
import { establishedFrom } from '../core/proc-net-tcp';
import type { VipConnections } from '../ports/address.port';

const SS = '/usr/bin/ss';

export const kernelConnections: VipConnections = {
  resetFrom(addr: string): Promise<void> {
    if (isIP(addr) === 0) return Promise.reject(new Error(`not an address: ${addr}`));
    const v4 = isIP(addr) === 4;
    // ss reads an IPv6 address in a filter only between brackets.
    const src = v4 ? addr : `[${addr}]`;
    return new Promise((resolve, reject) =>
      execFile(SS, ['-K', '-n', '-t', v4 ? '-4' : '-6', 'src', src], { timeout: 2_000 }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  },

  async established(addr: string): Promise<number> {
    const file = isIP(addr) === 6 ? '/proc/net/tcp6' : '/proc/net/tcp';
    return establishedFrom(await readFile(file, 'utf8'), addr, endianness() === 'LE');
  },
};
