import { AcmCertificate } from '@cdktn/provider-aws/lib/acm-certificate/index.js';
import { AcmCertificateValidation } from '@cdktn/provider-aws/lib/acm-certificate-validation/index.js';
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
import { NotifyStack } from './notify.ts';
import { ObservabilityStack } from './observability.ts';
import { generatedSecret } from './secret.ts';
import { WorkflowStack } from './workflow.ts';

/** The platform's own host names under the platform domain; core reserves both as tenant slugs. */
export const platformHosts = (platformDomain: string) => ({
  api: `api.${platformDomain}`,
  app: `app.${platformDomain}`,
});

/**
 * `*.{platform}` in the stage region, DNS-validated. ACM gives a domain name the same validation
 * CNAME in every region of an account, so the record that validated the us-east-1 certificate
 * validates this one too, and the apply waits only minutes for it.
 */
function regionalCertificate(scope: Construct, config: StageConfig): string {
  const certificate = new AcmCertificate(scope, 'regional-certificate', {
    domainName: `*.${config.platformDomain}`,
    validationMethod: 'DNS',
    lifecycle: { createBeforeDestroy: true },
  });
  return new AcmCertificateValidation(scope, 'regional-certificate-validation', {
    certificateArn: certificate.arn,
  }).certificateArn;
}

/**
 * One stage of Upstate in one Terraform state. The parts (data, edge, email, notify, workflow, API,
 * observability) are constructs rather than separate stacks: they reference each other both ways (the API
 * starts the workflow, the workflow invalidates the edge), and one apply keeps them consistent.
 */
export class UpstateStack extends TerraformStack {
  readonly data: DataStack;
  readonly edge: EdgeStack;
  readonly workflow: WorkflowStack;
  readonly api: ApiStack;
  readonly observability: ObservabilityStack;
  readonly email: EmailStack;
  readonly notify: NotifyStack;
  /** Covers `api.` and `app.{platform}` in the stage region (the us-east-1 wildcard when that is the region). */
  readonly regionalCertificateArn: string;

