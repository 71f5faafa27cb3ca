import { loadClusterConfig } from '@keel/config';
import { CliIo, EXIT, UsageError } from '../io';
import { reportConfigError } from './report-config-error';
import { nodePaths } from '@keel/config';

/** `keel cluster confcheck [cluster.xml]`: checks cluster.xml (the installed one by default). */
export function clusterConfcheck(args: readonly string[], io: CliIo): number {
  if (args.length > 1 || args.some((a) => a.startsWith('-')))
    throw new UsageError('usage: keel cluster confcheck [<cluster.xml>]');
  const file = args[0] ?? nodePaths(io.env).clusterFile;
  try {
    const c = loadClusterConfig(file);
    io.out(`${file}: valid cluster of ${c.nodes.length} nodes (${c.nodes.join(', ')})`);
    for (const lan of c.lans) {
      io.out(
        `  lan ${lan.name}${lan.name === c.commandLan ? ' (commands)' : ''}: ${lan.nodes.map((n) => `${n.name}=${n.addr}`).join(' ')}`,
      );
    }
    io.out(
      `  membership: port ${c.port} pulse ${c.pulse}ms mlost_count ${c.mlostCount} slost_count ${c.slostCount}`,
    );
    if (c.arbiter) io.out(`  arbiter: ${c.arbiter.endpoints.join(' ')}`);
    return EXIT.ok;
  } catch (e) {
    return reportConfigError(e, io);
  }
}
