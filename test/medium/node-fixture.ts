import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every script of the catalogue (reference §6.2) that a transition can call. */
export const SCRIPT_NAMES = [
  'prestart',
  'poststop',
  'transition',
  'start_prim',
  'stop_prim',
  'start_second',
  'stop_second',
  'start_sec',
  'stop_sec',
  'start_both',
  'stop_both',
];

const CLUSTER = `<cluster><lans>
  <lan name="default"><node name="node1" addr="198.18.0.1"/><node name="node2" addr="198.18.0.2"/></lan>
</lans></cluster>
`;

/**
 * A node's keel directories in a temporary folder: cluster.xml, one module with scripts that
 * record `<script> <args>` (and their environment's module name) into scripts.log.
 */
export class NodeFixture {
  readonly root = mkdtempSync(join(tmpdir(), 'keel-admin-'));
  readonly etc = join(this.root, 'etc');
  readonly var = join(this.root, 'var');

  constructor(
    readonly module: string,
    userconfig: string,
    scripts: Record<string, string> = {},
  ) {
    mkdirSync(join(this.var, 'cluster'), { recursive: true });
    writeFileSync(join(this.var, 'cluster', 'cluster.xml'), CLUSTER);
    const mod = join(this.etc, 'modules', module);
    mkdirSync(join(mod, 'conf'), { recursive: true });
    mkdirSync(join(mod, 'bin'), { recursive: true });
    writeFileSync(join(mod, 'conf', 'userconfig.xml'), userconfig);
    for (const name of SCRIPT_NAMES) {
      const body = scripts[name] ?? '';
      const file = join(mod, 'bin', name);
      writeFileSync(file, `#!/bin/sh\necho "$(basename "$0") $*" >> "$SAFEUSERVAR/scripts.log"\n${body}\n`);
      chmodSync(file, 0o755);
    }
  }

  env(natsUrl: string): Record<string, string> {
    return {
      KEEL_ETC: this.etc,
      KEEL_VAR: this.var,
      KEEL_NODE: 'node1',
      KEEL_NATS_URL: natsUrl,
      // A test must never reboot this machine: a reboot here only fails (and is logged).
      KEEL_REBOOT_COMMAND: 'echo "no reboot in a test node" >&2; exit 1',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    };
  }

  scriptLog(): string[] {
    const f = join(this.var, 'modules', this.module, 'scripts.log');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : [];
  }

  moduleLog(): string {
    const f = join(this.var, 'modules', this.module, 'module.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
