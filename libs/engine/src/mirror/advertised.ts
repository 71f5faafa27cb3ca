import { isPrimary } from '../module/states';
import { MirrorEngine, PeerFacts } from './mirror-types';

/** What a node tells its peer beside its state (carried by the heartbeats as resources). */
export function advertisedFacts(e: MirrorEngine): PeerFacts {
  return {
    generation: e.facts.generation,
    lastPrim: isPrimary(e.state) || (e.state !== 'SECOND' && e.facts.lastPrim),
    aloneFromSecond: e.aloneFromSecond,
    swapRequest: e.swapRequest,
    uptodate: e.facts.uptodate,
    fullsync: e.facts.fullsyncPeer,
    exitingAlone: e.exitingAlone,
    forcedPrim: e.state === 'WAIT' && (e.intent?.mode === 'prim' || e.intent?.mode === 'primforce'),
  };
}
