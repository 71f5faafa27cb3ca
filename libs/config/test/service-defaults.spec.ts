import { parseModuleConfig } from '../src';

// Acceptance 8.1.2 and 8.1.3: defaults of a bare mirror, unitless legacy values.
const parse = (xml: string) => parseModuleConfig(xml, 'userconfig.xml', { env: {} }).config;

test('a bare mirror service gets every documented default', () => {
  const m = parse('<safe><service mode="mirror"><heart><heartbeat name="default"/></heart></service></safe>');
  expect(m.service).toMatchObject({
    boot: 'ignore',
    bootDelay: 0,
    failover: true,
    defaultprim: 'alone',
    maxloop: 3,
    loopInterval: 24,
    automaticReboot: false,
  });
  expect(m.user).toBeUndefined();
  expect(m.check.tcp).toEqual([]);
  expect(m.failover.period).toBe(5000);
});

test('unitless legacy times are read in the implicit unit and units convert', () => {
  const m = parse(
    '<safe><service mode="mirror" loop_interval="1d"><heart pulse="700" timeout="30000"><heartbeat name="default" timeout="5s"/></heart></service></safe>',
  );
  expect(m.heart).toMatchObject({ pulse: 700, timeout: 30000 });
  expect(m.heart!.heartbeats[0]).toMatchObject({ pulse: 700, timeout: 5000 });
  expect(m.service.loopInterval).toBe(24);
});
