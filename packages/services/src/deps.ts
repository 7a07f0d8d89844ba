import type { Log, PublishTrigger } from '@upstate/core';
import type { Store } from '@upstate/store';

/** What every use case is given. Entry points (API routes, checker, scheduler, importer, notifier) build it once. */
export interface ServiceDeps {
  store: Store;
  publishTrigger: PublishTrigger;
  now: () => Date;
  log: Log;
}
