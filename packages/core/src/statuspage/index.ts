export * from './mapping.ts';
export * from './shapes.ts';
