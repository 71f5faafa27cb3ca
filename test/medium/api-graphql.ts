// GraphQL clients for the api medium tests: an operation over HTTP (graphql-http's POST with
// JSON), and a subscription over WebSocket with graphql-ws's own client, its upgrade request
// carrying the credential (an API key or the session cookie) as a script or a browser sends it.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const GRAPHQL = '/api/v1.0/graphql';

export interface Credential {
  readonly key?: string;
  readonly cookie?: string;
  readonly origin?: string;
}

export function credentialHeaders(c: Credential): Record<string, string> {
  return {
    ...(c.key ? { authorization: `Bearer ${c.key}` } : {}),
    ...(c.cookie ? { cookie: c.cookie } : {}),
    ...(c.origin ? { origin: c.origin } : {}),
  };
}

/** One operation over HTTP: the status and the parsed answer. */
export async function gql(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  c: Credential = {},
): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}${GRAPHQL}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...credentialHeaders(c) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* a text answer */
  }
  return { status: r.status, body };
}

/** A graphql-ws client whose WebSocket upgrade carries the credential. */
export function wsClient(base: string, c: Credential, onClosed?: (event: unknown) => void): Client {
  const headers = credentialHeaders(c);
  class CredentialWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return createClient({
    url: `${base.replace(/^http/, 'ws')}${GRAPHQL}`,
    webSocketImpl: CredentialWebSocket,
    retryAttempts: 0,
    lazy: false,
    on: onClosed ? { closed: onClosed } : {},
    onNonLazyError: () => undefined,
  });
}

/** The events of a subscription, as they come, with its end or error. */
export function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: any[] = [];
  let ended: unknown = undefined;
  let failed: unknown = undefined;
  const stop = client.subscribe(
    { query, variables },
    {
      next: (v) => events.push(v),
      error: (e) => (failed = e ?? 'error'),
      complete: () => (ended = true),
    },
  );
  return {
    events,
    stop,
    get ended() {
      return ended;
    },
    get failed() {
      return failed;
    },
  };
}

export async function until(what: string, ok: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (ok()) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`never: ${what}`);
}
