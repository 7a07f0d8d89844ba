import { IamRole } from '@cdktn/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy/index.js';
import type { Construct } from 'constructs';

export interface Statement {
  /** Explicit actions only: a test fails the synth on any `*` action. */
  actions: string[];
  /** ARNs (or ARN patterns scoped to this stage); `*` only where the service cannot scope. */
  resources: string[];
  conditions?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document as JSON; Terraform tokens inside ARNs resolve at synth. */
export function policyDocument(statements: Statement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Effect: 'Allow',
      Action: s.actions,
      Resource: s.resources,
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/**
 * A role that one AWS service assumes, with exactly the given inline permissions.
 * `sourceArn` pins the trust to one caller where the service sets aws:SourceArn (confused-deputy guard).
 */
export function serviceRole(
  scope: Construct,
  id: string,
  options: { name: string; service: string; statements: Statement[]; sourceAccount?: string },
): IamRole {
  const role = new IamRole(scope, id, {
    name: options.name,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: options.service },
          Action: 'sts:AssumeRole',
          ...(options.sourceAccount
            ? { Condition: { StringEquals: { 'aws:SourceAccount': options.sourceAccount } } }
            : {}),
        },
      ],
    }),
  });
  new IamRolePolicy(scope, `${id}-policy`, {
    name: 'least-privilege',
    role: role.id,
    policy: policyDocument(options.statements),
  });
  return role;
}
