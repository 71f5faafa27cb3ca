// Which addresses may be a virtual IP, and the one way an address is written (decision 0016).
import { canonicalAddress, virtualIpProblem } from '../src';

test.each([
  ['2001:0002:0:0::0010', '2001:2::10'],
  ['2001:DB8::1', '2001:db8::1'],
  ['2001:2:0:1:0:0:0:10', '2001:2:0:1::10'],
  ['198.18.0.10', '198.18.0.10'],
])('%s is written %s', (addr, canonical) => {
  expect(canonicalAddress(addr)).toBe(canonical);
});

test.each([
  ['web.example', 'is a name: write the address (a failover must not wait on a name server)'],
  ['127.0.0.2', 'is a loopback address'],
  ['169.254.1.1', 'is a link-local address (169.254.0.0/16)'],
  ['0.0.0.0', 'is the unspecified address'],
  ['224.0.0.1', 'is a multicast or reserved address'],
  ['::1', 'is the loopback address'],
  ['::', 'is the unspecified address'],
  ['ff02::1', 'is a multicast address'],
  ['::ffff:198.18.0.1', 'is an IPv4-mapped address: write the IPv4 address'],
  ['2001:2::10%eth0', 'carries a zone (%): write the address alone, with <interface name>'],
])('%s %s', (addr, problem) => {
  expect(virtualIpProblem(addr)).toBe(problem);
});

test.each(['198.18.0.10', '2001:2::10', '10.0.0.1', '126.255.255.255', '128.0.0.1'])(
  '%s may be a virtual IP',
  (addr) => {
    expect(virtualIpProblem(addr)).toBeUndefined();
  },
);
