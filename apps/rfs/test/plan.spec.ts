// The plan of a node (which modules replicate, on which LAN, which endpoints and port) and the
// daemon's command line built from it.
import { daemonArgs } from '../src/core/daemon-args';
import { LINK_TIMEOUT_FLOOR_MS, replicationLan } from '../src/core/plan';
import { mirrorXml, moduleConfig, modulePlan, planFor } from './support/fixtures';

describe('buildRfsPlan', () => {
  it('replicates on the flow heartbeat: listens on its laddr, connects to the peer addr, port 5600 + (id - 1) * 4', () => {
    expect(modulePlan(mirrorXml(), { id: 3 })).toEqual({
      name: 'web',
      id: 3,
      node: 'node1',
      peer: 'node2',
      lan: 'lan2',
      dirs: ['/srv/data', '/srv/logs'],
      local: [
        { paths: [], regexes: [], tocheck: [] },
        { paths: [], regexes: [], tocheck: [] },
      ],
      listen: { address: '192.168.2.1', port: 5608 },
      connect: { address: '10.0.2.2', port: 5608 },
      async: 'second',
      // SafeKit's default heartbeat timeout (30 s) is above the floor.
      linkTimeoutMs: 30_000,
      // Noticed (30 s), judged (30 s), and the margin.
      holdMs: 63_000,
      writeDeadline: false,
      reiKbps: undefined,
      nbrei: 6,
      zoneBytes: 4096,
      acl: false,
      stateDir: '/var/lib/keel/modules/web/rfs',
      keyFile: '/var/lib/keel/cluster/cluster.key',
    });
  });

  it('is planned from the peer side too: node2 listens on its own addr and connects to node1', () => {
    const p = modulePlan(mirrorXml(), { node: 'node2', id: 1 });
    expect(p).toMatchObject({ peer: 'node1', listen: { address: '10.0.2.2', port: 5600 } });
    expect(p.connect).toEqual({ address: '10.0.2.1', port: 5600 });
  });

  it('gives the link the largest heartbeat timeout, never less than the floor', () => {
    const heart = (t1: string, t2: string) =>
      mirrorXml({
        heart: `<heartbeat name="lan1" timeout="${t1}"/><heartbeat name="lan2" ident="flow" timeout="${t2}"/>`,
      });
    expect(modulePlan(heart('8s', '12s')).linkTimeoutMs).toBe(12_000);
    expect(modulePlan(heart('1s', '1s')).linkTimeoutMs).toBe(LINK_TIMEOUT_FLOOR_MS);
  });

  it('under a lease arbiter, bounds the primary by a write deadline and holds its changes until the secondary knows', () => {
    const arbitrated = modulePlan(mirrorXml({ check: '<arbiter ident="lease" ttl="4s" fence="500ms"/>' }));
    expect(arbitrated.writeDeadline).toBe(true);
    // 63 s as above, and a heartbeat timeout (30 s) plus the takeover bound (4 s + 200 ms + 2 x 1 s).
    expect(arbitrated.holdMs).toBe(63_000 + 30_000 + 6_200);
    expect(daemonArgs(arbitrated, 'primary', false)).toContain('--write-deadline-stdin');
    expect(daemonArgs(arbitrated, 'secondary', false)).not.toContain('--write-deadline-stdin');
    expect(daemonArgs(modulePlan(), 'primary', false)).not.toContain('--write-deadline-stdin');
  });

  it('keeps <replicated> in document order and carries <rfs async>', () => {
    const p = modulePlan(mirrorXml({ dirs: ['/z', '/a', '/m'], rfs: ' async="none"' }));
    expect(p.dirs).toEqual(['/z', '/a', '/m']);
    expect(p.async).toBe('none');
  });

  it('refuses a module that names its replication peer in the legacy syntax, and says why', () => {
    const xml = mirrorXml({ heart: '<heartbeat><server addr="10.0.1.2"/></heartbeat>' }).replace(
      '<replicated',
      '<flow><server addr="10.0.1.2"/></flow><replicated',
    );
    const plan = planFor(xml);
    expect(plan.modules).toEqual([]);
    expect(plan.refused).toEqual([
      {
        module: 'web',
        reason: expect.stringMatching(/^no replication LAN: name a cluster LAN with <flow name>/),
      },
    ]);
  });

  it('leaves out a module without <rfs>, and a module of other nodes', () => {
    const noRfs = '<safe><service mode="mirror"><heart><heartbeat name="lan1"/></heart></service></safe>';
    expect(planFor(noRfs)).toEqual({ node: 'node1', modules: [], refused: [] });
    expect(planFor(mirrorXml(), { node: 'node3' })).toEqual({ node: 'node3', modules: [], refused: [] });
  });
});

describe('replicationLan (reference §5.7.3 <flow name>)', () => {
  it.each([
    ['the heartbeat with ident flow', mirrorXml(), 'lan2'],
    [
      'else the first heartbeat',
      mirrorXml({ heart: '<heartbeat name="lan2"/><heartbeat name="lan1"/>' }),
      'lan2',
    ],
    [
      'the legacy <flow name> when given',
      mirrorXml().replace('<replicated', '<flow name="lan1"/><replicated'),
      'lan1',
    ],
  ])('is %s', (_what, xml, lan) => {
    expect(replicationLan(moduleConfig(xml))).toBe(lan);
  });
});

