import { join } from 'node:path';
import { runCli } from '../src/cli';
import { recorder } from './recorder';

const fixtures = join(__dirname, '../../../test/fixtures');

describe('keel cluster confcheck', () => {
  it('summarises a valid cluster and exits 0', async () => {
    const io = recorder();
    expect(await runCli(['cluster', 'confcheck', join(fixtures, 'valid/cluster-2lans.xml')], io)).toBe(0);
    expect(io.stdout.slice(1)).toEqual([
      '  lan default (commands): node1=10.0.0.107 node2=10.0.0.108',
      '  lan private: node1=10.1.0.107 node2=10.1.0.108',
      '  membership: port 4800 pulse 100ms mlost_count 20 slost_count 10',
    ]);
  });

  it("names the lease arbiter's etcd members (docs/decisions/0019)", async () => {
    const io = recorder();
    expect(await runCli(['cluster', 'confcheck', join(fixtures, 'valid/cluster-arbiter.xml')], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe(
      '  arbiter: http://10.2.0.1:2379 http://[2001:db8::3]:2379 http://witness.example:2379',
    );
  });

  it('prints the located errors of an invalid cluster and exits 1', async () => {
    const io = recorder();
    expect(
      await runCli(
        ['cluster', 'confcheck', join(fixtures, 'invalid/58-cluster-two-command-lans/cluster.xml')],
        io,
      ),
    ).toBe(1);
    expect(io.stderr[0]).toMatch(
      /cluster\.xml:3:3: \/cluster\/lans\/lan\[2\] @command: only one LAN may have command="on"/,
    );
  });
});
