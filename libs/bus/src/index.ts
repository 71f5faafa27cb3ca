export * from './errors';
export * from './subjects';
export * from './envelope';
export * from './messages';
export * from './codecs';
export * from './bus.port';
export * from './dispatch';
export * from './nats-bus';
