import { UsageError } from './io';

/** `-m AM`, `-i identity`, `-r res`, `-v value`, … parsed SafeKit-style; anything else is positional. */
export interface ParsedArgs {
  readonly options: Readonly<Record<string, string | true>>;
  readonly positional: readonly string[];
}

/**
 * Parses SafeKit-style options. `withValue` lists the options that take a value; `flags` those
 * that do not. An option outside both is a usage error naming what is allowed.
 */
export function parseArgs(
  args: readonly string[],
  withValue: readonly string[],
  flags: readonly string[],
  usage: string,
): ParsedArgs {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
    } else if (withValue.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value\n${usage}`);
      options[a] = v;
    } else if (flags.includes(a)) {
      options[a] = true;
    } else {
      const allowed = [...withValue, ...flags].join(' ');
      throw new UsageError(`unknown option ${a} (allowed: ${allowed || 'none'})\n${usage}`);
    }
  }
  return { options, positional };
}
