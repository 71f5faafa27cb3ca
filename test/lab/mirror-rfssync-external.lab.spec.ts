import { join } from 'node:path';
import { DATA_DIR, type Node } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';

// Issue 11 (guide §5.7.5 "External synchronisation", docs/decisions/0009 "rfssync"): a backup of
// the primary's data restored on the other node seeds it. `rfssync external prim <uid>` on node1
// takes the backup's point; the "backup" is copied to node2 file by file (content, size, times);
// node1 changes a file and creates one after the point; `rfssync external second <uid>` on node2.
// Started, node2 copies only what changed since the point: a file the restore got wrong but left
// with the primary's size and times stays as restored, which a full copy would have replaced.
const at = (name: string) => join(DATA_DIR, name);

mirrorScenario('mirror rfssync external', (c) => {
  const sh = async (node: Node, script: string) => {
    const r = await c().lab.exec(node, ['sh', '-c', `set -e; ${script}`], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim();
  };

  test('the restored secondary gets the files changed since the point, not a full copy', async () => {
    await c().keel('node2', 'stop');
    await c().waitState('node2', 'STOP');
    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    // Files written well before the point (the point's margin counts the seconds just before it).
    await sh(
      'node1',
      `for f in kept changed restored; do echo "primary $f" > ${at('$f')}; touch -m -d 2026-01-01T00:00:00Z ${at('$f')}; done`,
    );

    expect(await c().keel('node1', 'rfssync', 'external', 'prim', 'nightly-1')).toMatchObject({ code: 0 });
    // The backup, taken after the point, restored on node2: the same bytes, sizes and times, but
    // `restored` came back damaged (same size and times, other bytes).
    await sh('node2', `rm -rf ${DATA_DIR}/*`);
    for (const f of ['kept', 'changed', 'restored']) {
      const [content, mtime] = (await sh('node1', `cat ${at(f)}; stat -c %Y ${at(f)}`)).split('\n');
      const restored = f === 'restored' ? content!.replace('primary', 'damaged') : content!;
      await sh('node2', `printf '%s\\n' '${restored}' > ${at(f)}; touch -m -d @${mtime} ${at(f)}`);
    }
    // The primary goes on after the backup: one file changed in place at the same size (only its
    // time tells: a size-only comparison would miss it), one created.
    await sh('node1', `sleep 2; echo "PRIMARY CHANGED" > ${at('changed')}; echo new > ${at('created')}`);
    expect(await c().keel('node2', 'rfssync', 'external', 'second', 'nightly-1')).toMatchObject({ code: 0 });
    // node2 hears node1 (stopped) advertise its side under the same uid: the policy can be applied.
    expect((await c().keel('node2', 'get', '-r', 'rfs.rfssync')).out).toBe('up');

    expect((await c().keel('node1', 'start')).code).toBe(0);
    await c().waitState('node1', 'ALONE', 60);
    expect((await c().keel('node2', 'start')).code).toBe(0);
    await c().waitState('node2', 'SECOND', 60);
    await c().waitState('node1', 'PRIM', 30);

    expect(await sh('node2', `cat ${at('changed')} ${at('created')} ${at('kept')} ${at('restored')}`)).toBe(
      ['PRIMARY CHANGED', 'new', 'primary kept', 'damaged restored'].join('\n'),
    );
    expect(await c().log('node2')).toMatch(
      / I rfssync external nightly-1: the files modified since \S+ are copied/,
    );
    for (const node of ['node1', 'node2'])
      expect((await c().keel(node, 'get', '-r', 'usersetting.rfssyncmode')).out).toBe('default');
  });
});
