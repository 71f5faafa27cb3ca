// The private node-to-node credential of the web service (docs/decisions/0021), keel's answer to
// SafeKit's rcmdadmin (safekit-ops §9.8, §11.1): a key derived from the cluster key (HKDF-SHA256,
// its own label, so it signs nothing else), held by every node and by root through cluster.key.
// A request signed with it says which node sends it, for whom (user, role, address) and when; the
// signature covers the method, the path with its query, the body's SHA-256 and those claims.
// Freshness (a minute either way) and a nonce seen once keep a captured request from being
// played again. Pure apart from the randomness of the nonce.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WEB_ROLES, type WebRole } from './web-roles';

export const NODE_AUTH_SCHEME = 'KeelNode';
/** How far a signed request's time may be from the receiver's clock. */
export const NODE_AUTH_WINDOW_MS = 60_000;

export function nodeCredentialKey(clusterKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', clusterKey, 'keel', 'keel.web.node-credential.v1', 32));
}

export interface NodeClaim {
  /** The node (or `keel -H` host) that signed the request. */
  readonly from: string;
  /** Whom it acts for: a user of the sending node, or root for `keel -H`. */
  readonly user: string;
  readonly role: WebRole;
  /** The user's own address, for the module log (`Action start called by user@address`). */
  readonly address: string;
  /** Milliseconds since the epoch. */
  readonly ts: number;
  readonly nonce: string;
}

const TEXT = /^[A-Za-z0-9_.:@%[\]-]{1,128}$/;
const CLAIM = z
  .object({
    from: z.string().regex(TEXT),
    user: z.string().regex(TEXT),
    role: z.enum(WEB_ROLES),
    address: z.string().regex(TEXT),
    ts: z.number().int().nonnegative(),
    nonce: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  })
  .strict();

export interface SignedRequest {
  readonly method: string;
  /** Path and query, exactly as sent. */
  readonly url: string;
  readonly body: Uint8Array;
}

function mac(key: Uint8Array, payload: string, r: SignedRequest): Buffer {
  const digest = createHash('sha256').update(r.body).digest('hex');
  return createHmac('sha256', key)
    .update(`v1\n${r.method.toUpperCase()}\n${r.url}\n${digest}\n${payload}`)
    .digest();
}

/** The Authorization header value for this request. */
export function signNodeRequest(
  key: Uint8Array,
  claim: Omit<NodeClaim, 'nonce' | 'ts'>,
  r: SignedRequest,
  nowMs: number,
): string {
  const full: NodeClaim = { ...claim, ts: Math.floor(nowMs), nonce: randomBytes(18).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${NODE_AUTH_SCHEME} ${payload}.${mac(key, payload, r).toString('base64url')}`;
}

export type NodeVerdict =
  { readonly ok: true; readonly claim: NodeClaim } | { readonly ok: false; readonly why: string };

/**
 * Checks a header against the request; `fresh(nonce, ts)` says whether the nonce was not seen
 * before within the window (and remembers it). Reasons are for the log, never for the caller.
 */
export function verifyNodeRequest(
  key: Uint8Array,
  header: string,
  r: SignedRequest,
  nowMs: number,
  fresh: (nonce: string, ts: number) => boolean,
): NodeVerdict {
  const m = /^KeelNode ([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(header);
  if (!m) return { ok: false, why: 'malformed node credential' };
  const expected = mac(key, m[1]!, r);
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, why: 'bad signature (another cluster key, or a changed request)' };
  let claim: NodeClaim;
  try {
    claim = CLAIM.parse(JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, why: 'malformed claims' };
  }
  if (Math.abs(nowMs - claim.ts) > NODE_AUTH_WINDOW_MS)
    return { ok: false, why: `signed ${Math.round((nowMs - claim.ts) / 1000)}s away from this node's clock` };
  if (!fresh(claim.nonce, claim.ts)) return { ok: false, why: 'replayed' };
  return { ok: true, claim };
}
