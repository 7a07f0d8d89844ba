/**
 * Every AWS call the checker function makes, with the resource each acts on; checked by infra's IAM
 * simulation test against the bundled code and the synthesised policy (see apps/api/src/aws-calls.ts
 * for the placeholders).
 */
export const awsCalls = {
  checker: [
    // Due monitors, check results, rollups, component status, maintenance transitions, rollover claims.
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:PutItem', resource: '{table}' },
    { action: 'dynamodb:UpdateItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{index}' },
    // A status flip or a day rollover publishes the tenant's page.
    { action: 'states:StartExecution', resource: '{stateMachine}' },
  ],
} as const;
