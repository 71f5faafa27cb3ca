// A node's keel directories in a temporary folder: $KEEL_VAR/cluster/{cluster.xml,cluster.key}
// and $KEEL_ETC/modules/<name>/{conf/userconfig.xml,id}.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_KEY } from './fixtures';

export interface NodeDirs {
  readonly root: string;
  readonly env: Record<string, string>;
  writeCluster(xml: string): void;
  writeKey(text?: string, mode?: number): void;
  writeModule(name: string, xml: string, id?: number | string): void;
  remove(): void;
}

export function nodeDirs(node: string): NodeDirs {
  const root = mkdtempSync(join(tmpdir(), `keel-heartbeat-${node}-`));
  const etc = join(root, 'etc');
  const varDir = join(root, 'var');
  mkdirSync(join(varDir, 'cluster'), { recursive: true });
  mkdirSync(join(etc, 'modules'), { recursive: true });
  return {
    root,
    env: { KEEL_ETC: etc, KEEL_VAR: varDir, KEEL_NODE: node },
    writeCluster(xml) {
      writeFileSync(join(varDir, 'cluster', 'cluster.xml'), xml);
    },
    writeKey(text = `${Buffer.from(CLUSTER_KEY).toString('hex')}\n`, mode = 0o600) {
      const file = join(varDir, 'cluster', 'cluster.key');
      writeFileSync(file, text);
      chmodSync(file, mode);
    },
    writeModule(name, xml, id) {
      mkdirSync(join(etc, 'modules', name, 'conf'), { recursive: true });
      writeFileSync(join(etc, 'modules', name, 'conf', 'userconfig.xml'), xml);
      if (id !== undefined) writeFileSync(join(etc, 'modules', name, 'id'), `${id}\n`);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
