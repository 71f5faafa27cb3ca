// What identifies this machine besides $KEEL_NODE (read from the OS; resolveNodeName is pure).
import { hostname, networkInterfaces } from 'node:os';
import type { HostFacts } from './node-name';

export type Machine = Omit<HostFacts, 'explicit'>;

export function thisMachine(): Machine {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address);
  return { hostname: hostname(), localAddresses: addresses };
}
