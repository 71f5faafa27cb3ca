import { Lab } from '../../tools/lab/src';
import { run } from '../../tools/lab/src/system';
import { describeLab, labName, useLab } from './helpers';

describeLab('lab: addressing and reachability', () => {
  const lab = useLab({
    name: labName('ping'),
    nodes: ['node1', 'node2'],
    lans: ['default', 'private'],
    clients: ['client1'],
  });

  it('gives every host the planned address on every LAN', async () => {
    expect(lab().address('node1', 'default')).toBe('198.18.0.1');
    expect(lab().address('node2', 'private')).toBe('198.18.1.2');
    expect(lab().address('client1')).toBe('198.18.0.101');
    const r = await lab().exec('node2', ['ip', '-o', '-4', 'addr', 'show'], { check: true });
    expect(r.stdout).toMatch(/\beth0\s+inet 198\.18\.0\.2\/24/);
    expect(r.stdout).toMatch(/\beth1\s+inet 198\.18\.1\.2\/24/);
    expect((await lab().exec('node2', ['hostname'], { check: true })).stdout.trim()).toBe('node2');
  });

  it('lets the two nodes ping each other on both LANs', async () => {
    for (const lan of ['default', 'private']) {
      expect(await lab().ping('node1', 'node2', { lan, count: 2 })).toBe(true);
      expect(await lab().ping('node2', 'node1', { lan, count: 2 })).toBe(true);
    }
  });

  it('lets a client ping a node', async () => {
    expect(await lab().ping('client1', 'node1')).toBe(true);
    expect(await lab().ping('client1', lab().address('node2', 'default'))).toBe(true);
  });

  it('has no default route and no IPv6 address in any lab namespace', async () => {
    const names = [lab().plan.switchNetns, ...lab().plan.hosts.map((h) => h.netns)];
    for (const ns of names) {
      const routes = await run('ip', ['-n', ns, 'route', 'show', 'default'], { timeoutMs: 10_000 });
      expect({ ns, routes: routes.stdout.trim(), code: routes.code }).toEqual({ ns, routes: '', code: 0 });
      const v6 = await run('ip', ['-n', ns, '-6', 'addr', 'show'], { timeoutMs: 10_000 });
      expect({ ns, v6: v6.stdout.trim() }).toEqual({ ns, v6: '' });
    }
  });

  it('keeps the bridges and switch ports inside the switch namespace, none in the machine', async () => {
    const sw = await run('ip', ['-n', lab().plan.switchNetns, '-o', 'link', 'show'], { timeoutMs: 10_000 });
    expect(sw.stdout).toContain('br-default');
    expect(sw.stdout).toContain('node1-0');
    const root = await run('ip', ['-j', 'link', 'show'], { timeoutMs: 10_000 });
    const rootNames = (JSON.parse(root.stdout) as { ifname: string }[]).map((l) => l.ifname);
    const ours = lab().plan.hosts.flatMap((h) => h.interfaces.map((i) => i.switchPort));
    expect(rootNames.filter((n) => ours.includes(n))).toEqual([]);
  });

  it('is listed and re-opened by name from its state file', () => {
    expect(Lab.list()).toContain(lab().name);
    const again = Lab.open(lab().name);
    expect(again.nodes).toEqual(['node1', 'node2']);
    expect(again.clients).toEqual(['client1']);
  });
});
