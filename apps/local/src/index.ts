export { type Platform, type PlatformOptions, startPlatform } from './platform.ts';
export { freePort } from './ports.ts';
export type { DemoCredentials } from './seed.ts';