describe('daemonArgs', () => {
  const plan = modulePlan();

  it('starts a primary listening on its own address', () => {
    expect(daemonArgs(plan, 'primary', true)).toEqual([
      '--role',
      'primary',
      '--module',
      'web',
      '--node',
      plan.node,
      '--peer',
      plan.peer,
      '--dir',
      '/srv/data',
      '--dir',
      '/srv/logs',
      '--listen',
      '192.168.2.1:5608',
      '--peer-addr',
      '10.0.2.2',
      '--hold-ms',
      String(plan.holdMs),
      '--nbrei',
      '6',
      '--zone-bytes',
      '4096',
      '--key-file',
      '/var/lib/keel/cluster/cluster.key',
      '--state-dir',
      '/var/lib/keel/modules/web/rfs',
      '--async',
      'second',
      '--timeout-ms',
      String(plan.linkTimeoutMs),
    ]);
  });

  it('starts a secondary connecting to the peer, --full only when asked', () => {
    const args = daemonArgs(plan, 'secondary', true);
    expect(args.slice(0, 14)).toEqual([
      '--role',
      'secondary',
      '--module',
      'web',
      '--node',
      plan.node,
      '--peer',
      plan.peer,
      '--dir',
      '/srv/data',
      '--dir',
      '/srv/logs',
      '--connect',
      '10.0.2.2:5608',
    ]);
    expect(args).toContain('--full');
    expect(daemonArgs(plan, 'secondary', false)).not.toContain('--full');
  });

  it('gives a secondary forced by date --since instead of --full, and a primary neither', () => {
    const args = daemonArgs(plan, 'secondary', true, 1_700_000_000);
    expect(args.slice(args.indexOf('--since'), args.indexOf('--since') + 2)).toEqual([
      '--since',
      '1700000000',
    ]);
    expect(args).not.toContain('--full');
    expect(daemonArgs(plan, 'primary', false, 1_700_000_000)).not.toContain('--since');
  });

  it('gives both roles, after each --dir, what stays local there and what must exist', () => {
    const xml = mirrorXml().replace(
      '<replicated dir="/srv/logs"/>',
      '<replicated dir="/srv/logs"><tocheck path="mnt/.mounted"/><notreplicated path="cache"/>' +
        '<notreplicated regexpath="!\\.db$"/><notreplicated regexpath="[.]tmp$"/></replicated>',
    );
    const local = modulePlan(xml).local;
    expect(local[1]).toEqual({
      paths: ['cache'],
      regexes: ['!\\.db$', '[.]tmp$'],
      tocheck: ['mnt/.mounted'],
    });
    for (const role of ['primary', 'secondary'] as const) {
      const args = daemonArgs(modulePlan(xml), role, false);
      const at = args.indexOf('/srv/logs');
      expect(args.slice(at - 1, at + 9)).toEqual([
        '--dir',
        '/srv/logs',
        '--notreplicated',
        'cache',
        '--notreplicated-regex',
        '!\\.db$',
        '--notreplicated-regex',
        '[.]tmp$',
        '--tocheck',
        'mnt/.mounted',
      ]);
      expect(args.slice(args.indexOf('/srv/data') + 1)[0]).toBe('--dir');
    }
  });

  it('gives a primary the zone of <rfs ruzone_blocksize>, else reipacketsize, else a page', () => {
    const zone = (rfs: string) => {
      const args = daemonArgs(modulePlan(mirrorXml({ rfs })), 'primary', false);
      return args[args.indexOf('--zone-bytes') + 1];
    };
    expect(zone(' ruzone_blocksize="65536"')).toBe('65536');
    expect(zone(' reipacketsize="1048576"')).toBe('1048576');
    expect(zone('')).toBe('4096');
    expect(daemonArgs(plan, 'secondary', false)).not.toContain('--zone-bytes');
  });

  it("caps a primary's reintegration at <rfs reiallowedbw> KB/s; a secondary sends none", () => {
    const capped = modulePlan(mirrorXml({ rfs: ' reiallowedbw="2048"' }));
    expect(capped.reiKbps).toBe(2048);
    const primary = daemonArgs(capped, 'primary', false);
    expect(primary.slice(primary.indexOf('--rei-kbps'), primary.indexOf('--rei-kbps') + 2)).toEqual([
      '--rei-kbps',
      '2048',
    ]);
    expect(daemonArgs(capped, 'secondary', false)).not.toContain('--rei-kbps');
    expect(daemonArgs(plan, 'primary', false)).not.toContain('--rei-kbps');
  });

  it('gives a primary the files to reintegrate at once of <rfs nbrei> (6 by default); a secondary none', () => {
    const nbrei = (rfs: string) => {
      const args = daemonArgs(modulePlan(mirrorXml({ rfs })), 'primary', false);
      return args.slice(args.indexOf('--nbrei'), args.indexOf('--nbrei') + 2);
    };
    expect(nbrei(' nbrei="12"')).toEqual(['--nbrei', '12']);
    expect(nbrei('')).toEqual(['--nbrei', '6']);
    expect(daemonArgs(plan, 'secondary', false)).not.toContain('--nbrei');
  });

  it('replicates and enforces ACLs on both roles with <rfs acl="on">, not by default', () => {
    const acl = modulePlan(mirrorXml({ rfs: ' acl="on"' }));
    expect(acl.acl).toBe(true);
    expect(daemonArgs(acl, 'primary', false)).toContain('--acl');
    expect(daemonArgs(acl, 'secondary', false)).toContain('--acl');
    expect(daemonArgs(plan, 'primary', false)).not.toContain('--acl');
  });

  it('writes IPv6 endpoints in brackets', () => {
    const v6 = { ...plan, connect: { address: 'fd00::2', port: 5600 } };
    expect(daemonArgs(v6, 'secondary', false)).toContain('[fd00::2]:5600');
  });
});
