import { runningPair } from './pair';

// Acceptance 8.4.59 (§5.3, §5.19.6): with automatic_reboot="on" an automatic stopstart reboots
// the node instead of stopping and starting the module; an administrator's stopstart does not.

test('a rule stopstart on the PRIM asks for a reboot and runs no script', () => {
  const p = runningPair({ automaticReboot: true }).clearTrace();
  p.command('node1', 'stopstart', [], 'app_failure');
  expect(p.trace.node1).toEqual([
    'log I Action stopstart called by app_failure',
    'log E Reboot of the node instead of stopstart (automatic_reboot="on")',
    'reboot app_failure',
  ]);
  expect(p.state('node1')).toBe('PRIM Ready');
});

test("an administrator's stopstart stops and starts the module as usual", () => {
  const p = runningPair({ automaticReboot: true }).clearTrace();
  p.command('node1', 'stopstart');
  expect(p.trace.node1).not.toContain('reboot app_failure');
  expect(p.scripts('node1')).toContain('stop_prim PRIM WAIT stopstart');
  expect(p.state('node1')).toBe('SECOND Ready');
});

test('automatic_reboot="off": a rule stopstart is a stop + start', () => {
  const p = runningPair().clearTrace();
  p.command('node1', 'stopstart', [], 'app_failure');
  expect(p.trace.node1).not.toContain('reboot app_failure');
  expect(p.state('node1')).toBe('SECOND Ready');
  expect(p.state('node2')).toBe('PRIM Ready');
});

test('a reboot that fails falls back to the stop + start it replaced', () => {
  const p = runningPair({ automaticReboot: true });
  p.command('node1', 'stopstart', [], 'app_failure').clearTrace();
  p.input('node1', { kind: 'rebootFailed', reason: 'systemctl reboot exited with code 1' });
  expect(p.logs('node1').slice(0, 2)).toEqual([
    'E Automatic reboot failed: systemctl reboot exited with code 1',
    'I Stop and start instead of the reboot',
  ]);
  expect(p.scripts('node1')).toContain('stop_prim PRIM WAIT stopstart');
  expect(p.state('node1')).toBe('SECOND Ready');
  expect(p.state('node2')).toBe('PRIM Ready');
});

test('a failed reboot of a module stopped meanwhile is only logged', () => {
  const p = runningPair({ automaticReboot: true });
  p.command('node1', 'stopstart', [], 'app_failure').command('node1', 'stop').clearTrace();
  p.input('node1', { kind: 'rebootFailed', reason: 'no systemctl' });
  expect(p.trace.node1).toEqual(['log E Automatic reboot failed: no systemctl']);
  expect(p.state('node1')).toBe('STOP NotReady');
});

test('the reboot counts against maxloop: the 4th automatic stopstart stops the module instead', () => {
  const p = runningPair({ automaticReboot: true });
  for (let i = 0; i < 3; i++) p.command('node1', 'stopstart', [], 'app_failure');
  p.clearTrace().command('node1', 'stopstart', [], 'app_failure');
  expect(p.trace.node1).not.toContain('reboot app_failure');
  expect(p.logs('node1')).toContain('I Action stop called by maxloop');
  expect(p.state('node1')).toBe('STOP NotReady');
});
