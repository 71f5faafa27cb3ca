// How big a module log grows before it rotates and how many rotated files are kept: one
// setting for every module of the node, from the environment (docs/decisions/0011).

type Env = Readonly<Record<string, string | undefined>>;

export interface ModuleLogSettings {
  /** The current file rotates before a line would take it past this size. */
  readonly maxBytes: number;
  /** Rotated files kept besides the current one; older ones are deleted. */
  readonly keep: number;
}

/** In KB, the unit of SafeKit's `userlogsize`. */
export const SIZE_VARIABLE = 'KEEL_MODULE_LOG_SIZE';
export const FILES_VARIABLE = 'KEEL_MODULE_LOG_FILES';
/** 10240 KB, 4 rotated files: at most about 50 MB per module. */
export const DEFAULT_MODULE_LOG_SETTINGS: ModuleLogSettings = { maxBytes: 10240 * 1024, keep: 4 };

/** A value of the environment that keel cannot use; the message names the variable. */
export class ModuleLogSettingsError extends Error {
  override readonly name = 'ModuleLogSettingsError';
}

export function moduleLogSettings(env: Env): ModuleLogSettings {
  const kb = whole(env, SIZE_VARIABLE, 'a whole number of KB, at least 1');
  const keep = whole(env, FILES_VARIABLE, 'a whole number of rotated files, at least 1');
  return {
    maxBytes: kb === undefined ? DEFAULT_MODULE_LOG_SETTINGS.maxBytes : kb * 1024,
    keep: keep ?? DEFAULT_MODULE_LOG_SETTINGS.keep,
  };
}

function whole(env: Env, name: string, expected: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new ModuleLogSettingsError(`${name}: invalid value '${raw}' (expected ${expected})`);
  return n;
}
