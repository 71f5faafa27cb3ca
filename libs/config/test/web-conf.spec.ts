import { parseWebConf as parse, withHttps } from '../src/web/web-conf';

// web.conf: ports and HTTPS; a bad line refuses the file, naming it and the line.
const sut = (text: string) => parse(text, '/etc/keel/web/web.conf', '/etc/keel');

it("defaults to HTTP on 9010; https = on uses keel's PKI files unless others are named", () => {
  expect(sut('')).toEqual({ file: '/etc/keel/web/web.conf', httpPort: 9010 });
  expect(sut('# x\nhttps = on\nkey = /srv/k.pem\n').https).toEqual({
    port: 9453,
    cert: '/etc/keel/web/tls/server.crt',
    key: '/srv/k.pem',
    ca: '/etc/keel/web/tls/ca.crt',
  });
  expect(sut('https = off\nhttps_port = 1\n').https).toBeUndefined();
});

it('names the file and line of a problem', () => {
  expect(() => sut('https = on\nhttp_port = x')).toThrow(
    '/etc/keel/web/web.conf: line 2: http_port must be a port number',
  );
  expect(() => sut('cert = relative.crt')).toThrow('line 1: cert must be an absolute path');
  expect(() => sut('tls = on')).toThrow('line 1: unknown key tls');
  expect(() => sut('https = yes')).toThrow('line 1: https must be on or off');
  expect(() => sut('https = on\nhttps_port = 9010')).toThrow('http_port and https_port must differ');
});

it('sets https = on|off keeping the other lines', () => {
  expect(withHttps('', true)).toBe('https = on\n');
  expect(withHttps('http_port = 80\nhttps = on\n', false)).toBe('http_port = 80\nhttps = off\n');
});
