// Injection tokens of the values the heartbeat service is built from.

/** The HeartbeatPlan of this node (core/plan.ts). */
export const HEARTBEAT_PLAN = Symbol.for('keel.heartbeat.plan');
/** The HeartbeatKey derived from the cluster key (wire/key.ts). */
export const HEARTBEAT_KEY = Symbol.for('keel.heartbeat.key');
/** Optional HeartbeatServiceOptions (service/heartbeat.service.ts). */
export const HEARTBEAT_OPTIONS = Symbol.for('keel.heartbeat.options');
/** The HeartbeatSettings the module was built from (settings.ts). */
export const HEARTBEAT_SETTINGS = Symbol.for('keel.heartbeat.settings');
