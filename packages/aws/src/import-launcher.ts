import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type AwsEnv, clientConfig } from './config.ts';

export const lambdaClient = (env: AwsEnv) => new LambdaClient(clientConfig(env, env.LAMBDA_ENDPOINT));

/** What the API Lambda sends itself to run an import after answering the request. */
export interface ImportEvent {
  upstateImport: { tenantId: string; jobId: string; root: string };
}

export function isImportEvent(event: unknown): event is ImportEvent {
  const job = (event as Partial<ImportEvent> | null)?.upstateImport;
  return (
    typeof job === 'object' &&
    job !== null &&
    typeof job.tenantId === 'string' &&
    typeof job.jobId === 'string' &&
    typeof job.root === 'string'
  );
}

/**
 * Hands a queued import to another invocation of the same function (`InvocationType: 'Event'`): a
 * Lambda freezes once it has answered, so the request's own invocation cannot carry the work. The
 * invocation needs `lambda:InvokeFunction` on itself and a timeout long enough for a large page.
 * A management API key would travel in the event payload, so it is refused here, not sent.
 */
export function createLambdaImportLauncher(options: { client: LambdaClient; functionName: string }) {
  return async (job: { tenantId: string; jobId: string; root: string; managementApiKey?: string }) => {
    if (job.managementApiKey !== undefined) {
      throw new Error('A management API key cannot be handed to an asynchronous invocation');
    }
    const event: ImportEvent = { upstateImport: { tenantId: job.tenantId, jobId: job.jobId, root: job.root } };
    await options.client.send(
      new InvokeCommand({
        FunctionName: options.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  };
}
