// What `cluster state|confinfo` (safekit-ops §9.2) say of a node's modules and cluster.xml. A signature is the SHA-256 of the module's package (packModule makes
// the same bytes from the same files, so equal signatures on two nodes mean equal modules) or of
// cluster.xml's bytes.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packModule } from './module-package';
import { moduleIdsOf, readModuleFiles } from './module-install';
import { installedModuleNames } from '../node/module-discovery';
import { loadModuleConfig } from '../load';
import type { NodeEnv, NodePaths } from '../node/node-paths';

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export interface Signed {
  readonly signature: string;
  /** When it last changed, ISO 8601 to the second, UTC. */
  readonly date: string;
}

const isoSecond = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export function moduleSignature(modulesDir: string, name: string): Signed {
  const dir = join(modulesDir, name);
  return {
    signature: sha256(packModule(readModuleFiles(dir))),
    date: isoSecond(statSync(join(dir, 'conf', 'userconfig.xml')).mtimeMs),
  };
}

export function fileSignature(file: string): Signed {
  return { signature: sha256(readFileSync(file)), date: isoSecond(statSync(file).mtimeMs) };
}

export interface ClusterInfo extends Signed {
  readonly node: string;
  /** `cluster config lock` is not offered: always 0. */
  readonly lock: 0;
}

export interface ModuleInfo extends Signed {
  readonly node: string;
  readonly module: string;
  readonly mode: string;
  readonly id: number | undefined;
}

/** `Node Signature Date Lock`'s line. */
export const confinfoText = (i: ClusterInfo) => `${i.node} ${i.signature} ${i.date} ${i.lock}`;

/** `Node Module Mode Id Date Signature`'s line. */
export const moduleInfoText = (i: ModuleInfo) =>
  `${i.node} ${i.module} ${i.mode} ${i.id ?? '?'} ${i.date} ${i.signature}`;

/** This node's line of `cluster confinfo`. */
export function clusterInfo(paths: NodePaths, node: string): ClusterInfo {
  return { node, ...fileSignature(paths.clusterFile), lock: 0 };
}

/** This node's lines of `cluster state`: every installed module. */
export function modulesInfo(paths: NodePaths, env: NodeEnv, node: string): ModuleInfo[] {
  const ids = moduleIdsOf(paths.modulesDir);
  return installedModuleNames(paths.modulesDir).names.map((module) => {
    let mode = '?';
    try {
      mode = loadModuleConfig(join(paths.modulesDir, module, 'conf', 'userconfig.xml'), { env }).config
        .service.mode;
    } catch {
      /* a module that does not load still has a signature */
    }
    return { node, module, mode, id: ids.get(module), ...moduleSignature(paths.modulesDir, module) };
  });
}
