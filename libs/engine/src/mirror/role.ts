import { isPrimary, ModuleState, RemoteState } from '../module/states';
import { MirrorFacts, MirrorSettings, PeerFacts, StartIntent } from './mirror-types';

export type RoleChoice =
  /** Keep listening for the peer (WAIT Transient). */
  | { readonly kind: 'listen' }
  /** Block in WAIT (NotReady) until the peer can serve as primary. */
  | { readonly kind: 'hold'; readonly messages: readonly string[] }
  /** Give up the start and go back to STOP. */
  | { readonly kind: 'abort'; readonly messages: readonly string[] }
  | { readonly kind: 'become'; readonly state: Extract<ModuleState, 'ALONE' | 'PRIM' | 'SECOND' | 'UP'> };

export interface RoleInput {
  readonly settings: MirrorSettings;
  readonly facts: MirrorFacts;
  readonly intent: StartIntent;
  readonly remote: RemoteState;
  readonly peer: PeerFacts;
  readonly now: number;
}

const NOT_UPTODATE =
  'Data may be not uptodate for replicated directories (wait for the start of the remote server)';

/**
 * Which role a starting mirror node takes (reference §3.2 M2-M5, §3.3, §3.5, §3.9). Pure: the
 * same facts always give the same answer on both nodes, so two starting nodes agree on who
 * becomes primary without talking more than their heartbeats do.
 */
export function chooseRole(i: RoleInput): RoleChoice {
  if ((i.settings.architecture ?? 'mirror') !== 'mirror') return { kind: 'become', state: 'UP' };
  const r = i.remote;
  const remotePrimary = r !== 'UNKNOWN' && isPrimary(r.state) && r.readiness === 'Ready';
  switch (i.intent.mode) {
    case 'second':
      if (remotePrimary) return { kind: 'become', state: 'SECOND' };
      if (r === 'UNKNOWN' && listening(i)) return { kind: 'listen' };
      return { kind: 'abort', messages: ['The remote node is not primary: second start aborted'] };
    case 'prim':
      if (i.facts.interrupted) {
        return {
          kind: 'abort',
          messages: [
            'Data may be inconsistent for replicated directories (stopped during reintegration)',
            'If you are sure that this server has valid data, run safekit primforce to force start as primary',
            'Requested prim start aborted',
          ],
        };
      }
      return primUnlessPeerIs(i);
    case 'primforce':
      return primUnlessPeerIs(i);
    case 'start':
      return chooseOnStart(i, remotePrimary);
  }
}

function primUnlessPeerIs(i: RoleInput): RoleChoice {
  const r = i.remote;
  if (r !== 'UNKNOWN' && isPrimary(r.state)) {
    return { kind: 'abort', messages: ['The remote node is already primary: prim start aborted'] };
  }
  // A peer not heard from yet may be primary: listen for it first, as a plain start does.
  if (r === 'UNKNOWN' && listening(i)) return { kind: 'listen' };
  return { kind: 'become', state: 'ALONE' };
}

/**
 * Whether this node's data is older than what the cluster has. With the peer in sight the data
 * generations decide; without it only the node's own record can (reference §3.5).
 */
function stale(i: RoleInput): boolean {
  if (i.remote === 'UNKNOWN') return !i.facts.uptodate;
  if (i.facts.generation !== i.peer.generation) return i.facts.generation < i.peer.generation;
  // Same lineage: a complete copy beats one that fell behind (a secondary stopped, or cut from
  // replication, while the primary went on).
  if (i.facts.uptodate !== i.peer.uptodate) return !i.facts.uptodate;
  return !i.facts.uptodate ? !i.facts.synced : false;
}

const listening = (i: RoleInput) => i.now - i.intent.since < i.settings.peerSilenceMs;

function chooseOnStart(i: RoleInput, remotePrimary: boolean): RoleChoice {
  const r = i.remote;
  if (remotePrimary) return { kind: 'become', state: 'SECOND' };
  // A peer still starting or handing over will settle; never race it to the primary role.
  if (r !== 'UNKNOWN' && isPrimary(r.state)) return { kind: 'listen' };
  if (i.facts.failoverOffHold)
    return { kind: 'hold', messages: ['Failover-off configured: waiting for the remote primary'] };
  if (i.settings.replication && stale(i)) {
    const rule = i.facts.synced ? 'notuptodate_server' : 'rfs_notuptodate_server';
    return {
      kind: 'hold',
      messages: [
        `Action wait from failover rule ${rule}`,
        NOT_UPTODATE,
        'If you are sure that this server has valid data, run safekit prim to force start as primary',
      ],
    };
  }
  if (r === 'UNKNOWN') return listening(i) ? { kind: 'listen' } : { kind: 'become', state: 'ALONE' };
  // A stopped peer may be starting this very moment, unseen yet: only the node that would lead a
  // joint start goes ALONE at once; the other gives the peer one heartbeat timeout to show up.
  if (r.state === 'STOP')
    return iLead(i) || !listening(i) ? { kind: 'become', state: 'ALONE' } : { kind: 'listen' };
  if (r.readiness === 'NotReady') return { kind: 'become', state: 'ALONE' };
  // A peer starting with `prim` will be primary: wait for it.
  if (r.state === 'WAIT' && i.peer.forcedPrim) return { kind: 'listen' };
  // The leader of a joint start goes straight to PRIM (M3). The other waits for it, but not for
  // ever: a peer stuck in WAIT (Transient), e.g. behind its start-up gate, is not a primary.
  if (r.state === 'WAIT')
    return iLead(i)
      ? { kind: 'become', state: 'PRIM' }
      : listening(i)
        ? { kind: 'listen' }
        : { kind: 'become', state: 'ALONE' };
  // The peer is SECOND without a primary: it is leaving; wait for it to settle.
  return { kind: 'listen' };
}

/**
 * Two nodes start together, both with good data: the preferred primary leads (defaultprim, then
 * the last primary, then — when replication says nothing — the smaller node name).
 */
function iLead(i: RoleInput): boolean {
  const { node, peer, defaultprim } = i.settings;
  if (defaultprim === node) return true;
  if (defaultprim === peer) return false;
  if (i.facts.lastPrim !== i.peer.lastPrim) return i.facts.lastPrim;
  return node < peer;
}
