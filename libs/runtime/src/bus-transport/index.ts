export * from './bus-context';
export * from './bus-error.filter';
export * from './bus-handlers';
export * from './bus-server';
