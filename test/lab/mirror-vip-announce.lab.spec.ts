import { join } from 'node:path';
import { sampleUserconfig } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';
import { arpOf, capturedFrames, neighbourAdvertOf } from './wire-frames';
import { readFileSync } from 'node:fs';

// Issue 10, Done when 5 (frames on the wire): when node2 becomes primary (a swap), a client on the
// LAN captures what it announces for the module's VIPs: gratuitous ARP for the IPv4 one (a
// broadcast request whose sender and target are the VIP, sender MAC node2's own) and unsolicited
// neighbour advertisements for the IPv6 one (to all nodes, hop limit 255, Override only, the
// target link-layer address node2's MAC), at once and repeated (decision 0016); node1 announces
// nothing for them.
const VIP4 = '198.18.0.10';
const VIP6 = '2001:2::10';
const userconfig = sampleUserconfig().replace(
  '<virtual_addr addr="%VIRTUAL_IP%" where="one_side_alias"/>',
  `<virtual_addr addr="${VIP4}" where="one_side_alias"/><virtual_addr addr="${VIP6}" where="one_side_alias"/>`,
);

mirrorScenario(
  'mirror vip announce',
  (c) => {
    test('a swap: node2 announces both VIPs with its own MAC, three times each; node1 announces none', async () => {
      // node1's own announcements, from when it became primary at the scenario's start, last 1 s
      // (0016); a fast first synchronisation can make the pair PRIM/SECOND within it: let them end
      // before capturing, or the capture holds node1's last one.
      await new Promise((r) => setTimeout(r, 1_500));
      const capture = join(c().lab.plan.runDir, 'client1-capture.txt');
      const tcpdump = await c().lab.spawn(
        'client1',
        ['tcpdump', '-i', 'eth0', '-nn', '-e', '-xx', '-l', '-U', 'arp or (icmp6 and ip6[40] == 136)'],
        { logFile: capture },
      );
      try {
        // tcpdump says it listens on stderr, which goes to the same file.
        for (const until = Date.now() + 10_000; !readFileSync(capture, 'utf8').includes('listening on');) {
          if (Date.now() > until) throw new Error('tcpdump did not start');
          await new Promise((r) => setTimeout(r, 50));
        }
        await c().keel('node1', 'swap');
        await c().waitState('node2', 'PRIM', 60);
        // The last of the three announcements is 1 s after the first.
        await new Promise((r) => setTimeout(r, 1_500));
      } finally {
        // Gone, so all it captured is in the file.
        tcpdump.kill('SIGTERM');
        await Promise.race([tcpdump.exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
      const node1 = (await c().lab.exec('node1', ['cat', '/sys/class/net/eth0/address'])).stdout.trim();
      const node2 = (await c().lab.exec('node2', ['cat', '/sys/class/net/eth0/address'])).stdout.trim();
      const frames = capturedFrames(readFileSync(capture, 'utf8'));

      const garps = frames.map(arpOf).filter((a) => a && a.senderIp === VIP4 && a.targetIp === VIP4);
      expect(garps.length).toBeGreaterThanOrEqual(3);
      for (const a of garps)
        expect(a).toEqual({
          ethSrc: node2,
          ethDst: 'ff:ff:ff:ff:ff:ff',
          op: 1,
          senderMac: node2,
          senderIp: VIP4,
          targetIp: VIP4,
        });

      // Unsolicited ones: an answer to someone resolving the VIP meanwhile would be solicited (S).
      const nas = frames
        .map(neighbourAdvertOf)
        .filter((n) => n && n.target === VIP6 && (n.flags & 0x40) === 0);
      expect(nas.length).toBeGreaterThanOrEqual(3);
      for (const n of nas)
        expect(n).toEqual({
          ethSrc: node2,
          ethDst: '33:33:00:00:00:01',
          src: VIP6,
          dst: 'ff02::1',
          hopLimit: 255,
          flags: 0x20,
          target: VIP6,
          targetMac: node2,
        });
      // Nothing from node1 claims either VIP.
      expect(frames.map(arpOf).filter((a) => a?.senderIp === VIP4 && a.senderMac === node1)).toEqual([]);
      expect(frames.map(neighbourAdvertOf).filter((n) => n?.target === VIP6 && n.ethSrc === node1)).toEqual(
        [],
      );
    });
  },
  { clients: ['client1'], ipv6: true, userconfig },
);
