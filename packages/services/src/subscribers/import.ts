// Import subscribers from CSV (the tenant vouches for them: confirmed at once, no opt-in email).
// Every row is validated before the first write; then each row is one subscribe (claim → subscriber →
// token). Stops halfway: the rows written are complete subscriptions; importing the same file again
// skips them (already subscribed) and adds the rest, so a retry converges. One audit event for the
// import (counts only, no addresses) after the last row.
import { AppError, SubscriberChannel as Channel, type SubscriberChannel } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { operationIdOf } from '../operation.ts';
import type { SubscriberActor } from './audit.ts';
import { subscribe } from './subscribe.ts';
import { normaliseTarget } from './targets.ts';

/** Rows per import: bounded so one request stays well inside a Lambda's time. */
export const maxImportRows = 5000;

/** `email` or `channel,target` per line; a first line naming the columns is skipped. */
export function parseSubscriberCsv(
  csv: string,
  options: { allowHttp: boolean },
): { channel: SubscriberChannel; target: string }[] {
  const lines = csv.split(/\r?\n/).map((l) => l.trim());
  const rows: { channel: SubscriberChannel; target: string }[] = [];
  lines.forEach((line, index) => {
    if (!line || (index === 0 && /^(channel,)?(email|target)$/i.test(line.replace(/"/g, '')))) return;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const [first, second] = cells;
    const channel = cells.length >= 2 ? Channel.safeParse(first) : { success: true as const, data: 'email' as const };
    if (!channel.success || cells.length > 2) {
      throw new AppError('validation_failed', `Line ${index + 1}: expected "email" or "channel,target"`, {
        field: `csv.${index + 1}`,
      });
    }
    const raw = cells.length >= 2 ? (second ?? '') : (first ?? '');
    try {
      rows.push({ channel: channel.data, target: normaliseTarget(channel.data, raw, options) });
    } catch (error) {
      throw new AppError('validation_failed', `Line ${index + 1}: ${(error as Error).message}`, {
        field: `csv.${index + 1}`,
      });
    }
  });
  if (rows.length > maxImportRows) {
    throw new AppError('validation_failed', `At most ${maxImportRows} rows per import`, { field: 'csv' });
  }
  return rows;
}

export async function importSubscribers(
  deps: ServiceDeps,
  input: { tenantId: string; csv: string; linkSecret: string; allowHttp: boolean; by?: SubscriberActor },
): Promise<{ added: number; skipped: number; secrets: { target: string; secret: string }[] }> {
  const rows = parseSubscriberCsv(input.csv, { allowHttp: input.allowHttp });
  let added = 0;
  let skipped = 0;
  const secrets: { target: string; secret: string }[] = [];
  for (const row of rows) {
    try {
      const result = await subscribe(deps, {
        tenantId: input.tenantId,
        ...row,
        confirmed: true,
        linkSecret: input.linkSecret,
        allowHttp: input.allowHttp,
        skipAudit: true,
      });
      added++;
      if (result.secret) secrets.push({ target: row.target, secret: result.secret });
    } catch (error) {
      if ((error as { code?: string }).code !== 'conflict') throw error;
      skipped++;
    }
  }
  if (added > 0) {
    const actor = {
      ...input.by,
      tenantId: input.tenantId,
      author: input.by?.author ?? { kind: 'system' as const, id: 'import', label: 'Import' },
    };
    await audit(
      deps,
      actor,
      operationIdOf(actor, deps),
      'subscriber.imported',
      { type: 'subscribers', id: 'import' },
      { added, skipped },
    );
  }
  return { added, skipped, secrets };
}
