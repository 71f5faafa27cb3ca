// Which processes a `<proc>` of errd, or `keel kill`, designates (reference §5.10): by command
// name, exactly (the kernel keeps 15 characters of it), or by `nameregex` on the command name
// (the name then only names the resource); and, with `argregex`, by an ERE on the whole argument
// list joined by spaces, program first, case-sensitive. Unanchored, as regexec matches.
import { compileEre } from '@keel/config';
import type { ProcessEntry } from './process-entry';

/** The length of a command name the kernel keeps (TASK_COMM_LEN less its NUL). */
export const COMM_LENGTH = 15;

export interface ProcSelector {
  readonly name: string;
  readonly nameRe: RegExp | undefined;
  readonly argRe: RegExp | undefined;
}

/** Compiles the selector of a `<proc>` (or of keel kill's options); throws EreError on a bad ERE. */
export function procSelector(p: {
  readonly name: string;
  readonly nameregex?: string | undefined;
  readonly argregex?: string | undefined;
}): ProcSelector {
  return {
    name: p.name,
    nameRe: p.nameregex === undefined ? undefined : compileEre(p.nameregex),
    argRe: p.argregex === undefined ? undefined : compileEre(p.argregex),
  };
}

export function commSelected(s: ProcSelector, comm: string): boolean {
  return s.nameRe ? s.nameRe.test(comm) : comm === s.name.slice(0, COMM_LENGTH);
}

/** A process whose arguments were not read is not selected by an argregex. */
export function selects(s: ProcSelector, p: ProcessEntry): boolean {
  if (!commSelected(s, p.comm)) return false;
  return s.argRe === undefined || (p.argv !== undefined && s.argRe.test(p.argv.join(' ')));
}

/** The scan's `argvFor`: the arguments of a process are read when a selector with argregex may pick it. */
export function argvNeededBy(selectors: readonly ProcSelector[]): (comm: string) => boolean {
  const withArgs = selectors.filter((s) => s.argRe !== undefined);
  return (comm) => withArgs.some((s) => commSelected(s, comm));
}
