import { incidentsJson, type TenantSnapshot, type V2Incident } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { describe, expect, it } from 'vitest';
import capturedComponent from '../fixtures/statuspage-webhook-component.json' with { type: 'json' };
import capturedIncident from '../fixtures/statuspage-webhook-incident.json' with { type: 'json' };
import { freshIncident } from '../testing.ts';
import { entryMessage } from './email.ts';
import { signWebhook, statuspageWebhookPayload, verifyWebhook } from './webhook.ts';

/**
 * Every field of the captured Statuspage body is in ours with the same JSON type (null in either matches
 * anything: Statuspage sends null for unset values). Array items are compared against the first captured one.
 */
function missingFields(captured: unknown, ours: unknown, path = ''): string[] {
  if (captured === null || ours === null) return [];
  if (Array.isArray(captured)) {
    if (!Array.isArray(ours)) return [`${path}: expected an array`];
    if (captured.length === 0 || ours.length === 0) return [];
    return missingFields(captured[0], ours[0], `${path}[0]`);
  }
  if (typeof captured === 'object') {
    if (typeof ours !== 'object' || Array.isArray(ours)) return [`${path}: expected an object`];
    return Object.entries(captured as Record<string, unknown>).flatMap(([key, value]) =>
      key in (ours as object)
        ? missingFields(value, (ours as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}: missing`],
    );
  }
  return typeof captured === typeof ours ? [] : [`${path}: ${typeof ours} instead of ${typeof captured}`];
}

function oursFor(snapshot: TenantSnapshot) {
  const published = incidentsJson(snapshot).incidents[0] as V2Incident;
  return statuspageWebhookPayload({
    message: entryMessage('incident', JSON.stringify(published)),
    page: { id: snapshot.tenant.id, indicator: 'minor', description: 'Minor Service Outage' },
    unsubscribeUrl: 'https://api.upstate.test/public/subscriptions/tok/unsubscribe',
    documentationUrl: 'https://api.upstate.test/docs#webhook-signatures',
    generatedAt: '2026-11-20T12:00:05.000Z',
  });
}

describe('Statuspage webhook payload', () => {
  const snapshot = fixtureSnapshot({ now: '2026-11-20T12:00:00.000Z' });
  snapshot.incidents.unshift(
    freshIncident(snapshot.tenant.id, 'inc-1', '2026-11-20T12:00:00.000Z', [snapshot.components[0]?.id as string]),
  );

  it('carries every field of a captured Statuspage incident webhook, with the same types', () => {
    expect(missingFields(capturedIncident, oursFor(snapshot))).toEqual([]);
  });

  it('holds the golden body for a fixed incident', () => {
    const ours = oursFor(snapshot);
    expect(Object.keys(ours)).toEqual(['meta', 'page', 'incident']);
    expect(ours.incident).toMatchObject({
      id: 'inc-1',
      name: 'Slow API responses',
      status: 'investigating',
      impact: 'minor',
      backfilled: false,
      scheduled_for: null,
      incident_updates: [
        {
          id: 'inc-1-u1',
          status: 'investigating',
          body: 'We are **investigating** slow responses.',
          incident_id: 'inc-1',
          wants_twitter_update: false,
          twitter_updated_at: null,
          affected_components: [
            { code: snapshot.components[0]?.id, old_status: 'operational', new_status: 'degraded_performance' },
          ],
        },
      ],
    });
    expect(ours.meta).toEqual({
      unsubscribe: 'https://api.upstate.test/public/subscriptions/tok/unsubscribe',
      documentation: 'https://api.upstate.test/docs#webhook-signatures',
      generated_at: '2026-11-20T12:00:05.000Z',
    });
  });

  it('keeps the meta and page blocks of the captured component webhook', () => {
    const ours = oursFor(snapshot);
    expect(missingFields({ meta: capturedComponent.meta, page: capturedComponent.page }, ours)).toEqual([]);
  });
});

describe('webhook signatures', () => {
  const body = '{"meta":{}}';
  const secret = 'whsec_test';

  it('is HMAC-SHA256 over "{timestamp}.{body}", which a receiver recomputes with node:crypto alone', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = `v1=${createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')}`;
    expect(signWebhook(secret, 1_700_000_000, body)).toBe(expected);
  });

  it('rejects a changed body, a wrong secret and a replay outside five minutes', () => {
    const signature = signWebhook(secret, 1_700_000_000, body);
    const at = 1_700_000_000_000;
    const headers = { signature, timestamp: '1700000000' };
    expect(verifyWebhook(secret, headers, body, { now: at + 60_000 })).toBe(true);
    expect(verifyWebhook(secret, headers, `${body} `, { now: at })).toBe(false);
    expect(verifyWebhook('other', headers, body, { now: at })).toBe(false);
    expect(verifyWebhook(secret, headers, body, { now: at + 301_000 })).toBe(false);
    expect(verifyWebhook(secret, { signature, timestamp: '1700000001' }, body, { now: at })).toBe(false);
    expect(verifyWebhook(secret, { signature: undefined, timestamp: '1700000000' }, body, { now: at })).toBe(false);
  });
});
