// Issue 10, Done when 1 / reference §5.6.1: the mirror's virtual IP follows the primary. A client
// connects to the VIP every 10 ms through a swap, a stop and start of the primary, kill -9 of
// every keel process of the primary and the cut of all its links; after each, the client is
// answered again, by the new primary, whose module log says `Virtual IP <addr> set`, and whose MAC
// the client's neighbour entry now holds. Sampled every 10 ms on both nodes: never two holders.
// The outages are printed (P1/P2 are measured by tools/bench, not asserted here).
import { sampleUserconfig, type Node, KEEL_PROCESSES } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';
import { readFileSync } from 'node:fs';
import { VipWatch } from '../../tools/lab/src';

export function vipFollowsThePrimary(name: string, VIP: string): void {
  const ipv6 = VIP.includes(':');
  mirrorScenario(
    name,
    (c) => {
      let watch: VipWatch;
      const outages: string[] = [];

      /** After an event begun at `from`: the new primary holds the VIP and the client follows it. */
      async function followed(event: string, primary: Node, from: number): Promise<void> {
        const other: Node = primary === 'node1' ? 'node2' : 'node1';
        await watch.answeredSince().catch(async (err: Error) => {
          // What each node said of its VIP, to tell why the client is not answered.
          const said = async (n: Node) =>
            (await c().log(n))
              .split('\n')
              .filter((l) => /Virtual IP|ip\.|intf\.|Local state|fence/.test(l))
              .slice(-12)
              .join('\n');
          // And what runs of keel on each node (a fence still alive, or none).
          const running = (n: Node) =>
            c()
              .lab.pids(n, 'keel-')
              .map((pid) => {
                try {
                  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 160);
                } catch {
                  return `${pid} gone`;
                }
              })
              .join('\n');
          throw new Error(
            `${err.message}; held: ${primary} ${watch.held(primary)}, ${other} ${watch.held(other)}\n--- ${primary}\n${await said(primary)}\n${running(primary)}\n--- ${other}\n${await said(other)}\n${running(other)}`,
          );
        });
        expect(watch.held(primary)).toBe(true);
        expect(watch.held(other)).toBe(false);
        expect((await c().log(primary)).split('\n').some((l) => l.endsWith(` I Virtual IP ${VIP} set`))).toBe(
          true,
        );
        // The announcement moved the client's neighbour entry to the new primary's MAC.
        expect(await watch.clientNeighbour('client1', VIP)).toBe(await watch.mac(primary));
        outages.push(`${event}: ${watch.outagesSince(from).join(', ') || 'none'} ms`);
      }

      beforeAll(async () => {
        watch = await VipWatch.start(c().lab, ['node1', 'node2'], VIP, 'client1');
        await watch.answeredSince();
      });

      afterAll(() => {
        process.stdout.write(`VIP outages seen by the client:\n  ${outages.join('\n  ')}\n`);
      });

      test('the VIP is on node1, the primary, and the client reaches the application through it', async () => {
        expect(watch.held('node1')).toBe(true);
        expect(watch.held('node2')).toBe(false);
        expect(await watch.clientNeighbour('client1', VIP)).toBe(await watch.mac('node1'));
      });

      test('swap: the VIP moves to node2 after node1 withdrew it', async () => {
        const from = Date.now();
        await c().keel('node1', 'swap');
        await c().waitState('node2', 'PRIM', 60);
        await c().waitState('node1', 'SECOND', 60);
        await followed('swap', 'node2', from);
      });

      test('stop of the primary: node1 takes the VIP; node2 starts again as secondary', async () => {
        const from = Date.now();
        await c().keel('node2', 'stop');
        await c().waitState('node1', 'ALONE', 30);
        await followed('stop', 'node1', from);
        await c().keel('node2', 'start');
        await c().waitState('node2', 'SECOND', 60);
        await c().waitState('node1', 'PRIM', 30);
        expect(watch.held('node2')).toBe(false);
      });

      test('kill -9 of every keel process of the primary: its fence withdraws the VIP, node2 takes it', async () => {
        const from = Date.now();
        const killed = c().lab.kill('node1', KEEL_PROCESSES, 'SIGKILL');
        expect(killed.length).toBeGreaterThanOrEqual(6);
        await c().waitState('node2', 'ALONE', 30);
        await followed('kill -9 of keel', 'node2', from);
        // node1 back as secondary.
        await c().startServices('node1');
        await c().waitAdmin('node1');
        await c().keel('node1', 'start');
        await c().waitState('node1', 'SECOND', 60);
        await c().waitState('node2', 'PRIM', 30);
      });

      test('every link of the primary cut: it withdraws the VIP at once, node1 takes it', async () => {
        const from = Date.now();
        await c().lab.linkDown('node2', 'default');
        await c().lab.linkDown('node2', 'private');
        await c().waitState('node1', 'ALONE', 30);
        await followed('links of the primary cut', 'node1', from);
        await c().lab.linkUp('node2', 'default');
        await c().lab.linkUp('node2', 'private');
      });

      test('sampled every 10 ms on both nodes, the VIP was never on two nodes at once', () => {
        expect(watch.overlaps()).toEqual([]);
      });
    },
    { clients: ['client1'], ipv6, userconfig: sampleUserconfig({ VIRTUAL_IP: VIP }) },
  );
}
