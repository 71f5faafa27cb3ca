// How GraphQL errors reach the client, over HTTP and WebSocket alike: an error the services raised
// as an HttpException (the same ones the REST API turns into statuses) keeps its message and says
// in `extensions` the HTTP status the REST route would have answered, a code, and the field for a
// refused input (`args.count`). Anything else a resolver threw was replaced by ErrorsFilter with a
// generic message (and logged); GraphQL's own errors (syntax, validation) pass as they are. Pure.
import { HttpException } from '@nestjs/common';
import { GraphQLError } from 'graphql';

/** The code of each status the API answers (what Apollo and most clients expect to read). */
const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

export function keelGraphqlError(err: Readonly<GraphQLError | Error>): GraphQLError | Error {
  if (!(err instanceof GraphQLError)) return err;
  const original = err.originalError;
  if (!(original instanceof HttpException)) return err;
  const status = original.getStatus();
  const body = original.getResponse();
  const message =
    typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? err.message);
  const field = typeof body === 'object' ? (body as { field?: unknown }).field : undefined;
  return new GraphQLError(message, {
    nodes: err.nodes,
    source: err.source,
    positions: err.positions,
    path: err.path,
    originalError: original,
    extensions: {
      ...err.extensions,
      code: CODES[status] ?? 'INTERNAL_SERVER_ERROR',
      status,
      ...(typeof field === 'string' ? { field } : {}),
    },
  });
}
