// A module's encryption switch (safekit-ops §10.7 "Module communication encryption"; keel:
// docs/decisions/0009 "TLS on the link", 0022 "Keys"): a marker file in the module's conf/, so it
// travels with the module's configuration (`keel module package`, `-E`: readModuleFiles takes
// conf/). No key is in it: each node shows its own node certificate of keel's PKI.
import { existsSync, lstatSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTlsFiles, loadWebConf, type HttpsConf } from '../web/web-conf';

/** The marker, relative to the module's directory. */
export const MODULE_ENCRYPTION_FILE = join('conf', 'encryption');

const MARKER =
  "# keel module genkey: this module replicates over TLS 1.3 with the nodes' certificates\n" +
  '# (keel web initssl). keel module delkey removes this file.\n';

/** Whether the module in `moduleDir` has its encryption on. */
export function moduleEncryption(moduleDir: string): boolean {
  return existsSync(join(moduleDir, MODULE_ENCRYPTION_FILE));
}

/** Turns the module's encryption on or off; returns whether anything changed. */
export function setModuleEncryption(moduleDir: string, on: boolean): boolean {
  const file = join(moduleDir, MODULE_ENCRYPTION_FILE);
  const present = existsSync(file);
  if (present === on) return false;
  if (!on) {
    // Only a file is removed: a directory or a link planted there is the administrator's to look at.
    if (!lstatSync(file).isFile()) throw new Error(`${file} is not a file`);
    rmSync(file);
    return true;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, MARKER, { mode: 0o644, flag: 'wx' });
  renameSync(tmp, file);
  return true;
}

/**
 * The node certificate files the replication link's TLS uses: web.conf's when HTTPS names them,
 * else keel's PKI (keel web initssl); throws WebConfError.
 */
export function nodeTlsPaths(etc: string): Omit<HttpsConf, 'port'> {
  const https = loadWebConf(etc).https;
  return https ? { cert: https.cert, key: https.key, ca: https.ca } : defaultTlsFiles(etc);
}

/** The paths of `nodeTlsPaths` that do not exist (none: the node has its PKI files). */
export function missingTlsFiles(paths: Omit<HttpsConf, 'port'>): string[] {
  return [paths.ca, paths.cert, paths.key].filter((f) => !existsSync(f));
}
