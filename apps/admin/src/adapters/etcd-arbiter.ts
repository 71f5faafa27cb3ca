// The lease arbiter of a real node (docs/decisions/0019): etcd at the cluster's endpoints, and
// CLOCK_MONOTONIC, the clock keel-rfsd reads its deadlines on (never the wall clock).
import { EtcdLeaseStore, monotonicNowMs, type LeaseStore, type StoreClock } from '@keel/arbiter';
import { systemClock } from './system-clock';

export interface ArbiterDeps {
  readonly store: LeaseStore;
  readonly clock: StoreClock;
}

export function etcdArbiter(endpoints: readonly string[]): ArbiterDeps {
  return {
    store: new EtcdLeaseStore({ endpoints }),
    clock: { now: monotonicNowMs, setTimer: systemClock.setTimer },
  };
}
