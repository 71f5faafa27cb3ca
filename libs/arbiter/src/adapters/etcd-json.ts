// The parts of etcd's v3 JSON gateway (grpc-gateway, served by etcd 3.4 under /v3/) that the
// lease store reads. int64 fields (lease IDs, TTLs, revisions) come as decimal strings; keys and
// values are base64. Parsing is total: anything else is a LeaseStoreProtocolError.
import { z } from 'zod';

const Int64 = z.union([z.string().regex(/^-?\d{1,19}$/), z.number().int()]).transform(String);

/** An answer whose content does not matter (its header only). */
export const Empty = z.object({});

export const GrantAnswer = z.object({ ID: Int64, TTL: Int64 });

/** A stream's message (keepalive answers `{result: ...}`); a lease it does not know has no TTL. */
export const KeepAliveAnswer = z.object({
  result: z.object({ ID: Int64.optional(), TTL: Int64.optional() }),
});

const KeyValue = z.object({
  key: z.string(),
  value: z.string().optional(),
  lease: Int64.optional(),
});

export const RangeAnswer = z.object({ kvs: z.array(KeyValue).optional() });

export const TxnAnswer = z.object({
  succeeded: z.boolean().optional(),
  responses: z
    .array(z.object({ response_range: RangeAnswer.optional(), response_put: z.object({}).optional() }))
    .optional(),
});

/** etcd's error body (grpc status): `{error, message, code}`. */
export const ErrorAnswer = z.object({
  error: z.string().optional(),
  message: z.string().optional(),
  code: z.number(),
});

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function unb64(text: string | undefined): string {
  return Buffer.from(text ?? '', 'base64').toString('utf8');
}

/** The request that binds `key` to `lease` only if the key does not exist, else reads it. */
export function createIfAbsent(key: string, value: string, lease: string): unknown {
  const k = b64(key);
  return {
    compare: [{ key: k, target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
    success: [{ request_put: { key: k, value: b64(value), lease } }],
    failure: [{ request_range: { key: k } }],
  };
}
