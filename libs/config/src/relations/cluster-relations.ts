import { IssueSink } from '../errors';
import { ClusterConfig } from '../model/cluster';
import { reportDuplicates } from './module-relations';

/** Relations across the LANs of cluster.xml (reference ops §12). */
export function checkClusterRelations(c: ClusterConfig, sink: IssueSink): void {
  reportDuplicates(
    c.lans,
    (l) => l.name,
    sink,
    (k, f) => `LAN '${k}' is already declared at line ${f.line}`,
    'name',
  );
  for (const lan of c.lans) {
    reportDuplicates(
      lan.nodes,
      (n) => n.name,
      sink,
      (k, f) => `node '${k}' is already on LAN '${lan.name}' at line ${f.line}`,
      'name',
    );
    reportDuplicates(
      lan.nodes,
      (n) => n.addr,
      sink,
      (k, f) => `address ${k} is already used on LAN '${lan.name}' at line ${f.line}`,
      'addr',
    );
  }
  const commandLans = c.lans.filter((l) => l.command);
  for (const extra of commandLans.slice(1)) {
    sink.add(
      extra.loc,
      `only one LAN may have command="on"; LAN '${commandLans[0].name}' (line ${commandLans[0].loc.line}) already has it`,
      'command',
    );
  }
  const complete = (names: readonly string[]) => c.nodes.every((n) => names.includes(n));
  const chosen = commandLans[0];
  if (chosen && !complete(chosen.nodes.map((n) => n.name))) {
    sink.add(
      chosen.loc,
      `the command LAN '${chosen.name}' must contain every node (${c.nodes.join(', ')})`,
      'command',
    );
  }
  if (!c.lans.some((l) => complete(l.nodes.map((n) => n.name)))) {
    sink.add(c.lans[0].loc, `at least one LAN must contain every node (${c.nodes.join(', ')})`);
  }
}
