export * from './entry-header';
export * from './commitments';
