/** Where something is in a configuration file. Lines and columns are 1-based. */
export interface SourceLocation {
  readonly file: string;
  /** Element path such as `/safe/service/heart/heartbeat[2]` (index only when siblings share a name). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/** One configuration problem, always tied to a file, an element path, a line and (when it is about one) an attribute. */
export class ConfigIssue {
  constructor(
    readonly location: SourceLocation,
    readonly message: string,
    readonly attribute?: string,
  ) {}

  /** `file:line:column: /path @attr: message` — the form confcheck prints and the fixtures expect. */
  toString(): string {
    const { file, line, column, path } = this.location;
    const attr = this.attribute === undefined ? '' : ` @${this.attribute}`;
    return `${file}:${line}:${column}: ${path}${attr}: ${this.message}`;
  }
}

/** Thrown by the loaders: the configuration is not valid. Carries every issue found, in document order. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((i) => i.toString()).join('\n'));
  }
}

/** Collects issues while a document is checked, so one run reports every problem, not just the first. */
export class IssueSink {
  private readonly list: ConfigIssue[] = [];

  private readonly reported = new Set<string>();

  /** One problem per attribute is enough: later ones usually follow from the first (e.g. an unexpanded macro). */
  add(location: SourceLocation, message: string, attribute?: string): void {
    if (attribute !== undefined) {
      const key = `${location.path}@${attribute}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
    }
    this.list.push(new ConfigIssue(location, message, attribute));
  }

  get issues(): readonly ConfigIssue[] {
    return [...this.list].sort(
      (a, b) => a.location.line - b.location.line || a.location.column - b.location.column,
    );
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw new ConfigError(this.issues);
  }

  /** The value, or a ConfigError with what was collected when there is none (the reader reported why). */
  require<T>(value: T | undefined): T {
    if (value === undefined) {
      this.throwIfAny();
      throw new ConfigError([]);
    }
    return value;
  }
}
