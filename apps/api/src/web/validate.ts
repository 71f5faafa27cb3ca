// Input checked with zod: a refusal is a 400 whose message names the field (`body.args[0]`,
// `query.count`, `path.module`; `args.count` for a GraphQL argument) and says what is expected.
import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

export type InputPlace = 'body' | 'query' | 'path' | 'args';

export function fieldName(place: InputPlace, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : `${name}.${String(key)}`),
    place,
  );
}

export function badField(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    field,
    message: `${field}: ${message}`,
  });
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, place: InputPlace): z.output<S> {
  const r = schema.safeParse(value ?? (place === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = fieldName(place, [...issue.path, ...keys.slice(0, 1)]);
  return badFieldThrow(field, issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message);
}

function badFieldThrow(field: string, message: string): never {
  throw badField(field, message);
}
