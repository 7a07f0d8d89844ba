export { collapsePaths, createCloudFrontInvalidator, type Invalidator, wildcardThreshold } from './cloudfront.ts';
export {
  type CloudFrontDomainProvisioner,
  createCloudFrontDomainProvisioner,
  distributionTenantName,
  tenantParameterName,
} from './domain-provisioner.ts';
export { composeMime, createSesClient, createSesMailer } from './mail.ts';
export {
  cacheControl,
  cdnPaths,
  createS3Client,
  manifestKey,
  type SyncFile,
  type SyncResult,
  siteKey,
  syncSite,
} from './s3.ts';
export { readSiteJson } from './site-read.ts';
