// Where things are in a lab's plan: its hosts, LANs and interfaces, with errors that say what
// exists when a name does not.
import type { HostPlan, LabPlan } from './plan';
import { LabError } from './lab-types';

export class LabTopology {
  constructor(readonly plan: LabPlan) {}

  get name(): string {
    return this.plan.name;
  }

  get lans(): string[] {
    return this.plan.lans.map((l) => l.name);
  }

  host(name: string): HostPlan {
    const h = this.plan.hosts.find((x) => x.name === name);
    if (!h)
      throw new LabError(
        `lab '${this.name}' has no host '${name}' (hosts: ${this.plan.hosts.map((x) => x.name).join(', ')})`,
      );
    return h;
  }

  iface(host: string, lan: string) {
    const i = this.host(host).interfaces.find((x) => x.lan === lan);
    if (!i) throw new LabError(`host '${host}' is not on LAN '${lan}' (LANs: ${this.lans.join(', ')})`);
    return i;
  }

  lan(name: string) {
    const l = this.plan.lans.find((x) => x.name === name);
    if (!l) throw new LabError(`lab '${this.name}' has no LAN '${name}' (LANs: ${this.lans.join(', ')})`);
    return l;
  }

  sharedLan(a: string, b: string): string {
    const lans = this.host(b).interfaces.map((i) => i.lan);
    const shared = this.host(a).interfaces.find((i) => lans.includes(i.lan));
    if (!shared) throw new LabError(`hosts '${a}' and '${b}' share no LAN`);
    return shared.lan;
  }
}
