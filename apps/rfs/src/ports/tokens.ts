// Injection tokens of the rfs service's configuration values.
export const RFS_PLAN = Symbol.for('keel.rfs.plan');
export const RFS_OPTIONS = Symbol.for('keel.rfs.options');
export const RFS_BINARY = Symbol.for('keel.rfs.binary');
