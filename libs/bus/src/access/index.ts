export * from './roles';
export * from './credential';
export * from './nats-authorization';
