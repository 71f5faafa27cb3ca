/**
 * The failover rule language as data. Both the legacy language and the Lua subset parse to these
 * types, so the evaluator and the machine never care where a rule was written.
 */

/** Values a monitored resource takes (reference §2.2); informational resources may hold other strings. */
export const RESOURCE_STATES = ['init', 'down', 'up', 'unknown'] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];

/** What a rule may ask the module to do (reference §5.19.6). */
export const RULE_ACTIONS = ['stop', 'stopstart', 'wait', 'restart', 'swap'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export type ResourceScope = 'local' | 'remote';

/**
 * `[local.|remote.]class.id`. `id` is `*` (every resource of the class), `?` (some resource of the
 * class) or a name. Local is the default, so `local.tcp.a` and `tcp.a` are the same reference.
 */
export interface ResourceRef {
  readonly kind: 'resource';
  readonly scope: ResourceScope;
  readonly cls: string;
  readonly id: string;
}

export interface StateLiteral {
  readonly kind: 'state';
  readonly state: ResourceState;
}

/** The built-in `cluster()`; its value is supplied by the caller (see ResourceView.cluster). */
export interface ClusterCall {
  readonly kind: 'cluster';
}

export type Operand = ResourceRef | StateLiteral | ClusterCall;

export type Comparison = '==' | '!=';

export type Condition =
  | { readonly kind: 'compare'; readonly op: Comparison; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition };

/** A module action, or the built-in resource assignment (`then rfs.uptodate=up;`). */
export type Consequence =
  | { readonly kind: 'action'; readonly action: RuleAction }
  | { readonly kind: 'assign'; readonly target: ResourceRef; readonly value: ResourceState };

/** Where a rule's label was written: the section's name and a 1-based line and column inside it. */
export interface RuleOrigin {
  readonly section: string;
  readonly line: number;
  readonly column: number;
}

export interface Rule {
  readonly label: string;
  readonly condition: Condition;
  readonly then: Consequence;
  readonly origin: RuleOrigin;
}

export function isWildcard(ref: ResourceRef): boolean {
  return ref.id === '*' || ref.id === '?';
}

/** `class.id` as the resource tables name it (no scope prefix). */
export function resourceName(ref: ResourceRef): string {
  return `${ref.cls}.${ref.id}`;
}
