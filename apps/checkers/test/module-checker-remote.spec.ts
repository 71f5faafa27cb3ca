import { build } from './support/harness';

// A module checker aimed at another node follows the module through that node's health probe
// (safekit-ops §16: 200 when it serves).
const REMOTE = `<check><module name="db"><to addr="198.18.0.2" port="9010" interval="2s" timeout="1s"/></module></check>`;
const PROBE = 'ready http://198.18.0.2:9010/var/modules/db/ready.txt';

async function following() {
  const h = await build(REMOTE);
  await h.state('app', 'PRIM', 'Ready');
  await h.resource('window.pre', 'up');
  return h;
}

describe('a module checker on a module of another node', () => {
  it('asks its health probe every interval while the pre window is open', async () => {
    const { probes, clock, sets, resource } = await following();
    await clock.advance(4_000);
    expect(probes.asked).toEqual([PROBE, PROBE, PROBE]);
    expect(sets).toEqual(['module.db_198.18.0.2=up by modulecheck']);
    await resource('window.pre', 'down');
    await clock.advance(10_000);
    expect(probes.asked).toHaveLength(3);
  });

  it('goes down with the reason when the probe does not answer 200', async () => {
    const { probes, clock, sets, logs } = await following();
    probes.fail(PROBE, 'http://198.18.0.2:9010/var/modules/db/ready.txt answered 404');
    await clock.advance(2_000);
    expect(sets.at(-1)).toBe('module.db_198.18.0.2=down by modulecheck');
    expect(logs).toEqual([
      'E module.db_198.18.0.2: http://198.18.0.2:9010/var/modules/db/ready.txt answered 404',
    ]);
  });

  it('stopstarts this module when the followed one came back under it', async () => {
    const { probes, clock, commands } = await following();
    probes.fail(PROBE);
    await clock.advance(2_000);
    probes.heal(PROBE);
    await clock.advance(2_000);
    expect(commands).toEqual(['stopstart -i modulecheck']);
  });
});
