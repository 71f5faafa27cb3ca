export * from './packet';
export * from './errors';
export * from './key';
export * from './codec';
