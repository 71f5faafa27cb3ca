// The two buses every bus contract suite runs on: the in-memory twin (unit) and NatsBus on a
// throw-away nats-server (medium), both behind one small factory so a suite names only its subject.
import { NatsBus, type BusOptions, type BusPort } from '@keel/bus';
import { InMemoryBusNetwork } from './in-memory-bus';
import { HARNESS_USER, startNatsServer, type NatsServerHandle } from './nats-server';

export interface BusFactory {
  /** Starts whatever the buses connect to (a server, a network). */
  start(): Promise<void>;
  connect(options: BusOptions): Promise<BusPort>;
  /** Stops it, also after failed tests. */
  stop(): Promise<void>;
}

/** Buses on a fresh in-memory network at each start. */
export function inMemoryBusFactory(): BusFactory {
  let network = new InMemoryBusNetwork();
  return {
    start: async () => {
      network = new InMemoryBusNetwork();
    },
    connect: async (options) => network.connect(options),
    stop: async () => undefined,
  };
}

/**
 * NatsBus on a nats-server of its own, every bus as the harness user, allowed everything (the
 * keel roles' permissions have their own medium tests).
 */
export function natsBusFactory(): BusFactory {
  let server: NatsServerHandle | undefined;
  return {
    start: async () => {
      server = await startNatsServer();
    },
    connect: async (options) => {
      if (!server) throw new Error('nats-server did not start');
      return NatsBus.connect({ ...options, url: server.url, credential: server.credential(HARNESS_USER) });
    },
    stop: async () => {
      await server?.stop();
    },
  };
}
