// Counting a VIP's established connections in the kernel's /proc/net/tcp{,6} (pure).
import { decodeAddress, establishedFrom } from '../src/core/proc-net-tcp';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0A0012C6:1F90 650012C6:B2C4 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 20 4 30 10 -1
   1: 0A0012C6:1F90 650012C6:B2C6 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
   2: 0A0012C6:1F90 650012C6:B2C8 06 00000000:00000000 03:00000D1E 00000000     0        0 0 3 0
   3: 0100007F:A312 0100007F:9995 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0
`;

test('established connections whose local address is the VIP (198.18.0.10 is 0A0012C6 little-endian)', () => {
  expect(establishedFrom(TCP, '198.18.0.10', true)).toBe(2);
  expect(establishedFrom(TCP, '127.0.0.1', true)).toBe(1);
  expect(establishedFrom(TCP, '198.18.0.11', true)).toBe(0);
});

test('IPv6 addresses are four 32-bit words in host order', () => {
  // 2001:2::10 as the kernel writes it on a little-endian host.
  expect(decodeAddress('02000120000000000000000010000000', true)).toBe('2001:2::10');
  expect(decodeAddress('20010002000000000000000000000010', false)).toBe('2001:2::10');
  expect(decodeAddress('C612000A', false)).toBe('198.18.0.10');
  expect(decodeAddress('xyz', true)).toBeUndefined();
});
