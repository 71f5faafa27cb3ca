import { loopStatus } from '../../src';
import { runningPair } from './pair';

// incloop / resetloop / checkloop (reference §6.6, §8.5 case 70): a handler counts its own
// recovery in the counter errd's and the checkers' actions use.
const HOUR = 3600_000;
const limits = { maxloop: 3, loopIntervalMs: 24 * HOUR };

describe('loopStatus', () => {
  it.each([
    ['no action yet', { count: 0, since: 0 }, 1, 0, false],
    ['below maxloop', { count: 2, since: 0 }, HOUR, 2, false],
    ['maxloop reached', { count: 3, since: 0 }, HOUR, 3, true],
    ['past loop_interval', { count: 3, since: 0 }, 24 * HOUR, 0, false],
  ])('%s', (_what, counter, now, count, reached) => {
    expect(loopStatus(counter, now, limits)).toMatchObject({ count, reached, maxloop: 3 });
  });

  it('never reached with loop_interval 0 (the counter is off)', () => {
    expect(loopStatus({ count: 9, since: 0 }, 1, { maxloop: 3, loopIntervalMs: 0 }).reached).toBe(false);
  });
});

describe('the loop input', () => {
  it('incloop counts in the same counter as automatic actions, and says so', () => {
    const p = runningPair();
    p.input('node1', { kind: 'loop', op: 'increment', by: 'restart_myappli' });
    p.command('node1', 'restart', [], 'errd');
    expect(p.logs('node1')).toContain('I Action incloop called by restart_myappli (maxloop count 1 of 3)');
    expect(loopStatus(p.engines.node1.facts.loop, p.now, limits)).toMatchObject({ count: 2, reached: false });
    p.input('node1', { kind: 'loop', op: 'increment', by: 'h' });
    expect(loopStatus(p.engines.node1.facts.loop, p.now, limits).reached).toBe(true);
    // Only counted: the module runs on until an automatic action exceeds maxloop.
    expect(p.state('node1')).toBe('PRIM Ready');
    p.command('node1', 'restart', [], 'errd');
    expect(p.logs('node1')).toContain('I Action stop called by maxloop');
    expect(p.state('node1')).toBe('STOP NotReady');
  });

  it('resetloop starts the count again', () => {
    const p = runningPair();
    for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd');
    p.input('node1', { kind: 'loop', op: 'reset', by: 'h' });
    expect(p.logs('node1')).toContain('I Action resetloop called by h');
    for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd');
    expect(p.state('node1')).toBe('PRIM Ready');
  });

  it('is taken at once during a transition, never queued behind it', () => {
    const p = runningPair();
    p.holdReplication = true;
    p.command('node2', 'stopstart');
    expect(p.state('node2')).toBe('SECOND Transient');
    p.input('node2', { kind: 'loop', op: 'increment', by: 'h' });
    expect(p.engines.node2.facts.loop.count).toBe(1);
  });
});
