import { describe, expect, it } from 'vitest';
import { TenantSlug } from './schemas.ts';
import { isReservedSlug, platformHostnames } from './slugs.ts';

// Issue 14 item 14: the names the review found accepted, and the platform's own host names.
describe('reserved slugs', () => {
  const found = [
    'login',
    'signin',
    'support',
    'help',
    'billing',
    'security',
    'mta-sts',
    'autodiscover',
    'cdn',
    'edge',
    'smtp',
    'upstate',
  ];

  it.each(found)('refuses %s', (slug) => {
    expect(TenantSlug.safeParse(slug).success).toBe(false);
  });

  it('refuses every platform host name, the old list, and numbered infrastructure names', () => {
    for (const slug of [...platformHostnames, 'www', 'api', 'admin', 'dashboard', 'mail', 'docs']) {
      expect(isReservedSlug(slug), slug).toBe(true);
    }
    for (const slug of ['ns1', 'mx10', 'smtp2', 'server-3', 'web01']) expect(isReservedSlug(slug), slug).toBe(true);
  });

  it('keeps ordinary company names, including ones a loose pattern would catch', () => {
    for (const slug of ['acme', 'acme-corp', 'team5', 'acme-v2', 'dev-tools', 'mystatus', 'demo']) {
      expect(TenantSlug.safeParse(slug).success, slug).toBe(true);
    }
  });
});
