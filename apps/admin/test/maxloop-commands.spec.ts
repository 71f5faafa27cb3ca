import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoopReport } from '@keel/bus';
import { handleCommand } from '../src/modules/command-handler';
import { runtimeHarness } from './support/runtime-harness';

// incloop, resetloop and checkloop (reference §6.6, §8.5 case 70): maxloop's counter for errd
// handlers and scripts, kept with the module's state.
const userconfig = (service = '') =>
  `<safe><service mode="mirror"${service}><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart></service></safe>`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-loop-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Harness = Awaited<ReturnType<typeof runtimeHarness>>;
const loop = async (h: Harness, name: 'incloop' | 'resetloop' | 'checkloop', identity?: string) =>
  JSON.parse(
    (
      await handleCommand(
        h.sut,
        { module: 'demo', name, args: [], ...(identity ? { identity } : {}) },
        'root',
      )
    ).detail!,
  ) as LoopReport;

test('incloop counts up to maxloop, checkloop says the next automatic action would stop the module', async () => {
  const h = await runtimeHarness(dir, userconfig());
  expect(await loop(h, 'checkloop')).toMatchObject({ module: 'demo', count: 0, maxloop: 3, reached: false });
  expect((await loop(h, 'incloop', 'restart_app')).count).toBe(1);
  expect(await loop(h, 'incloop', 'restart_app')).toMatchObject({ count: 2, reached: false });
  expect(await loop(h, 'incloop', 'restart_app')).toMatchObject({ count: 3, reached: true });
  expect(await loop(h, 'checkloop')).toMatchObject({ count: 3, reached: true, loopIntervalHours: 24 });
  expect(h.logText()).toContain('I Action incloop called by restart_app (maxloop count 3 of 3)');
});

test('resetloop starts the count again, in the name of its identity or of the caller', async () => {
  const h = await runtimeHarness(dir, userconfig());
  for (let i = 0; i < 3; i++) await loop(h, 'incloop', 'h');
  expect(await loop(h, 'resetloop')).toMatchObject({ count: 0, reached: false });
  expect(h.logText()).toContain('I Action resetloop called by root');
  await loop(h, 'resetloop', 'h');
  expect(h.logText()).toContain('I Action resetloop called by h');
});

test('the count survives a restart of keel', async () => {
  const first = await runtimeHarness(dir, userconfig());
  for (let i = 0; i < 3; i++) await loop(first, 'incloop', 'h');
  first.sut.close();
  expect((await loop(await runtimeHarness(dir, userconfig()), 'checkloop')).reached).toBe(true);
});

test('loop_interval="0": the counter is off, never reached', async () => {
  const h = await runtimeHarness(dir, userconfig(' loop_interval="0"'));
  for (let i = 0; i < 5; i++) expect((await loop(h, 'incloop', 'h')).reached).toBe(false);
  expect(await loop(h, 'checkloop')).toMatchObject({ count: 0, loopIntervalHours: 0, reached: false });
});

test('incloop without an identity is refused and counts nothing', async () => {
  const h = await runtimeHarness(dir, userconfig());
  await expect(handleCommand(h.sut, { module: 'demo', name: 'incloop', args: [] }, 'root')).rejects.toThrow(
    /incloop needs -i <identity>/,
  );
  expect((await loop(h, 'checkloop')).count).toBe(0);
});
