// Where keel's native programs are: $KEEL_RFSD / $KEEL_FENCE, else native/target/release/<name>
// in keel's home (KEEL_HOME, else the keel tree the service runs from: libs/config node-paths.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { keelHome, NodeStartupError, onlyRootCanChange } from '@keel/config';

/** The programs built from native/ (tools/dev/build-native.mjs), and their override variables. */
export const NATIVE_BINARIES = { 'keel-rfsd': 'KEEL_RFSD', 'keel-fence': 'KEEL_FENCE' } as const;
export type NativeBinary = keyof typeof NATIVE_BINARIES;

export const nativeRelativePath = (name: NativeBinary): string => join('native', 'target', 'release', name);

/** A native program in a place other users could change: root must not run it, nor start. */
export class UntrustedBinaryError extends NodeStartupError {
  override readonly name = 'UntrustedBinaryError';
  constructor(readonly binary: string) {
    super(
      `${binary}: refused: a directory on its path can be changed by users other than root ` +
        `(owned by another user, or writable by its group or others and not sticky)`,
    );
  }
}

/** Throws UntrustedBinaryError when the program's directory exists and others could change it. */
export function resolveNativeBinary(
  name: NativeBinary,
  env: Readonly<Record<string, string | undefined>>,
  from: string = __dirname,
): string {
  const binary = env[NATIVE_BINARIES[name]] || join(keelHome(env, from), nativeRelativePath(name));
  // A program that is not there fails when it is run, with its own error.
  if (existsSync(dirname(binary)) && !onlyRootCanChange(dirname(binary)))
    throw new UntrustedBinaryError(binary);
  return binary;
}
