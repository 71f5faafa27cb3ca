import { join } from 'node:path';
import { DATA_DIR, ROOT } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';
import { until } from './run-support';

// Issue 11, Done when 3 (reference §3.4, acceptance 8.2.26): the secondary stopped cleanly, one
// 4 KiB block changed in 1 % of the files of a 2 GiB tree (KEEL_LAB_TREE_MB to change the size),
// the secondary started again: the reintegration copies at most twice the bytes changed (the
// daemon's count, in `Copied <size> ...`), and the application keeps writing meanwhile.
const TREE = join(DATA_DIR, 'tree');
const FILES = 10_000;
const MB = Number(process.env.KEEL_LAB_TREE_MB ?? '2048');
const TREE_FILES = join(ROOT, 'test/fixtures/tree-files.js');

mirrorScenario('mirror zone reintegration', (c) => {
  test('only the changed zones travel, while the application writes', async () => {
    const size = Math.floor((MB * 1024 * 1024) / FILES);
    await c().lab.exec('node1', ['node', TREE_FILES, 'make', TREE, String(FILES), String(size)], {
      timeoutMs: 600_000,
      check: true,
    });
    await c().keel('node2', 'stop');
    await c().waitState('node2', 'STOP');
    const touched = await c().lab.exec('node1', ['node', TREE_FILES, 'touch', TREE, '100', '4096'], {
      timeoutMs: 60_000,
      check: true,
    });
    const changed = Number(touched.stdout.trim());
    expect(changed).toBe((FILES / 100) * 4096);
    const from = (await c().log('node2')).split('\n').length - 1;

    await c().keel('node2', 'start');
    let hits = 0;
    await until(
      async () => {
        await c().hit('node1');
        hits++;
        return (await c().state('node2')) === 'SECOND (Ready)';
      },
      300_000,
      'node2 is SECOND (Ready)',
    );
    expect(hits).toBeGreaterThan(1);

    const log = (await c().log('node2')).split('\n').slice(from);
    const copied = log.map((l) => / I Copied ([\d.]+) (KB|MB) in (\d+) files?/.exec(l)).find(Boolean);
    expect(copied).toBeTruthy();
    const bytes = Number(copied![1]) * (copied![2] === 'MB' ? 1024 * 1024 : 1024);
    console.log(`changed ${changed} bytes; the reintegration copied ${copied![0]}`);
    expect(bytes).toBeLessThanOrEqual(2 * changed);
    expect((await c().hits('node2')).length).toBe((await c().hits('node1')).length);
  }, 900_000);
});
