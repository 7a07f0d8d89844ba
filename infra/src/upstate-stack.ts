import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity/index.js';
import { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition/index.js';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { ApiStack } from './api.ts';
import type { Bundle, BundleName } from './bundle.ts';
import { DataStack } from './data.ts';
import { EdgeStack } from './edge.ts';
import { EmailStack } from './email.ts';
import type { StageConfig } from './env.ts';
import { ObservabilityStack } from './observability.ts';
import { WorkflowStack } from './workflow.ts';

/**
 * One stage of Upstate in one Terraform state. The parts (data, edge, workflow, API, observability,
 * email) are constructs rather than separate stacks: they reference each other both ways (the API
 * starts the workflow, the workflow invalidates the edge), and one apply keeps them consistent.
 */
export class UpstateStack extends TerraformStack {
  readonly data: DataStack;
  readonly edge: EdgeStack;
  readonly workflow: WorkflowStack;
  readonly api: ApiStack;
  readonly observability: ObservabilityStack;
  readonly email: EmailStack;

  constructor(scope: Construct, id: string, props: { config: StageConfig; bundles: Record<BundleName, Bundle> }) {
    super(scope, id);
    const { config, bundles } = props;
    const prefix = `upstate-${config.stage}`;

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'upstate', stage: config.stage } }],
    });
    if (config.stateBucket) {
      new S3Backend(this, {
        bucket: config.stateBucket,
        key: `upstate/${config.stage}.tfstate`,
        region: config.region,
        encrypt: true,
        useLockfile: true,
      });
    }
    // The account comes from the deploying credentials, never from the repository.
    const accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const distributionTenantArns = `arn:${partition}:cloudfront::${accountId}:distribution-tenant/*`;
    const common = { prefix, accountId, logRetentionDays: config.logRetentionDays };

    this.data = new DataStack(this, 'data', { prefix });
    this.edge = new EdgeStack(this, 'edge', {
      prefix,
      bucket: this.data.bucket,
      certificateArn: config.certificateArn,
    });
    this.workflow = new WorkflowStack(this, 'workflow', {
      ...common,
      table: this.data.table,
      bucket: this.data.bucket,
      distributionId: this.edge.distribution.id,
      distributionTenantArns,
      platformDomain: config.platformDomain,
      publisherBundle: bundles.publisher,
      checkerBundle: bundles.checker,
    });
    this.api = new ApiStack(this, 'api', {
      prefix,
      logRetentionDays: config.logRetentionDays,
      bundle: bundles.api,
      table: this.data.table,
      stateMachine: this.workflow.stateMachine,
      distributionId: this.edge.distribution.id,
      distributionArn: this.edge.distribution.arn,
      connectionGroupId: this.edge.connectionGroup.id,
      connectionGroupArn: this.edge.connectionGroup.arn,
      distributionTenantArns,
      platformDomain: config.platformDomain,
      rateLimit: config.apiRateLimit,
    });
    this.observability = new ObservabilityStack(this, 'observability', {
      prefix,
      alarmEmail: config.alarmEmail,
      stateMachineArn: this.workflow.stateMachine.arn,
      apiId: this.api.api.id,
      checkerFunctionName: this.workflow.checker.fn.functionName,
      reconcilerFunctionName: this.workflow.reconciler.fn.functionName,
    });
    this.email = new EmailStack(this, 'email', { domain: config.emailDomain ?? config.platformDomain });

    const outputs: Record<string, { value: string; description: string }> = {
      api_url: { value: this.api.stage.invokeUrl, description: 'Management API base URL' },
      pages_cname_target: {
        value: this.edge.connectionGroup.routingEndpoint,
        description: `CNAME *.${config.platformDomain} and every custom domain to this`,
      },
      distribution_id: { value: this.edge.distribution.id, description: 'Multi-tenant distribution' },
      connection_group_id: {
        value: this.edge.connectionGroup.id,
        description: 'Connection group of every page domain',
      },
      table_name: { value: this.data.table.name, description: 'DynamoDB table' },
      site_bucket: { value: this.data.bucket.bucket, description: 'S3 bucket of the built sites' },
      state_machine_arn: { value: this.workflow.stateMachine.arn, description: 'Publish workflow' },
      alarm_topic_arn: { value: this.observability.topic.arn, description: 'SNS topic of the alarms' },
      platform_domain: { value: config.platformDomain, description: 'Pages are served at {slug}.<this>' },
      region: { value: config.region, description: 'Region of the table, bucket, Lambdas and workflow' },
      certificate_arn: { value: config.certificateArn, description: 'Certificate of *.<platform_domain> (us-east-1)' },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
    new TerraformOutput(this, 'ses_dkim_tokens', {
      value: this.email.identity.dkimSigningAttributes.tokens,
      description: 'Publish each as CNAME {token}._domainkey.<email domain> -> {token}.dkim.amazonses.com',
    });
  }
}
