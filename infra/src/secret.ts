import { DataAwsSecretsmanagerRandomPassword } from '@cdktn/provider-aws/lib/data-aws-secretsmanager-random-password/index.js';
import { SecretsmanagerSecret } from '@cdktn/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretVersion } from '@cdktn/provider-aws/lib/secretsmanager-secret-version/index.js';
import type { Construct } from 'constructs';

/** A secret the stack generates and the functions read at cold start; its value never enters an environment. */
export interface GeneratedSecret {
  secret: SecretsmanagerSecret;
  /** Functions that read the secret at cold start depend on this, so they start only once it has a value. */
  version: SecretsmanagerSecretVersion;
}

/**
 * A random 48-character key in Secrets Manager, generated once: later plans never rotate it
 * (`ignore_changes`), since rotating invalidates everything signed with it.
 */
export function generatedSecret(scope: Construct, id: string, props: { name: string; description: string }) {
  const secret = new SecretsmanagerSecret(scope, id, { name: props.name, description: props.description });
  const generated = new DataAwsSecretsmanagerRandomPassword(scope, `${id}-value`, {
    passwordLength: 48,
    excludePunctuation: true,
  });
  const version = new SecretsmanagerSecretVersion(scope, `${id}-version`, {
    secretId: secret.id,
    secretString: generated.randomPassword,
    lifecycle: { ignoreChanges: ['secret_string'] },
  });
  return { secret, version } satisfies GeneratedSecret;
}
