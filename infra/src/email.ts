import { Sesv2EmailIdentity } from '@cdktn/provider-aws/lib/sesv2-email-identity/index.js';
import { Construct } from 'constructs';

/** The SES domain identity notification emails will be sent from (Easy DKIM; publish the CNAMEs it outputs). */
export class EmailStack extends Construct {
  readonly identity: Sesv2EmailIdentity;

  constructor(scope: Construct, id: string, props: { domain: string }) {
    super(scope, id);
    this.identity = new Sesv2EmailIdentity(this, 'domain', {
      emailIdentity: props.domain,
      dkimSigningAttributes: { nextSigningKeyLength: 'RSA_2048_BIT' },
    });
  }
}
