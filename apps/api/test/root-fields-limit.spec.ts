import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { rootFieldsLimit } from '../src/graphql/root-fields-limit';

// A document asks for at most so many root fields, aliases and fragments included.
const schema = buildSchema('type Query { a: Int, b: T } type T { x: Int, y: Int, z: Int }');
const errors = (doc: string) =>
  validate(schema, parse(doc), [...specifiedRules, rootFieldsLimit(2)]).map((e) => e.message);

it('lets two root fields through, nested fields not counted', () => {
  expect(errors('{ a b { x y z } }')).toEqual([]);
});

it('counts aliases and fragments', () => {
  expect(errors('{ a x: a y: a }')).toEqual(['at most 2 root fields in one document (aliases included)']);
  expect(errors('{ ...F } fragment F on Query { a b { x } c: a }')).toEqual([
    'at most 2 root fields in one document (aliases included)',
  ]);
});
