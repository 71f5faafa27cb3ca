// `rfssync` (guide §5.7.5 "External synchronisation", §9.10): the synchronisation policy of this
// node's next resynchronisation as secondary. `default`: the engine's choice (zones, compare or
// full); `full`: every file copied whole, once, then back to `default` after a successful
// synchronisation. SafeKit's `external` policy (a backup restored on the secondary, named by a uid
// on both nodes) is not done: keel refuses it and names the ways it has (docs/decisions/0009).
import { HandlerError } from '@keel/bus';

export type RfssyncMode = 'default' | 'full';

export const RFSSYNC_MODE_RESOURCE = 'usersetting.rfssyncmode';
/** Up when the current policy can be applied (keel's two policies always can). */
export const RFSSYNC_RESOURCE = 'rfs.rfssync';

export type RfssyncRequest = { kind: 'show' } | { kind: 'set'; mode: RfssyncMode };

/** What `rfssync [args]` asks for, or a refusal naming what keel accepts. */
export function parseRfssync(args: readonly string[]): RfssyncRequest {
  if (args.length === 0) return { kind: 'show' };
  if (args.length === 1 && (args[0] === 'full' || args[0] === 'default'))
    return { kind: 'set', mode: args[0] };
  if (args[0] === 'external' || args[0] === '-d')
    throw new HandlerError(
      'BAD_ARGS',
      'rfssync external is not supported by keel: use rfssync full (every file copied) or secondforce -d <date> (the files modified since a backup)',
    );
  throw new HandlerError('BAD_ARGS', `rfssync takes nothing, full or default, not ${args.join(' ')}`);
}

/** The line `rfssync` prints. */
export function rfssyncText(mode: RfssyncMode): string {
  return mode === 'full'
    ? 'rfssync full: the next synchronisation of this node as secondary copies every file'
    : 'rfssync default: the next synchronisation copies what changed';
}
