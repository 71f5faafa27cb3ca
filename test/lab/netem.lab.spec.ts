import { run } from '../../tools/lab/src/system';
import { LabUnsupportedError } from '../../tools/lab/src';
import { describeLab, labName, useLab } from './helpers';

describeLab('lab: delay and loss', () => {
  const lab = useLab({ name: labName('netem'), nodes: ['node1', 'node2'], lans: ['default', 'private'] });

  it('100% loss on one interface stops its traffic, clearing restores it', async () => {
    const backend = await lab().netem('node1', 'default', { lossPct: 100 });
    try {
      expect(['tc-netem', 'nft-loss']).toContain(backend);
      expect(await lab().ping('node1', 'node2', { lan: 'default', count: 2 })).toBe(false);
      expect(await lab().ping('node1', 'node2', { lan: 'private' })).toBe(true);
    } finally {
      expect(await lab().netem('node1', 'default', null)).toBe('cleared');
    }
    // With tc netem, ARP was lost too: recovery is awaited with a bound.
    expect(await lab().waitReachable('node1', 'node2', { lan: 'default', timeoutMs: 15_000 })).toBe(true);
  });

  it('adds delay with tc netem, or says the kernel cannot', async () => {
    let backend: string | undefined;
    try {
      backend = await lab().netem('node2', 'private', { delayMs: 20, jitterMs: 5 });
    } catch (err) {
      expect(err).toBeInstanceOf(LabUnsupportedError);
      return;
    }
    try {
      expect(backend).toBe('tc-netem');
      const q = await run('tc', ['-n', lab().host('node2').netns, 'qdisc', 'show', 'dev', 'eth1'], {
        timeoutMs: 10_000,
      });
      expect(q.stdout).toMatch(/netem .*delay/);
      expect(await lab().ping('node1', 'node2', { lan: 'private' })).toBe(true);
    } finally {
      await lab().netem('node2', 'private', null);
    }
  });
});
