/** One process of the node as errd and `keel kill` see it (reference §5.10). */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /**
   * The kernel's command name: the file name it was started from (a script's own, not its
   * interpreter's), cut to 15 characters.
   */
  readonly comm: string;
  /** When it started, in clock ticks since boot: with the pid, it names one process across pid reuse. */
  readonly start: number;
  /**
   * Its arguments, the program's name first (cmdline, split at its NULs); read only for the
   * command names the scan was asked for, undefined otherwise; [] for a kernel thread.
   */
  readonly argv: readonly string[] | undefined;
}
