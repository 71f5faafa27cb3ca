// What a farm module's log and resources say of its membership (reference §4.3): on every change
// of the view heartbeat follows, `farm membership: node1 node2 (group FarmProto_0)` and
// `farm load: 128/256 (group FarmProto_0)` per load-balancing group, and the group's resource
// `FarmProto_0` set to this node's share in percent. The suffix is the group's index in
// `<loadbalancing_list>` (decision 0017).
import type { FarmViewMessage } from '@keel/bus';
import { bucketBitmap } from '@keel/native';
import type { LogLevel } from '../ports/module-log.port';

export interface FarmLoadHost {
  readonly node: string;
  write(level: LogLevel, text: string): void;
  setResource(name: string, value: string, by: string): void;
}

/** The component SafeKit names for the share resources (its vipd). */
const BY = 'farm';

/**
 * `farm.traffic`: whether this node takes its share (open) or gives it to the others (closed),
 * which heartbeat's membership follows. `<vip scriptcontrol="on">` starts every run closed: the
 * scripts open it (`keel farm open`), as SafeKit's `SETGROUPS all` (reference §5.6.3).
 */
export const TRAFFIC_RESOURCE = 'farm.traffic';

export class FarmLoad {
  private said = new Map<string, string>();
  private last: FarmViewMessage | undefined;

  constructor(private readonly host: FarmLoadHost) {}

  /**
   * Every node's buckets in each group as SafeKit's `vip_if_ctrl -l` prints them (reference
   * §5.6.5): 8 groups of 32 bits, bucket 32g+i is bit i of group g.
   */
  bitmaps(): string[] {
    const v = this.last;
    if (!v) return ['no farm view yet: the membership has not been heard from'];
    const head = `leader ${v.leader ?? 'none'}, view ${v.epoch}, members ${v.members.join(' ') || 'none'}`;
    return [
      head,
      ...v.groups.flatMap((g, i) => v.members.map((n) => `${g.name}_${i} ${n} ${bucketBitmap(g.owners, n)}`)),
    ];
  }

  view(v: FarmViewMessage): void {
    this.last = v;
    // Nobody serves and nothing was said yet (the module has not run): nothing to say.
    if (v.members.length === 0 && this.said.size === 0) return;
    v.groups.forEach((g, i) => {
      const group = `${g.name}_${i}`;
      const members = v.members.length > 0 ? `${v.members.join(' ')} ` : '';
      const load = g.owners.filter((o) => o === this.host.node).length;
      this.once(`${group}|members`, `farm membership: ${members}(group ${group})`);
      this.once(`${group}|load`, `farm load: ${load}/${g.owners.length} (group ${group})`);
      this.host.setResource(group, `${Math.round((100 * load) / g.owners.length)}%`, BY);
    });
  }

  /** A line is written when it says something new for its key. */
  private once(key: string, line: string): void {
    if (this.said.get(key) === line) return;
    this.said.set(key, line);
    this.host.write('I', line);
  }
}
