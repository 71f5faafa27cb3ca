import { cookieValue } from '../src/web/request-principal';
import { fieldName } from '../src/web/validate';

it('finds one cookie among others, and nothing in a name that only ends like it', () => {
  expect(cookieValue('a=1; sessionSK=abc; b=2', 'sessionSK')).toBe('abc');
  expect(cookieValue('xsessionSK=abc', 'sessionSK')).toBeUndefined();
  expect(cookieValue(undefined, 'sessionSK')).toBeUndefined();
});

it('names a field by where it is: body.args[0], query.count', () => {
  expect(fieldName('body', ['args', 0])).toBe('body.args[0]');
  expect(fieldName('query', ['count'])).toBe('query.count');
  expect(fieldName('body', [])).toBe('body');
});
