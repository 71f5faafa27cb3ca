// A module checker aimed at this node (`<module name>` without `<to>`, or `to` on loopback)
// follows a module installed here (reference §5.17): one that is not is a configuration error
// naming the element, rather than a resource that never leaves `init` and a start held for ever.
// A module on another node cannot be checked from here.
import type { IssueSink } from '../errors';
import type { ModuleConfig } from '../model/module';

const LOCAL = new Set(['127.0.0.1', '::1', 'localhost']);

export function checkLocalModuleWatches(
  m: ModuleConfig,
  installed: readonly string[],
  sink: IssueSink,
): void {
  for (const w of m.check.module) {
    if (!LOCAL.has(w.to.addr) || installed.includes(w.name)) continue;
    sink.add(
      w.loc,
      `module checker ${w.ident}: no module ${w.name} is installed on this node (installed: ${installed.join(', ') || 'none'})`,
      'name',
    );
  }
}
