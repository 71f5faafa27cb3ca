import { join } from 'node:path';
import { DATA_DIR, sampleUserconfig, type Node } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';
import { until } from './run-support';

// Issue 11, Done when 5 (configuration): `<notreplicated>` entries stay local on each node across
// live replication and a reintegration, and a missing `<tocheck>` path stops the replication with
// a clear message (docs/decisions/0009-replication.md, "Entries that stay local").
const MOUNTED = '.mounted';
const USERCONFIG = sampleUserconfig().replace(
  '<replicated dir="%DATA%"/>',
  `<replicated dir="%DATA%"><tocheck path="${MOUNTED}"/><notreplicated path="cache"/>` +
    '<notreplicated regexpath="\\.tmp$"/></replicated>',
);
const at = (name: string) => join(DATA_DIR, name);

mirrorScenario(
  'mirror notreplicated',
  (c) => {
    const sh = async (node: Node, script: string) => {
      const r = await c().lab.exec(node, ['sh', '-c', `set -e; ${script}`], { timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const read = async (node: Node, name: string) =>
      (await sh(node, `cat ${at(name)} 2>/dev/null || echo '<absent>'`)).trim();

    test('local entries stay on each node through the first copy and live changes', async () => {
      await sh('node1', `touch ${at(MOUNTED)}; mkdir -p ${at('cache')}; echo node1 > ${at('cache/big')}`);
      await sh('node1', `echo node1 > ${at('a.tmp')}; echo replicated > ${at('keep.txt')}`);
      await sh('node2', `touch ${at(MOUNTED)}; mkdir -p ${at('cache')}; echo node2 > ${at('cache/local')}`);
      await sh('node2', `echo node2 > ${at('a.tmp')}`);
      await c().primSecond();
      expect(await read('node2', 'keep.txt')).toBe('replicated');
      expect(await read('node2', 'cache/local')).toBe('node2');
      expect(await read('node2', 'cache/big')).toBe('<absent>');
      expect(await read('node2', 'a.tmp')).toBe('node2');

      await sh(
        'node1',
        `echo live > ${at('live.txt')}; echo new > ${at('cache/new')}; echo again > ${at('a.tmp')}`,
      );
      await until(async () => (await read('node2', 'live.txt')) === 'live', 20_000, 'live.txt on node2');
      expect(await read('node2', 'cache/new')).toBe('<absent>');
      expect(await read('node2', 'a.tmp')).toBe('node2');
      // Across sides: EXDEV, so mv copies and unlinks (the replicated name goes on node2 too).
      await sh('node1', `mv ${at('live.txt')} ${at('moved.tmp')}`);
      await until(
        async () => (await read('node2', 'live.txt')) === '<absent>',
        20_000,
        'live.txt gone on node2',
      );
      expect(await read('node2', 'moved.tmp')).toBe('<absent>');
    });

    test('a reintegration copies what changed and leaves each node its local entries', async () => {
      await c().keel('node2', 'stop');
      await c().waitState('node2', 'STOP');
      await sh('node1', `echo changed > ${at('keep.txt')}; echo away > ${at('cache/while-away')}`);
      await c().keel('node2', 'start');
      await until(
        async () => (await c().state('node2')) === 'SECOND (Ready)',
        120_000,
        'node2 is SECOND (Ready)',
      );
      expect(await read('node2', 'keep.txt')).toBe('changed');
      expect(await read('node2', 'cache/local')).toBe('node2');
      expect(await read('node2', 'cache/while-away')).toBe('<absent>');
      expect(await read('node2', 'a.tmp')).toBe('node2');
      expect(await read('node1', 'a.tmp')).toBe('again');
    });

    test('a missing tocheck path stops the replication, and the module, with its name', async () => {
      await c().keel('node2', 'stop');
      await c().waitState('node2', 'STOP');
      await sh('node2', `rm ${at(MOUNTED)}`);
      await sh('node1', `echo after > ${at('after.txt')}`);
      await c().keel('node2', 'start');
      await c().waitLog(
        'node2',
        new RegExp(
          `Replication secondary failed: .*tocheck path \\${MOUNTED} is missing in the replicated directory ${DATA_DIR}`,
        ),
        60,
      );
      await c().waitState('node2', 'STOP', 30);
      // Nothing was copied into the directory that failed the check.
      expect(await read('node2', 'after.txt')).toBe('<absent>');
      expect(await c().state('node1')).toMatch(/^ALONE/);
    });
  },
  { userconfig: USERCONFIG, running: false },
);
