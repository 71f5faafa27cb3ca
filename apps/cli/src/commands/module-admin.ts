// `keel module package|install|uninstall|list|listid|getports|genkey|delkey` (safekit-ops §9.5):
// module packages (.safe zips, libs/config/src/package/) made and installed on this node. Install
// checks the package as `keel confcheck` does, in a private directory, before it puts it in place;
// a bad package changes nothing and its error names the entry or the configuration's line.
// genkey|delkey turn the module's encryption on|off (§10.7): TLS 1.3 on its replication link with
// the nodes' certificates (docs/decisions/0009 "TLS on the link", 0022 "Keys").
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  ConfigError,
  defaultPorts,
  HTTP_PORT,
  installedModuleNames,
  installModule,
  loadModuleConfig,
  loadWebConf,
  missingTlsFiles,
  MODULE_ENCRYPTION_FILE,
  moduleIdsOf,
  nodeTlsPaths,
  setModuleEncryption,
  WebConfError,
  ModuleInstallError,
  nodePaths,
  packModule,
  readModuleFiles,
  unpackModule,
  uninstallModule,
  ZipError,
  type NodeEnv,
} from '@keel/config';
import { parseArgs } from '../args';
import { CliIo, EXIT, UsageError } from '../io';
import { reportConfigError } from './report-config-error';

export const MODULE_ADMIN = [
  'package',
  'install',
  'uninstall',
  'list',
  'listid',
  'getports',
  'genkey',
  'delkey',
];

/** What uninstall asks first: the module's state on this node, or undefined when admin does not run. */
export type StateOf = (module: string) => Promise<string | undefined>;

const USAGE = {
  package: 'usage: keel module package <module dir> | -m <module>  <file.safe>',
  install: 'usage: keel module install [-m <module>] [-M <id>] [-r] <file.safe>',
  uninstall: 'usage: keel module uninstall -m <module>',
  getports: 'usage: keel module getports -m <module>',
  genkey: 'usage: keel module genkey -m <module>',
  delkey: 'usage: keel module delkey -m <module>',
};

/** Module ids of every installed module: its id file, else derived (module-ids.ts). */
export const moduleIds = moduleIdsOf;

