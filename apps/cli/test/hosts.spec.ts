import { overallExit, parseHosts, serverBanner } from '../src/remote/hosts';

// keel -H's server lists (safekit-ops §9.8), against a two-node cluster.xml served over HTTP on 9010.
const ctx = {
  nodes: [
    { name: 'node1', addr: '10.0.0.1' },
    { name: 'node2', addr: 'fd00::2' },
  ],
  https: false,
  port: 9010,
};
const sut = (spec: string, c = ctx) => parseHosts(spec, c).map((t) => t.origin);

it('"*" is every node of cluster.xml with this node\'s scheme and port', () => {
  expect(sut('*')).toEqual(['http://10.0.0.1:9010', 'http://[fd00::2]:9010']);
  expect(sut('*', { ...ctx, https: true, port: 9453 })).toEqual([
    'https://10.0.0.1:9453',
    'https://[fd00::2]:9453',
  ]);
});

it('node names, hosts, a [scheme:port] prefix and URLs', () => {
  expect(sut('node2,node1')).toEqual(['http://[fd00::2]:9010', 'http://10.0.0.1:9010']);
  expect(sut('[https:9500],S1.company.com,10.0.0.9')).toEqual([
    'https://S1.company.com:9500',
    'https://10.0.0.9:9500',
  ]);
  expect(sut('[https],node1')).toEqual(['https://10.0.0.1:9453']);
  expect(sut('[http],h')).toEqual(['http://h:9010']);
  expect(sut('http://192.16.0.2:9010, https://[::1]:9453,https://b')).toEqual([
    'http://192.16.0.2:9010',
    'https://[::1]:9453',
    'https://b:9453',
  ]);
});

it('refuses lists that say nothing usable, naming the item', () => {
  expect(() => sut('')).toThrow('give *, node names');
  expect(() => sut('node1,,node2')).toThrow('give *, node names');
  expect(() => sut('[https:99999],a')).toThrow('port 99999 is not between 1 and 65535');
  expect(() => sut('http://a:9010/api')).toThrow('http://a:9010/api: give only scheme, host and port');
  expect(() => sut('a b')).toThrow('a b is neither a node of cluster.xml nor a host name or address');
  expect(() => sut('*', { ...ctx, nodes: [] })).toThrow('cluster.xml lists no node');
});

it("prints SafeKit's banner and exits 0 only when every server succeeded", () => {
  expect(serverBanner('http://10.0.0.1:9010')).toBe(
    '---------------- Server=http://10.0.0.1:9010 ----------------',
  );
  expect(overallExit([0, 0])).toBe(0);
  expect(overallExit([0, 3, 1])).toBe(3);
});
