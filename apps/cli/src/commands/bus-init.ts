import { readFileSync } from 'node:fs';
import { busFiles, installBusFiles, nodePaths, SHIPPED_NATS_SERVER_CONFIG } from '@keel/config';
import { CliIo, EXIT, UsageError } from '../io';
import { shippedFile } from '../paths';

const USAGE = 'usage: keel bus init [--rotate]';

/**
 * `keel bus init [--rotate]`, as root at install (and at each lab node's start): writes the node's
 * bus files under <KEEL_ETC>/bus: keel's nats-server configuration, a credential for each keel
 * service that lacks one (all new with --rotate), and the authorization generated from the roles.
 */
export function busInit(args: readonly string[], io: CliIo): number {
  const rotate = args.includes('--rotate');
  const other = args.find((a) => a !== '--rotate');
  if (other !== undefined) throw new UsageError(`unexpected argument ${other}\n${USAGE}`);
  const etc = nodePaths(io.env).etc;
  const paths = busFiles(etc);
  const template = shippedFile(io.env, SHIPPED_NATS_SERVER_CONFIG);
  const result = installBusFiles(etc, {
    serverConfig: readFileSync(template, 'utf8'),
    rotate,
  });
  io.out(`${paths.dir}: nats-server configuration ${paths.config}`);
  if (result.created.length > 0) io.out(`  new credentials: ${result.created.join(', ')}`);
  if (result.kept.length > 0) io.out(`  kept credentials: ${result.kept.join(', ')}`);
  io.out(`  start (or restart) the bus with: nats-server -c ${paths.config}`);
  return EXIT.ok;
}
