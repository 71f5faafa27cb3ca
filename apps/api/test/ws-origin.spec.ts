import { sameOriginOrBearer } from '../src/graphql/graphql-subscriptions';

// A WebSocket's session cookie counts only from a page of this server; a bearer key from anywhere.
const sut = (headers: Record<string, string>) => sameOriginOrBearer({ headers });

it('takes a cookie with no Origin (not a browser page) or the same origin', () => {
  expect(sut({ host: 'node1:9010' })).toBe(true);
  expect(sut({ host: 'node1:9010', origin: 'https://node1:9010' })).toBe(true);
});

it('refuses a cookie from another origin, or a malformed one; a bearer key goes', () => {
  expect(sut({ host: 'node1:9010', origin: 'https://evil.example' })).toBe(false);
  expect(sut({ host: 'node1:9010', origin: 'null' })).toBe(false);
  expect(sut({ host: 'node1:9010', origin: 'https://evil.example', authorization: 'Bearer k' })).toBe(true);
});
