import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@upstate/core';

// Page cursors are opaque: base64url(JSON) plus an HMAC, and bound to the tenant that asked and to
// the listing that minted them. A cursor minted for tenant A and replayed by tenant B is rejected,
// never served; so is an audit-log cursor sent to the incident list, whose start key DynamoDB
// would refuse (a 500) or, worse, accept from the wrong partition.

/** Names one paged listing (`incidents`, `maintenance`, `audit`, …); a cursor works only in its own. */
export type CursorListing = string;

export interface CursorCodec {
  encode(tenantId: string, listing: CursorListing, key: Record<string, unknown> | undefined): string | null;
  decode(
    tenantId: string,
    listing: CursorListing,
    cursor: string | undefined | null,
  ): Record<string, unknown> | undefined;
}

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);
  return {
    encode(tenantId, listing, key) {
      if (!key) return null;
      const payload = Buffer.from(JSON.stringify({ t: tenantId, l: listing, k: key })).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    decode(tenantId, listing, cursor) {
      if (!cursor) return undefined;
      const invalid = () => new AppError('invalid_cursor', 'The page cursor is not valid here', { field: 'cursor' });
      const [payload, mac] = cursor.split('.');
      if (!payload || !mac) throw invalid();
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(mac);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
      let parsed: { t?: unknown; l?: unknown; k?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      if (parsed === null || typeof parsed !== 'object') throw invalid();
      if (parsed.t !== tenantId || parsed.l !== listing || typeof parsed.k !== 'object' || parsed.k === null)
        throw invalid();
      return parsed.k as Record<string, unknown>;
    },
  };
}
