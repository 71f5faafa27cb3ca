// The health probe of a module (safekit-ops §16), pure: `GET /var/modules/<AM>/ready.txt` answers
// 200 "OK" while the module serves on this node — a mirror PRIM or ALONE (Ready), a farm or light
// module UP (Ready) — and 404 "NOT FOUND" in every other state, for an unknown module, and for
// any other path. Load balancers and the module checkers of other nodes read it. Until the service
// has heard admin it answers 503: it does not know yet, and a 404 would say "stopped" (a module
// checker elsewhere would take the service's own restart for one of the module's).

export interface ProbeAnswer {
  readonly status: 200 | 404 | 405 | 503;
  readonly body: string;
}

const PATH = /^\/var\/modules\/([A-Za-z0-9_-]{1,64})\/ready\.txt$/;
const SERVING = new Set(['PRIM', 'ALONE', 'UP']);
const NOT_FOUND: ProbeAnswer = { status: 404, body: 'NOT FOUND\n' };

/**
 * `state(module)`: its last known state and readiness on this node, undefined if unknown; `known`:
 * whether admin was heard since the service started.
 */
export function readyProbe(
  method: string,
  path: string,
  state: (module: string) => { readonly state: string; readonly readiness: string } | undefined,
  known = true,
): ProbeAnswer {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: 'GET only\n' };
  if (!known) return { status: 503, body: 'NOT READY\n' };
  const module = PATH.exec(path.split('?')[0] ?? '')?.[1];
  const s = module === undefined ? undefined : state(module);
  return s && SERVING.has(s.state) && s.readiness === 'Ready' ? { status: 200, body: 'OK\n' } : NOT_FOUND;
}
