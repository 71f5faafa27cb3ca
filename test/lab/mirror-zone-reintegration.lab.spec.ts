import { join } from 'node:path';
import { DATA_DIR, ROOT, sampleUserconfig } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';
import { until } from './run-support';

// Issue 11, Done when 3 (reference §3.4, acceptance 8.2.26): the secondary stopped cleanly, one
// 4 KiB block changed in 1 % of the files of a 2 GiB tree (KEEL_LAB_TREE_MB to change the size),
// the secondary started again: the reintegration copies, and sends in all, at most twice the bytes
// changed (the daemon's count, in `Copied <size> ...`, and the primary's metrics from
// `keel metrics rfs`), and
// the application keeps writing meanwhile; the progress shows in the primary's `keel state -v`.
const TREE = join(DATA_DIR, 'tree');
const FILES = 10_000;
const MB = Number(process.env.KEEL_LAB_TREE_MB ?? '2048');
const TREE_FILES = join(ROOT, 'test/fixtures/tree-files.js');
const KEEL = join(ROOT, 'apps/cli/bin/keel');
// The reintegration capped at 100 KB/s (<rfs reiallowedbw>, guide §5.7.3): the 400 KB it copies
// take some seconds, in which the application is seen writing; uncapped it lasts a blink.
const USERCONFIG = sampleUserconfig().replace('<rfs>', '<rfs reiallowedbw="100">');

/** One series of the node's rfs metrics (`keel metrics rfs`): its value, 0 when absent. */
function series(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

mirrorScenario(
  'mirror zone reintegration',
  (c) => {
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
      const metrics = async () => {
        const r = await c().lab.exec('node1', [KEEL, 'metrics', 'rfs'], { timeoutMs: 60_000, check: true });
        return r.stdout;
      };
      const before = await metrics();
      const copiedBefore = series(before, 'keel_rfs_reintegration_copied_bytes_total', 'module=');
      const sentBefore = series(before, 'keel_rfs_replicated_bytes_total', 'origin="reintegration"');

      await c().keel('node2', 'start');
      let hits = 0;
      const progress: string[] = [];
      await until(
        async () => {
          await c().hit('node1');
          hits++;
          const shown = (await c().keel('node1', 'state', '-v')).out
            .split('\n')
            .find((l) => l.trim().startsWith('rfs.reintegration') && l.includes('pass '));
          if (shown) progress.push(shown.trim());
          return (await c().state('node2')) === 'SECOND (Ready)';
        },
        300_000,
        'node2 is SECOND (Ready)',
      );
      // The application served hits, each one written to the replicated directory, during it.
      expect(hits).toBeGreaterThan(3);
      const ended = (await c().keel('node1', 'get', '-r', 'rfs.reintegration')).out;
      expect(ended).toMatch(/^done in [\d.]+ s: /);
      const elapsed = Number(/done in ([\d.]+) s/.exec(ended)![1]);
      console.log(
        `reintegration: ${elapsed} s; progress seen in keel state -v: ${progress.length ? progress.join(' | ') : 'none'}`,
      );
      // Reported once a second: a reintegration of a few seconds shows at least once.
      if (elapsed >= 3) expect(progress.length).toBeGreaterThan(0);

      const log = (await c().log('node2')).split('\n').slice(from);
      const copied = log.map((l) => / I Copied ([\d.]+) (KB|MB) in (\d+) files?/.exec(l)).find(Boolean);
      expect(copied).toBeTruthy();
      const bytes = Number(copied![1]) * (copied![2] === 'MB' ? 1024 * 1024 : 1024);
      console.log(`changed ${changed} bytes; the reintegration copied ${copied![0]}`);
      expect(bytes).toBeLessThanOrEqual(2 * changed);

      // The primary's metrics: the file data the reintegration sent, and every frame it sent
      // (listings, questions, attributes and data).
      const after = await metrics();
      const copiedNow = series(after, 'keel_rfs_reintegration_copied_bytes_total', 'module=') - copiedBefore;
      const sentNow = series(after, 'keel_rfs_replicated_bytes_total', 'origin="reintegration"') - sentBefore;
      console.log(
        `metrics: the reintegration copied ${copiedNow} bytes of file data (${(copiedNow / changed).toFixed(2)}x the changed bytes) in ${sentNow} bytes of frames (${(sentNow / changed).toFixed(2)}x)`,
      );
      // `Copied` rounds to a tenth of its unit.
      expect(Math.abs(copiedNow - bytes)).toBeLessThan((copied![2] === 'MB' ? 1024 * 1024 : 1024) * 0.06);
      expect(copiedNow).toBeLessThanOrEqual(2 * changed);
      // A zone reintegration visits only what the record holds (0009): the frames too, questions and
      // attributes included, stay within twice the bytes changed.
      expect(sentNow).toBeLessThanOrEqual(2 * changed);
      expect((await c().hits('node2')).length).toBe((await c().hits('node1')).length);
    }, 900_000);
  },
  { userconfig: USERCONFIG },
);
