import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, httpGet, poll, type RawResponse, startTestPlatform, type TestPlatform } from './support.ts';

// Issue 15's product parts on the whole local platform: the notify switch through the API, the
// publisher and the notifier; the Statuspage subscribe call through the local edge.

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.dispose();
});

const demoReader = 'reader@demo.localhost';
const mailTo = async (address: string) => (await t.platform.mail.messages()).filter((m) => m.to.includes(address));
const pageHost = () => `demo.localhost:${t.ports.edge}`;

/** Any method to 127.0.0.1 with a Host header (Node's fetch cannot set Host). */
function send(
  port: number,
  host: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: {
          host,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
const form = 'application/x-www-form-urlencoded';
const subscribeOnPage = (body: string, type = form, host = pageHost(), headers: Record<string, string> = {}) =>
  send(t.ports.edge, host, 'POST', '/api/v2/subscribers.json', body, { 'content-type': type, ...headers });

describe('the notify switch, through the API, the publisher and the notifier', () => {
  it('puts an entry with notify off on the page and tells nobody; the next update with it on, once', async () => {
    // Act: an incident and a maintenance posted with notify off
    const created = await api(t.platform, t.ports.api, 'POST', '/v1/incidents', {
      name: 'Quiet config fix',
      impact: 'minor',
      body: 'A _small_ fix nobody needs to hear about.',
      notify: false,
    });
    const maintenance = await api(t.platform, t.ports.api, 'POST', '/v1/maintenances', {
      name: 'Quiet reindex',
      scheduledFor: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      scheduledUntil: new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString(),
      body: 'Nothing to see.',
      notify: false,
    });
    expect(created.status).toBe(201);
    expect(maintenance.status).toBe(201);
    expect((created.json.updates as { notify?: boolean }[])[0]?.notify).toBe(false);
    const incidentPath = `/incidents/${created.json.id}/`;
    await poll(async () => {
      const res = await httpGet(t.ports.edge, pageHost(), incidentPath);
      return res.status === 200 ? res : undefined;
    }, 'the incident on the page');
    await poll(async () => {
      const res = await httpGet(t.ports.edge, pageHost(), `/maintenance/${maintenance.json.id}/`);
      return res.status === 200 ? res : undefined;
    }, 'the maintenance on the page');
    await t.platform.idle();

    // Assess: on the page, marked as Statuspage marks it, and in nobody's inbox or webhook
    const published = JSON.parse((await httpGet(t.ports.edge, pageHost(), '/api/v2/incidents.json')).body) as {
      incidents: { id: string; incident_updates: { deliver_notifications: boolean }[] }[];
    };
    const shown = published.incidents.find((i) => i.id === created.json.id);
    expect(shown?.incident_updates.map((u) => u.deliver_notifications)).toEqual([false]);
    const mail = await t.platform.mail.messages();
    expect(mail.filter((m) => /Quiet (config fix|reindex)/.test(m.subject))).toEqual([]);
    const entryKey = `incident_update#${(created.json.updates as { id: string }[])[0]?.id}`;
    const deliveries = await api(
      t.platform,
      t.ports.api,
      'GET',
      `/v1/notifications/${encodeURIComponent(entryKey)}/deliveries`,
    );
    expect(deliveries.status).toBe(404);

    // Act: the next update, with the switch left at its default
    const update = await api(t.platform, t.ports.api, 'POST', `/v1/incidents/${created.json.id}/updates`, {
      status: 'identified',
      body: 'It turned out to matter after all.',
    });
    expect(update.status).toBe(201);
    await poll(async () => {
      const got = (await mailTo(demoReader)).filter((m) => m.subject.includes('Quiet config fix'));
      return got.length ? got : undefined;
    }, 'the update reaching the demo reader');
    await t.platform.idle();
    const heard = (await mailTo(demoReader)).filter((m) => m.subject.includes('Quiet config fix'));
    expect(heard.map((m) => m.subject)).toEqual([`[Demo Cloud] Quiet config fix — Identified`]);
  });
});

describe('POST /api/v2/subscribers.json on the page host, through the local edge', () => {
  it('starts the double opt-in from a Statuspage form body, for the tenant of the viewer’s host', async () => {
    const address = `widget-${Date.now().toString(36)}@example.com`;
    const component = t.platform.demo.apiComponentId;
    // A header the client sets is not trusted: the edge sets the viewer's host itself.
    const res = await subscribeOnPage(
      `subscriber%5Bemail%5D=${encodeURIComponent(address)}&subscriber%5Bcomponent_ids%5D%5B%5D=${component}`,
      form,
      pageHost(),
      { 'x-upstate-site-host': 'other.localhost', origin: 'https://customer.example' },
    );
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const body = JSON.parse(res.body) as { subscriber: Record<string, unknown> };
    expect(body.subscriber).toMatchObject({ email: address, mode: 'email', components: [component] });
    expect(body.subscriber.id).toMatch(/^[0-9a-f]{12}$/);

    const [confirmation] = await poll(async () => {
      const got = await mailTo(address);
      return got.length ? got : undefined;
    }, 'the confirmation email');
    expect(confirmation?.subject).toMatch(/^Confirm your subscription/);
    expect(confirmation?.text).toMatch(/Confirm the subscription: http:\/\/localhost:\d+\/public\/subscriptions\//);
    const listed = await api(t.platform, t.ports.api, 'GET', `/v1/subscribers?target=${encodeURIComponent(address)}`);
    expect(listed.json.data).toMatchObject([
      { channel: 'email', status: 'pending', scope: { componentIds: [component], componentUpdates: false } },
    ]);
  });

  it('takes a JSON body too, and answers an address already subscribed exactly like a new one', async () => {
    const fresh = await subscribeOnPage(
      JSON.stringify({ subscriber: { email: 'json-reader@example.com' } }),
      'application/json',
    );
    const known = await subscribeOnPage(JSON.stringify({ subscriber: { email: demoReader } }), 'application/json');
    expect([fresh.status, known.status]).toEqual([201, 201]);
    const shape = (r: RawResponse) => Object.keys((JSON.parse(r.body) as { subscriber: object }).subscriber).sort();
    expect(shape(known)).toEqual(shape(fresh));
    await poll(async () => {
      const got = await mailTo('json-reader@example.com');
      return got.length ? got : undefined;
    }, 'the JSON subscriber’s confirmation');
    expect((await mailTo(demoReader)).filter((m) => m.subject.startsWith('Confirm'))).toEqual([]);
  });

  it('answers the CORS preflight, and refuses what it cannot do with a code and the field', async () => {
    const preflight = await send(t.ports.edge, pageHost(), 'OPTIONS', '/api/v2/subscribers.json', undefined, {
      origin: 'https://customer.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');

    const cases: [string, string, number, string, string][] = [
      ['subscriber%5Bemail%5D=not-an-address', pageHost(), 400, 'validation_failed', 'subscriber[email]'],
      ['', pageHost(), 400, 'validation_failed', 'subscriber[email]'],
      [
        'subscriber%5Bemail%5D=a%40example.com&subscriber%5Bendpoint%5D=https%3A%2F%2Fhooks.example%2Fx',
        pageHost(),
        400,
        'validation_failed',
        'subscriber[endpoint]',
      ],
      [
        'subscriber%5Bemail%5D=a%40example.com&subscriber%5Bcomponent_ids%5D%5B%5D=nope',
        pageHost(),
        400,
        'validation_failed',
        'subscriber[component_ids]',
      ],
      ['subscriber%5Bemail%5D=a%40example.com', `nobody-here.localhost:${t.ports.edge}`, 404, 'not_found', 'Host'],
    ];
    for (const [body, host, status, code, field] of cases) {
      const res = await subscribeOnPage(body, form, host);
      expect([res.status, JSON.parse(res.body).error]).toEqual([status, expect.objectContaining({ code, field })]);
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
    const broken = await subscribeOnPage('{"subscriber":', 'application/json');
    expect(broken.status).toBe(400);
    // The page's own JSON is still the page's: only this path goes to the API.
    const summary = await httpGet(t.ports.edge, pageHost(), '/api/v2/summary.json');
    expect(JSON.parse(summary.body).page.name).toBe('Demo Cloud');
  });
});

describe('component status changes, through the API, the publisher and the notifier', () => {
  it('tell an opted-in subscriber once the page shows the new status, and nobody who did not opt in', async () => {
    const watcher = `watcher-${Date.now().toString(36)}@example.com`;
    const added = await api(t.platform, t.ports.api, 'POST', '/v1/subscribers', {
      channel: 'email',
      target: watcher,
      scope: { componentIds: [t.platform.demo.apiComponentId], componentUpdates: true },
    });
    expect(added.status).toBe(201);
    const patched = await api(t.platform, t.ports.api, 'PATCH', `/v1/components/${t.platform.demo.apiComponentId}`, {
      status: 'partial_outage',
    });
    expect(patched.status).toBe(200);

    const [notice] = await poll(async () => {
      const got = await mailTo(watcher);
      return got.length ? got : undefined;
    }, 'the component change email');
    await t.platform.idle();
    const summary = JSON.parse((await httpGet(t.ports.edge, pageHost(), '/api/v2/summary.json')).body) as {
      components: { id: string; status: string }[];
    };
    expect(summary.components.find((c) => c.id === t.platform.demo.apiComponentId)?.status).toBe('partial_outage');
    expect(notice?.subject).toMatch(/ is Partial Outage$/);
    expect(notice?.text).toContain('Operational → Partial Outage');
    expect(await mailTo(watcher)).toHaveLength(1);
    expect((await mailTo(demoReader)).filter((m) => m.subject.includes('Partial Outage'))).toEqual([]);

    // Straight back: inside the quiet window, so it is held (folded with any further flip), not sent yet.
    await api(t.platform, t.ports.api, 'PATCH', `/v1/components/${t.platform.demo.apiComponentId}`, {
      status: 'operational',
    });
    await poll(async () => {
      const res = JSON.parse((await httpGet(t.ports.edge, pageHost(), '/api/v2/summary.json')).body) as {
        components: { id: string; status: string }[];
      };
      return res.components.find((c) => c.id === t.platform.demo.apiComponentId)?.status === 'operational'
        ? res
        : undefined;
    }, 'the page showing the component back');
    await t.platform.idle();
    expect(await mailTo(watcher)).toHaveLength(1);
  });
});
