import { VipWatch } from '../../tools/lab/src';
import { mirrorScenario } from './lab-scenario';

// Issue 10 (bad input and safety) / decision 0016: kill -9 of the primary's vip service leaves its
// VIP where it is (the module is still primary, its clients still served); the restarted service
// adopts it, never places it twice, and is told again by admin what the engine wants; the VIP
// then moves at a swap as ever, never on two nodes.
const VIP = '198.18.0.10';

mirrorScenario(
  'mirror vip service restart',
  (c) => {
    let watch: VipWatch;
    const copies = async (node: 'node1' | 'node2') => {
      const r = await c().lab.exec(node, ['ip', '-j', 'addr', 'show']);
      const links = JSON.parse(r.stdout) as { addr_info: { local: string }[] }[];
      return links.flatMap((l) => l.addr_info).filter((a) => a.local === VIP).length;
    };
    const setLines = async () =>
      (await c().log('node1')).split('\n').filter((l) => l.endsWith(` I Virtual IP ${VIP} set`)).length;

    beforeAll(async () => {
      watch = await VipWatch.start(c().lab, ['node1', 'node2'], VIP, 'client1');
      await watch.answeredSince();
    });

    test('kill -9 of the vip service: the VIP stays on the primary and the client is still answered', async () => {
      const from = Date.now();
      expect(c().lab.kill('node1', 'keel-vip', 'SIGKILL')).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(watch.held('node1')).toBe(true);
      expect(watch.outagesSince(from)).toEqual([]);
    });

    test('the restarted service adopts it: one copy, and admin tells it again to set it', async () => {
      const before = await setLines();
      await c().startService('node1', 'vip');
      for (const until = Date.now() + 20_000; (await setLines()) === before && Date.now() < until;)
        await new Promise((r) => setTimeout(r, 200));
      expect(await setLines()).toBe(before + 1);
      expect(await copies('node1')).toBe(1);
      expect(await c().state('node1')).toBe('PRIM (Ready)');
    });

    test('a swap then moves the VIP to node2; never on two nodes', async () => {
      await c().keel('node1', 'swap');
      await c().waitState('node2', 'PRIM', 60);
      await watch.answeredSince();
      expect(await copies('node1')).toBe(0);
      expect(await copies('node2')).toBe(1);
      expect(watch.overlaps()).toEqual([]);
    });
  },
  { clients: ['client1'] },
);
