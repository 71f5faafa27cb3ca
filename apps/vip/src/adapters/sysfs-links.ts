// Carriers from /sys/class/net/<if>/carrier (the sysfs of this node's network namespace): a read
// of a small file, cheap enough to poll every 100 ms, and what `ip link` shows as LOWER_UP.
import { readFileSync } from 'node:fs';
import type { LinkPort } from '../ports/address.port';

/** What Linux accepts as an interface name (dev_valid_name): no '/', no blank, not '.' or '..'. */
const NAME = /^[^/\s:]{1,15}$/;

export const sysfsLinks: LinkPort = {
  carrier(ifname: string): boolean | undefined {
    if (!NAME.test(ifname) || ifname === '.' || ifname === '..') return undefined;
    try {
      return readFileSync(`/sys/class/net/${ifname}/carrier`, 'utf8').trim() === '1';
    } catch (err) {
      // EINVAL: the interface exists but is administratively down (no carrier to read).
      return (err as NodeJS.ErrnoException).code === 'EINVAL' ? false : undefined;
    }
  },
};
