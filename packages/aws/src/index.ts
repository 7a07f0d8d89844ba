export {
  collapsePaths,
  createTenantCdnInvalidator,
  type InvalidationRun,
  type Invalidator,
  invalidateDistributionTenant,
  invalidationCallerReference,
  wildcardThreshold,
} from './cloudfront.ts';
export { type AwsClients, AwsEnv, awsClients } from './config.ts';
export {
  type CloudFrontDomainProvisioner,
  createCloudFrontDomainProvisioner,
  distributionTenantName,
  tenantParameterName,
} from './domain-provisioner.ts';
export {
  cacheControl,
  cdnPaths,
  createS3Client,
  deleteObject,
  manifestKey,
  readObject,
  type StoredObject,
  type SyncFile,
  type SyncResult,
  siteKey,
  syncSite,
  writePrivateObject,
} from './s3.ts';
export { readSecretString } from './secrets.ts';
export {
  executionName,
  reconcileExecutionName,
  type StartPublish,
  sfnPublishTrigger,
  sfnStartPublish,
} from './sfn.ts';
