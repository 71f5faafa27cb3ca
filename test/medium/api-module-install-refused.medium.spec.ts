// POST /api/v1.0/modules with bad .safe packages against a real node: a path trick, an invalid
// userconfig.xml and what is no zip are each a 400 that says why (the entry, or the
// configuration's line), and the node's modules are as before, with nothing left staged.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeZip } from '@keel/config';
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

const entry = (name: string, data: string, mode = 0o644) => ({ name, mode, data: Buffer.from(data) });

test('a bad .safe is refused with the reason and installs nothing', async () => {
  const modules = join(n.node.etc, 'modules');
  const install = (safe: Buffer) =>
    call(n.base, 'POST', '/api/v1.0/modules', {
      key: n.keys.Admin,
      json: { name: 'app', safe: safe.toString('base64') },
    });

  // A name that would land outside the module (patched in: writeZip refuses to write it).
  const good = writeZip([entry('conf/userconfig.xml', '<safe/>'), entry('bin/aaaaaaaaaaaaaaaa', 'x')]);
  const trick = Buffer.from(
    good.toString('latin1').split('bin/aaaaaaaaaaaaaaaa').join('bin/../../../../cron'),
    'latin1',
  );
  const r1 = await install(trick);
  expect(r1).toMatchObject({
    status: 400,
    body: {
      field: 'body.safe',
      message:
        'body.safe: not a module package: entry "bin/../../../../cron": a ".." segment: the name leaves the package',
    },
  });

  const invalid = writeZip([entry('conf/userconfig.xml', '<safe><service mode="mirrror"/></safe>')]);
  const r2 = await install(invalid);
  expect(r2.status).toBe(400);
  expect(r2.body.message).toMatch(
    /^configuration not valid: app\.safe:conf\/userconfig\.xml:1:\d+: \/safe\/service @mode: /,
  );

  const notZip = await install(Buffer.from('this is no zip'));
  expect(notZip.body.message).toBe(
    'body.safe: not a module package: not a zip archive (no end of central directory)',
  );

  // The node's modules are as they were; nothing half-written stays.
  expect(readdirSync(modules).filter((d) => d !== '.staging')).toEqual(['demo']);
  expect(existsSync(join(modules, '.staging')) ? readdirSync(join(modules, '.staging')) : []).toEqual([]);
  expect(
    (await call(n.base, 'GET', '/api/v1.0/modules', { key: n.keys.Admin })).body.map(
      (m: { name: string }) => m.name,
    ),
  ).toEqual(['demo']);
});
