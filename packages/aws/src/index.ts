export {
  billedPaths,
  collapsePaths,
  createCloudFrontInvalidator,
  type Invalidator,
  wildcardThreshold,
} from './cloudfront.ts';
export {
  type CloudFrontDomainProvisioner,
  createCloudFrontDomainProvisioner,
  distributionTenantName,
  stageTagKey,
  tenantParameterName,
} from './domain-provisioner.ts';
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
