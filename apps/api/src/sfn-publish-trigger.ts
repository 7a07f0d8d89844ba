import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { PublishTrigger } from './publish-trigger.ts';

/**
 * Starts the publish workflow; the execution name makes a duplicate start for a version a no-op.
 * Side-effect free to import, so other entries (the checker) share it.
 */
export const sfnPublishTrigger = (stateMachineArn: string, sfn: SFNClient = new SFNClient({})): PublishTrigger => ({
  async requestPublish(tenantId, contentVersion) {
    try {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: `${tenantId}-v${contentVersion}`.slice(0, 80),
          input: JSON.stringify({ tenantId, version: contentVersion }),
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
    }
  },
});
