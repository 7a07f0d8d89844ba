import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsEnv, clientConfig } from './config.ts';

export const secretsManagerClient = (env: AwsEnv) =>
  new SecretsManagerClient(clientConfig(env, env.SECRETS_MANAGER_ENDPOINT));

/**
 * A secret's string value, read once at cold start: a secret in a Lambda's environment would be
 * readable by anyone who can read the function's configuration.
 */
export async function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  // A binary or empty secret is a deployment mistake: fail the cold start rather than run keyless.
  if (!SecretString) throw new Error(`Secret ${secretId} has no string value`);
  return SecretString;
}
