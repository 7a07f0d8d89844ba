import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CursorCodec } from './cursor.ts';

/** What every repository shares: the document client, the table, the clock and the cursor codec. */
export interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
  now: () => Date;
  cursors: CursorCodec;
}

export interface Page<T> {
  items: T[];
  /** Opaque, tenant-bound; null on the last page. */
  nextCursor: string | null;
}

export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Strips storage attributes so callers only ever see domain objects. */
export function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, type, ...rest } = item;
  return rest as T;
}
