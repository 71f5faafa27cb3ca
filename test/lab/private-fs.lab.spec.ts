import { existsSync } from 'node:fs';
import { describeLab, labName, useLab } from './helpers';

describeLab('lab: private files per node', () => {
  const lab = useLab({
    name: labName('privfs'),
    nodes: ['node1', 'node2'],
    privateDirs: ['/var/lib/keel-lab-demo'],
  });
  const marker = `lab-private-${process.pid}`;

  it.each(['/var/lib/keel', '/etc/keel', '/var/lib/keel-lab-demo'])(
    'a file written in node1 under %s is visible in node1 only',
    async (dir) => {
      const file = `${dir}/${marker}`;
      await lab().exec('node1', ['sh', '-c', 'echo from-node1 > "$1"', 'sh', file], { check: true });
      expect((await lab().exec('node1', ['cat', file], { check: true })).stdout).toBe('from-node1\n');
      expect((await lab().exec('node2', ['test', '-e', file])).code).not.toBe(0);
      expect(existsSync(file)).toBe(false);
    },
  );

  it('each node sees only its own processes (own PID namespace and /proc)', async () => {
    const r = await lab().exec('node1', ['cat', '/proc/1/cmdline'], { check: true });
    expect(r.stdout).toContain('keel-lab-init');
    const ps = await lab().exec('node1', ['sh', '-c', 'for p in /proc/[0-9]*; do echo "${p#/proc/}"; done'], {
      check: true,
    });
    const pids = ps.stdout.trim().split('\n').map(Number);
    expect(pids).toContain(1);
    expect(pids).not.toContain(process.pid);
  });

  it('runs commands in a working directory inside the node', async () => {
    await lab().exec('node2', ['sh', '-c', 'echo x > /var/lib/keel/here'], { check: true });
    const r = await lab().exec('node2', ['ls'], { cwd: '/var/lib/keel', check: true });
    expect(r.stdout.split('\n')).toContain('here');
  });
});
