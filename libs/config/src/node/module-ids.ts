// Module ids (pure). A module's id numbers its default ports (heartbeat 8888 + id - 1), so
// both nodes must agree on it. keel reads it from $KEEL_ETC/modules/<name>/id, written when the
// module is installed (like `safekit module install -i`). A module without an id file gets the
// lowest id no other module holds, modules taken in name order: deterministic, but it depends
// on the set of installed modules, so it is reported as a warning.

export interface InstalledModule {
  readonly name: string;
  /** From the id file; undefined when there is none. */
  readonly id: number | undefined;
}

export interface IdAssignment {
  readonly ids: ReadonlyMap<string, number>;
  /** Modules whose id was derived (no id file). */
  readonly derived: readonly string[];
  /** Modules left without an id (duplicate id file), with why. */
  readonly problems: ReadonlyArray<{ readonly module: string; readonly message: string }>;
}

export function assignModuleIds(installed: readonly InstalledModule[]): IdAssignment {
  const sorted = [...installed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ids = new Map<string, number>();
  const holder = new Map<number, string>();
  const problems: Array<{ module: string; message: string }> = [];
  for (const m of sorted) {
    if (m.id === undefined) continue;
    const other = holder.get(m.id);
    if (other !== undefined) {
      problems.push({ module: m.name, message: `module id ${m.id} is already the id of module ${other}` });
      continue;
    }
    holder.set(m.id, m.name);
    ids.set(m.name, m.id);
  }
  const derived: string[] = [];
  let candidate = 1;
  for (const m of sorted) {
    if (m.id !== undefined) continue;
    while (holder.has(candidate)) candidate++;
    holder.set(candidate, m.name);
    ids.set(m.name, candidate);
    derived.push(m.name);
  }
  return { ids, derived, problems };
}

/** Parses the text of an id file: a whole number from 1 to 1000, surrounding whitespace ignored. */
export function parseModuleId(text: string): number | undefined {
  const t = text.trim();
  if (!/^[0-9]{1,4}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 1000 ? n : undefined;
}
