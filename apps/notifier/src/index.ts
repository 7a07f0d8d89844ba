export { type EmailBrand, notificationEmail } from './channels/email.ts';
export { signatureHeader, signWebhook, timestampHeader, verifyWebhook } from './channels/webhook.ts';
export { type NotifyResources, notifyDefinition, notifyExecutionName, notifyTaskStates } from './definition.ts';
export { createNotifyHandlers, type LinkConfig, type NotifierDeps, subscriptionLinks } from './handlers.ts';
export { createLocalNotifier, type LocalNotifier, localNotifyResources } from './local-notifier.ts';
export { createSenders, type Senders } from './senders.ts';
