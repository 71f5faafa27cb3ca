import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, listNetns, runRootFromEnv } from '../../tools/lab/src';
import { isAlive, run } from '../../tools/lab/src/system';
import { cleanupCrashedRuns, describeLab, isRoot, labName } from './helpers';

const LAB_CLI = join(__dirname, '../../tools/lab/bin/lab');

function leftovers(name: string) {
  const prefix = `kl-${name}-`;
  const runDir = join(runRootFromEnv(), name);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(runDir) || l.includes(prefix));
  return { netns: listNetns().filter((n) => n.startsWith(prefix)), mounts, runDir: existsSync(runDir) };
}

const nothing = { netns: [], mounts: [], runDir: false };

describeLab('lab: destroy and cleanup leave nothing behind', () => {
  const destroyed = labName('destroy');
  const crashed = labName('crashed');
  beforeAll(cleanupCrashedRuns);
  afterAll(async () => {
    if (!isRoot) return;
    await Lab.destroyByName(destroyed);
    await Lab.destroyByName(crashed);
  });

  it('destroy removes namespaces, mounts, state and every process; twice is fine', async () => {
    const lab = await Lab.create({
      name: destroyed,
      nodes: ['node1', 'node2'],
      clients: ['client1'],
      privateDirs: ['/var/lib/keel-lab-demo'],
    });
    let pids: number[] = [];
    try {
      await lab.spawn('node1', ['sleep', '2718']);
      await lab.startNats('node2');
      // A daemon that left its parent: only the namespace sweep can find it.
      await lab.exec('client1', ['sh', '-c', 'setsid sleep 2719 >/dev/null 2>&1 < /dev/null &'], {
        check: true,
      });
      const inits = (await lab.status()).map((h) => h.initPid!);
      pids = [...inits, ...lab.pids('node1'), ...lab.pids('node2'), ...lab.pids('client1')];
      expect(lab.pids('client1', '^sleep 2719$')).toHaveLength(1);
      expect(leftovers(destroyed).netns).toHaveLength(4);
    } finally {
      await lab.destroy();
    }
    expect(leftovers(destroyed)).toEqual(nothing);
    expect(pids.filter(isAlive)).toEqual([]);
    await lab.destroy();
    await Lab.destroyByName(destroyed);
    expect(leftovers(destroyed)).toEqual(nothing);
  });

  it('cleanupLeftovers removes a lab whose creator is gone (built by the CLI)', async () => {
    const up = await run(LAB_CLI, ['up', crashed, '--nodes', 'node1,node2', '--lans', 'default,private'], {
      timeoutMs: 60_000,
    });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const spawned = await run(LAB_CLI, ['spawn', crashed, 'node1', '--', 'sleep', '2720'], {
      timeoutMs: 60_000,
    });
    expect(spawned.code).toBe(0);
    const pid = Number(spawned.stdout.trim());
    expect(isAlive(pid)).toBe(true);
    const exec = await run(LAB_CLI, ['exec', crashed, 'node2', '--', 'sh', '-c', 'hostname; exit 3'], {
      timeoutMs: 60_000,
    });
    expect({ code: exec.code, out: exec.stdout }).toEqual({ code: 3, out: 'node2\n' });
    expect(leftovers(crashed).netns).toHaveLength(3);

    expect(await Lab.cleanupLeftovers(`kl-${crashed}-`)).toEqual([crashed]);
    expect(leftovers(crashed)).toEqual(nothing);
    expect(isAlive(pid)).toBe(false);
    expect(await Lab.cleanupLeftovers(`kl-${crashed}-`)).toEqual([]);
  });
});
