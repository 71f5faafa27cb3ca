import { runningPair } from './pair';

// restart_services (reference §5.10, §8.5 case 69): errd's restart tells the scripts which
// services to restart.
test('a restart with -Services gives it to every script of the restart', () => {
  const p = runningPair();
  p.command('node1', 'restart', ['-Services', 'S2, S3'], 'errd');
  expect(p.scripts('node1')).toEqual([
    'stop_prim PRIM PRIM restart -Services S2, S3',
    'stop_prim force PRIM PRIM restart -Services S2, S3',
    'stop_both PRIM PRIM restart -Services S2, S3',
    'stop_both force PRIM PRIM restart -Services S2, S3',
    'start_both PRIM PRIM restart -Services S2, S3',
    'start_prim PRIM PRIM restart -Services S2, S3',
  ]);
  expect(p.logs('node1')).toContain('I Action restart called by errd');
});

test.each([[['now']], [['-Services']], [['-Services', ' ']], [['-Services', 'S1', 'x']]])(
  'a restart with other arguments (%j) is refused and changes nothing',
  (args) => {
    const p = runningPair();
    p.command('node1', 'restart', args, 'errd');
    expect(p.replies.node1.at(-1)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^restart takes no argument but -Services/),
    });
    expect(p.scripts('node1')).toEqual([]);
    expect(p.state('node1')).toBe('PRIM Ready');
  },
);
