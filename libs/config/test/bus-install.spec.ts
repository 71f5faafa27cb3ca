// `keel bus init`'s work, on a fake file system: a credential per keel role, kept across runs
// unless rotated, every file private, and an authorization listing each role's public key.
import { BUS_ROLES, parseBusCredential } from '@keel/bus';
import { busFiles, installBusFiles, type BusFilesPort } from '../src';

function fakeFiles() {
  const files = new Map<string, string>();
  const dirs: string[] = [];
  const port: BusFilesPort = {
    read: (f) => files.get(f),
    writePrivate: (f, text) => void files.set(f, text),
    privateDir: (d) => void dirs.push(d),
  };
  return { files, dirs, port };
}

const paths = busFiles('/etc/keel');

it('writes a credential for every role, the authorization and the shipped server configuration', () => {
  const fs = fakeFiles();
  const result = installBusFiles('/etc/keel', { serverConfig: 'listen: "127.0.0.1:4222"\n', files: fs.port });

  expect(result).toEqual({ created: [...BUS_ROLES], kept: [] });
  expect(fs.dirs).toEqual(['/etc/keel/bus']);
  expect(fs.files.get('/etc/keel/bus/nats-server.conf')).toBe('listen: "127.0.0.1:4222"\n');
  const authorization = fs.files.get(paths.authorization)!;
  for (const role of BUS_ROLES) {
    const credential = parseBusCredential(
      fs.files.get(paths.credential(role))!,
      paths.credential(role),
      role,
    );
    expect(authorization).toContain(`# ${role}\n    { nkey: "${credential.publicKey}"`);
  }
});

it('keeps existing credentials, and replaces them all with --rotate', () => {
  const fs = fakeFiles();
  installBusFiles('/etc/keel', { serverConfig: '', files: fs.port });
  const first = fs.files.get(paths.credential('admin'));

  expect(installBusFiles('/etc/keel', { serverConfig: '', files: fs.port })).toEqual({
    created: [],
    kept: [...BUS_ROLES],
  });
  expect(fs.files.get(paths.credential('admin'))).toBe(first);

  installBusFiles('/etc/keel', { serverConfig: '', files: fs.port, rotate: true });
  expect(fs.files.get(paths.credential('admin'))).not.toBe(first);
});

it('refuses to keep a damaged credential, naming its file', () => {
  const fs = fakeFiles();
  fs.files.set(paths.credential('rfs'), 'not a seed');
  expect(() => installBusFiles('/etc/keel', { serverConfig: '', files: fs.port })).toThrow(
    `bus credential ${paths.credential('rfs')}:`,
  );
});
