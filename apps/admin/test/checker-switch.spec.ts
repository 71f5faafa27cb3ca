import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleCommand } from '../src/modules/command-handler';
import { runtimeHarness } from './support/runtime-harness';

// `checker off` (reference §5.11, §8.4 case 58): detections act no more, across restarts of keel,
// until `checker on`; what checkers report meanwhile is applied when it is on again.
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
<check><tcp ident="web" when="pre" action="wait"><to addr="127.0.0.1" port="80"/></tcp></check></service></safe>`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-switch-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const value = (h: Awaited<ReturnType<typeof runtimeHarness>>, name: string) =>
  h.sut.resources.get(name)?.value;
const command = (
  h: Awaited<ReturnType<typeof runtimeHarness>>,
  name: 'checker' | 'errd',
  ...args: string[]
) => handleCommand(h.sut, { module: 'demo', name, args }, 'root');

test('checker off: checker resources read unknown, reports are kept aside and applied on checker on', async () => {
  const h = await runtimeHarness(dir, MODULE);
  expect(value(h, 'tcp.web')).toBe('init');
  await command(h, 'checker', 'off');
  expect(value(h, 'tcp.web')).toBe('unknown');
  expect(value(h, 'usersetting.checker')).toBe('off');
  h.sut.setResource('tcp.web', 'down', 'tcpcheck');
  expect(value(h, 'tcp.web')).toBe('unknown');
  await command(h, 'checker', 'on');
  expect(value(h, 'tcp.web')).toBe('down');
  expect(h.logText()).toEqual(
    expect.arrayContaining([
      'I Action checker off called by root',
      'I Resource tcp.web set to down by tcpcheck',
    ]),
  );
});

test('checker off survives a restart of keel: the new runtime starts with the switch off', async () => {
  const first = await runtimeHarness(dir, MODULE);
  await command(first, 'checker', 'off');
  first.sut.close();
  const again = await runtimeHarness(dir, MODULE);
  expect(value(again, 'tcp.web')).toBe('unknown');
  again.sut.setResource('tcp.web', 'down', 'tcpcheck');
  expect(value(again, 'tcp.web')).toBe('unknown');
});

test('a start while checker off is not held by the wait rule of a silent checker', async () => {
  const h = await runtimeHarness(dir, MODULE);
  await command(h, 'checker', 'off');
  await h.sut.command('start', [], undefined, 'root');
  await h.pass(3_000);
  expect(h.sut.state.state).toBe('ALONE');
});

test('errd enable|disable takes only a class of the module, and is kept', async () => {
  const withErrd = MODULE.replace(
    '</check>',
    '</check><user/><errd><proc name="app" atleast="1" action="restart" class="mine"/></errd>',
  );
  const h = await runtimeHarness(dir, withErrd);
  await expect(command(h, 'errd', 'enable', 'other')).rejects.toThrow(
    /errd enable takes a class of the module's <proc> elements \(mine\), not other/,
  );
  await command(h, 'errd', 'enable', 'mine');
  expect(value(h, 'errdclass.mine')).toBe('enabled');
  expect(h.sut.settings.errdClasses).toEqual({ mine: 'enabled' });
  expect((await command(h, 'errd', 'list')).detail).toBe(
    'process app class=mine atleast=1 atmax=-1 action=restart proc.app=init',
  );
});
