export { type CachedObject, EdgeCache, sharedTtlMs } from './cache.ts';
export { cloudFrontFunctionSource, cloudFrontHandler, rewriteUri } from './cloudfront-function.ts';
export { compress, type Encoding, isCompressible, negotiate } from './compress.ts';
export { createEdge, type Edge, type EdgeOptions, type EdgeStore, requestHost, storeHostResolver } from './edge.ts';
export {
  contentSecurityPolicy,
  corsHeaders,
  embedFrameContentSecurityPolicy,
  embedFramePrefix,
  isEmbedFrame,
  securityHeaders,
  strictTransportSecurity,
} from './headers.ts';
