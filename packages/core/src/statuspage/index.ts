export * from './import.ts';
export * from './mapping.ts';
export * from './shapes.ts';
