export type { PublishTrigger } from '@upstate/core';
export { recordingPublishTrigger } from '@upstate/core/testing';
