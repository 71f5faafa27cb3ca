// The web service's roles (safekit-ops §3.6, §11): Monitor reads, Control also acts on modules,
// Admin also configures. Each role includes the ones below it.
export const WEB_ROLES = ['Monitor', 'Control', 'Admin'] as const;
export type WebRole = (typeof WEB_ROLES)[number];

export function isWebRole(value: string): value is WebRole {
  return (WEB_ROLES as readonly string[]).includes(value);
}

/** Whether a caller holding `held` may use a route that needs `needed`. */
export function roleAllows(held: WebRole, needed: WebRole): boolean {
  return WEB_ROLES.indexOf(held) >= WEB_ROLES.indexOf(needed);
}
