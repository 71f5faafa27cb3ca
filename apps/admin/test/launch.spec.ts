import { launchDecision, LaunchInput } from '../src/modules/launch';

// Whether a module starts when admin starts: a restart of keel alone vs a reboot and `boot`.
const stored = (running: boolean, boot?: 'on' | 'off') => ({
  facts: {},
  running,
  settings: boot ? { boot } : {},
});
const input = (over: Partial<LaunchInput>): LaunchInput => ({
  boot: 'ignore',
  bootDelaySec: 0,
  stored: stored(false),
  sameBoot: false,
  ...over,
});

test.each([
  [
    'keel restarted, module was running',
    { sameBoot: true, stored: stored(true), boot: 'off' as const },
    true,
  ],
  [
    'keel restarted, module was stopped',
    { sameBoot: true, stored: stored(false), boot: 'on' as const },
    false,
  ],
  ['reboot, boot="on"', { boot: 'on' as const }, true],
  ['reboot, boot="off", was running', { boot: 'off' as const, stored: stored(true) }, false],
  ['reboot, boot="auto", was running', { boot: 'auto' as const, stored: stored(true) }, true],
  ['reboot, boot="auto", was stopped', { boot: 'auto' as const, stored: stored(false) }, false],
  ['reboot, boot="ignore", keel boot on', { boot: 'ignore' as const, stored: stored(false, 'on') }, true],
  ['reboot, boot="ignore", keel boot off', { boot: 'ignore' as const, stored: stored(true, 'off') }, false],
  ['reboot, boot="ignore", never set', { boot: 'ignore' as const, stored: stored(true) }, false],
])('%s -> start: %s', (_name, over, start) => {
  expect(launchDecision(input(over)).start).toBe(start);
});

test('boot_delay applies after a reboot, not after a restart of keel', () => {
  expect(launchDecision(input({ boot: 'on', bootDelaySec: 30 }))).toMatchObject({
    start: true,
    delayMs: 30_000,
  });
  expect(
    launchDecision(input({ boot: 'on', bootDelaySec: 30, sameBoot: true, stored: stored(true) })),
  ).toMatchObject({ start: true, delayMs: 0 });
});
