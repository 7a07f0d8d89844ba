import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { LambdaFunction } from '@cdktn/provider-aws/lib/lambda-function/index.js';
import { AssetType, Fn, type ITerraformDependable, TerraformAsset, TerraformStack } from 'cdktn';
import { Construct } from 'constructs';
import type { Bundle } from './bundle.ts';
import { type Statement, serviceRole } from './iam.ts';

export interface NodeFunctionProps {
  name: string;
  bundle: Bundle;
  /** Export of the bundle's `index.mjs` to invoke. */
  exportName: string;
  statements: Statement[];
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: number;
  logRetentionDays: number;
  /** Resources the function must not start before (e.g. a secret value it reads at cold start). */
  dependsOn?: ITerraformDependable[];
}

const assets = new WeakMap<Construct, Map<string, TerraformAsset>>();

/** One zip per bundle per stack, however many functions run it (the publisher's tasks share one). */
function bundleAsset(scope: Construct, bundle: Bundle): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const byName = assets.get(stack) ?? new Map<string, TerraformAsset>();
  assets.set(stack, byName);
  const existing = byName.get(bundle.name);
  if (existing) return existing;
  const asset = new TerraformAsset(scope, `bundle-${bundle.name}`, { path: bundle.dir, type: AssetType.ARCHIVE });
  byName.set(bundle.name, asset);
  return asset;
}

/**
 * A Node 24 arm64 Lambda with its own log group (with retention) and its own least-privilege role:
 * beyond the statements given, it may only write to that log group.
 */
export class NodeFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  /** The function name as a plain string (the resource's attribute is a token). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.name = props.name;
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.name}`,
      retentionInDays: props.logRetentionDays,
    });
    const role = serviceRole(this, 'role', {
      name: `${props.name}-fn`,
      // No aws:SourceAccount here: Lambda does not document it for execution roles, and only this
      // account's functions can be given the role anyway (iam:PassRole).
      service: 'lambda.amazonaws.com',
      statements: [
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] },
        ...props.statements,
      ],
    });
    const asset = bundleAsset(scope, props.bundle);
    this.fn = new LambdaFunction(this, 'fn', {
      functionName: props.name,
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      handler: `${props.bundle.handlerPath}.${props.exportName}`,
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      role: role.arn,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? 30,
      environment: {
        variables: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup, ...(props.dependsOn ?? [])],
    });
  }
}
