/** Default ports of a module, numbered like SafeKit's so existing firewall rules carry over. */
export function defaultPorts(moduleId: number): { heartbeat: number; replication: number; farm: number } {
  if (!Number.isInteger(moduleId) || moduleId < 1)
    throw new RangeError(`module id must be an integer >= 1, got ${moduleId}`);
  return {
    heartbeat: 8888 + moduleId - 1,
    replication: 5600 + (moduleId - 1) * 4,
    farm: 4803 + (moduleId - 1) * 3,
  };
}
