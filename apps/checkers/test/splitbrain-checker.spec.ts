import { build } from './support/harness';

// The splitbrain checker answers admin's question (docs/decisions/0020): once every heartbeat is
// lost, admin numbers the isolation and resets splitbrain.uptodate to init; a fresh round of the
// witnesses answers it with that number. Admin alone says up when the peer is heard.
const SPLITBRAIN = `<check><splitbrain ident="witness" arg="198.18.0.254 198.18.0.253"/></check>`;
const W1 = 'ping 198.18.0.254';
const W2 = 'ping 198.18.0.253';
const verdicts = (sets: string[]) => sets.filter((s) => s.startsWith('splitbrain.uptodate'));

async function started(witnessesUp: boolean) {
  const h = await build(SPLITBRAIN);
  if (!witnessesUp) {
    h.probes.fail(W1);
    h.probes.fail(W2);
  }
  await h.resource('window.pre', 'up');
  return h;
}

/** Every heartbeat lost: admin asks question `n`. */
async function isolated(h: Awaited<ReturnType<typeof started>>, n: number) {
  await h.resource('heartbeat.default', 'down');
  await h.resource('splitbrain.isolation', String(n));
  await h.resource('splitbrain.uptodate', 'init');
  await h.clock.advance(0);
}

describe('the splitbrain checker', () => {
  it('sets splitbrain.<ident> up when one witness of several answers, down when none does', async () => {
    const h = await started(false);
    expect(h.sets).toEqual(['splitbrain.witness=down by splitbraincheck']);
    h.probes.heal(W2);
    await h.clock.advance(5_000);
    expect(h.sets.at(-1)).toBe('splitbrain.witness=up by splitbraincheck');
  });

  it('never answers while the peer is heard, even with the verdict at init', async () => {
    const h = await started(true);
    await h.resource('heartbeat.default', 'up');
    await h.resource('splitbrain.isolation', '3');
    await h.resource('splitbrain.uptodate', 'init');
    await h.clock.advance(20_000);
    expect(verdicts(h.sets)).toEqual([]);
  });

  it('answers an isolation with its number, from a round begun after the question', async () => {
    const h = await started(false);
    const before = h.probes.asked.length;
    await isolated(h, 7);
    expect(h.probes.asked.length).toBe(before + 2);
    expect(verdicts(h.sets)).toEqual(['splitbrain.uptodate=down by splitbraincheck #7']);
  });

  it('answers up for a node that reaches a witness', async () => {
    const h = await started(true);
    await isolated(h, 8);
    expect(verdicts(h.sets)).toEqual(['splitbrain.uptodate=up by splitbraincheck #8']);
  });

  it('answers again at the next round while admin did not take the answer', async () => {
    const h = await started(false);
    await isolated(h, 9);
    await h.clock.advance(5_000);
    expect(verdicts(h.sets)).toEqual([
      'splitbrain.uptodate=down by splitbraincheck #9',
      'splitbrain.uptodate=down by splitbraincheck #9',
    ]);
    await h.resource('splitbrain.uptodate', 'down');
    await h.clock.advance(10_000);
    expect(verdicts(h.sets)).toHaveLength(2);
  });

  it('stops answering once the peer is heard again', async () => {
    const h = await started(false);
    await isolated(h, 10);
    await h.resource('heartbeat.default', 'up');
    await h.clock.advance(10_000);
    expect(verdicts(h.sets)).toHaveLength(1);
  });
});