  constructor(scope: Construct, id: string, props: { config: StageConfig; bundles: Record<BundleName, Bundle> }) {
    super(scope, id);
    const { config, bundles } = props;
    const prefix = `upstate-${config.stage}`;

    // Both Terraform and OpenTofu read this; older binaries stop at `init` with a clear message.
    this.addOverride('terraform.required_version', '>= 1.10.0');
    const defaultTags = [{ tags: { project: 'upstate', stage: config.stage } }];
    new AwsProvider(this, 'aws', { region: config.region, defaultTags });
    // CloudFront's metrics (and so its alarms and their topic) live in us-east-1 whatever the stage region.
    const usEast1 =
      config.region === 'us-east-1'
        ? undefined
        : new AwsProvider(this, 'aws-us-east-1', { alias: 'us-east-1', region: 'us-east-1', defaultTags });
    if (config.stateBucket) {
      new S3Backend(this, {
        bucket: config.stateBucket,
        key: `upstate/${config.stage}.tfstate`,
        // The bucket's own region: a shared state bucket elsewhere would fail `init` otherwise.
        region: config.stateRegion ?? config.region,
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
    const hosts = platformHosts(config.platformDomain);
    this.edge = new EdgeStack(this, 'edge', {
      prefix,
      bucket: this.data.bucket,
      certificateArn: config.certificateArn,
      apiHost: hosts.api,
    });
    const mailDomain = config.emailDomain ?? config.platformDomain;
    this.email = new EmailStack(this, 'email', { domain: mailDomain });
    // Manage, unsubscribe and confirm links are signed with it: the API issues them, the notifier mails them.
    const linkSecret = generatedSecret(this, 'link-secret', {
      name: `${prefix}/link-secret`,
      description: 'HMAC key of subscriber manage, unsubscribe and confirm links (API and notifier)',
    });
    this.notify = new NotifyStack(this, 'notify', {
      ...common,
      region: config.region,
      table: this.data.table,
      bucket: this.data.bucket,
      notifierBundle: bundles.notifier,
      apiBase: `https://${hosts.api}`,
      mailDomain,
      identityArn: this.email.identity.arn,
      linkSecretArn: linkSecret.secret.arn,
      linkSecretVersion: linkSecret.version,
    });
    this.workflow = new WorkflowStack(this, 'workflow', {
      ...common,
      table: this.data.table,
      bucket: this.data.bucket,
      distributionId: this.edge.distribution.id,
      distributionTenantArns,
      stage: config.stage,
      platformDomain: config.platformDomain,
      publisherBundle: bundles.publisher,
      checkerBundle: bundles.checker,
      notifyStateMachineArn: this.notify.stateMachine.arn,
    });
    this.regionalCertificateArn =
      config.region === 'us-east-1' ? config.certificateArn : regionalCertificate(this, config);
    this.api = new ApiStack(this, 'api', {
      hosts,
      regionalCertificateArn: this.regionalCertificateArn,
      prefix,
      logRetentionDays: config.logRetentionDays,
      bundle: bundles.api,
      table: this.data.table,
      bucket: this.data.bucket,
      stateMachine: this.workflow.stateMachine,
      distributionId: this.edge.distribution.id,
      distributionArn: this.edge.distribution.arn,
      connectionGroupId: this.edge.connectionGroup.id,
      connectionGroupArn: this.edge.connectionGroup.arn,
      distributionTenantArns,
      stage: config.stage,
      accountId,
      platformDomain: config.platformDomain,
      rateLimit: config.apiRateLimit,
      linkSecret,
      mail: {
        domain: mailDomain,
        configurationSetName: this.notify.configurationSet.configurationSetName,
        sesResources: this.notify.sesResources,
      },
    });
    this.observability = new ObservabilityStack(this, 'observability', {
      prefix,
      accountId,
      partition,
      usEast1,
      tableName: this.data.table.name,
      distributionId: this.edge.distribution.id,
      functionNames: [
        this.api.fn,
        this.api.provisionReconciler,
        ...Object.values(this.workflow.tasks),
        this.workflow.reconciler,
        this.workflow.checker,
        ...Object.values(this.notify.tasks),
        this.notify.feedback,
        this.notify.remind,
      ].map((f) => f.name),
      alarmEmail: config.alarmEmail,
      stateMachineArn: this.workflow.stateMachine.arn,
      apiId: this.api.api.id,
      checkerFunctionName: this.workflow.checker.fn.functionName,
      reconcilerFunctionName: this.workflow.reconciler.fn.functionName,
      notify: {
        stateMachineArn: this.notify.stateMachine.arn,
        feedbackFunctionName: this.notify.feedback.fn.functionName,
        remindFunctionName: this.notify.remind.fn.functionName,
      },
    });

    const outputs: Record<string, { value: string; description: string }> = {
      api_url: { value: `https://${hosts.api}`, description: 'Management API base URL' },
      dashboard_url: { value: `https://${hosts.app}/dashboard`, description: 'Tenant dashboard (sign up here)' },
      api_cname_target: {
        value: this.api.domains.api.domainNameConfiguration.targetDomainName,
        description: `CNAME ${hosts.api} to this`,
      },
      app_cname_target: {
        value: this.api.domains.app.domainNameConfiguration.targetDomainName,
        description: `CNAME ${hosts.app} to this`,
      },
      invoke_url: { value: this.api.stage.invokeUrl, description: 'The HTTP API default endpoint (smoke tests)' },
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
      notify_state_machine_arn: { value: this.notify.stateMachine.arn, description: 'Notify workflow (subscribers)' },
      link_secret_arn: {
        value: linkSecret.secret.arn,
        description: 'Secret of subscriber links, generated by the stack (rotating it breaks every sent link)',
      },
      mail_domain: { value: mailDomain, description: 'SES identity: notifications@ and no-reply@ this domain' },
      ses_configuration_set: {
        value: this.notify.configurationSet.configurationSetName,
        description: 'Bounces and complaints of every email suppress the address',
      },
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
