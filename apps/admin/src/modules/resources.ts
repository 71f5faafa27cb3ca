/** A module resource (reference §2.2): its value, since when, and who set it. */
export interface Resource {
  readonly value: string;
  readonly since: number;
  readonly by: string;
}

export interface ResourceChange {
  readonly name: string;
  readonly value: string;
  readonly previous: string | undefined;
  readonly by: string;
}

/** The resource table of one module. `set` reports a change only when the value really changes. */
export class ResourceTable {
  private readonly table = new Map<string, Resource>();

  set(name: string, value: string, by: string, now: number): ResourceChange | undefined {
    const previous = this.table.get(name);
    if (previous?.value === value) return undefined;
    this.table.set(name, { value, since: now, by });
    return { name, value, previous: previous?.value, by };
  }

  get(name: string): Resource | undefined {
    return this.table.get(name);
  }

  /** name -> value, for the failover rules. */
  values(): Map<string, string> {
    return new Map([...this.table].map(([k, r]) => [k, r.value]));
  }

  entries(): [string, Resource][] {
    return [...this.table].sort(([a], [b]) => a.localeCompare(b));
  }
}
