import { join } from 'node:path';
import { DATA_DIR, ROOT, type Node } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';
import { until } from './run-support';

// Issue 11, Done when 2: a mixed workload on the primary — creates, writes at offsets, truncate,
// rename over, unlink, mkdir/rmdir, chmod/chown, symbolic and hard links, sparse and large files,
// extended attributes, a fifo, fallocate — leaves the secondary identical (content, sizes, modes,
// owners, links, xattrs: test/fixtures/tree-hash.js), live and after a reintegration of changes
// made while the secondary was stopped.
const DIR = join(DATA_DIR, 'mixed');
const TREE_HASH = join(ROOT, 'test/fixtures/tree-hash.js');

const LIVE = `set -e
mkdir -p ${DIR} && cd ${DIR}
printf hello > a
dd if=/dev/urandom of=big bs=1M count=48 status=none
dd if=/dev/urandom of=big bs=4k count=3 seek=1000 conv=notrunc status=none
truncate -s 1G sparse
printf end | dd of=sparse bs=1 seek=536870912 conv=notrunc status=none
printf 'long content here' > t && truncate -s 4 t
printf new > tmp && mv -f tmp a
printf gone > g && rm g
mkdir -p d1/d2 && printf x > d1/d2/f && mkdir e && rmdir e
chmod 0640 a && chown 1234:5678 a && chmod 2750 d1
ln -s d1/d2/f sym && ln -s /nonexistent dangling
ln a hard1 && ln a d1/hard2
setfattr -n user.color -v blue a
setfattr -n user.long -v "$(head -c 3000 /dev/zero | tr '\\0' x)" big
setfattr -n user.gone -v x t && setfattr -x user.gone t
setfattr -h -n trusted.on-link -v 1 sym
mkfifo fifo && chmod 0600 fifo
fallocate -l 1M reserved
fallocate -n -o 0 -l 2M reserved
fallocate -p -o 8192 -l 65536 big
`;

const WHILE_AWAY = `set -e
cd ${DIR}
dd if=/dev/urandom of=big bs=4k count=1 seek=5000 conv=notrunc status=none
printf 'changed' > d1/d2/f
mv d1/hard2 d1/renamed
rm dangling && ln -s a dangling
setfattr -n user.color -v red a && setfattr -n user.added -v 1 t
chmod 0644 t && chown 42:42 t
mkfifo fifo2
mkdir -p new/deeper && printf n > new/deeper/file
truncate -s 2G sparse
`;

mirrorScenario('mirror replication mixed', (c) => {
  const hash = async (node: Node) =>
    (await c().lab.exec(node, ['node', TREE_HASH, DIR], { timeoutMs: 120_000, check: true })).stdout;
  const run = async (script: string) => {
    const r = await c().lab.exec('node1', ['sh', '-c', script], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  };

  test('every kind of change on the primary is on the secondary when it returns', async () => {
    await run(LIVE);
    const primary = await hash('node1');
    expect(primary.split('\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fifo p 600 /),
        expect.stringMatching(/^sparse f .* sparse /),
      ]),
    );
    expect(await hash('node2')).toBe(primary);
  });

  test('changes made while the secondary was stopped reach it by the reintegration', async () => {
    await c().keel('node2', 'stop');
    await c().waitState('node2', 'STOP');
    await run(WHILE_AWAY);
    await c().keel('node2', 'start');
    await until(
      async () => (await c().state('node2')) === 'SECOND (Ready)',
      120_000,
      'node2 is SECOND (Ready)',
    );
    expect(await hash('node2')).toBe(await hash('node1'));
  });
});
