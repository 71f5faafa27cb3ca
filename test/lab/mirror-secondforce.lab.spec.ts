import { join } from 'node:path';
import { DATA_DIR, type Node } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';

// Issue 11 (guide §5.7.5 "Synchronisation by date", §9.10): `keel secondforce -d <date>` starts the
// stopped node as secondary copying the files modified since the date. A file the primary did not
// change while the secondary was away, but modified after the date, is copied again; one older
// than the date and of the same size is not, even where the two copies differ (the date is the
// administrator's word, as after restoring a backup). After the clean stop here, the
// reintegration without a date would be by zones, which copies neither.
const at = (name: string) => join(DATA_DIR, name);

mirrorScenario('mirror secondforce', (c) => {
  const sh = async (node: Node, script: string) => {
    const r = await c().lab.exec(node, ['sh', '-c', `set -e; ${script}`], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim();
  };

  test('the files modified since the date are copied, the older ones are left', async () => {
    // `old` is dated 2020 on the primary; `recent` is written after the date given below.
    await sh('node1', `echo primary-old > ${at('old')}; touch -m -d 2020-01-01T00:00:00Z ${at('old')}`);
    const date = await sh('node1', 'date -u +%Y-%m-%dT%H:%M:%SZ');
    await sh('node1', `sleep 2; echo primary-new > ${at('recent')}`);
    await c().keel('node2', 'stop');
    await c().waitState('node2', 'STOP');

    // On the stopped secondary's bare directory (as a restored backup would leave it): both files
    // differ from the primary's, with the same sizes and modification times.
    for (const name of ['old', 'recent']) {
      const mtime = await sh('node1', `stat -c %Y ${at(name)}`);
      await sh('node2', `echo backup-copy > ${at(name)}; touch -m -d @${mtime} ${at(name)}`);
    }

    const bad = await c().keel('node2', 'secondforce', '-d', 'yesterday');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("secondforce -d 'yesterday' is not a date");

    expect(await c().keel('node2', 'secondforce', '-d', date)).toMatchObject({ code: 0 });
    await c().waitState('node2', 'SECOND', 60);
    expect(await sh('node2', `cat ${at('recent')}`)).toBe('primary-new');
    expect(await sh('node2', `cat ${at('old')}`)).toBe('backup-copy');
    expect(await c().log('node2')).toMatch(/ I Action secondforce called by /);
  });
});
