import { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktn/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPublicAccessBlock } from '@cdktn/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktn/provider-aws/lib/s3-bucket-versioning/index.js';
import { tableDefinition, ttlAttribute } from '@upstate/store';
import { Construct } from 'constructs';

/** The single table and the site bucket. Both refuse to be destroyed by accident. */
export class DataStack extends Construct {
  readonly table: DynamodbTable;
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: { prefix: string }) {
    super(scope, id);
    // The store's own definition, so the deployed keys and indexes can never drift from the code's.
    const def = tableDefinition(`${props.prefix}-data`);
    const key = (schema: { AttributeName?: string; KeyType?: string }[] | undefined, type: string) =>
      schema?.find((k) => k.KeyType === type)?.AttributeName;
    this.table = new DynamodbTable(this, 'table', {
      name: def.TableName ?? `${props.prefix}-data`,
      billingMode: def.BillingMode ?? 'PAY_PER_REQUEST',
      hashKey: key(def.KeySchema, 'HASH'),
      rangeKey: key(def.KeySchema, 'RANGE'),
      attribute: (def.AttributeDefinitions ?? []).map((a) => ({
        name: a.AttributeName ?? '',
        type: a.AttributeType ?? 'S',
      })),
      globalSecondaryIndex: (def.GlobalSecondaryIndexes ?? []).map((gsi) => ({
        name: gsi.IndexName ?? '',
        hashKey: key(gsi.KeySchema, 'HASH'),
        rangeKey: key(gsi.KeySchema, 'RANGE'),
        projectionType: gsi.Projection?.ProjectionType ?? 'ALL',
      })),
      ttl: { attributeName: ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      serverSideEncryption: { enabled: true },
      lifecycle: { preventDestroy: true },
    });

    this.bucket = new S3Bucket(this, 'sites', {
      bucketPrefix: `${props.prefix}-sites-`,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketPublicAccessBlock(this, 'sites-public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'sites-ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'sites-encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    // Versioning lets an operator roll a tenant's site back after a bad publish.
    new S3BucketVersioningA(this, 'sites-versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'sites-lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          // Replaced pages stay 30 days for a rollback; a delete marker left with no version behind it
          // is removed, or every deleted key would keep one forever.
          id: 'expire-replaced-files',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          expiration: [{ expiredObjectDeleteMarker: true }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
        {
          // A build is never rolled back to: its deleted or replaced versions go after a day, not 30
          // (where rules overlap, S3 applies the earliest expiration).
          id: 'expire-deleted-builds',
          status: 'Enabled',
          filter: [{ prefix: 'builds/' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
        {
          // A run's build is deleted by its commit; a failed run's build is only litter after a day.
          id: 'expire-run-builds',
          status: 'Enabled',
          filter: [{ prefix: 'builds/runs/' }],
          expiration: [{ days: 1 }],
        },
      ],
    });
  }
}
