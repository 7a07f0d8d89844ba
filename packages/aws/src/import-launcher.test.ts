import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLambdaImportLauncher, isImportEvent } from './import-launcher.ts';

// Lambda has no local stand-in: the SDK is mocked and the exact command is asserted.
describe('Lambda import launcher', () => {
  it('invokes the function asynchronously with the job, and nothing else', async () => {
    const client = new LambdaClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const launch = createLambdaImportLauncher({ client, functionName: 'upstate-prod-api' });
    await launch({ tenantId: 't1', jobId: 'j1', root: 'https://status.example.com' });
    const calls = mock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.FunctionName).toBe('upstate-prod-api');
    expect(calls[0]?.InvocationType).toBe('Event');
    const payload = JSON.parse(new TextDecoder().decode(calls[0]?.Payload as Uint8Array));
    expect(payload).toEqual({ upstateImport: { tenantId: 't1', jobId: 'j1', root: 'https://status.example.com' } });
    expect(isImportEvent(payload)).toBe(true);
  });

  it('refuses to put a management API key in an event payload', async () => {
    const client = new LambdaClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    const launch = createLambdaImportLauncher({ client, functionName: 'f' });
    await expect(
      launch({ tenantId: 't', jobId: 'j', root: 'https://x.example.com', managementApiKey: 'k' }),
    ).rejects.toThrow(/management API key/);
    expect(mock.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('tells import events from API Gateway events', () => {
    expect(isImportEvent({ version: '2.0', routeKey: '$default', rawPath: '/v1/imports' })).toBe(false);
    expect(isImportEvent(null)).toBe(false);
    expect(isImportEvent({ upstateImport: { tenantId: 't' } })).toBe(false);
  });
});
