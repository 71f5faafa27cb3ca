// Turns arbitrary field values into something JSON.stringify renders faithfully: errors keep
// their message and stack, bigints survive, cycles and huge nesting cannot break a log call.

const MAX_DEPTH = 8;

export function toLoggable(value: unknown, ancestors: readonly object[] = []): unknown {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return String(value);
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (ancestors.includes(value)) return '[Circular]';
  if (ancestors.length >= MAX_DEPTH) return '[Truncated]';
  const inner = [...ancestors, value];

  if (value instanceof Error) return errorFields(value, inner);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => toLoggable(v, inner));
  if (value instanceof Map) return toLoggable(Object.fromEntries(value), inner);
  if (value instanceof Set) return toLoggable([...value], inner);

  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = toLoggable(v, inner);
  return out;
}

function errorFields(err: Error, ancestors: readonly object[]): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  // Named errors carry their context as own properties (subject, code, issues, ...).
  for (const [key, v] of Object.entries(err)) {
    if (key !== 'name' && key !== 'message') out[key] = toLoggable(v, ancestors);
  }
  if (err.stack) out['stack'] = err.stack;
  if (err.cause !== undefined) out['cause'] = toLoggable(err.cause, ancestors);
  return out;
}
