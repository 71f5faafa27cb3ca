// A change applied to every node in two phases (`keel -G`, `keel -E`; docs/decisions/0022).
// Prepare on every node at once (each checks the change and stages it); only when every node
// accepted, commit on every node; a node that fails its commit makes the coordinator roll back
// every node that committed; in every case each node that holds the change is told to forget it.
// The decisions are pure (`afterPrepare`, `afterCommit`); the nodes are behind a port.

export type Outcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** One node's side of a change, as its api offers it. */
export interface Participant {
  readonly label: string;
  /** Checks and stages; resolves the change's id on this node, rejects with the reason. */
  prepare(): Promise<string>;
  commit(change: string): Promise<void>;
  rollback(change: string): Promise<void>;
  forget(change: string): Promise<void>;
}

export type Decision =
  { readonly action: 'commit' } | { readonly action: 'abort'; readonly refused: readonly string[] };

/** Commit only when every node accepted. */
export function afterPrepare(results: ReadonlyArray<{ label: string; outcome: Outcome }>): Decision {
  const refused = results.filter((r) => !r.outcome.ok).map((r) => r.label);
  return refused.length === 0 ? { action: 'commit' } : { action: 'abort', refused };
}

/**
 * The nodes to roll back when any commit failed: every node, the failed ones too, since a commit
 * whose answer was lost may have been done (a node that did not commit refuses the rollback, 409).
 */
export function afterCommit(results: ReadonlyArray<{ label: string; outcome: Outcome }>): string[] {
  if (results.every((r) => r.outcome.ok)) return [];
  return results.map((r) => r.label);
}

export interface NodeReport {
  readonly label: string;
  /** What happened on that node, one line each. */
  readonly lines: string[];
  readonly ok: boolean;
}

const settle = async (p: Promise<unknown>): Promise<Outcome> => {
  try {
    await p;
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
};

/** Runs the change; `applied` is true only when every node committed. */
export async function runTwoPhase(
  nodes: readonly Participant[],
): Promise<{ applied: boolean; reports: NodeReport[] }> {
  const reports = new Map(nodes.map((n) => [n.label, { label: n.label, lines: [] as string[], ok: true }]));
  const say = (label: string, line: string, ok = true) => {
    const r = reports.get(label)!;
    r.lines.push(line);
    if (!ok) r.ok = false;
  };
  const ids = new Map<string, string>();
  const prepared = await Promise.all(
    nodes.map(async (n) => {
      const outcome = await settle(n.prepare().then((id) => ids.set(n.label, id)));
      say(n.label, outcome.ok ? 'accepted (staged)' : `refused: ${outcome.reason}`, outcome.ok);
      return { label: n.label, outcome };
    }),
  );
  const forgetAll = () =>
    Promise.all(
      nodes
        .filter((n) => ids.has(n.label))
        .map(async (n) => {
          const o = await settle(n.forget(ids.get(n.label)!));
          if (!o.ok) say(n.label, `could not end the change: ${o.reason} (the node drops it itself)`);
        }),
    );
  const decision = afterPrepare(prepared);
  if (decision.action === 'abort') {
    for (const n of nodes)
      if (ids.has(n.label)) say(n.label, `not applied: refused by ${decision.refused.join(', ')}`);
    await forgetAll();
    return { applied: false, reports: [...reports.values()] };
  }
  const committed = await Promise.all(
    nodes.map(async (n) => {
      const outcome = await settle(n.commit(ids.get(n.label)!));
      say(n.label, outcome.ok ? 'applied' : `commit failed: ${outcome.reason}`, outcome.ok);
      return { label: n.label, outcome };
    }),
  );
  const back = afterCommit(committed);
  const didCommit = new Set(committed.filter((c) => c.outcome.ok).map((c) => c.label));
  await Promise.all(
    nodes
      .filter((n) => back.includes(n.label))
      .map(async (n) => {
        const o = await settle(n.rollback(ids.get(n.label)!));
        if (o.ok) say(n.label, 'rolled back', false);
        else if (didCommit.has(n.label)) say(n.label, `ROLLBACK FAILED: ${o.reason}`, false);
        else say(n.label, `not rolled back (${o.reason})`, false);
      }),
  );
  await forgetAll();
  return {
    applied: back.length === 0 && committed.every((c) => c.outcome.ok),
    reports: [...reports.values()],
  };
}
