export * from './result';
export * from './schemas';
export * from './channels';
export * from './events';
export * from './origin';
export * from './api';
