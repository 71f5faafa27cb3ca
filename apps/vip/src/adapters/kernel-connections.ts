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
  async resetFrom(addr: string): Promise<void> {
    if (isIP(addr) === 0) throw new Error(`not an address: ${addr}`);
    // ss reads an IPv6 address in a filter only between brackets. An IPv4 VIP's clients may be
    // held by a dual-stack socket (a server listening on ::) as ::ffff:<addr>: both go.
    if (isIP(addr) === 6) return destroy(['-6', 'src', `[${addr}]`]);
    await destroy(['-4', 'src', addr]);
    await destroy(['-6', 'src', `[::ffff:${addr}]`]);
  },

  async established(addr: string): Promise<number> {
    const le = endianness() === 'LE';
    const tcp6 = await readFile('/proc/net/tcp6', 'utf8');
    if (isIP(addr) === 6) return establishedFrom(tcp6, addr, le);
    // An IPv4 VIP's clients held by dual-stack sockets are in tcp6, as ::ffff:<addr>.
    return (
      establishedFrom(await readFile('/proc/net/tcp', 'utf8'), addr, le) +
      establishedFrom(tcp6, `::ffff:${addr}`, le)
    );
  },
};

function destroy(filter: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(SS, ['-K', '-n', '-t', ...filter], { timeout: 2_000 }, (err) => (err ? reject(err) : resolve())),
  );
}
