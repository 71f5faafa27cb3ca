export * from './log-sink';
export * from './log-fields';
export * from './logger';
export * from './nest-logger';
export * from './metrics';
export * from './runtime.module';
export * from './bootstrap';
