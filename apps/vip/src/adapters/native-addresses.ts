// The node's addresses through rtnetlink and the announcements through a raw socket, both in
// native/crates/keel-vip (bound by @keel/native): iproute2 cannot mark an address as keel's
// (IFA_PROTO), and the marker is what lets a restart or the module's fence tell keel's addresses
// from the administrator's.
import { addAddress, announce, conflict, keelAddresses, removeAddress, VipNativeError } from '@keel/native';
import { AddressError, type AddressPort } from '../ports/address.port';

/** Runs a native call; its VipNativeError becomes the port's AddressError (same code). */
export function mapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof VipNativeError) throw new AddressError(err.code, err.message);
    throw err;
  }
}

export const nativeAddresses: AddressPort = {
  list: async () =>
    mapped(() => keelAddresses()).map((a) => ({
      ifname: a.ifname,
      addr: a.addr,
      prefix: a.prefix,
      keel: a.keel,
    })),
  add: async (a) => mapped(() => addAddress(a.ifname, a.addr, a.prefix)),
  remove: async (a) => mapped(() => removeAddress(a.ifname, a.addr, a.prefix)),
  announce: async (ifname, addr) => mapped(() => announce(ifname, addr)),
  conflict: async (ifname, addr, timeoutMs) => {
    try {
      return (await conflict(ifname, addr, timeoutMs)) ?? undefined;
    } catch (err) {
      if (err instanceof VipNativeError) throw new AddressError(err.code, err.message);
      throw err;
    }
  },
};