export async function moduleAdmin(args: readonly string[], io: CliIo, stateOf: StateOf): Promise<number> {
  const [sub, ...rest] = args;
  const paths = nodePaths(io.env);
  try {
    switch (sub) {
      case 'package': {
        const p = parseArgs(rest, ['-m'], [], USAGE.package);
        const m = p.options['-m'];
        const [source, file] =
          typeof m === 'string' ? [join(paths.modulesDir, m), p.positional[0]] : p.positional;
        if (!source || !file || p.positional.length !== (typeof m === 'string' ? 1 : 2))
          throw new UsageError(USAGE.package);
        const zip = packModule(readModuleFiles(source));
        atomicWrite(file, zip);
        io.out(`${file}: ${zip.length} bytes, module ${basename(source)}`);
        return EXIT.ok;
      }
      case 'install': {
        const p = parseArgs(rest, ['-m', '-M'], ['-r'], USAGE.install);
        if (p.positional.length !== 1) throw new UsageError(USAGE.install);
        const file = p.positional[0];
        const name =
          typeof p.options['-m'] === 'string' ? p.options['-m'] : basename(file).replace(/\.(safe|zip)$/, '');
        const id = p.options['-M'] === undefined ? undefined : Number(p.options['-M']);
        if (id !== undefined && !Number.isInteger(id))
          throw new UsageError(`-M takes a module id from 1 to 1000\n${USAGE.install}`);
        if (p.options['-r'] === true) {
          const state = await stateOf(name);
          if (state !== undefined && state !== 'STOP') {
            io.err(`keel module install: module ${name} is ${state}: stop it before reinstalling it`);
            return EXIT.invalid;
          }
        }
        const files = unpackModule(readFileSync(file));
        const done = installModule({
          modulesDir: paths.modulesDir,
          clusterFile: paths.clusterFile,
          env: io.env,
          name,
          files,
          ...(id === undefined ? {} : { id }),
          replace: p.options['-r'] === true,
          source: basename(file),
        });
        io.out(
          `module ${done.name} ${done.replaced ? 'reinstalled' : 'installed'} with id ${done.id} from ${file}`,
        );
        done.warnings.forEach((w) => io.out(`warning: ${w}`));
        io.out("  keel's services take it at their next start");
        return EXIT.ok;
      }
      case 'uninstall': {
        const p = parseArgs(rest, ['-m'], [], USAGE.uninstall);
        const m = p.options['-m'];
        if (typeof m !== 'string' || p.positional.length > 0) throw new UsageError(USAGE.uninstall);
        const state = await stateOf(m);
        if (state !== undefined && state !== 'STOP') {
          io.err(`keel module uninstall: module ${m} is ${state}: stop it first`);
          return EXIT.invalid;
        }
        uninstallModule(paths.modulesDir, m);
        io.out(`module ${m} uninstalled`);
        return EXIT.ok;
      }
      case 'list':
        if (rest.length > 0) throw new UsageError('usage: keel module list');
        installedModuleNames(paths.modulesDir).names.forEach((n) => io.out(n));
        return EXIT.ok;
      case 'listid':
        if (rest.length > 0) throw new UsageError('usage: keel module listid');
        for (const [name, id] of [...moduleIds(paths.modulesDir)].sort(([a], [b]) => (a < b ? -1 : 1)))
          io.out(`${name.padEnd(20)} ${id}`);
        return EXIT.ok;
      case 'getports': {
        const p = parseArgs(rest, ['-m'], [], USAGE.getports);
        const m = p.options['-m'] ?? io.env.KEEL_MODULE ?? io.env.SAFEMODULE;
        if (typeof m !== 'string' || p.positional.length > 0) throw new UsageError(USAGE.getports);
        getports(m, io);
        return EXIT.ok;
      }
      case 'genkey':
      case 'delkey': {
        const p = parseArgs(rest, ['-m'], [], USAGE[sub]);
        const m = p.options['-m'];
        if (typeof m !== 'string' || p.positional.length > 0) throw new UsageError(USAGE[sub]);
        encryption(m, sub === 'genkey', io);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown module command '${sub ?? ''}' (allowed: ${MODULE_ADMIN.join(', ')})`);
    }
  } catch (e) {
    if (e instanceof ConfigError) return reportConfigError(e, io);
    if (e instanceof ZipError || e instanceof ModuleInstallError || e instanceof WebConfError) {
      io.err(`keel module ${sub}: ${e.message}`);
      return EXIT.invalid;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.err(`keel module ${sub}: ${(e as Error).message}`);
      return EXIT.invalid;
    }
    throw e;
  }
}

function getports(module: string, io: CliIo): void {
  const paths = nodePaths(io.env);
  const id = moduleIds(paths.modulesDir).get(module);
  if (id === undefined)
    throw new ModuleInstallError(
      `unknown module ${module} (installed: ${installedModuleNames(paths.modulesDir).names.join(', ') || 'none'})`,
    );
  const { config } = loadModuleConfig(join(paths.modulesDir, module, 'conf', 'userconfig.xml'), {
    env: io.env,
  });
  const d = defaultPorts(id);
  const web = webPort(io.env, paths.etc);
  io.out('List of the ports used by keel');
  io.out('Process Ports');
  io.out(`webconsole   port TCP ${web}`);
  if (config.heart) io.out(`heart        port UDP ${config.heart.port ?? d.heartbeat}`);
  if (config.rfs) io.out(`rfs          safenfs_port TCP ${d.replication}`);
  if (config.farm) io.out(`farm         port UDP ${config.farm.port ?? d.farm}`);
}

/**
 * genkey|delkey: the module's conf/encryption marker. No key is made: the link's TLS uses each
 * node's own certificate (keel's PKI), so a node without one is refused before anything changes.
 */
function encryption(module: string, on: boolean, io: CliIo): void {
  const paths = nodePaths(io.env);
  if (!moduleIds(paths.modulesDir).has(module))
    throw new ModuleInstallError(
      `unknown module ${module} (installed: ${installedModuleNames(paths.modulesDir).names.join(', ') || 'none'})`,
    );
  const missing = missingTlsFiles(nodeTlsPaths(paths.etc));
  if (missing.length > 0)
    throw new ModuleInstallError(
      `this node has no certificate for the replication link's TLS (missing ${missing.join(', ')}): keel web initssl sca (or rca) makes them`,
    );
  const changed = setModuleEncryption(join(paths.modulesDir, module), on);
  const state = on ? 'on' : 'off';
  io.out(
    changed
      ? `module ${module}: encryption ${state} (${MODULE_ENCRYPTION_FILE}); give it to the other node with keel -H "*" -E ${module}, keel's services take it at their next start`
      : `module ${module}: encryption already ${state}`,
  );
}

function webPort(_env: NodeEnv, etc: string): number {
  try {
    const c = loadWebConf(etc);
    return c.https?.port ?? c.httpPort;
  } catch {
    return HTTP_PORT;
  }
}

/** `file` written whole or not at all (a temporary file beside it, renamed). */
function atomicWrite(file: string, data: Buffer): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}
