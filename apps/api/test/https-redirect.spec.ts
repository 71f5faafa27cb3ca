import { httpsLocation as sut } from '../src/tls/https-redirect';

it('sends a request to the same host on the HTTPS port, keeping path and query', () => {
  expect(sut('node1:9010', 9453, '/api/v1.0/level?x=1')).toBe('https://node1:9453/api/v1.0/level?x=1');
  expect(sut('[fd00::1]:9010', 9453, '/')).toBe('https://[fd00::1]:9453/');
  expect(sut('10.0.0.1', 443, '/login')).toBe('https://10.0.0.1/login');
});

it('refuses a missing or forged Host header rather than redirect elsewhere', () => {
  expect(sut(undefined, 9453, '/')).toBeUndefined();
  expect(sut('evil.com/x@node1', 9453, '/')).toBeUndefined();
  expect(sut('node1', 9453, '//evil.com')).toBe('https://node1:9453//evil.com');
});
