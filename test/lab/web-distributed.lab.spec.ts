import { join } from 'node:path';
import { mirrorScenario } from './lab-scenario';
import { MODULE, ROOT } from './keel-cluster';

// Issue 13 (Done when 2 and 5): the web service of both lab nodes, driven from node1 and from the
// lab's client host. `keel -H "*"` stops and starts the module on both nodes through their REST
// APIs, `-E` gives node1's module configuration to both, `cluster confinfo` and `cluster state`
// show equal signatures, a request proxied by node1 reaches node2 (which enforces the role), and
// each node's health probe follows its state. client1 is an administration host: cluster.xml
// and the cluster key, no keel service of its own.
const KEEL = join(ROOT, 'apps/cli/bin/keel');

mirrorScenario(
  'web distributed',
  (c) => {
    const addr = (node: string) => c().lab.address(node, 'default');
    const run = async (host: string, argv: string[], input?: string) => {
      const r = await c().lab.exec(host, argv, { timeoutMs: 90_000, ...(input ? { input } : {}) });
      return { code: r.code ?? -1, out: r.stdout.trim(), err: r.stderr.trim() };
    };
    /** A request from client1: its status and body. */
    const http = async (url: string, init: { method?: string; key?: string } = {}) => {
      const script = `fetch(process.argv[1], { method: process.argv[2], headers: process.argv[3] ? { authorization: 'Bearer ' + process.argv[3] } : {} })
        .then(async (r) => console.log(r.status + ' ' + (await r.text()).trim()), (e) => console.log('error ' + e.message))`;
      return (await run('client1', ['node', '-e', script, url, init.method ?? 'GET', init.key ?? ''])).out;
    };
    const probe = (node: string) => http(`http://${addr(node)}:9010/var/modules/${MODULE}/ready.txt`);
    /** The node's state without its readiness: PRIM, SECOND, ... */
    const stateOf = async (node: string) => (await c().state(node)).split(' ')[0]!;
    const banner = (node: string) => `---------------- Server=http://${addr(node)}:9010 ----------------`;

    test('from client1, keel -H "*" state reaches both nodes', async () => {
      const files = await run('node1', [
        'sh',
        '-c',
        'cat /var/lib/keel/cluster/cluster.xml; echo @@; cat /var/lib/keel/cluster/cluster.key',
      ]);
      const [xml, key] = files.out.split('\n@@\n') as [string, string];
      await run(
        'client1',
        ['sh', '-c', 'mkdir -p /var/lib/keel/cluster && cat > /var/lib/keel/cluster/cluster.xml'],
        xml,
      );
      await run('client1', ['sh', '-c', 'umask 077 && cat > /var/lib/keel/cluster/cluster.key'], key);
      const r = await run('client1', [KEEL, '-H', '*', 'state', '-m', MODULE]);
      expect(r).toMatchObject({ code: 0 });
      const [one, two] = r.out.split(banner('node2'));
      expect(one).toContain(banner('node1'));
      expect(one).toMatch(/PRIM/);
      expect(two).toMatch(/SECOND/);
    });

    test('the health probe serves on the primary only', async () => {
      expect(await probe('node1')).toBe('200 OK');
      expect(await probe('node2')).toBe('404 NOT FOUND');
    });

    test('keel -H "*" stop from node1 stops both; both probes say NOT FOUND', async () => {
      const r = await c().keel('node1', '-H', '*', 'stop');
      expect(r).toMatchObject({ code: 0 });
      await c().waitState('node1', 'STOP', 30);
      await c().waitState('node2', 'STOP', 30);
      expect(await probe('node1')).toBe('404 NOT FOUND');
      expect(await probe('node2')).toBe('404 NOT FOUND');
    });

    test('-E gives node1 configuration to both; confinfo and the module signatures are equal', async () => {
      const conf = `/etc/keel/modules/${MODULE}/conf/userconfig.xml`;
      await run('node1', ['sh', '-c', `printf '<!-- given by -E -->\\n' >> ${conf}`]);
      const pushed = await run('node1', [KEEL, '-H', '*', '-E', MODULE]);
      expect(pushed).toMatchObject({ code: 0 });
      expect((await run('node2', ['cat', conf])).out).toContain('<!-- given by -E -->');

      const signatures = (out: string, pattern: RegExp) =>
        out
          .split('\n')
          .map((l) => pattern.exec(l)?.[1])
          .filter((s): s is string => s !== undefined);
      const confinfo = await run('node1', [KEEL, '-H', '*', 'cluster', 'confinfo']);
      expect(confinfo.code).toBe(0);
      const clusterSigs = signatures(confinfo.out, /^node\d\s+([0-9a-f]{64})\s/);
      expect(clusterSigs).toHaveLength(2);
      expect(new Set(clusterSigs).size).toBe(1);
      const state = await run('node1', [KEEL, '-H', '*', 'cluster', 'state']);
      const moduleSigs = signatures(state.out, new RegExp(`^node\\d\\s+${MODULE}\\s.*\\s([0-9a-f]{64})$`));
      expect(moduleSigs).toHaveLength(2);
      expect(new Set(moduleSigs).size).toBe(1);
    });

    test('keel -H "*" start from node1: PRIM / SECOND again, the probe follows', async () => {
      const r = await c().keel('node1', '-H', '*', 'start');
      expect(r).toMatchObject({ code: 0 });
      const states = async () => [await stateOf('node1'), await stateOf('node2')].sort().join(' ');
      for (let i = 0; i < 120 && (await states()) !== 'PRIM SECOND'; i += 1)
        await new Promise((res) => setTimeout(res, 500));
      expect(await states()).toBe('PRIM SECOND');
      const prim = (await stateOf('node1')) === 'PRIM' ? 'node1' : 'node2';
      const second = prim === 'node1' ? 'node2' : 'node1';
      expect(await probe(prim)).toBe('200 OK');
      expect(await probe(second)).toBe('404 NOT FOUND');

      expect((await c().keel(prim, 'swap')).code).toBe(0);
      await c().waitState(second, 'PRIM', 60);
      await c().waitState(prim, 'SECOND', 60);
      expect(await probe(second)).toBe('200 OK');
      expect(await probe(prim)).toBe('404 NOT FOUND');
    }, 180_000);

    test("node1's proxy route reaches node2, and node2 enforces the caller's role", async () => {
      const monitor = (await run('node1', [KEEL, 'web', 'key', 'add', 'lab-monitor', 'Monitor'])).out;
      expect(monitor).toMatch(/^keel_/);
      const via = `http://${addr('node1')}:9010/api/v1.0/nodes/node2`;
      const state = await http(`${via}/modules/${MODULE}/state`, { key: monitor });
      expect(state).toMatch(/^200 /);
      const local = await stateOf('node2');
      expect(JSON.parse(state.slice(4))).toMatchObject({ state: local });
      expect(await http(`${via}/modules/${MODULE}/commands/stop`, { method: 'POST', key: monitor })).toMatch(
        /^403 .*needs the Control role/,
      );
      expect(await stateOf('node2')).toBe(local);
    });
  },
  { clients: ['client1'] },
);
