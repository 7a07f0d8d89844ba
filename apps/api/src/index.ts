export { createApp, maxBodyBytes, type UpstateApp } from './app.ts';
export { hashPassword, newApiKey, sha256 } from './auth.ts';
export type { ApiConfig, AppDeps } from './context.ts';
export { challengeRecordName, type DnsResolver, type DomainProvisioner, noopDomainProvisioner } from './domains.ts';
export { type PublishTrigger, recordingPublishTrigger } from './publish-trigger.ts';
export { siteHostHeader, statuspageSubscribePath } from './routes/statuspage-subscribers.ts';
