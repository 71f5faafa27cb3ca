// `<vip tcpreset>` with iproute2's `ss -K`: the kernel destroys every TCP socket whose local address
// is the VIP (SOCK_DESTROY, CONFIG_INET_DIAG_DESTROY), so clients get a reset instead of waiting on
// a peer that no longer holds the address.
import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import type { ConnectionReset } from '../ports/address.port';

const SS = '/usr/bin/ss';

export const ssConnectionReset: ConnectionReset = {
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
};
