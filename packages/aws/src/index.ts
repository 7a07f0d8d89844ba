export {
  billedPaths,
  cloudFrontClient,
  collapsePaths,
  createTenantCdnInvalidator,
  directoryWildcardLimit,
  type InvalidationRun,
  type Invalidator,
  invalidateDistributionTenant,
  invalidationCallerReference,
  wildcardThreshold,
} from './cloudfront.ts';
export { AwsEnv, clientConfig } from './config.ts';
export {
  type CloudFrontDomainProvisioner,
  createCloudFrontDomainProvisioner,
  distributionTenantName,
  stageTagKey,
  tenantParameterName,
} from './domain-provisioner.ts';
export { dynamoDbClient } from './dynamodb.ts';
export { createLambdaImportLauncher, type ImportEvent, isImportEvent, lambdaClient } from './import-launcher.ts';
export { composeMime, createSesClient, createSesMailer, sesClient } from './mail.ts';
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
  s3Client,
  siteKey,
  syncSite,
  writePrivateObject,
} from './s3.ts';
export { readSecretString, secretsManagerClient } from './secrets.ts';
export {
  executionName,
  logDeliveryActions,
  notifyExecutionName,
  reconcileExecutionName,
  reminderExecutionName,
  type StartPublish,
  sfnClient,
  sfnNotifyTrigger,
  sfnPublishTrigger,
  sfnStartPublish,
} from './sfn.ts';
export { readSiteJson } from './site-read.ts';
export { createSiteTakedown, tenantObjectKeys, tenantObjectPrefixes } from './site-takedown.ts';
