// A log sink for tests: keeps every line (structurally a @keel/runtime LogSink).

export interface CapturingSink {
  write(line: string): void;
  readonly lines: readonly string[];
  /** Every line parsed as JSON, in order. */
  records(): Array<Record<string, unknown>>;
}

export function createCapturingSink(): CapturingSink {
  const lines: string[] = [];
  return {
    write: (line) => {
      lines.push(line);
    },
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
