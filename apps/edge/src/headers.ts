// The response headers CloudFront's response-headers policy adds (infra mirrors these values).

/**
 * Pages ship no JavaScript, so scripts are refused outright; styles and images come from the page's
 * own origin (hashed theme CSS and brand.css), and tenant logos are https URLs. Nothing may frame it.
 * The only form (`/subscribe/`) may post to the platform API's origin and nowhere else.
 */
export function pagePolicy(formAction?: string): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "base-uri 'none'",
    `form-action ${formAction ?? "'none'"}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
export const contentSecurityPolicy = pagePolicy();

/**
 * The iframe variant of the status embed is the one path any site may frame; the same policy
 * otherwise. Matched on the viewer's path, as CloudFront's `/embed/frame/*` behaviour is.
 */
export const embedFramePrefix = '/embed/frame/';
export const embedFrameContentSecurityPolicy = contentSecurityPolicy.replace(
  "frame-ancestors 'none'",
  'frame-ancestors *',
);
export const isEmbedFrame = (uri: string) => uri.startsWith(embedFramePrefix);

/** One year; no includeSubDomains, because a custom domain's other subdomains belong to the tenant. */
export const strictTransportSecurity = 'max-age=31536000';

/** `formAction`: the platform API's origin, where the subscribe form posts. */
export function securityHeaders(options: {
  https: boolean;
  uri?: string;
  formAction?: string;
}): Record<string, string> {
  const frame = options.uri !== undefined && isEmbedFrame(options.uri);
  const policy = pagePolicy(options.formAction);
  return {
    'content-security-policy': frame ? policy.replace("frame-ancestors 'none'", 'frame-ancestors *') : policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    ...(frame ? {} : { 'x-frame-options': 'DENY' }),
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    ...(options.https ? { 'strict-transport-security': strictTransportSecurity } : {}),
  };
}

/** Statuspage widgets fetch the v2 API from other origins; only those paths are open. */
export function corsHeaders(uri: string): Record<string, string> {
  if (!uri.startsWith('/api/v2/')) return {};
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
    'access-control-max-age': '86400',
  };
}
