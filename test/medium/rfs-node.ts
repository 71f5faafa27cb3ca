// One node for the replication commands' medium tests: a real nats-server with keel's bus
// configuration, the admin and rfs services, the keel CLI and the fake keel-rfsd of test/fixtures
// (a real process speaking the daemon's contract), a demo module with one replicated directory,
// and an observer on the bus that can speak for the peer's heartbeat.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { codecs, NatsBus, subjects, type BusPort } from '@keel/bus';
import { createCapturingSink, HARNESS_USER, startNatsServer, type NatsServerHandle } from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { RfsModule } from '../../apps/rfs/src/rfs.module';
import { resolveRfsSettings } from '../../apps/rfs/src/settings';
import { NodeFixture } from './node-fixture';

const FAKE_RFSD = join(__dirname, '../fixtures/rfs/fake-keel-rfsd');
const FENCE = join(__dirname, '../fixtures/fence/keel-fence-on-shared-mounts');
const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <rfs><replicated dir="/srv/demo/data"/></rfs>
  <user/>
</service></safe>`;

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface RfsNode {
  /** Runs one `keel` command line on the node. */
  cli(...argv: string[]): Promise<CliResult>;
  /** The command lines the fake daemon was started with, oldest first. */
  daemonCalls(): string[][];
  /** The fake daemon's behaviour file (test/fixtures/rfs/fake-keel-rfsd), read at each start. */
  behaviourFile(): string;
  /** Publishes what heartbeat would say of a Ready primary peer with these resources. */
  peerIsPrimary(resources?: Record<string, string>): void;
  stop(): Promise<void>;
}

export async function startRfsNode(): Promise<RfsNode> {
  const node = new NodeFixture('demo', USERCONFIG, {});
  const apps: INestApplicationContext[] = [];
  let nats: NatsServerHandle | undefined;
  let observer: BusPort | undefined;
  const stop = async () => {
    for (const app of apps.reverse()) await app.close();
    await observer?.close();
    await nats?.stop();
    node.remove();
  };
  try {
    // The node's bus files in its KEEL_ETC: each service and the CLI use their own credential.
    nats = await startNatsServer({ etc: node.etc });
    const url = nats.url;
    const env = (): Record<string, string> => ({ ...node.env(url), KEEL_RFSD: FAKE_RFSD, KEEL_FENCE: FENCE });
    const key = join(node.var, 'cluster', 'cluster.key');
    writeFileSync(key, 'cd'.repeat(32));
    chmodSync(key, 0o600);
    observer = await NatsBus.connect({
      url,
      source: { service: 'test', node: 'node1' },
      credential: nats.credential(HARNESS_USER),
    });
    const context = async (
      service: string,
      root: ReturnType<typeof RfsModule.forRoot> | ReturnType<typeof AdminModule.forNode>,
    ) => {
      const logger = createLogger({ service, node: 'node1', sink: createCapturingSink() });
      @Module({
        imports: [
          RuntimeModule.forRoot({ logger, metrics: createMetrics({ service, node: 'node1' }) }),
          root,
        ],
      })
      class TestRoot {}
      apps.push(await startOnBus(TestRoot, { logger: false }));
    };
    const settings = resolveRfsSettings(env(), { hostname: 'test', localAddresses: [] });
    await context('rfs', RfsModule.forRoot({ settings, service: { stopTimeoutMs: 2_000 } }));
    await context('admin', AdminModule.forNode(env()));
    const calls = join(node.var, 'modules', 'demo', 'rfs', 'calls.log');
    const bus = observer;
    return {
      cli: async (...argv) => {
        const out: string[] = [];
        const err: string[] = [];
        const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: env() };
        const code = await runCli(argv, io);
        return { code, out: out.join('\n'), err: err.join('\n') };
      },
      daemonCalls: () =>
        existsSync(calls)
          ? readFileSync(calls, 'utf8')
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as string[])
          : [],
      behaviourFile: () => join(node.var, 'modules', 'demo', 'rfs', 'behaviour.json'),
      peerIsPrimary: (resources = {}) =>
        bus.publish(subjects.heartbeatView('demo'), codecs.heartbeatView, {
          module: 'demo',
          peers: [{ node: 'node2', lans: [], state: 'PRIM', readiness: 'Ready', resources }],
        }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
