export {
  type PublishDefinition,
  type PublishResources,
  publishDefinition,
  taskNames,
  taskStates,
} from './definition.ts';
export {
  createHandlers,
  defaultLeaseTtlMs,
  type Handlers,
  type Log,
  type PublisherDeps,
  type Renderer,
  reconcileStale,
} from './handlers.ts';
export { createLocalPublisher, type ExecutionRecord, type LocalPublisher, localResources } from './local-publisher.ts';
