import { nodeCredentialKey, signNodeRequest, verifyNodeRequest } from '../src/web/node-credential';

// The node-to-node credential: a signature over the request and claims, fresh and seen once.
const key = nodeCredentialKey(Buffer.alloc(32, 1));
const claim = { from: 'node1', user: 'control1', role: 'Control' as const, address: '10.0.0.3' };
const r = { method: 'POST', url: '/api/v1.0/modules/demo/commands/start', body: Buffer.from('{"args":[]}') };

function build() {
  const seen = new Set<string>();
  const fresh = (nonce: string) => !seen.has(nonce) && !!seen.add(nonce);
  const sut = (header: string, req = r, now = 1_000_000, k: Uint8Array = key) =>
    verifyNodeRequest(k, header, req, now, fresh);
  return { sut };
}

it('accepts a signed request once, with its claims', () => {
  const { sut } = build();
  const h = signNodeRequest(key, claim, r, 1_000_000);
  expect(sut(h)).toMatchObject({ ok: true, claim: { ...claim, ts: 1_000_000 } });
  expect(sut(h)).toEqual({ ok: false, why: 'replayed' });
});

it('refuses another key, a changed body, path or method, and a stale time', () => {
  const { sut } = build();
  const h = signNodeRequest(key, claim, r, 1_000_000);
  const bad = { ok: false, why: 'bad signature (another cluster key, or a changed request)' };
  expect(sut(h, r, 1_000_000, nodeCredentialKey(Buffer.alloc(32, 2)))).toEqual(bad);
  expect(sut(h, { ...r, body: Buffer.from('{"args":["x"]}') })).toEqual(bad);
  expect(sut(h, { ...r, url: '/api/v1.0/modules/demo/commands/stop' })).toEqual(bad);
  expect(sut(h, { ...r, method: 'DELETE' })).toEqual(bad);
  expect(sut(h, r, 1_000_000 + 61_000)).toMatchObject({
    ok: false,
    why: "signed 61s away from this node's clock",
  });
  expect(sut('KeelNode nonsense')).toEqual({ ok: false, why: 'malformed node credential' });
});
