import { Pair } from './pair';
import { MirrorSettings } from '../../src';

/** Both nodes synchronised before and stopped cleanly; node1 was the last primary. */
export function syncedStoppedPair(settings: Partial<Omit<MirrorSettings, 'node' | 'peer'>> = {}): Pair {
  return new Pair(settings, {
    node1: { uptodate: true, synced: true, lastPrim: true },
    node2: { uptodate: true, synced: true, lastPrim: false },
  });
}
