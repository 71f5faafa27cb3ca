import { packModule, unpackModule } from '../src/package/module-package';
import { writeZip, type ZipInput } from '../src/package/zip';

// A .safe's layout (safekit-ops §10.1): conf/userconfig.xml, conf/, bin/, web/.
const f = (name: string, mode = 0o644, data = 'x'): ZipInput => ({ name, mode, data: Buffer.from(data) });
const sut = (entries: ZipInput[]) => unpackModule(writeZip(entries));

it('takes conf/, bin/ and web/, scripts executable, nothing setuid or writable by others', () => {
  const files = sut([
    f('conf/userconfig.xml'),
    f('bin/start_prim', 0o4777),
    f('bin/notes.txt', 0o666),
    f('web/index.html'),
  ]);
  expect(files.map((x) => [x.path, x.mode.toString(8)])).toEqual([
    ['conf/userconfig.xml', '644'],
    ['bin/start_prim', '755'],
    ['bin/notes.txt', '644'],
    ['web/index.html', '644'],
  ]);
});

it('drops one directory around everything (a module directory zipped from outside)', () => {
  expect(
    sut([f('mirror/'), f('mirror/conf/userconfig.xml'), f('mirror/bin/stop_prim', 0o755)]).map((x) => x.path),
  ).toEqual(['conf/userconfig.xml', 'bin/stop_prim']);
});

it('refuses what is not a module package, naming the entry', () => {
  expect(() => sut([f('bin/start_prim')])).toThrow('no conf/userconfig.xml: not a module package');
  expect(() => sut([f('conf/userconfig.xml'), f('etc/cron.d/x')])).toThrow(
    'entry "etc/cron.d/x": not part of a module package (only conf/, bin/, web/)',
  );
  expect(() => sut([f('conf/userconfig.xml'), f('bin/x'), f('bin/x/y')])).toThrow(
    'entry "bin/x": a file, and the directory of bin/x/y',
  );
});

it('packs the same files into the same bytes, whatever their order', () => {
  const a = { path: 'conf/userconfig.xml', mode: 0o644, data: Buffer.from('<safe/>') };
  const b = { path: 'bin/start_prim', mode: 0o755, data: Buffer.from('#!/bin/sh') };
  expect(packModule([a, b]).equals(packModule([b, a]))).toBe(true);
  expect(unpackModule(packModule([a, b]))).toEqual([b, a]);
});
