import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type ImportJob, notFound } from '@upstate/core';
import { type Db, strip } from './db.ts';
import { conditional } from './errors.ts';
import { importJobKey, itemTypes } from './keys.ts';
import { pageByPrefix, putIfVersion } from './queries.ts';

/** Import jobs: one item each in the tenant partition, advanced by optimistic version. */
export function importJobsRepo(db: Db) {
  const item = (job: ImportJob) => ({ ...importJobKey(job.tenantId, job.id), type: itemTypes.importJob, ...job });
  return {
    async create(job: ImportJob): Promise<ImportJob> {
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({ TableName: db.table, Item: item(job), ConditionExpression: 'attribute_not_exists(pk)' }),
          ),
        'Import already exists',
      );
      return job;
    },
    async get(tenantId: string, id: string): Promise<ImportJob | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: importJobKey(tenantId, id) }));
      return strip<ImportJob>(Item);
    },
    async require(tenantId: string, id: string): Promise<ImportJob> {
      const job = await this.get(tenantId, id);
      if (!job) throw notFound('Import');
      return job;
    },
    /** Writes `next` if the stored job is still at `next.version - 1`. */
    async save(next: ImportJob): Promise<ImportJob> {
      await putIfVersion(db, item(next), next.version - 1, 'The import changed since it was loaded');
      return next;
    },
    /** Newest first (ids are time-ordered). */
    async list(tenantId: string, limit = 20): Promise<ImportJob[]> {
      return (await pageByPrefix<ImportJob>(db, tenantId, 'IMPORT#', 'imports', { limit })).items;
    },
  };
}
