// Heartbeat timing profiles (docs/decisions/0007-heartbeat.md). A module chooses its times in
// <heart>/<heartbeat> pulse and timeout; these are keel's recommendations, measured against
// keepalived (VRRP declares its master dead after 3 adverts plus a skew: about 3.6 s at
// advert_int 1, 0.35 s at advert_int 0.1) and SafeKit's defaults.

export interface TimingProfile {
  readonly pulseMs: number;
  readonly timeoutMs: number;
  readonly use: string;
}

export const TIMING_PROFILES = {
  /** SafeKit's defaults, what a <heart> without times gets: very tolerant, slow (30 s). */
  safekit: { pulseMs: 700, timeoutMs: 30_000, use: 'compatibility default; unchanged SafeKit behaviour' },
  /** One switched LAN or a dedicated link: as fast as VRRP at advert_int 0.1 (3 missed pulses). */
  lan: { pulseMs: 100, timeoutMs: 300, use: 'nodes on one L2 network or a direct link' },
  /** Routed or stretched networks with jitter and short loss bursts. */
  wan: { pulseMs: 500, timeoutMs: 5_000, use: 'routed, stretched or VPN links between sites' },
} as const satisfies Record<string, TimingProfile>;

export type TimingProfileName = keyof typeof TIMING_PROFILES;

/** Fewer missed pulses than this before a LAN is declared down invites false failovers. */
export const MIN_PULSES_PER_TIMEOUT = 3;

/** Advice on one heartbeat's times (valid configurations only; the config library refuses timeout <= pulse). */
export function timingAdvice(pulseMs: number, timeoutMs: number): string | undefined {
  if (timeoutMs < MIN_PULSES_PER_TIMEOUT * pulseMs) {
    return `timeout ${timeoutMs}ms is less than ${MIN_PULSES_PER_TIMEOUT} pulses of ${pulseMs}ms: two lost packets make the LAN look down`;
  }
  return undefined;
}
