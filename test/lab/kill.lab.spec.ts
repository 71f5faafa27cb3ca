import { spawn, type ChildProcess } from 'node:child_process';
import { isAlive, procInfo, waitFor } from '../../tools/lab/src/system';
import { describeLab, labName, useLab } from './helpers';

describeLab('lab: kill, freeze and crash stay inside their node', () => {
  const lab = useLab({ name: labName('kill'), nodes: ['node1', 'node2'] });
  // A command line nothing else on the machine runs.
  const seconds = String(30_000 + (process.pid % 10_000));
  let hostSleep: ChildProcess | undefined;

  beforeAll(() => {
    hostSleep = spawn('sleep', [seconds], { stdio: 'ignore' });
  });
  afterAll(() => {
    hostSleep?.kill('SIGKILL');
  });

  it("kill -9 by pattern in node1 kills node1's process only", async () => {
    const p1 = await lab().spawn('node1', ['sleep', seconds]);
    const p2 = await lab().spawn('node2', ['sleep', seconds]);
    try {
      expect(lab().pids('node1', `^sleep ${seconds}$`)).toEqual([p1.pid]);
      const killed = lab().kill('node1', `^sleep ${seconds}$`, 'SIGKILL');
      expect(killed).toEqual([p1.pid]);
      expect(await p1.exited).toEqual({ code: 137, signal: 'SIGKILL' });
      expect(isAlive(p2.pid)).toBe(true);
      expect(p2.isRunning()).toBe(true);
      expect(hostSleep!.pid && isAlive(hostSleep!.pid)).toBe(true);
    } finally {
      p1.kill();
      p2.kill();
    }
  });

  it("never matches the node's init or processes of other nodes", async () => {
    const p2 = await lab().spawn('node2', ['sleep', seconds]);
    try {
      expect(lab().kill('node1', 'keel-lab|sleep')).toEqual([]);
      expect(lab().pids('node1')).toEqual([]);
      expect(isAlive(p2.pid)).toBe(true);
    } finally {
      p2.kill();
    }
  });

  it('freeze stops and thaw resumes the process', async () => {
    const p = await lab().spawn('node1', ['sleep', seconds]);
    try {
      expect(lab().freeze('node1', `^sleep ${seconds}$`)).toEqual([p.pid]);
      expect(await waitFor(() => procInfo(p.pid)?.state === 'T', 5_000)).toBe(true);
      expect(lab().thaw('node1', `^sleep ${seconds}$`)).toEqual([p.pid]);
      expect(await waitFor(() => procInfo(p.pid)?.state === 'S', 5_000)).toBe(true);
      // The wrapper was resumed too: it still reports the exit.
      p.kill('SIGTERM');
      expect(await p.exited).toEqual({ code: 143, signal: 'SIGTERM' });
    } finally {
      p.kill();
    }
  });

  it('crash kills every process of a node at once; the next exec boots it again', async () => {
    const a = await lab().spawn('node2', ['sleep', seconds]);
    const b = await lab().spawn('node2', ['sh', '-c', `sleep ${seconds}`]);
    const other = await lab().spawn('node1', ['sleep', seconds]);
    try {
      await lab().crash('node2');
      expect((await a.exited).signal).toBe('SIGKILL');
      expect((await b.exited).signal).toBe('SIGKILL');
      expect(lab().pids('node2')).toEqual([]);
      expect(isAlive(other.pid)).toBe(true);
      expect(isAlive(hostSleep!.pid!)).toBe(true);
      const r = await lab().exec('node2', ['cat', '/proc/1/cmdline'], { check: true });
      expect(r.stdout).toContain('keel-lab-init');
      expect(await lab().ping('node1', 'node2')).toBe(true);
    } finally {
      a.kill();
      b.kill();
      other.kill();
    }
  });
});
