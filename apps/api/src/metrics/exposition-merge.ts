// The node's services' Prometheus texts (format 0.0.4) made into one exposition: a metric family
// that several services export (every service has process_* and nodejs_*; their series differ by
// the service label) gets one HELP and one TYPE and all its series together, as the format asks
// (a second TYPE line for a name is an error to strict parsers). A family whose TYPE differs from
// the one seen first is left out and named in `conflicts`. Pure.

interface Family {
  help?: string;
  type?: string;
  readonly samples: string[];
}

const PART = /^(|_bucket|_sum|_count|_total|_created|_info)$/;

/** The family a sample belongs to: its name, or the histogram/summary name it is a part of. */
function familyOf(sample: string, current: string | undefined): string {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(sample)?.[0] ?? sample;
  if (current !== undefined && name.startsWith(current) && PART.test(name.slice(current.length)))
    return current;
  return name;
}

export function mergeExpositions(texts: readonly string[]): { text: string; conflicts: string[] } {
  const families = new Map<string, Family>();
  const conflicts = new Set<string>();
  for (const text of texts) {
    /** This text's families, merged into `families` at its end unless their TYPE conflicts. */
    const own = new Map<string, Family>();
    let current: string | undefined;
    const family = (name: string) => {
      let f = own.get(name);
      if (!f) own.set(name, (f = { samples: [] }));
      return f;
    };
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (meta) {
        const [, what, name, rest] = meta as unknown as [string, string, string, string | undefined];
        current = name;
        const f = family(name);
        if (what === 'HELP') f.help ??= line;
        else f.type ??= (rest ?? 'untyped').trim();
        continue;
      }
      if (line.startsWith('#')) continue;
      current = familyOf(line, current);
      family(current).samples.push(line);
    }
    for (const [name, f] of own) {
      const seen = families.get(name);
      if (!seen) {
        families.set(name, { ...f, samples: [...f.samples] });
      } else if (seen.type !== undefined && f.type !== undefined && seen.type !== f.type) {
        conflicts.add(name);
      } else {
        seen.help ??= f.help;
        seen.type ??= f.type;
        seen.samples.push(...f.samples);
      }
    }
  }
  const out: string[] = [];
  for (const [name, f] of families) {
    if (f.help) out.push(f.help);
    if (f.type) out.push(`# TYPE ${name} ${f.type}`);
    out.push(...f.samples);
  }
  return { text: out.length ? `${out.join('\n')}\n` : '', conflicts: [...conflicts] };
}
