import { AppError, EmailAddress, type SubscriberChannel, type SubscriptionScope } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

// Chat channels accept only their service's incoming-webhook hosts, so a "Slack" subscription cannot
// be pointed at an arbitrary server; the generic webhook channel goes through the SSRF guard instead.
const chatHosts: Record<'slack' | 'teams' | 'discord', RegExp> = {
  slack: /^hooks\.slack\.com$/,
  teams: /^([a-z0-9-]+\.)*(logic\.azure\.com|webhook\.office\.com|powerplatform\.com)$/,
  discord: /^(discord\.com|discordapp\.com)$/,
};

/**
 * The normalised target of a subscription, or a `validation_failed` naming `target`.
 * `allowHttp` is for local mode, where the demo receiver listens on plain http.
 */
export function normaliseTarget(channel: SubscriberChannel, raw: string, options: { allowHttp: boolean }): string {
  const invalid = (message: string) => new AppError('validation_failed', message, { field: 'target' });
  if (channel === 'email') {
    const parsed = EmailAddress.safeParse(raw);
    if (!parsed.success) throw invalid('Enter a valid email address');
    return parsed.data;
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('Enter the full webhook URL');
  }
  if (raw.length > 2048) throw invalid('The URL is longer than 2048 characters');
  if (url.username || url.password) throw invalid('The URL must not carry credentials');
  const https = url.protocol === 'https:';
  if (!https && !(options.allowHttp && url.protocol === 'http:')) throw invalid('The URL must use https');
  if (channel !== 'webhook' && !chatHosts[channel].test(url.hostname)) {
    throw invalid(`That is not a ${channel} incoming-webhook URL`);
  }
  if (channel === 'discord' && !url.pathname.startsWith('/api/webhooks/')) {
    throw invalid('That is not a discord incoming-webhook URL');
  }
  return url.toString();
}

/** Every followed id is a component or group of this tenant, or a `validation_failed` naming the first that is not. */
export async function assertKnownComponents(
  deps: ServiceDeps,
  tenantId: string,
  scope: SubscriptionScope,
): Promise<void> {
  if (!scope.componentIds) return;
  const known = new Set([
    ...(await deps.store.components.list(tenantId)).map((c) => c.id),
    ...(await deps.store.groups.list(tenantId)).map((g) => g.id),
  ]);
  const index = scope.componentIds.findIndex((id) => !known.has(id));
  if (index >= 0) {
    throw new AppError('validation_failed', 'Unknown component or group', { field: `scope.componentIds.${index}` });
  }
}
