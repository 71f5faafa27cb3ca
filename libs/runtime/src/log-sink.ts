// Where log lines go. A port, so tests capture lines and services can redirect them.

export interface LogSink {
  /** One complete JSON line, without the trailing newline. */
  write(line: string): void;
}

/** Default sink: stdout, one line per record (journald and systemd pick it up from there). */
export const stdoutSink: LogSink = {
  write(line) {
    process.stdout.write(`${line}\n`);
  },
};
