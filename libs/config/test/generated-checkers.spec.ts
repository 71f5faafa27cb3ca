import { generatedCheckers, IssueSink } from '../src';
import { loadValid } from './valid';

// reference ops §15.10-15.11 and acceptance 8.1.8: checkers generated per node from the VIP.
describe('generated interface and ip checkers', () => {
  const { config: m } = loadValid('interface-ip-checkers', 'cluster-2lans.xml');

  it('generates intf.<network> on the local address carrying the VIP and ip.<vip> when prim', () => {
    const sink = new IssueSink();
    const g = generatedCheckers(
      m,
      [
        { addr: '127.0.0.1', prefix: 8 },
        { addr: '10.0.0.107', prefix: 24 },
      ],
      sink,
    );
    expect(sink.empty).toBe(true);
    expect(g.intf).toEqual([
      expect.objectContaining({ ident: '10.0.0.0', when: 'pre', localAddr: '10.0.0.107', generated: true }),
    ]);
    expect(g.ip).toEqual([
      expect.objectContaining({ ident: '10.0.0.129', when: 'prim', addr: '10.0.0.129', generated: true }),
    ]);
  });

  it('generates ip checkers with when=both in a farm', () => {
    const { config: farm } = loadValid('farm', 'cluster-3nodes.xml');
    const g = generatedCheckers(farm, [{ addr: '10.1.0.107', prefix: 16 }], new IssueSink());
    expect(g.ip.map((c) => c.when)).toEqual(['both']);
    expect(g.intf.map((c) => c.ident)).toEqual(['10.1.0.0']);
  });

  it('reports a VIP no local address can carry', () => {
    const sink = new IssueSink();
    generatedCheckers(m, [{ addr: '192.0.2.1', prefix: 24 }], sink);
    expect(sink.issues.map((i) => i.message)).toEqual([
      'no local address is in the network of virtual address 10.0.0.129, so its interface cannot be checked',
    ]);
  });
});
