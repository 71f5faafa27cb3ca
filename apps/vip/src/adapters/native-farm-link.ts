// The farm's link side through keel-vip (bound by @keel/native) and the interface's sysctl.
import { writeFile } from 'node:fs/promises';
import { announceAs, holdUnicast, startResponder } from '@keel/native';
import { mapped } from './native-addresses';
import { AddressError } from '../ports/address.port';
import type { FarmLinkPort } from '../ports/farm-link.port';

// An interface name the kernel would accept, and nothing that walks out of /proc/sys.
const IFNAME = /^[A-Za-z0-9_.@+-]{1,15}$/;

export const nativeFarmLink: FarmLinkPort = {
  startResponder: (ifname, addresses, vmac) => mapped(() => startResponder(ifname, addresses, vmac)),
  holdUnicast: (ifname, vmac) => mapped(() => holdUnicast(ifname, vmac)),
  announceAs: async (ifname, addr, vmac) => mapped(() => announceAs(ifname, addr, vmac)),
  preferOwnSource: async (ifname) => {
    if (!IFNAME.test(ifname) || ifname === '.' || ifname === '..')
      throw new AddressError('NO_INTERFACE', `interface name ${JSON.stringify(ifname)} is not one`);
    await writeFile(`/proc/sys/net/ipv4/conf/${ifname}/arp_announce`, '2\n');
  },
};
