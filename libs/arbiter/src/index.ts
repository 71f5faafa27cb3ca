export * from './core/timing';
export * from './core/lease-keeper';
export * from './core/write-deadline-line';
export * from './ports/lease-store.port';
export * from './adapters/memory-lease-store';
export * from './adapters/etcd-lease-store';
export * from './adapters/monotonic-clock';
export * from './service/lease-runner';
