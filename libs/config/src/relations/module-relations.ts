import { IssueSink, SourceLocation } from '../errors';
import { CheckerAction, CheckerWhen, Located, ModuleConfig, Rfs, Vip } from '../model/module';
import { checkArbiterUse } from './arbiter';
import { checkFailoverRules } from './failover-rules';
import { procNameProblem, systemdUnitProblem } from '../values/proc-names';

const BUILTIN_ACTIONS = new Set(['restart', 'stopstart', 'stop', 'noaction']);
const BUILTIN_CLASSES = new Set(['prim', 'both', 'pre', 'second', 'sec']);

/** Reports the second and later items that share a key with an earlier one. */
export function reportDuplicates<T extends Located>(
  items: readonly T[],
  key: (t: T) => string | undefined,
  sink: IssueSink,
  message: (k: string, first: SourceLocation) => string,
  attribute?: string,
): void {
  const seen = new Map<string, SourceLocation>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first) sink.add(item.loc, message(k, first), attribute);
    else seen.set(k, item.loc);
  }
}

/** Relations between fields of one userconfig.xml that no single element can check (reference §5). */
export function checkModuleRelations(m: ModuleConfig, sink: IssueSink): void {
  checkHeart(m, sink);
  checkFarm(m, sink);
  if (m.vip) checkVip(m.vip, m.mode, sink);
  if (m.rfs) checkRfs(m.rfs, sink);
  checkScripts(m, sink);
  checkCheckers(m, sink);
  checkArbiterUse(m, sink);
  if (m.failover.handleTime % m.failover.period !== 0) {
    sink.add(
      m.failover.loc,
      `handle_time (${m.failover.handleTime}ms) must be a multiple of period (${m.failover.period}ms)`,
      'handle_time',
    );
  }
  // Rules are generated from the checkers: judge them only once the checkers themselves are valid.
  if (sink.empty) checkFailoverRules(m, sink);
}

function checkHeart(m: ModuleConfig, sink: IssueSink): void {
  if (!m.heart) return;
  for (const hb of m.heart.heartbeats) {
    if (hb.name === undefined && hb.legacyServers.length === 0) {
      sink.add(
        hb.loc,
        "missing required attribute 'name' on <heartbeat> (the cluster LAN it runs on)",
        'name',
      );
    }
    if (hb.timeout <= hb.pulse) {
      sink.add(
        hb.loc,
        `heartbeat timeout (${hb.timeout}ms) must be longer than its pulse (${hb.pulse}ms)`,
        'timeout',
      );
    }
  }
  reportDuplicates(
    m.heart.heartbeats,
    (h) => h.ident,
    sink,
    (k, f) => `heartbeat ident '${k}' is already used at line ${f.line}`,
    'ident',
  );
  reportDuplicates(
    m.heart.heartbeats,
    (h) => h.name,
    sink,
    (k, f) => `LAN '${k}' already carries the heartbeat at line ${f.line}`,
    'name',
  );
}

function checkFarm(m: ModuleConfig, sink: IssueSink): void {
  if (!m.farm) return;
  for (const lan of m.farm.lans) {
    if (lan.name === undefined && lan.legacyNodes.length === 0) {
      sink.add(lan.loc, "missing required attribute 'name' on <lan> (a cluster LAN name)", 'name');
    }
  }
  reportDuplicates(
    m.farm.lans,
    (l) => l.name,
    sink,
    (k, f) => `LAN '${k}' is already listed at line ${f.line}`,
    'name',
  );
}

