// Set a tenant's notification settings: one item replaced whole, validated before the write.
import { type NotificationSettings, NotificationSettings as Schema } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

export async function updateNotificationSettings(
  deps: ServiceDeps,
  input: { tenantId: string; settings: NotificationSettings },
): Promise<NotificationSettings> {
  return deps.store.notificationSettings.put(input.tenantId, Schema.parse(input.settings));
}
