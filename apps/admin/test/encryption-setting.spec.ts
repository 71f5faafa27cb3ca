import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modulePaths, nodePaths } from '@keel/config';
import { runtimeHarness } from './support/runtime-harness';

// usersetting.encryption (safekit-ops §10.7): on when the module's conf/encryption exists
// (keel module genkey), off otherwise.
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart></service></safe>`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-encryption-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function sut(encrypted: boolean) {
  if (encrypted) {
    const dirs = nodePaths({
      KEEL_ETC: join(dir, 'etc'),
      KEEL_VAR: join(dir, 'var'),
      KEEL_HOME: '/opt/keel',
    });
    const conf = modulePaths(dirs, 'demo').conf;
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'encryption'), '# keel module genkey\n');
  }
  const h = await runtimeHarness(dir, MODULE);
  return h.sut.resources.get('usersetting.encryption')?.value;
}

test('reads on when the module has its encryption marker', async () => {
  expect(await sut(true)).toBe('on');
});

test('reads off without the marker', async () => {
  expect(await sut(false)).toBe('off');
});
