// The vip service's Prometheus metrics (docs/metrics.md): the farm share this node serves, i.e.
// the buckets of each group its nftables set holds now, read when Prometheus asks.
import { Gauge, type Registry } from 'prom-client';

export interface FarmShare {
  readonly module: string;
  readonly group: string;
  readonly buckets: number;
}

export class VipMetrics {
  constructor(registry: Registry, shares: () => readonly FarmShare[]) {
    new Gauge({
      name: 'keel_vip_farm_buckets',
      help: "Buckets of the farm group this node serves (its share of the group's traffic)",
      labelNames: ['module', 'group'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of shares()) this.set({ module: s.module, group: s.group }, s.buckets);
      },
    });
  }
}
