import { builtinRules, parseModuleConfig } from '../src';

// Acceptance 8.1.9 and reference §5.19.4: which rules a module starts with.
const rulesOf = (check: string, failover = '') =>
  builtinRules(
    parseModuleConfig(
      `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart><user/>${check}${failover}</service></safe>`,
      'u.xml',
      {
        env: {},
      },
    ).config,
  ).map((r) => r.text);

test('a tcp checker with an action generates t_<ident>', () => {
  expect(
    rulesOf(
      '<check><tcp ident="R1test" when="prim" action="restart"><to addr="127.0.0.1" port="80"/></tcp></check>',
    ),
  ).toContain('t_R1test: if (tcp.R1test == down) then restart();');
});

test('a custom checker without action generates no rule', () => {
  const rules = rulesOf('<check><custom ident="x" when="prim" exec="check.sh"/></check>');
  expect(rules.some((r) => r.startsWith('c_x'))).toBe(false);
});

test('a tcp checker with noaction generates no rule', () => {
  const rules = rulesOf(
    '<check><tcp ident="db" when="both" action="noaction"><to addr="127.0.0.1" port="5432"/></tcp></check>',
  );
  expect(rules.some((r) => r.startsWith('t_db'))).toBe(false);
});

test('a pre tcp checker defaults to wait', () => {
  expect(
    rulesOf('<check><tcp ident="dep" when="pre"><to addr="127.0.0.1" port="80"/></tcp></check>'),
  ).toContain('t_dep: if (tcp.dep == down) then wait();');
});

test('extends="no" drops the default rules but keeps generated ones', () => {
  const rules = rulesOf(
    '<check><ping ident="gw"><to addr="198.18.0.254"/></ping></check>',
    '<failover extends="no"><![CDATA[ mine: if (ping.gw == down) then stop(); ]]></failover>',
  );
  expect(rules).toEqual(['p_gw: if (ping.gw == down) then wait();']);
});

test('rule sections keep their language', () => {
  const m = parseModuleConfig(
    `<safe><service mode="light"><failover><![CDATA[--Lua Rules
Rules.disable("ip_failure")]]><![CDATA[allip_failure: if (ip.* == down) then stopstart();]]></failover></service></safe>`,
    'u.xml',
    { env: {} },
  ).config;
  expect(m.failover.sections.map((s) => s.language)).toEqual(['lua', 'legacy']);
});

test('replicated directories add degraded_server, kept with extends="no" (reference §5.19.4)', () => {
  const rfs = '<rfs><replicated dir="/srv/data"/></rfs>';
  expect(rulesOf(rfs)).toContain('degraded_server: if (remote.rfs.degraded == up) then wait();');
  expect(rulesOf(rfs, '<failover extends="no"><![CDATA[ ]]></failover>')).toEqual([
    'degraded_server: if (remote.rfs.degraded == up) then wait();',
  ]);
  expect(rulesOf('').some((r) => r.startsWith('degraded_server'))).toBe(false);
});
