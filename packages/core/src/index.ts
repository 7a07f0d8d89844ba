export * from './contrast.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './lifecycle.ts';
export * from './schemas.ts';
export * from './status.ts';
export * from './statuspage/index.ts';
export * from './uptime.ts';
