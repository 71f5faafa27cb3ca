// Incarnation numbers (pure rule). The incarnation tells a peer that this heartbeat service
// restarted, so its sequence numbers start again. It is the wall-clock time of the start in ms,
// but never less than one more than the previous incarnation (kept on disk), so a clock set
// back between two starts cannot make the new packets look like replays.
export function nextIncarnation(previous: number | undefined, wallNowMs: number): number {
  const now = Math.max(0, Math.floor(wallNowMs));
  return previous === undefined ? now : Math.max(now, previous + 1);
}
