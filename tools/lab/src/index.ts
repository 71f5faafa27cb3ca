export * from './plan';
export * from './lab';
export {
  cleanupLeftovers,
  listNetns,
  teardownLab,
  LabTeardownError,
  NETNS_DIR,
  type CleanupOptions,
  type LabOwner,
} from './teardown';
export { LabCommandError, type ExecResult } from './system';
export { VipWatch, type ProbeKind } from './vip-watch';
export type { EtcdMember, EtcdOptions } from './lab-etcd';
