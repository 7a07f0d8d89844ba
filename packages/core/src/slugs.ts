import reservedNames from 'reserved-subdomains/names.json' with { type: 'json' };
import reservedPatterns from 'reserved-subdomains/patterns.json' with { type: 'json' };

// A tenant's slug becomes `{slug}.<platform domain>`, so it must never be a name the platform, mail
// or a browser treats specially, nor one that passes for the platform itself (phishing). The base is
// the `reserved-subdomains` list made for multi-tenant apps (~1 000 names: infrastructure, auth,
// billing, support, well-known brands); the platform's own host names are added below.

/** Every host name the platform itself uses, or is expected to, under its domain. */
export const platformHostnames = [
  'upstate',
  'www',
  'api',
  'app',
  'admin',
  'dashboard',
  'edge',
  'cdn',
  'assets',
  'static',
  'docs',
  'status',
  'login',
  'signin',
  'signup',
  'sessions',
  'auth',
  'sso',
  'billing',
  'security',
  'support',
  'help',
  'heartbeats',
  'hooks',
  'webhooks',
  'feeds',
  'sites',
  'mail',
  'mailbox',
  'smtp',
  'mx',
  'bounce',
  'mta-sts',
  'autodiscover',
  'autoconfig',
  'localhost',
] as const;

/**
 * The list's own demo/example names that the platform uses for itself: `npm start` seeds its demo
 * page as `demo`, so that one tenant must be able to sign up with it.
 */
const platformOwned = new Set(['demo']);

const reserved = new Set<string>([
  ...(reservedNames as string[]).filter((n) => !platformOwned.has(n)),
  ...platformHostnames,
]);
// The package's patterns are unanchored (`m[0-9]+` would refuse `team5`): anchor each to the whole label.
const reservedRegexes = (reservedPatterns as string[]).map((p) => new RegExp(`^(?:${p})$`));

/** Whether `slug` is reserved for the platform (case-insensitive, as DNS is). */
export function isReservedSlug(slug: string): boolean {
  const label = slug.toLowerCase();
  return reserved.has(label) || reservedRegexes.some((re) => re.test(label));
}
