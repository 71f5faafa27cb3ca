import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, FARM_VIP } from './farm-client';
import { farmScenario } from './lab-scenario';
import { arpOf, capturedFrames } from './wire-frames';

// Issue 10, Done when 5 (the farm's ARP on the wire) / reference §5.6.5 vmac_invisible: a client
// resolving the farm VIP gets exactly one answer, from the leader (node1): the VIP is at the
// virtual MAC (5a:fe + the VIP in hex), the frame leaves from node1's own MAC so the bridge never
// learns the virtual one; no node's kernel ever says the VIP is at its own MAC. When node1 stops,
// node2 leads: it announces the VIP at the virtual MAC and answers the next request.
const VMAC = '5a:fe:c6:12:00:14';

farmScenario('farm arp', (c) => {
  test('one answer, from the leader, with the virtual MAC; the next leader announces and answers', async () => {
    const capture = join(c().lab.plan.runDir, 'client1-arp.txt');
    const tcpdump = await c().lab.spawn(
      'client1',
      ['tcpdump', '--immediate-mode', '-i', 'eth0', '-nn', '-e', '-xx', '-l', '-U', 'arp'],
      {
        logFile: capture,
      },
    );
    const mac = async (n: string) =>
      (await c().lab.exec(n, ['cat', '/sys/class/net/eth0/address'])).stdout.trim();
    const [node1, node2, node3] = [await mac('node1'), await mac('node2'), await mac('node3')];
    const resolve = async () => {
      await c().lab.exec('client1', ['ip', 'neigh', 'flush', 'to', FARM_VIP, 'dev', 'eth0']);
      expect((await connect(c(), { count: 3 })).failed).toBe(0);
      return (await c().lab.exec('client1', ['ip', 'neigh', 'show', 'to', FARM_VIP, 'dev', 'eth0'])).stdout;
    };
    try {
      for (const until = Date.now() + 10_000; !readFileSync(capture, 'utf8').includes('listening on');) {
        if (Date.now() > until) throw new Error('tcpdump did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await resolve()).toContain(`lladdr ${VMAC}`);
      await c().keel('node1', 'stop');
      await c().waitState('node1', 'STOP');
      // node2's announcements: at once, then 100 ms and 1 s later.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await resolve()).toContain(`lladdr ${VMAC}`);
    } finally {
      tcpdump.kill('SIGTERM');
      await Promise.race([tcpdump.exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
    const arps = capturedFrames(readFileSync(capture, 'utf8')).flatMap((f) => arpOf(f) ?? []);
    const replies = arps.filter((a) => a.op === 2 && a.senderIp === FARM_VIP);
    // One per resolution: node1's, then node2's.
    expect(replies.map((a) => ({ ethSrc: a.ethSrc, senderMac: a.senderMac }))).toEqual([
      { ethSrc: node1, senderMac: VMAC },
      { ethSrc: node2, senderMac: VMAC },
    ]);
    const announced = arps.filter((a) => a.op === 1 && a.senderIp === FARM_VIP && a.targetIp === FARM_VIP);
    expect(announced.length).toBeGreaterThanOrEqual(3);
    for (const a of announced) expect(a).toMatchObject({ ethDst: 'ff:ff:ff:ff:ff:ff', senderMac: VMAC });
    expect(announced.some((a) => a.ethSrc === node2)).toBe(true);
    // No frame ever ties the VIP to a node's own MAC.
    expect(
      arps.filter((a) => a.senderIp === FARM_VIP && [node1, node2, node3].includes(a.senderMac)),
    ).toEqual([]);
  });
});
