// The plan of a node: which modules it serves, peer, port, endpoints and times per LAN; module
// ids; which node this is.
import { assignModuleIds, parseClusterConfig, parseModuleId, resolveNodeName } from '@keel/config';
import { buildPlan } from '../src/core/plan';
import { cluster, mirrorModule, mirrorXml } from './support/fixtures';

const farmXml = `<safe><service mode="farm"><farm><lan name="lan1"/></farm></service></safe>`;

describe('buildPlan', () => {
  it('plans each heartbeat LAN: local and peer addresses, the derived port, the times', () => {
    const { plan, notes } = buildPlan({
      node: 'node1',
      cluster: cluster(),
      modules: [{ name: 'web', id: 3, config: mirrorModule() }],
    });
    expect(notes).toEqual([]);
    expect(plan).toEqual({
      node: 'node1',
      modules: [
        {
          name: 'web',
          id: 3,
          port: 8890,
          peer: 'node2',
          heartbeats: [
            {
              lan: 'lan1',
              ident: 'lan1',
              pulseMs: 100,
              timeoutMs: 500,
              local: { address: '10.0.1.1', port: 8890 },
              remote: { address: '10.0.1.2', port: 8890 },
            },
            {
              lan: 'lan2',
              ident: 'flow',
              pulseMs: 100,
              timeoutMs: 500,
              local: { address: '10.0.2.1', port: 8890 },
              remote: { address: '10.0.2.2', port: 8890 },
            },
          ],
        },
      ],
      farms: [],
    });
  });

  it('uses <heart port> when set, and SafeKit times when <heart> sets none', () => {
    const xml = `<safe><service mode="mirror"><heart port="9999"><heartbeat name="lan1"/></heart></service></safe>`;
    const { plan } = buildPlan({
      node: 'node2',
      cluster: cluster(),
      modules: [{ name: 'web', id: 1, config: mirrorModule(xml) }],
    });
    expect(plan.modules[0]).toMatchObject({ port: 9999, peer: 'node1' });
    expect(plan.modules[0].heartbeats[0]).toMatchObject({
      pulseMs: 700,
      timeoutMs: 30_000,
      local: { address: '10.0.1.2', port: 9999 },
    });
  });

  it('binds to laddr behind NAT and sends to the peer addr', () => {
    const nat = parseClusterConfig(
      `<cluster><lans><lan name="lan1"><node name="node1" addr="203.0.113.1" laddr="192.168.0.1"/><node name="node2" addr="203.0.113.2"/></lan></lans></cluster>`,
      'cluster.xml',
    );
    const xml = `<safe><service mode="mirror"><heart><heartbeat name="lan1"/></heart></service></safe>`;
    const { plan } = buildPlan({
      node: 'node1',
      cluster: nat,
      modules: [{ name: 'web', id: 1, config: mirrorModule(xml) }],
    });
    expect(plan.modules[0].heartbeats[0]).toMatchObject({
      local: { address: '192.168.0.1' },
      remote: { address: '203.0.113.2' },
    });
  });

  it('plans farm modules apart and reports port clashes between modules (error)', () => {
    const { plan, notes } = buildPlan({
      node: 'node1',
      cluster: cluster(),
      modules: [
        { name: 'web', id: 1, config: mirrorModule(mirrorXml({ port: 9000 })) },
        { name: 'db', id: 2, config: mirrorModule(mirrorXml({ port: 9000 })) },
        { name: 'lb', id: 3, config: mirrorModule(farmXml) },
      ],
    });
    expect(plan.modules.map((m) => m.name)).toEqual(['web']);
    expect(plan.farms.map((f) => f.name)).toEqual(['lb']);
    expect(notes).toEqual([
      {
        level: 'error',
        module: 'db',
        message: expect.stringMatching(/10\.0\.1\.1:9000 is already used by module web/),
      },
    ]);
  });

  it('warns when a timeout is shorter than 3 pulses', () => {
    const { notes } = buildPlan({
      node: 'node1',
      cluster: cluster(),
      modules: [{ name: 'web', id: 1, config: mirrorModule(mirrorXml({ timeout: '250ms' })) }],
    });
    expect(notes.filter((n) => n.level === 'warn')).toHaveLength(2);
  });
});

describe('module ids', () => {
  it('keeps id files and gives the others the lowest free ids, in name order', () => {
    const r = assignModuleIds([
      { name: 'web', id: undefined },
      { name: 'db', id: 1 },
      { name: 'app', id: undefined },
      { name: 'mail', id: 3 },
    ]);
    expect(Object.fromEntries(r.ids)).toEqual({ db: 1, mail: 3, app: 2, web: 4 });
    expect(r.derived).toEqual(['app', 'web']);
  });

  it('refuses a duplicate id (the later module by name)', () => {
    const r = assignModuleIds([
      { name: 'b', id: 2 },
      { name: 'a', id: 2 },
    ]);
    expect(r.ids.get('a')).toBe(2);
    expect(r.ids.has('b')).toBe(false);
    expect(r.problems).toEqual([{ module: 'b', message: 'module id 2 is already the id of module a' }]);
  });

  it.each([
    ['3\n', 3],
    [' 1000 ', 1000],
    ['0', undefined],
    ['1001', undefined],
    ['-1', undefined],
    ['two', undefined],
    ['', undefined],
  ])('reads id file %j as %j', (text, id) => {
    expect(parseModuleId(text)).toBe(id);
  });
});

describe('which node this is', () => {
  const c = cluster();
  it.each([
    [{ explicit: 'node2', hostname: 'node1', localAddresses: [] }, 'node2'],
    [{ explicit: undefined, hostname: 'node1', localAddresses: [] }, 'node1'],
    [{ explicit: undefined, hostname: 'node2.example.org', localAddresses: [] }, 'node2'],
    [{ explicit: undefined, hostname: 'box', localAddresses: ['127.0.0.1', '10.0.2.2'] }, 'node2'],
  ])('%j is %s', (host, node) => {
    expect(resolveNodeName(host, c)).toEqual({ ok: true, node });
  });

  it.each([
    [{ explicit: 'node9', hostname: 'node1', localAddresses: [] }, /KEEL_NODE=node9 is not a node/],
    [{ explicit: undefined, hostname: 'box', localAddresses: ['127.0.0.1'] }, /set KEEL_NODE/],
    [{ explicit: undefined, hostname: 'box', localAddresses: ['10.0.1.1', '10.0.1.2'] }, /several nodes/],
  ])('refuses %j', (host, message) => {
    const r = resolveNodeName(host, c);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
