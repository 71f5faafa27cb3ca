import { MirrorCommand } from '../../src';
import { Pair, runningPair } from './pair';

// Decision (docs/decisions/0008): maxloop's count lives in the facts kept on disk, and a start
// at keel's launch does not reset it, so automatic_reboot="on" cannot reboot a node for ever.
const HOUR = 3600_000;
const bootStart = (id: string): MirrorCommand => ({
  id,
  name: 'start',
  args: [],
  caller: 'boot',
  atBoot: true,
});

/** The pair as it is after node1 rebooted: node1 starts again from the facts it kept. */
function afterReboot(p: Pair, id: string): Pair {
  const rebooted = new Pair(
    { automaticReboot: true },
    { node1: p.engines.node1.facts, node2: p.engines.node2.facts },
  );
  rebooted.command('node2', 'prim').advance(HOUR);
  return rebooted.input('node1', { kind: 'command', command: bootStart(id) }).advance(0);
}

test('the count of automatic actions is kept in the facts', () => {
  const p = runningPair({ automaticReboot: true });
  p.command('node1', 'stopstart', [], 'app_failure');
  expect(p.engines.node1.facts.loop.count).toBe(1);
});

test('three reboots, each followed by a start at boot: the 4th automatic stopstart stops the module', () => {
  let p = runningPair({ automaticReboot: true });
  for (let i = 1; i <= 3; i++) {
    p.command('node1', 'stopstart', [], 'app_failure');
    expect(p.trace.node1).toContain('reboot app_failure');
    p = afterReboot(p, `boot${i}`);
    expect(p.state('node1')).toBe('SECOND Ready');
    expect(p.engines.node1.facts.loop.count).toBe(i);
  }
  p.clearTrace().command('node1', 'stopstart', [], 'app_failure');
  expect(p.trace.node1).not.toContain('reboot app_failure');
  expect(p.logs('node1')).toContain('I Action stop called by maxloop');
  expect(p.state('node1')).toBe('STOP NotReady');
});

test("an administrator's start after the reboot resets the count, as any administrative command", () => {
  const p = runningPair({ automaticReboot: true });
  p.command('node1', 'stopstart', [], 'app_failure');
  const rebooted = new Pair({ automaticReboot: true }, { node1: p.engines.node1.facts });
  rebooted.command('node1', 'start');
  expect(rebooted.engines.node1.facts.loop.count).toBe(0);
});