function checkVip(vip: Vip, mode: ModuleConfig['mode'], sink: IssueSink): void {
  const where = mode === 'mirror' ? 'one_side_alias' : 'alias';
  const addresses = vip.interfaces.flatMap((i) => i.addresses);
  for (const a of addresses) {
    if (a.where !== where)
      sink.add(
        a.loc,
        `where="${a.where}" is not allowed in a ${mode} module (use where="${where}")`,
        'where',
      );
  }
  reportDuplicates(
    addresses,
    (a) => a.addr,
    sink,
    (k, f) => `virtual address ${k} is already declared at line ${f.line}`,
    'addr',
  );
  const vips = new Set(addresses.map((a) => a.addr));
  const directed = vip.interfaces.some((i) => i.virtualInterface?.type === 'vmac_directed');
  reportDuplicates(
    vip.groups,
    (g) => g.name,
    sink,
    (k, f) => `load-balancing group '${k}' is already declared at line ${f.line}`,
    'name',
  );
  for (const g of vip.groups) {
    // The group names the resource <name>_<index> and the farm log lines (reference §5.6.3).
    if (!GROUP_NAME.test(g.name))
      sink.add(
        g.loc,
        `group name '${g.name}' must be 1 to 60 of A-Z a-z 0-9 _ . - (it names the resource ${g.name}_<n>)`,
        'name',
      );
    for (const h of g.hosts ?? [])
      if (h.power > MAX_POWER) sink.add(h.loc, `power ${h.power} is above ${MAX_POWER}`, 'power');
    reportDuplicates(
      g.hosts ?? [],
      (h) => h.name,
      sink,
      (k, f) => `host '${k}' is already in group '${g.name}' at line ${f.line}`,
      'name',
    );
    for (const r of g.rules) {
      if (r.virtualAddr !== '*' && !vips.has(r.virtualAddr)) {
        sink.add(
          r.loc,
          `virtual_addr ${r.virtualAddr} is not a virtual address of this module (declared: ${[...vips].join(', ')})`,
          'virtual_addr',
        );
      }
      if (r.proto === 'arp' && (r.filter !== 'on_addr' || !directed)) {
        sink.add(r.loc, 'proto="arp" needs filter="on_addr" and a vmac_directed virtual interface', 'proto');
      }
      if (r.filter === 'on_ipid' && r.proto !== 'udp') {
        sink.add(
          r.loc,
          `filter="on_ipid" balances on the IP identification field and only works for proto="udp"`,
          'filter',
        );
      }
      if (r.proto === 'arp' && r.port !== '*') sink.add(r.loc, 'proto="arp" takes no port', 'port');
    }
  }
}

function checkRfs(rfs: Rfs, sink: IssueSink): void {
  // keel-rfsd keeps zones as byte ranges of whole pages (docs/decisions/0009, "Zone bitmaps").
  if (rfs.ruzoneBlocksize % 4096 !== 0 || rfs.ruzoneBlocksize > 1 << 30) {
    sink.add(
      rfs.loc,
      `ruzone_blocksize (${rfs.ruzoneBlocksize}) must be a multiple of 4096, at most 1073741824`,
      'ruzone_blocksize',
    );
  }
  // SafeKit's rule, for zones of a packet or more; keel's smaller default zone sends whole
  // packets of several zones.
  if (rfs.ruzoneBlocksize >= rfs.reipacketsize && rfs.ruzoneBlocksize % rfs.reipacketsize !== 0) {
    sink.add(
      rfs.loc,
      `ruzone_blocksize (${rfs.ruzoneBlocksize}) must be a multiple of reipacketsize (${rfs.reipacketsize})`,
      'ruzone_blocksize',
    );
  }
  if (rfs.packetsize !== undefined && rfs.reipacketsize > rfs.packetsize) {
    sink.add(
      rfs.loc,
      `reipacketsize (${rfs.reipacketsize}) must not exceed packetsize (${rfs.packetsize})`,
      'reipacketsize',
    );
  }
  if (rfs.syncat !== undefined && rfs.syncat.trim().split(/\s+/).length !== 5) {
    sink.add(
      rfs.loc,
      `syncat '${rfs.syncat}' must be a cron schedule of 5 fields (minute hour day month weekday)`,
      'syncat',
    );
  }
  for (const r of rfs.replicated) {
    if (r.dir === '/') sink.add(r.loc, 'the root filesystem cannot be a replicated directory', 'dir');
    for (const n of r.notreplicated) {
      if ((n.path === undefined) === (n.regexpath === undefined)) {
        sink.add(n.loc, '<notreplicated> needs exactly one of path and regexpath');
      }
    }
  }
  reportDuplicates(
    rfs.replicated,
    (r) => r.dir,
    sink,
    (k, f) => `directory ${k} is already replicated at line ${f.line}`,
    'dir',
  );
  // Replicated trees must not nest: a file would then belong to two replication roots.
  const dirs = [...rfs.replicated].sort((a, b) => a.dir.length - b.dir.length);
  for (const inner of dirs) {
    const outer = dirs.find(
      (o) => o !== inner && o.dir !== inner.dir && inner.dir.startsWith(o.dir === '/' ? '/' : `${o.dir}/`),
    );
    if (outer)
      sink.add(
        inner.loc,
        `replicated directory ${inner.dir} is inside replicated directory ${outer.dir} (line ${outer.loc.line}); replicated directories must be disjoint`,
        'dir',
      );
  }
}

