import { afterCommit, afterPrepare, runTwoPhase, type Participant } from '../src/remote/two-phase';

// keel -G / -E: a change is committed only when every node accepted it, and rolled back where it
// was committed when a commit fails (docs/decisions/0022).
type Fail = 'prepare' | 'commit' | 'rollback' | undefined;

/** Nodes that record what they were asked, each failing where told. */
function factory(fails: Record<string, Fail>) {
  const calls: string[] = [];
  const nodes: Participant[] = Object.entries(fails).map(([label, fail]) => {
    const step = (what: string) => async () => {
      calls.push(`${label} ${what}`);
      if (fail === what) throw new Error(`${label} says no`);
    };
    return {
      label,
      prepare: async () => {
        await step('prepare')();
        return `tx-${label}`;
      },
      commit: step('commit'),
      rollback: step('rollback'),
      forget: step('forget'),
    };
  });
  return { sut: () => runTwoPhase(nodes), calls };
}

it('decides: commit only when all accepted; roll back the committed ones when one commit failed', () => {
  const ok = { ok: true } as const;
  const no = { ok: false, reason: 'x' } as const;
  expect(
    afterPrepare([
      { label: 'a', outcome: ok },
      { label: 'b', outcome: ok },
    ]),
  ).toEqual({ action: 'commit' });
  expect(
    afterPrepare([
      { label: 'a', outcome: ok },
      { label: 'b', outcome: no },
    ]),
  ).toEqual({
    action: 'abort',
    refused: ['b'],
  });
  expect(
    afterCommit([
      { label: 'a', outcome: ok },
      { label: 'b', outcome: ok },
    ]),
  ).toEqual([]);
  // The failed one too: its commit may have been done and its answer lost.
  expect(
    afterCommit([
      { label: 'a', outcome: ok },
      { label: 'b', outcome: no },
    ]),
  ).toEqual(['a', 'b']);
});

it('applies on every node when all accept', async () => {
  const { sut, calls } = factory({ n1: undefined, n2: undefined });
  const r = await sut();
  expect(r.applied).toBe(true);
  expect(calls.sort()).toEqual([
    'n1 commit',
    'n1 forget',
    'n1 prepare',
    'n2 commit',
    'n2 forget',
    'n2 prepare',
  ]);
  expect(r.reports).toEqual([
    { label: 'n1', ok: true, lines: ['accepted (staged)', 'applied'] },
    { label: 'n2', ok: true, lines: ['accepted (staged)', 'applied'] },
  ]);
});

it('commits nowhere when one node refuses, and the others drop what they staged', async () => {
  const { sut, calls } = factory({ n1: undefined, n2: 'prepare' });
  const r = await sut();
  expect(r.applied).toBe(false);
  expect(calls.filter((c) => c.includes('commit'))).toEqual([]);
  expect(calls).toContain('n1 forget');
  expect(r.reports).toEqual([
    { label: 'n1', ok: true, lines: ['accepted (staged)', 'not applied: refused by n2'] },
    { label: 'n2', ok: false, lines: ['refused: n2 says no'] },
  ]);
});

it('rolls back where it was committed when a commit fails', async () => {
  const { sut, calls } = factory({ n1: undefined, n2: 'commit', n3: undefined });
  const r = await sut();
  expect(r.applied).toBe(false);
  expect(calls.filter((c) => c.endsWith('rollback')).sort()).toEqual([
    'n1 rollback',
    'n2 rollback',
    'n3 rollback',
  ]);
  expect(r.reports.map((x) => [x.label, x.ok, x.lines.slice(1)])).toEqual([
    ['n1', false, ['applied', 'rolled back']],
    ['n2', false, ['commit failed: n2 says no', 'rolled back']],
    ['n3', false, ['applied', 'rolled back']],
  ]);
});

it('says so loudly when a rollback fails', async () => {
  const { sut } = factory({ n1: 'rollback', n2: 'commit' });
  const r = await sut();
  expect(r.reports[0]!.lines).toContain('ROLLBACK FAILED: n1 says no');
});
