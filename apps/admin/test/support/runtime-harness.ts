// One module runtime on an in-memory bus, with recording scripts and fences, a module log in a
// temporary directory, and time moved by the test: what the module-runtime specs build their
// node's services around (a fake rfs or vip served on `network`).
import { join } from 'node:path';
import { modulePaths, nodePaths, parseClusterConfig, parseModuleConfig } from '@keel/config';
import { InMemoryBusNetwork } from '@keel/testing';
import { FileModuleLog } from '../../src/adapters/module-log';
import { StateStore } from '../../src/adapters/state-store';
import { systemClock } from '../../src/adapters/system-clock';
import type { ArbiterDeps } from '../../src/adapters/etcd-arbiter';
import { ModuleRuntime } from '../../src/modules/module-runtime';
import { CountingFence } from './counting-fence';
import { RecordingReboot } from './recording-reboot';
import { RecordingRunner } from './recording-runner';

export const CLUSTER = `<cluster><lans><lan name="default"><node name="node1" addr="198.18.0.1"/><node name="node2" addr="198.18.0.2"/></lan></lans></cluster>`;

/**
 * Module `demo` of node1, configured by `userconfig`, its files under `dir`. `services` serves the
 * node's other services on the bus before the runtime starts (it asks them at once).
 */
export async function runtimeHarness(
  dir: string,
  userconfig: string,
  options: {
    rfsTimeoutMs?: number;
    services?: (network: InMemoryBusNetwork) => Promise<void>;
    /** Replaces the two-node cluster.xml (e.g. with an <arbiter>). */
    cluster?: string;
    /** The lease arbiter's store and clock (an in-memory twin). */
    arbiter?: ArbiterDeps;
  } = {},
) {
  const clock = { now: 1_000_000 };
  const dirs = nodePaths({ KEEL_ETC: join(dir, 'etc'), KEEL_VAR: join(dir, 'var'), KEEL_HOME: '/opt/keel' });
  const paths = modulePaths(dirs, 'demo');
  const network = new InMemoryBusNetwork();
  const bus = network.connect({ source: { service: 'admin', node: 'node1' } });
  await options.services?.(network);
  const runner = new RecordingRunner();
  const fences = new CountingFence();
  const log = new FileModuleLog(paths.logFile);
  const sut = new ModuleRuntime({
    dirs,
    paths,
    node: 'node1',
    cluster: parseClusterConfig(options.cluster ?? CLUSTER, 'cluster.xml'),
    loaded: parseModuleConfig(userconfig, 'userconfig.xml', { env: {} }),
    runner,
    fences,
    reboot: new RecordingReboot(),
    log,
    store: new StateStore(paths.stateFile),
    bus,
    // The test moves the time; timers run on the machine's (boot delays, the shutdown's wait).
    clock: { now: () => clock.now, setTimer: systemClock.setTimer },
    env: { PATH: '/usr/bin' },
    bootedAt: 0,
    ...(options.rfsTimeoutMs === undefined ? {} : { rfsTimeoutMs: options.rfsTimeoutMs }),
    ...(options.arbiter ? { arbiter: options.arbiter } : {}),
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  /** Lets time pass in steps of a tick, as admin's timer does. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 250) {
      clock.now += 250;
      sut.tick();
      await settle();
    }
  };
  const scripts = () => runner.runs.map((r) => `${r.name} ${r.args.join(' ')}`);
  const logText = (verbose = false) =>
    log.page({ verbose, count: 10_000 }).entries.map((e) => `${e.level} ${e.text}`);
  return { sut, network, bus, fences, settle, pass, scripts, logText, clock };
}