function checkScripts(m: ModuleConfig, sink: IssueSink): void {
  reportDuplicates(
    m.user?.vars ?? [],
    (v) => v.name,
    sink,
    (k, f) => `variable '${k}' is already defined at line ${f.line}`,
    'name',
  );
  if (!m.errd) return;
  if (!m.user)
    sink.add(
      m.errd.loc,
      '<errd> needs <user/>: without it no module script runs and processes are not monitored',
    );
  for (const p of m.errd.procs) {
    const handler = !BUILTIN_ACTIONS.has(p.action);
    if (handler && BUILTIN_CLASSES.has(p.class)) {
      sink.add(
        p.loc,
        `action '${p.action}' is a handler script and needs a custom class, not '${p.class}' (custom classes are enabled by the scripts)`,
        'action',
      );
    }
    if (p.restartServices !== undefined && !(p.service && p.action === 'restart')) {
      sink.add(p.loc, 'restart_services needs service="yes" and action="restart"', 'restart_services');
    }
    const nameProblem = p.service ? systemdUnitProblem(p.name) : procNameProblem(p.name);
    if (nameProblem) sink.add(p.loc, nameProblem, 'name');
    if (p.nameregex !== undefined && p.service)
      sink.add(p.loc, 'nameregex selects processes and cannot be used with service="yes"', 'nameregex');
    if (p.atleast === -1 && p.atmax === -1)
      sink.add(p.loc, 'atleast="-1" and atmax="-1" together monitor nothing', 'atleast');
    if (p.atmax !== -1 && p.atleast !== -1 && p.atmax < p.atleast) {
      sink.add(p.loc, `atmax (${p.atmax}) is below atleast (${p.atleast})`, 'atmax');
    }
  }
}

const PRE_ACTIONS: readonly CheckerAction[] = ['wait', 'noaction'];
const STARTED_ACTIONS: readonly CheckerAction[] = ['stop', 'stopstart', 'restart', 'noaction'];

function checkCheckers(m: ModuleConfig, sink: IssueSink): void {
  const c = m.check;
  const actionFits = (item: Located & { when: CheckerWhen; action: CheckerAction }) => {
    const allowed = item.when === 'pre' ? PRE_ACTIONS : STARTED_ACTIONS;
    if (!allowed.includes(item.action)) {
      sink.add(
        item.loc,
        `action '${item.action}' is not allowed with when="${item.when}" (allowed: ${allowed.join(', ')})`,
        'action',
      );
    }
  };
  [...c.tcp, ...c.ping, ...c.custom].forEach(actionFits);
  for (const [kind, list] of Object.entries({
    tcp: c.tcp,
    ping: c.ping,
    intf: c.intf,
    ip: c.ip,
    custom: c.custom,
    module: c.module,
  })) {
    reportDuplicates(
      list as readonly (Located & { ident: string })[],
      (x) => x.ident,
      sink,
      (k, f) => `resource ${kind}.${k} is already defined at line ${f.line}`,
      'ident',
    );
  }
  if (c.splitbrain && m.mode !== 'mirror') {
    sink.add(c.splitbrain.loc, `<splitbrain> protects mirror modules only; this is a ${m.mode} module`);
  }
  const sb = c.splitbrain;
  for (const w of sb?.witnesses ?? []) {
    if (sb && !/^[A-Za-z0-9.:_-]+$/.test(w))
      sink.add(sb.loc, `witness '${w}' is not an address or host name`, 'arg');
  }
}

const GROUP_NAME = /^[A-Za-z0-9_.-]{1,60}$/;
/** The bucket allocation takes 32-bit powers (docs/decisions/0003). */
const MAX_POWER = 2 ** 32 - 1;
