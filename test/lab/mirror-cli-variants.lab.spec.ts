import { mirrorScenario } from './lab-scenario';
import type { Node } from './keel-cluster';

// Issue 3: the variants of the module commands on a running pair (node1 PRIM, node2 SECOND):
// `state -lq` in every mirror state, `failover on`, `second fullsync`, `prim fullsync`,
// `swap nosync`, `boot off`, `errd on`, `checker on`, and `safekit` without -m inside a script.
mirrorScenario('mirror cli variants', (c) => {
  const lq = async (node: Node) => {
    const r = await c().keel(node, 'state', '-lq');
    return [r.code, r.out];
  };
  /** The module log lines a node wrote after `since` lines. */
  const logSince = async (node: Node, since: number) => (await c().log(node)).split('\n').slice(since);
  const logLength = async (node: Node) => (await c().log(node)).split('\n').length;

  test('state -lq: PRIM 3, SECOND 4', async () => {
    expect(await lq('node1')).toEqual([3, 'PRIM']);
    expect(await lq('node2')).toEqual([4, 'SECOND']);
  });

  test('start_prim called `safekit printi` without -m: it reached this module', async () => {
    expect((await c().keel('node1', 'logview')).out).toMatch(
      / V sample application started by start_prim on node1/,
    );
  });

  test('failover off, then on again: the SECOND takes over when the PRIM stops; ALONE 2, STOP 0', async () => {
    expect((await c().keel('node2', 'failover', 'off')).code).toBe(0);
    expect(await c().keel('node2', 'get', '-r', 'usersetting.failover')).toMatchObject({ out: 'off' });
    expect((await c().keel('node2', 'failover', 'on')).code).toBe(0);
    expect(await c().keel('node2', 'get', '-r', 'usersetting.failover')).toMatchObject({ out: 'on' });
    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    await c().waitState('node2', 'ALONE');
    expect(await c().log('node2')).not.toMatch(/Failover-off configured/);
    expect(await lq('node1')).toEqual([0, 'STOP']);
    expect(await lq('node2')).toEqual([2, 'ALONE']);
  });

  test('second copies what changed; second fullsync copies everything, changed or not', async () => {
    expect(await c().hit('node2')).toBe('hello from node2 (hit 1)');
    let from = await logLength('node1');
    await c().keel('node1', 'second');
    await c().waitState('node1', 'SECOND', 30);
    expect((await logSince('node1', from)).join('\n')).toMatch(/ I Copied [\d.]+ KB in 1 file in /);

    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    from = await logLength('node1');
    await c().keel('node1', 'second');
    await c().waitState('node1', 'SECOND', 30);
    const unchanged = (await logSince('node1', from)).join('\n');
    expect(unchanged).toMatch(/ I Reintegration ended \(synchronize\)/);
    expect(unchanged).not.toMatch(/ I Copied /);

    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    from = await logLength('node1');
    expect((await c().keel('node1', 'second', 'fullsync')).code).toBe(0);
    await c().waitState('node1', 'SECOND', 30);
    const full = (await logSince('node1', from)).join('\n');
    expect(full).toMatch(/ I Action second called by root/);
    expect(full).toMatch(/ I Copied [\d.]+ KB in 1 file in /);
    expect(await c().hits('node1')).toEqual(await c().hits('node2'));
  });

  test('prim fullsync: the primary makes its peer copy everything when it joins', async () => {
    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    await c().keel('node2', 'stop');
    await c().waitState('node2', 'STOP');
    expect((await c().keel('node2', 'prim', 'fullsync')).code).toBe(0);
    await c().waitState('node2', 'ALONE');
    const from = await logLength('node1');
    await c().keel('node1', 'start');
    await c().waitState('node1', 'SECOND', 30);
    await c().waitState('node2', 'PRIM');
    // Nothing changed since node1 stopped, yet the whole tree is copied.
    expect((await logSince('node1', from)).join('\n')).toMatch(/ I Copied [\d.]+ KB in 1 file in /);
  });

  test('swap nosync exchanges the roles; the new secondary has nothing to copy', async () => {
    const from = await logLength('node2');
    expect((await c().keel('node2', 'swap', 'nosync')).code).toBe(0);
    await c().waitState('node1', 'PRIM');
    await c().waitState('node2', 'SECOND');
    const log2 = (await logSince('node2', from)).join('\n');
    expect(log2).toMatch(/ I Action swap called by root/);
    expect(log2).toMatch(/ I Begin of Swap/);
    expect(log2).not.toMatch(/ I Copied /);
    expect(await c().hit('node1')).toBe('hello from node1 (hit 2)');
  });

  test('WAIT 1: a node whose copy is older than its peer waits for it', async () => {
    // node2 (SECOND) stops first; node1 writes on alone, then stops: only node1 is up to date.
    await c().keel('node2', 'stop');
    await c().waitState('node2', 'STOP');
    expect(await c().hit('node1')).toBe('hello from node1 (hit 3)');
    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    await c().keel('node2', 'start');
    await c().waitState('node2', 'WAIT');
    expect(await lq('node2')).toEqual([1, 'WAIT']);
    await c().keel('node1', 'start');
    await c().waitState('node1', 'PRIM', 30);
    await c().waitState('node2', 'SECOND', 30);
    expect(await c().hits('node2')).toHaveLength(3);
  });

  test('boot off, errd on and checker on persist and show as usersetting resources', async () => {
    expect((await c().keel('node1', 'boot', 'off')).code).toBe(0);
    expect(await c().keel('node1', 'boot', 'status')).toMatchObject({ code: 0, out: 'boot off' });
    for (const setting of ['errd', 'checker']) {
      expect((await c().keel('node1', setting, 'off')).code).toBe(0);
      expect(await c().keel('node1', 'get', '-r', `usersetting.${setting}`)).toMatchObject({ out: 'off' });
      expect((await c().keel('node1', setting, 'on')).code).toBe(0);
      expect(await c().keel('node1', 'get', '-r', `usersetting.${setting}`)).toMatchObject({ out: 'on' });
    }
  });
});
