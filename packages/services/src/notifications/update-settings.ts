// Set a tenant's notification settings: one item replaced whole, validated before the write, then its
// audit event (which fields changed; the reply-to is an address, so it is masked).
import { maskTarget, type NotificationSettings, NotificationSettings as Schema } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

export async function updateNotificationSettings(
  deps: ServiceDeps,
  input: { tenantId: string; settings: NotificationSettings; by?: Omit<Actor, 'tenantId'> },
): Promise<NotificationSettings> {
  const settings = Schema.parse(input.settings);
  const before = await deps.store.notificationSettings.get(input.tenantId);
  const saved = await deps.store.notificationSettings.put(input.tenantId, settings);
  const changed = (Object.keys(settings) as (keyof NotificationSettings)[]).filter((k) => settings[k] !== before[k]);
  const actor: Actor = {
    ...input.by,
    tenantId: input.tenantId,
    author: input.by?.author ?? { kind: 'system', id: 'settings', label: 'System' },
  };
  await audit(
    deps,
    actor,
    operationIdOf(actor, deps),
    'notifications.settings_updated',
    { type: 'notification_settings', id: input.tenantId },
    {
      fields: changed,
      senderName: settings.senderName,
      replyTo: settings.replyTo ? maskTarget('email', settings.replyTo) : null,
      reminderMinutes: settings.reminderMinutes,
    },
  );
  return saved;
}
