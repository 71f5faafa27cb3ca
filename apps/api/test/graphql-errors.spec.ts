import { ForbiddenException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { keelGraphqlError } from '../src/graphql/graphql-errors';
import { badField } from '../src/web/validate';

// The services' HttpExceptions keep their words and say their status, code and field.
const sut = keelGraphqlError;

it('words a refused input with its field and 400', () => {
  const err = new GraphQLError('x', {
    originalError: badField('args.count', 'too small'),
    path: ['moduleLog'],
  });
  expect((sut(err) as GraphQLError).toJSON()).toEqual({
    message: 'args.count: too small',
    path: ['moduleLog'],
    extensions: { code: 'BAD_USER_INPUT', status: 400, field: 'args.count' },
  });
});

it('words a refusal of the role with 403', () => {
  const err = new GraphQLError('x', { originalError: new ForbiddenException('needs Control') });
  expect((sut(err) as GraphQLError).toJSON()).toEqual({
    message: 'needs Control',
    extensions: { code: 'FORBIDDEN', status: 403 },
  });
});

it("leaves GraphQL's own errors as they are", () => {
  const err = new GraphQLError('Syntax Error');
  expect(sut(err)).toBe(err);
});
