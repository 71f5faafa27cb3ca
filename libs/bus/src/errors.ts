// Named error types for everything the bus can fail with. Callers branch on the class
// (`instanceof BusTimeoutError`), never on message text, so both port implementations
// (NATS and the in-memory twin) must throw exactly these.

/** A path into the decoded value, e.g. ['payload', 'state']. */
export type IssuePath = ReadonlyArray<string | number>;

/** One schema violation, kept small so it can be logged as structured fields. */
export interface BusIssue {
  readonly path: IssuePath;
  readonly message: string;
}

export abstract class BusError extends Error {
  override readonly name: string = 'BusError';
}

/** A subject or module name that the bus refuses (wildcard where not allowed, bad token). */
export class BusSubjectError extends BusError {
  override readonly name = 'BusSubjectError';
  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`invalid subject ${JSON.stringify(subject)}: ${reason}`);
  }
}

/** The outgoing message does not satisfy its schema; nothing was sent. */
export class BusEncodeError extends BusError {
  override readonly name = 'BusEncodeError';
  constructor(
    readonly type: string,
    readonly issues: readonly BusIssue[],
  ) {
    super(`cannot encode ${type}: ${formatIssues(issues)}`);
  }
}

/** The incoming bytes are not a valid message of the expected type. */
export class BusDecodeError extends BusError {
  override readonly name = 'BusDecodeError';
  constructor(
    readonly type: string,
    readonly issues: readonly BusIssue[],
  ) {
    super(`cannot decode ${type}: ${formatIssues(issues)}`);
  }
}

/** Nobody answered a request within its deadline (a responder exists but is slow or hung). */
export class BusTimeoutError extends BusError {
  override readonly name = 'BusTimeoutError';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`);
  }
}

/** No subscription exists for a request subject: the serving process is not running. */
export class BusNoRespondersError extends BusError {
  override readonly name = 'BusNoRespondersError';
  constructor(readonly subject: string) {
    super(`no responders on ${subject}`);
  }
}

/** The serving side answered with an error reply. */
export class BusRemoteError extends BusError {
  override readonly name = 'BusRemoteError';
  constructor(
    readonly subject: string,
    readonly code: string,
    readonly remoteMessage: string,
  ) {
    super(`${subject} replied ${code}: ${remoteMessage}`);
  }
}

/** The bus was closed (by us or because the connection is gone for good). */
export class BusClosedError extends BusError {
  override readonly name = 'BusClosedError';
  constructor(readonly operation: string) {
    super(`bus is closed (${operation})`);
  }
}

/** The first connection to the node-local server failed. */
export class BusConnectError extends BusError {
  override readonly name = 'BusConnectError';
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`cannot connect to ${url}: ${describe(cause)}`);
  }
}

/**
 * The node's nats-server refused an operation outside this credential's role (NATS permissions
 * violation): a request or a subscription rejects with it; a refused publish reaches the bus
 * error listener (fire-and-forget has no caller).
 */
export class BusPermissionError extends BusError {
  override readonly name = 'BusPermissionError';
  constructor(
    readonly operation: 'publish' | 'request' | 'subscribe',
    readonly subject: string,
  ) {
    super(
      `the bus refused to ${operation === 'subscribe' ? 'subscribe to' : `${operation} on`} ${subject}: not allowed for this credential`,
    );
  }
}

/** Any other client/transport failure, kept with its cause for the logs. */
export class BusTransportError extends BusError {
  override readonly name = 'BusTransportError';
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`${operation} failed: ${describe(cause)}`);
  }
}

/**
 * Thrown by a `serve` handler to send an error reply with a chosen code; the requester
 * receives it as a BusRemoteError with the same code and message.
 */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function formatIssues(issues: readonly BusIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return shown.join('; ') + (issues.length > 3 ? ` (+${issues.length - 3} more)` : '');
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
