import { allCheckers, BuiltinRule, ModuleConfig } from '@keel/config';

/** The short summary confcheck prints for a valid module: what an administrator checks at a glance. */
export function describeModule(m: ModuleConfig, rules: readonly BuiltinRule[]): string[] {
  const lines = [`${m.file}: valid ${m.mode} module${m.legacySyntax ? ' (7.1 legacy syntax)' : ''}`];
  const s = m.service;
  lines.push(
    `  service: boot=${s.boot} maxloop=${s.maxloop} loop_interval=${s.loopInterval}h${m.mode === 'mirror' ? ` failover=${s.failover ? 'on' : 'off'} defaultprim=${s.defaultprim}` : ''}`,
  );
  for (const h of m.heart?.heartbeats ?? []) {
    lines.push(
      `  heartbeat ${h.ident}: lan ${h.name ?? h.legacyServers.join(',')} pulse ${h.pulse}ms timeout ${h.timeout}ms`,
    );
  }
  if (m.farm) lines.push(`  farm: lans ${m.farm.lans.map((l) => l.name).join(', ')} pulse ${m.farm.pulse}ms`);
  for (const a of m.vip?.interfaces.flatMap((i) => i.addresses) ?? [])
    lines.push(`  vip ${a.addr} (${a.where})`);
  for (const g of m.vip?.groups ?? []) {
    lines.push(`  group ${g.name}: ${g.rules.map((r) => `${r.port}/${r.proto} ${r.filter}`).join(', ')}`);
  }
  for (const r of m.rfs?.replicated ?? [])
    lines.push(`  replicated ${r.dir}${r.readOnly ? ' (read_only)' : ''}`);
  const checkers = allCheckers(m.check);
  if (checkers.length > 0)
    lines.push(`  checkers: ${checkers.map((c) => `${c.kind}.${c.ident}`).join(', ')}`);
  const a = m.check.arbiter;
  if (a) lines.push(`  arbiter arbiter.${a.ident}: lease ttl ${a.ttl}ms fence ${a.fence}ms`);
  if (m.errd) lines.push(`  errd: ${m.errd.procs.map((p) => `proc.${p.name}`).join(', ') || 'no process'}`);
  lines.push(
    `  rules: ${rules.map((r) => r.label).join(', ') || 'none'}${m.failover.sections.length ? ` + ${m.failover.sections.length} user section(s)` : ''}`,
  );
  return lines;
}
