import { describeLab, labName, useLab } from './helpers';

describeLab('lab: one nats-server per node, on its own loopback', () => {
  const lab = useLab({ name: labName('nats'), nodes: ['node1', 'node2'] });

  it('answers on 127.0.0.1:4222 inside its node only', async () => {
    await lab().startNats('node1');
    const own = await lab().probeTcp('node1', '127.0.0.1', 4222, { readLine: true });
    expect(own.connected).toBe(true);
    expect(own.line).toMatch(/^INFO /);
    expect(own.line).toContain('"server_name":"node1"');

    // node2's loopback is its own: nothing listens there yet.
    expect((await lab().probeTcp('node2', '127.0.0.1', 4222)).connected).toBe(false);
    // node1's server listens on its loopback only, so node2 cannot reach it over the LAN.
    expect(await lab().ping('node2', 'node1')).toBe(true);
    expect((await lab().probeTcp('node2', lab().address('node1'), 4222)).connected).toBe(false);
  });

  it('runs a second, independent server in node2', async () => {
    await lab().startNats('node2');
    const r2 = await lab().probeTcp('node2', '127.0.0.1', 4222, { readLine: true });
    expect(r2.line).toContain('"server_name":"node2"');
    const r1 = await lab().probeTcp('node1', '127.0.0.1', 4222, { readLine: true });
    expect(r1.line).toContain('"server_name":"node1"');
    expect((await lab().probeTcp('node1', lab().address('node2'), 4222)).connected).toBe(false);
  });
});
