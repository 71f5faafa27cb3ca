import { build } from './support/harness';

const SPLITBRAIN = `<check><splitbrain ident="witness" arg="198.18.0.254 198.18.0.253"/></check>`;

async function started(witnessesUp: boolean) {
  const h = await build(SPLITBRAIN);
  if (!witnessesUp) {
    h.probes.fail('ping 198.18.0.254');
    h.probes.fail('ping 198.18.0.253');
  }
  await h.resource('window.pre', 'up');
  await h.resource('splitbrain.uptodate', 'init');
  return h;
}

describe('the splitbrain checker', () => {
  it('says up while the peer is heard, whatever the witnesses say', async () => {
    const { resource, sets } = await started(false);
    await resource('heartbeat.default', 'up');
    expect(sets).toContain('splitbrain.uptodate=up by splitbraincheck');
    expect(sets).toContain('splitbrain.witness=down by splitbraincheck');
  });

  it('is up when one witness of several answers', async () => {
    const { sets, probes, resource } = await started(false);
    probes.heal('ping 198.18.0.253');
    await resource('window.pre', 'down');
    await resource('window.pre', 'up');
    expect(sets.at(-1)).toBe('splitbrain.witness=up by splitbraincheck');
  });

  it('decides nothing before every heartbeat LAN was judged', async () => {
    const { sets } = await started(true);
    expect(sets.filter((s) => s.startsWith('splitbrain.uptodate'))).toEqual([]);
  });

  it('on an isolation, asks the witnesses afresh: down when none answers', async () => {
    const { resource, probes, sets, clock } = await started(true);
    await resource('heartbeat.default', 'up');
    await resource('splitbrain.uptodate', 'up');
    probes.fail('ping 198.18.0.254');
    probes.fail('ping 198.18.0.253');
    // Admin resets the verdict when every heartbeat is lost.
    await resource('heartbeat.default', 'down');
    await resource('splitbrain.uptodate', 'init');
    await clock.advance(0);
    expect(sets.at(-1)).toBe('splitbrain.uptodate=down by splitbraincheck');
  });

  it('on an isolation with a witness answering, lets this node be primary', async () => {
    const { resource, sets, clock } = await started(true);
    await resource('heartbeat.default', 'down');
    await clock.advance(0);
    expect(sets.at(-1)).toBe('splitbrain.uptodate=up by splitbraincheck');
  });

  it('gives up again when the heartbeats return', async () => {
    const { resource, sets, clock } = await started(false);
    await resource('heartbeat.default', 'down');
    await clock.advance(0);
    expect(sets.at(-1)).toBe('splitbrain.uptodate=down by splitbraincheck');
    await resource('splitbrain.uptodate', 'down');
    await resource('heartbeat.default', 'up');
    expect(sets.at(-1)).toBe('splitbrain.uptodate=up by splitbraincheck');
  });
});
