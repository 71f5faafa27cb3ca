// The two-node sample cluster under the lease arbiter (docs/decisions/0019): a witness host on a
// LAN of its own (`arbiter`, 198.18.2.0/24, which the nodes reach on their eth2) runs one etcd
// member; cluster.xml names it, and the sample module takes its lease (ttl 4 s, fence 500 ms).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLab } from './helpers';
import { KeelCluster, ROOT, sampleUserconfig, type KeelClusterOptions } from './keel-cluster';

export const WITNESS = 'witness';
export const ARBITER_LAN = 'arbiter';
/** The witness's etcd: client 1 of the lab, on its third LAN. */
export const ETCD = 'http://198.18.2.101:2379';
/** The lab's lease: renewed every 800 ms, a request given up after 1 s and retried after 200 ms. */
export const LEASE = { ttlMs: 4_000, fenceMs: 500 };
/** leaseTakeoverBoundMs of LEASE: 4 s + 200 ms + 2 x 1 s. */
export const TAKEOVER_BOUND_MS = 6_200;

export const arbiterOptions = (): KeelClusterOptions => ({
  lans: ['default', 'private', ARBITER_LAN],
  clients: [WITNESS],
  clientLans: [ARBITER_LAN],
  clusterXml: readFileSync(join(ROOT, 'deploy/samples/cluster.xml'), 'utf8').replace(
    '</cluster>',
    `  <arbiter endpoints="${ETCD}"/>\n</cluster>`,
  ),
  userconfig: sampleUserconfig().replace(
    '</service>',
    `  <check><arbiter ident="lease" ttl="${LEASE.ttlMs}ms" fence="${LEASE.fenceMs}ms"/></check>\n  </service>`,
  ),
});

/** A cluster with its witness's etcd running, node1 PRIM and node2 SECOND; destroyed afterwards. */
export function arbiterScenario(
  name: string,
  body: (cluster: () => KeelCluster) => void,
  options: { running?: boolean } = {},
): void {
  describeLab(name, () => {
    let c: KeelCluster | undefined;
    beforeAll(async () => {
      c = await KeelCluster.create(name.replace(/[^a-z]/g, '').slice(0, 6), arbiterOptions());
      await c.lab.startEtcd(WITNESS);
      if (options.running !== false) await c.primSecond();
    }, 120_000);
    afterAll(async () => {
      await c?.destroy();
    });
    body(() => {
      if (!c) throw new Error('cluster not created');
      return c;
    });
  });
}

/** The module's lease holder as etcd says it (the key's value), read from the witness. */
export async function leaseHolder(c: KeelCluster): Promise<string | undefined> {
  const key = Buffer.from(`/keel/arbiter/${c.module}`).toString('base64');
  const read = `fetch('${ETCD}/v3/kv/range', { method: 'POST', body: JSON.stringify({ key: '${key}' }) })
    .then((r) => r.json()).then((b) => process.stdout.write(b.kvs ? Buffer.from(b.kvs[0].value, 'base64').toString() : ''))`;
  const r = await c.lab.exec(WITNESS, [process.execPath, '-e', read], { timeoutMs: 10_000, check: true });
  return r.stdout || undefined;
}
