import { HEART_PROFILES, heartbeatTimingAdvice, parseModuleConfig } from '../src';

// keel's heartbeat profiles (docs/decisions/0007-heartbeat.md): SafeKit's defaults stay the default.
const heartOf = (attrs: string, hb = '') =>
  parseModuleConfig(
    `<safe><service mode="mirror"><heart ${attrs}><heartbeat name="default" ${hb}/></heart></service></safe>`,
    'u.xml',
    { env: {} },
  );

test.each([
  ['', 700, 30000],
  ['profile="safekit"', 700, 30000],
  ['profile="lan"', 100, 1000],
  ['profile="wan"', 500, 5000],
  ['profile="lan" timeout="2s"', 100, 2000],
])('<heart %s> gives pulse %d ms and timeout %d ms', (attrs, pulse, timeout) => {
  const { config } = heartOf(attrs);
  expect(config.heart!.heartbeats[0]).toMatchObject({ pulse, timeout });
});

test('a profile is flagged as a keel extension', () => {
  expect(heartOf('profile="lan"').warnings.map((w) => w.message)).toEqual([
    'profile="lan" is a keel extension: SafeKit refuses this file',
  ]);
});

test('every profile leaves at least three pulses per timeout', () => {
  for (const p of Object.values(HEART_PROFILES))
    expect(heartbeatTimingAdvice(p.pulse, p.timeout)).toBeUndefined();
});

test('a timeout under three pulses is warned about', () => {
  expect(heartOf('', 'pulse="1s" timeout="2s"').warnings.map((w) => w.attribute)).toEqual(['timeout']);
});
