import { build } from './support/harness';

const TCP = `<check><tcp ident="web" when="prim" action="restart"><to addr="127.0.0.1" port="8080" interval="2s" timeout="1s"/></tcp></check>`;

describe('a tcp checker', () => {
  it('probes only while its window is open, and sets its resource by tcpcheck', async () => {
    const { resource, probes, clock, sets } = await build(TCP);
    await clock.advance(5_000);
    expect(probes.asked).toEqual([]);

    await resource('window.prim', 'up');
    expect(sets).toEqual(['tcp.web=up by tcpcheck']);
    await clock.advance(4_000);
    expect(probes.asked).toHaveLength(3);

    await resource('window.prim', 'down');
    await clock.advance(10_000);
    expect(probes.asked).toHaveLength(3);
  });

  it('says why in the module log when the connection fails, once per outage', async () => {
    const { resource, probes, clock, sets, logs } = await build(TCP);
    await resource('window.prim', 'up');
    probes.fail('tcp 127.0.0.1:8080', 'connection to 127.0.0.1:8080 failed: ECONNREFUSED');
    await clock.advance(6_000);
    expect(sets).toEqual(['tcp.web=up by tcpcheck', 'tcp.web=down by tcpcheck']);
    expect(logs).toEqual(['E tcp.web: connection to 127.0.0.1:8080 failed: ECONNREFUSED']);

    probes.heal('tcp 127.0.0.1:8080');
    await clock.advance(2_000);
    expect(sets.at(-1)).toBe('tcp.web=up by tcpcheck');
  });

  it('sets its resource again after its window reopened, even to the same value', async () => {
    const { resource, probes, clock, sets } = await build(TCP);
    probes.fail('tcp 127.0.0.1:8080');
    await resource('window.prim', 'up');
    await resource('window.prim', 'down');
    await resource('window.prim', 'up');
    await clock.advance(0);
    expect(sets).toEqual(['tcp.web=down by tcpcheck', 'tcp.web=down by tcpcheck']);
  });

  it('stops while checker off holds and resumes on checker on', async () => {
    const { resource, probes, clock } = await build(TCP);
    await resource('window.prim', 'up');
    await resource('usersetting.checker', 'off');
    const before = probes.asked.length;
    await clock.advance(10_000);
    expect(probes.asked).toHaveLength(before);
    await resource('usersetting.checker', 'on');
    expect(probes.asked).toHaveLength(before + 1);
  });
});
