import { HandlerError, ModuleCommand, CommandResult, StateReport } from '@keel/bus';
import { MIRROR_COMMAND_NAMES, MirrorCommandName, STATE_EXIT_CODE } from '@keel/engine';
import { logPageReply, logPageRequest } from './log-command';
import { ModuleRuntime } from './module-runtime';
import { diffText, VERIFY_DIFFER_EXIT, verifyText } from './rfs-query-text';
import { parseRfssync, rfssyncText } from './rfssync';
import { parseSecondforceDate } from './secondforce-date';

const LIFECYCLE = new Set<string>(MIRROR_COMMAND_NAMES);

/**
 * Answers one module command from the bus (the CLI, the API, scripts). Refusals become error
 * replies whose message says what is allowed; the command never half-applies.
 */
export async function handleCommand(
  rt: ModuleRuntime,
  c: ModuleCommand,
  caller: string,
): Promise<CommandResult> {
  if (LIFECYCLE.has(c.name)) {
    const args = c.name === 'secondforce' ? secondforceArgs(c.args, rt.now()) : c.args;
    const outcome = await rt.command(c.name as MirrorCommandName, args, c.identity, caller);
    if (!outcome.ok) throw new HandlerError('REFUSED', outcome.message);
    return { detail: outcome.message };
  }
  switch (c.name) {
    case 'state':
      return { detail: JSON.stringify(stateReport(rt)) };
    case 'get': {
      const name = c.args[0];
      const r = name === undefined ? undefined : rt.resources.get(name);
      if (!r)
        throw new HandlerError('NOT_FOUND', `no resource ${name ?? '(none given)'} in module ${rt.module}`);
      return { detail: r.value };
    }
    case 'set': {
      const [name, value] = c.args;
      if (!name || !value || !/^[A-Za-z0-9_.-]+$/.test(name))
        throw new HandlerError('BAD_ARGS', 'set needs -r <resource> -v <value>');
      if (keelOwned(name))
        throw new HandlerError(
          'BAD_ARGS',
          `${name} is set by keel itself (the peer and the failover rules trust it): set takes the other resources, custom.* among them, and rfs.syncat`,
        );
      rt.setResource(name, value, c.identity ?? 'admin');
      return { detail: `${name} ${value}` };
    }
    case 'printi':
    case 'printe':
      // printe goes to the normal log, printi to the verbose one only (reference §6.4, 8.5.67).
      rt.write(c.name === 'printe' ? 'E' : 'V', c.args.join(' '));
      return {};
    case 'log':
      // One bounded page; the CLI asks again with the cursor for more (docs/decisions/0011).
      return { detail: JSON.stringify(logPageReply(rt.logPage(logPageRequest(c.args)))) };
    case 'boot':
    case 'errd':
    case 'checker':
      return setting(rt, c, caller);
    case 'farm':
      return { detail: rt.farmCommand(c.args[0] ?? '', c.identity ?? caller) };
    case 'incloop':
      // A handler counts its own recovery, in its own name (reference §6.6).
      if (c.identity === undefined)
        throw new HandlerError(
          'BAD_ARGS',
          'incloop needs -i <identity>: the handler whose recovery it counts',
        );
      return { detail: JSON.stringify(rt.loop('increment', c.identity)) };
    case 'resetloop':
      return { detail: JSON.stringify(rt.loop('reset', c.identity ?? caller)) };
    case 'checkloop':
      return { detail: JSON.stringify(rt.loopReport()) };
    case 'rfssync': {
      if (!rt.config.rfs)
        throw new HandlerError('BAD_ARGS', `module ${rt.module} has no replicated directories (<rfs>)`);
      const r = parseRfssync(c.args);
      if (r.kind === 'set') rt.rfssync(r.mode, c.identity ?? caller);
      if (r.kind === 'external')
        rt.rfssync('external', c.identity ?? caller, { role: r.role, uid: r.uid, detect: r.detect });
      return { detail: rfssyncText(rt.settings.rfssyncmode ?? 'default', rt.settings.rfssyncExternal) };
    }
    case 'rfsdiff':
    case 'rfsverify':
      return rfsQuery(rt, c, caller);
    default:
      throw new HandlerError('UNKNOWN_COMMAND', `unknown module command ${c.name}`);
  }
}

/**
 * Resources keel derives and its peer or rules trust: the data facts the heartbeats carry
 * (`heart.*`, `rfs.uptodate`, `rfs.degraded`, the `rfssync` policy), the states and the user
 * settings each command of its own sets. `keel set` on one of them would let a Control user make
 * a stale copy look up to date to its peer.
 */
export function keelOwned(name: string): boolean {
  const cls = name.slice(0, Math.max(0, name.indexOf('.')));
  if (cls === 'rfs') return name !== 'rfs.syncat';
  return cls === 'heart' || cls === 'state' || cls === 'usersetting';
}

/**
 * `rfsdiff` on the ALONE node (what a reintegration would copy if the secondary came back now) and
 * `rfsverify` on the SECOND (its copy compared with the primary's), guide §5.7.5, §9.10. Refused
 * in any other state, naming the one it needs. rfsverify's detail is JSON (`text`, `exitCode`):
 * the CLI prints the text and exits with the code (VERIFY_DIFFER_EXIT when the copies differ).
 */
