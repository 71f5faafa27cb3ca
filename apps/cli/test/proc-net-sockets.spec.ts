import { boundSockets } from '../src/support/healthcheck/system-probe';

// The sockets of a /proc/net table: listening TCP sockets only, every bound UDP one, with inode.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:2332 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A3F2 0100007F:2332 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:22B8 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5151 2 0000000000000000 0
`;

test('a listening TCP socket and a bound UDP one; a connected TCP socket is not listening', () => {
  expect(boundSockets(TCP, 'tcp')).toEqual([{ port: 9010, inode: '4242' }]);
  expect(boundSockets(UDP, 'udp')).toEqual([{ port: 8888, inode: '5151' }]);
  expect(boundSockets('header only\n', 'udp')).toEqual([]);
});
