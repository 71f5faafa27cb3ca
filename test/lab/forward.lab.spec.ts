import { createServer } from 'node:net';
import { Lab } from '../../tools/lab/src';
import { describeLab, labName, useLab } from './helpers';

// `lab forward`: a port of this machine's loopback reaches a lab node's server from the client
// host (tools/lab/src/lab-forward.ts), with no route between the machine and the lab; the
// forwarder goes with the lab.
describeLab('lab: a port forwarded from this machine into the lab', () => {
  const lab = useLab({ name: labName('fwd'), nodes: ['node1'], lans: ['default'], clients: ['client1'] });

  /** A port free on this machine's loopback now. */
  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });

  it("reaches node1's server through client1, and stops with the lab", async () => {
    const server = `require('http').createServer((q, r) => r.end('served by ' + require('os').hostname() + ' to ' + q.socket.remoteAddress)).listen(8080, '0.0.0.0')`;
    await lab().spawn('node1', ['node', '-e', server]);
    const port = await freePort();
    const f = await lab().forward('client1', port, 'node1', 8080);
    expect(f.local).toBe(`127.0.0.1:${port}`);
    let answer = '';
    for (let i = 0; i < 50 && answer === ''; i += 1) {
      answer = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.text(),
        () => '',
      );
      if (answer === '') await new Promise((r) => setTimeout(r, 100));
    }
    // The connection to node1 came from client1's address: the forwarder speaks from the lab host.
    expect(answer).toBe(`served by node1 to ${lab().address('client1')}`);

    await Lab.destroyByName(lab().plan.name);
    const after = await fetch(`http://127.0.0.1:${port}/`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(after).toBe('refused');
  });
});
