// `rfssync` (guide §5.7.5 "External synchronisation", §9.10): the synchronisation policy of this
// node's next resynchronisation. Pure.
//  - `default`: the engine's choice (zones, compare or full);
//  - `full`: this node's next synchronisation as secondary copies every file;
//  - `external prim|second <uid>`: a backup of the primary restored on the secondary seeds it. The
//    primary's command takes the point the backup starts from (run it before the backup); the
//    secondary, given the same uid, copies only the files modified since that point (or of another
//    size). `-d` instead of `external` (SafeKit: no change detection between the backup and the
//    start) is taken as `external`: keel still copies what changed since the point, which costs a
//    walk of the metadata and covers a primary started before its secondary was restored.
// After a successful synchronisation the policy is `default` again on both nodes. An external
// policy that cannot be applied (no primary under the same uid) stops the secondary with an error
// naming the remedies (docs/decisions/0009 "rfssync").
import { HandlerError } from '@keel/bus';

export type RfssyncMode = 'default' | 'full' | 'external';

/** One node's side of an external synchronisation. */
export interface ExternalPolicy {
  readonly role: 'prim' | 'second';
  readonly uid: string;
  /** False with `-d` (shown as given; keel detects the changes since the point all the same). */
  readonly detect: boolean;
  /** The primary's point (seconds since the epoch, its clock): the backup starts after it. */
  readonly point?: number;
}

export const RFSSYNC_MODE_RESOURCE = 'usersetting.rfssyncmode';
export const RFSSYNC_ROLE_RESOURCE = 'usersetting.rfssyncrole';
export const RFSSYNC_UID_RESOURCE = 'usersetting.rfssyncuid';
/** keel's own: the primary's point (ISO date), or `none` (not a primary); the peer reads it. */
export const RFSSYNC_POINT_RESOURCE = 'usersetting.rfssyncpoint';
/** Up when the current policy can be applied. */
export const RFSSYNC_RESOURCE = 'rfs.rfssync';

/** SafeKit's bound on a uid (§9.10), and characters a resource value and a log line keep as they are. */
const UID = /^[A-Za-z0-9_.:@-]{1,24}$/;
/** A file modified in the second of the point counts as modified after it. */
export const POINT_MARGIN_S = 2;
/** How far the primary's clock may be ahead of the secondary's. */
export const POINT_FUTURE_TOLERANCE_S = 300;

export type RfssyncRequest =
  | { kind: 'show' }
  | { kind: 'set'; mode: 'default' | 'full' }
  | { kind: 'external'; role: 'prim' | 'second'; uid: string; detect: boolean };

const USAGE = 'rfssync takes nothing, full, default, external prim|second <uid> or -d prim|second <uid>';

/** What `rfssync [args]` asks for, or a refusal naming what keel accepts. */
export function parseRfssync(args: readonly string[]): RfssyncRequest {
  if (args.length === 0) return { kind: 'show' };
  if (args.length === 1 && (args[0] === 'full' || args[0] === 'default'))
    return { kind: 'set', mode: args[0] };
  const [how, role, uid] = args;
  if (how === 'external' || how === '-d') {
    if (args.length !== 3 || (role !== 'prim' && role !== 'second'))
      throw new HandlerError('BAD_ARGS', `rfssync ${how} takes prim or second, then a uid: ${USAGE}`);
    if (!UID.test(uid!))
      throw new HandlerError(
        'BAD_ARGS',
        `rfssync ${how} ${role}: the uid is 1 to 24 letters, digits or _ . : @ -, not ${JSON.stringify(uid).slice(0, 40)}`,
      );
    return { kind: 'external', role, uid: uid!, detect: how === 'external' };
  }
  throw new HandlerError('BAD_ARGS', `${USAGE}, not ${args.join(' ').slice(0, 80)}`);
}

/** The line `rfssync` prints. */
export function rfssyncText(mode: RfssyncMode, external?: ExternalPolicy): string {
  if (mode === 'full')
    return 'rfssync full: the next synchronisation of this node as secondary copies every file';
  if (mode === 'external' && external) {
    const how = external.detect ? 'external' : '-d';
    return external.role === 'prim'
      ? `rfssync ${how} prim ${external.uid}: the backup's point is ${new Date((external.point ?? 0) * 1000).toISOString()}; the secondary restored under the same uid copies the files modified since`
      : `rfssync ${how} second ${external.uid}: the next synchronisation as secondary copies the files modified since the primary's point (a primary under the same uid is needed)`;
  }
  return 'rfssync default: the next synchronisation copies what changed';
}

/** The resources that show a node's policy (its peer reads them through the heartbeats); `none` when unset. */
export function policyResources(mode: RfssyncMode, external?: ExternalPolicy): Record<string, string> {
  const ext = mode === 'external' ? external : undefined;
  const point = ext?.role === 'prim' && ext.point !== undefined ? ext.point : undefined;
  return {
    [RFSSYNC_MODE_RESOURCE]: mode,
    [RFSSYNC_ROLE_RESOURCE]: ext?.role ?? 'none',
    [RFSSYNC_UID_RESOURCE]: ext?.uid ?? 'none',
    [RFSSYNC_POINT_RESOURCE]: point === undefined ? 'none' : new Date(point * 1000).toISOString(),
  };
}

/** What an external policy gives this node's synchronisation as secondary. */
export type ExternalSync =
  | { readonly ok: true; readonly since: number; readonly text: string }
  | { readonly ok: false; readonly message: string };

const REMEDIES =
  'redo the procedure (rfssync external prim <uid> on the primary before its backup, the same uid here after the restore), or use rfssync full, or secondforce -d <date>';

/**
 * The secondary's side of an external synchronisation: `local` its policy, `remote` the resources
 * its primary advertises (undefined when no peer is heard), `nowS` this node's time in seconds.
 */
export function externalSync(
  local: ExternalPolicy,
  remote: Readonly<Record<string, string>> | undefined,
  nowS: number,
): ExternalSync {
  const refuse = (why: string): ExternalSync => ({
    ok: false,
    message: `rfssync external cannot be applied: ${why}: ${REMEDIES}`,
  });
  if (remote === undefined) return refuse('no primary is heard');
  if (remote[RFSSYNC_MODE_RESOURCE] !== 'external' || remote[RFSSYNC_ROLE_RESOURCE] !== 'prim')
    return refuse(
      `the primary's policy is ${remote[RFSSYNC_MODE_RESOURCE] ?? 'unknown'}${remote[RFSSYNC_MODE_RESOURCE] === 'external' ? ` ${remote[RFSSYNC_ROLE_RESOURCE]}` : ''}, not external prim ${local.uid}`,
    );
  if (remote[RFSSYNC_UID_RESOURCE] !== local.uid)
    return refuse(
      `the primary's uid is ${remote[RFSSYNC_UID_RESOURCE] ?? 'unknown'}, this node's is ${local.uid}`,
    );
  const text = remote[RFSSYNC_POINT_RESOURCE] ?? '';
  const point = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text) || !Number.isFinite(point))
    return refuse("the primary's backup point is not known");
  // Both the point and the files' times are the primary's clock; a point ahead of this node's by
  // more than clocks drift apart is a wrong clock or a wrong uid, and would copy too little.
  if (point / 1000 > nowS + POINT_FUTURE_TOLERANCE_S)
    return refuse(`the primary's backup point ${text} is in the future`);
  return {
    ok: true,
    since: Math.floor(point / 1000) - POINT_MARGIN_S,
    text: `rfssync external ${local.uid}: the files modified since ${text} are copied`,
  };
}
