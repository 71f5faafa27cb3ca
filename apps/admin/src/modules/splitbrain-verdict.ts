// The splitbrain verdict (resource splitbrain.uptodate, reference §5.18) is admin's question to
// the checkers service, asked once per isolation: when every heartbeat is lost admin numbers a
// new isolation (resource splitbrain.isolation) and resets the verdict to `init`; the checkers
// service probes the witnesses afresh and answers `up` or `down` for that number; admin takes the
// first answer for the current isolation while the peer is still lost, and nothing else. When the
// peer is heard again admin answers `up` itself. So an answer computed for an earlier isolation,
// delayed on the bus or sent by a restarted service, can never let an isolated secondary take
// over (docs/decisions/0020).
import { randomInt } from 'node:crypto';
import type { MirrorInput } from '@keel/engine';

export const SPLITBRAIN_VERDICT = 'splitbrain.uptodate';
export const SPLITBRAIN_ISOLATION = 'splitbrain.isolation';

export interface VerdictHost {
  setResource(name: string, value: string, by: string, quiet?: boolean): void;
  resource(name: string): string | undefined;
  submit(input: MirrorInput): void;
  /** `checker on`: without it there is no splitbrain checker to wait for. */
  checkerOn(): boolean;
}

export class SplitbrainVerdict {
  /** Random at each start of admin: an answer meant for a previous admin's question never matches. */
  private isolation = randomInt(1, 2 ** 31);
  private peerKnown = false;

  constructor(
    private readonly host: VerdictHost,
    private readonly configured: boolean,
  ) {}

  /** The peer as heartbeat sees it; called before the automaton hears of it. */
  peer(known: boolean): void {
    const was = this.peerKnown;
    this.peerKnown = known;
    if (!this.configured || was === known) return;
    if (known) this.host.setResource(SPLITBRAIN_VERDICT, 'up', 'heart');
    else this.ask();
  }

  /** Back to the start (admin's start, STOP, `checker on`): `up` with a peer heard, else a question. */
  reset(): void {
    if (!this.configured) return;
    if (this.peerKnown) this.host.setResource(SPLITBRAIN_VERDICT, 'up', 'heart', true);
    else this.ask();
  }

  /** An answer from the checkers service; false when it is not for the open question. */
  answer(value: string, by: string, isolation: number | undefined): boolean {
    const open =
      this.configured &&
      this.host.checkerOn() &&
      !this.peerKnown &&
      isolation === this.isolation &&
      this.host.resource(SPLITBRAIN_VERDICT) === 'init';
    if (!open || (value !== 'up' && value !== 'down')) return false;
    this.host.setResource(SPLITBRAIN_VERDICT, value, by);
    return true;
  }

  /** What the automaton is told when the verdict resource changes. */
  told(value: string): MirrorInput {
    return { kind: 'isolation', verdict: this.host.checkerOn() ? value : 'off' };
  }

  private ask(): void {
    this.isolation = this.isolation >= 2 ** 31 - 1 ? 1 : this.isolation + 1;
    this.host.setResource(SPLITBRAIN_ISOLATION, String(this.isolation), 'admin', true);
    this.host.setResource(SPLITBRAIN_VERDICT, 'init', 'admin', true);
  }
}
