import { join } from 'node:path';
import { DATA_DIR, ROOT, type Node } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';

// Issue 11 (link: TLS as an option, docs/decisions/0009 "TLS on the link"; guide §10.7): keel's
// PKI on both nodes (`keel web initssl sca` on node1, its CA given to node2, `initssl rca` there),
// `keel module genkey` turns TLS on for the module, the services are restarted to take it
// (0022: a configuration is taken at the services' start), and the pair replicates through TLS:
// both daemons run with the nodes' certificates, `usersetting.encryption` is on, and what the
// application writes on the primary is on the secondary.
const KEEL = join(ROOT, 'apps/cli/bin/keel');

mirrorScenario(
  'mirror replication tls',
  (c) => {
    const sh = async (node: Node, script: string, input?: string) => {
      const r = await c().lab.exec(node, ['sh', '-c', `set -e; ${script}`], {
        timeoutMs: 60_000,
        ...(input === undefined ? {} : { input }),
      });
      if (r.code !== 0) throw new Error(`${node}: ${script}: ${r.stderr}`);
      return r.stdout.trim();
    };

    test('the pair replicates through TLS with the nodes certificates', async () => {
      await sh('node1', `${KEEL} web initssl sca`);
      const [caKey, caCert] = [
        await sh('node1', 'cat /etc/keel/web/tls/ca.key'),
        await sh('node1', 'cat /etc/keel/web/tls/ca.crt'),
      ];
      await sh(
        'node2',
        'mkdir -p -m 0700 /etc/keel/web/tls && umask 077 && cat > /etc/keel/web/tls/ca.key',
        caKey,
      );
      await sh('node2', 'cat > /etc/keel/web/tls/ca.crt', caCert);
      await sh('node2', `${KEEL} web initssl rca`);
      for (const node of ['node1', 'node2']) expect((await c().keel(node, 'module', 'genkey')).code).toBe(0);

      // rfs and admin read the module's configuration at their start.
      for (const node of ['node1', 'node2']) {
        c().lab.kill(node, '^node .*keel-(rfs|admin)$', 'SIGKILL');
        await c().startService(node, 'rfs');
        await c().startService(node, 'admin');
        await c().waitAdmin(node);
        expect((await c().keel(node, 'get', '-r', 'usersetting.encryption')).out).toBe('on');
      }

      await c().primSecond();
      for (const node of ['node1', 'node2']) {
        const daemon = await sh(node, 'cat /proc/$(pgrep -x keel-rfsd | head -n 1)/cmdline | tr "\\0" " "');
        expect(daemon).toContain('--tls-cert /etc/keel/web/tls/server.crt');
        expect(daemon).toContain('--tls-ca /etc/keel/web/tls/ca.crt');
      }
      const answer = await c().hit('node1');
      expect(answer).toMatch(/^hello from node1 \(hit \d+\)$/);
      const primary = await c().hits('node1');
      // The secondary holds every hit the primary acknowledged (its read-only copy).
      expect(await sh('node2', `cat ${join(DATA_DIR, 'hits')}`)).toBe(primary.join('\n'));
    });
  },
  { running: false },
);
