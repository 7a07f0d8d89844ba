import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { readSecretString } from './secrets.ts';

// Secrets Manager has no local stand-in (locally the secret is a plain local value): mocked, exact command asserted.
describe('readSecretString', () => {
  it('reads the secret by its id', async () => {
    const client = new SecretsManagerClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(48) });
    await expect(
      readSecretString(client, 'arn:aws:secretsmanager:us-east-1:1:secret:upstate/api/cursor'),
    ).resolves.toBe('k'.repeat(48));
    expect(mock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:upstate/api/cursor' },
    ]);
  });

  it('fails the cold start on a secret without a string value', async () => {
    const client = new SecretsManagerClient({ region: 'us-east-1' });
    mockClient(client)
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(readSecretString(client, 'upstate/api/cursor')).rejects.toThrow(/upstate\/api\/cursor has no string/);
  });
});
