// The lease arbiter's configuration against itself and the cluster (docs/decisions/0019): a
// mirror module's `<check><arbiter>` must have times a holder can keep its lease with, and a
// cluster.xml `<arbiter>` to take the lease from.
import { checkLeaseTiming, leaseTimingFor, LeaseTimingError } from '@keel/arbiter';
import { IssueSink } from '../errors';
import { ClusterConfig } from '../model/cluster';
import { ModuleConfig } from '../model/module';

/** etcd keeps leases for years; a TTL beyond an hour is a mistake in the unit. */
const MAX_TTL_MS = 3_600_000;

export function checkArbiterUse(m: ModuleConfig, sink: IssueSink): void {
  const a = m.check.arbiter;
  if (!a) return;
  if (m.mode !== 'mirror') {
    sink.add(a.loc, `<arbiter> protects mirror modules only; this is a ${m.mode} module`);
    return;
  }
  if (a.ttl > MAX_TTL_MS) {
    sink.add(a.loc, `ttl ${a.ttl}ms is longer than an hour (times without a unit are milliseconds)`, 'ttl');
    return;
  }
  try {
    checkLeaseTiming(leaseTimingFor(a.ttl, a.fence));
  } catch (e) {
    if (!(e instanceof LeaseTimingError)) throw e;
    if (e.field === 'ttlMs') {
      sink.add(a.loc, `ttl ${a.ttl}ms is shorter than etcd keeps a lease (at least 2s)`, 'ttl');
    } else {
      const t = leaseTimingFor(a.ttl, a.fence);
      sink.add(
        a.loc,
        `ttl ${a.ttl}ms less fence ${a.fence}ms leaves too little time to renew the lease ` +
          `(every ${t.renewEveryMs}ms, a request timing out after ${t.requestTimeoutMs}ms and retried after ${t.retryEveryMs}ms): ` +
          'lengthen ttl or shorten fence',
        'fence',
      );
    }
  }
}

/** A module that takes a lease needs the cluster's arbiter to take it from. */
export function checkArbiterAgainstCluster(m: ModuleConfig, cluster: ClusterConfig, sink: IssueSink): void {
  const a = m.check.arbiter;
  if (a && !cluster.arbiter)
    sink.add(a.loc, `<arbiter> needs the cluster's <arbiter endpoints="..."> in ${cluster.file}`);
}