async function rfsQuery(rt: ModuleRuntime, c: ModuleCommand, caller: string): Promise<CommandResult> {
  if (!rt.config.rfs)
    throw new HandlerError('BAD_ARGS', `module ${rt.module} has no replicated directories (<rfs>)`);
  if (c.args.length > 0) throw new HandlerError('BAD_ARGS', `${c.name} takes no arguments`);
  const diff = c.name === 'rfsdiff';
  const needs = diff ? 'ALONE' : 'SECOND';
  const { state } = rt.state;
  if (state !== needs) {
    const why = diff
      ? 'it counts what the secondary lacks, on the node that runs without it'
      : 'it compares this copy with the primary of the pair';
    throw new HandlerError(
      'REFUSED',
      `${c.name} runs on the node where module ${rt.module} is ${needs} (${why}); here it is ${state}`,
    );
  }
  const r = await rt.rfsQuery(diff ? 'diff' : 'verify', c.identity ?? caller);
  if (!r.ok) {
    const text = diff ? 'rfsdiff failed' : 'rfsverify failed';
    rt.write('E', `${text}: ${r.message ?? 'no reason given'}`);
    throw new HandlerError('REFUSED', `${text}: ${r.message ?? 'no reason given'}`);
  }
  if (diff) {
    const text = diffText(r);
    rt.write('I', `rfsdiff: ${text.split('\n').join('; ')}`);
    return { detail: text };
  }
  const text = verifyText(r, rt.replicatedDirs);
  const differ = r.differ ?? 0;
  rt.write(differ > 0 ? 'E' : 'I', `rfsverify: ${r.files ?? 0} entries compared, ${differ} differ`);
  const exitCode = differ > 0 ? VERIFY_DIFFER_EXIT : r.partial ? 1 : 0;
  return { detail: JSON.stringify({ text, exitCode }) };
}

/**
 * `secondforce -d <date>` (args: the date's text): the automaton gets the date in seconds since
 * the epoch, judged here, on the node whose local time the administrator meant.
 */
function secondforceArgs(args: readonly string[], nowMs: number): string[] {
  if (args.length !== 1)
    throw new HandlerError('BAD_ARGS', 'secondforce needs -d <date>: one date, of the files to copy');
  const date = parseSecondforceDate(args[0]!, nowMs);
  if (!date.ok) throw new HandlerError('BAD_ARGS', `secondforce ${date.message}`);
  return [String(date.seconds)];
}

function setting(rt: ModuleRuntime, c: ModuleCommand, caller: string): CommandResult {
  const [value, cls] = c.args;
  if (c.name === 'boot' && value === 'status') return { detail: `boot ${rt.settings.boot ?? 'off'}` };
  if (c.name === 'errd' && value === 'list') return { detail: errdList(rt) };
  if (c.name === 'errd' && (value === 'enable' || value === 'disable'))
    return errdClass(rt, value, cls, c, caller);
  if (value !== 'on' && value !== 'off') {
    const more =
      c.name === 'boot' ? ' or status' : c.name === 'errd' ? ', list, enable <class> or disable <class>' : '';
    throw new HandlerError('BAD_ARGS', `${c.name} takes on or off${more}`);
  }
  if (c.name === 'boot') rt.saveSettings({ boot: value });
  else {
    rt.saveSettings({ [c.name]: value === 'on' });
    rt.switchDetections(c.name as 'checker' | 'errd', value === 'on');
  }
  rt.setResource(`usersetting.${c.name}`, value, 'admin');
  rt.write('I', `Action ${c.name} ${value} called by ${c.identity ?? caller}`);
  return { detail: `${c.name} ${value}` };
}

/**
 * `errd enable|disable <class>` (reference §5.10): a custom class is monitored only once enabled
 * (by the module's scripts, usually); a standard one can be suspended too. Kept across stops.
 */
function errdClass(
  rt: ModuleRuntime,
  op: 'enable' | 'disable',
  cls: string | undefined,
  c: ModuleCommand,
  caller: string,
): CommandResult {
  const classes = [...new Set((rt.config.errd?.procs ?? []).map((p) => p.class))];
  if (cls === undefined || !classes.includes(cls))
    throw new HandlerError(
      'BAD_ARGS',
      `errd ${op} takes a class of the module's <proc> elements (${classes.join(', ') || 'none configured'})${cls === undefined ? '' : `, not ${cls}`}`,
    );
  const state = op === 'enable' ? 'enabled' : 'disabled';
  rt.saveSettings({ errdClasses: { ...rt.settings.errdClasses, [cls]: state } });
  rt.setResource(`errdclass.${cls}`, state, 'admin', true);
  rt.write('I', `Action errd ${op} ${cls} called by ${c.identity ?? caller}`);
  return { detail: `errd class ${cls} ${state}` };
}

/** `errd list`: each monitored process, its class and criteria, and what errd last saw. */
function errdList(rt: ModuleRuntime): string {
  const procs = rt.config.errd?.procs ?? [];
  if (procs.length === 0) return `no process monitored in module ${rt.module}`;
  return procs
    .map((p) => {
      const seen = rt.resources.get(`proc.${p.name}`)?.value ?? 'init';
      const what = p.service ? 'service' : 'process';
      const match = [p.nameregex && `nameregex=${p.nameregex}`, p.argregex && `argregex=${p.argregex}`]
        .filter(Boolean)
        .join(' ');
      return `${what} ${p.name} class=${p.class} atleast=${p.atleast} atmax=${p.atmax} action=${p.action}${match ? ` ${match}` : ''} proc.${p.name}=${seen}`;
    })
    .join('\n');
}

export function stateReport(rt: ModuleRuntime): StateReport {
  const { state, readiness, remote } = rt.state;
  const resources = Object.fromEntries(
    rt.resources
      .entries()
      .map(([k, r]) => [k, { value: r.value, since: new Date(r.since).toISOString(), by: r.by }]),
  );
  return {
    module: rt.module,
    state,
    readiness,
    exitCode: STATE_EXIT_CODE[state as keyof typeof STATE_EXIT_CODE],
    remote: remote === 'UNKNOWN' ? 'UNKNOWN' : `${remote.state} ${remote.readiness}`,
    resources,
  };
}
