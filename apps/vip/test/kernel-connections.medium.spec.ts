// connections="on" against the real kernel: a connection made on a loopback address nothing else
// uses (127.0.0.77) is counted from /proc/net/tcp, both of its ends having it as local address. (The reset, `ss -K`, is only
// run in lab namespaces: here it would end every loopback connection of the machine.)
import { createServer, connect, type Server, type Socket } from 'node:net';
import { kernelConnections } from '../src/adapters/kernel-connections';

let server: Server;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await new Promise((r) => server.close(r));
});

const ADDR = '127.0.0.77';

test('an established connection is counted for its local address, both ends of it', async () => {
  server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, ADDR, r));
  const port = (server.address() as { port: number }).port;
  expect(await kernelConnections.established(ADDR)).toBe(0);
  const client = connect({ port, host: ADDR, localAddress: ADDR });
  sockets.push(client);
  await new Promise((r) => client.once('connect', r));
  expect(await kernelConnections.established(ADDR)).toBe(2);
});

test('a dual-stack server (listening on ::) holds its IPv4 clients as ::ffff:<addr>: counted too', async () => {
  const addr = '127.0.0.78';
  server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen({ port: 0, host: '::', ipv6Only: false }, r));
  const port = (server.address() as { port: number }).port;
  const client = connect({ port, host: addr, localAddress: addr });
  sockets.push(client);
  await new Promise((r) => client.once('connect', r));
  // The client's end in /proc/net/tcp, the server's in /proc/net/tcp6.
  expect(await kernelConnections.established(addr)).toBe(2);
});
