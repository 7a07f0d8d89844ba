import type { V2Incident } from '@upstate/core';
import { incidentsJson } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freshIncident } from '../testing.ts';
import { discordMessage, slackMessage, teamsMessage } from './chat.ts';
import {
  componentDiscordMessage,
  componentEmail,
  componentMessage,
  componentSlackMessage,
  componentTeamsMessage,
} from './component.ts';
import { entryMessage } from './email.ts';

// Each service's documented limits, as schemas: Slack Block Kit (header ≤150, section text ≤3000,
// ≤10 fields of ≤2000, button text ≤75, url ≤3000), Teams Workflows (a `message` with an Adaptive Card
// attachment), Discord (≤10 embeds; title ≤256, description ≤4096, field name ≤256 and value ≤1024,
// footer ≤2048, colour ≤ 0xFFFFFF, all text ≤6000).
const plain = (max: number) =>
  z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const mrkdwn = (max: number) => z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) });
const SlackMessage = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z
    .array(
      z.union([
        z.strictObject({ type: z.literal('header'), text: plain(150) }),
        z.strictObject({ type: z.literal('section'), text: mrkdwn(3000) }),
        z.strictObject({ type: z.literal('section'), fields: z.array(mrkdwn(2000)).min(1).max(10) }),
        z.strictObject({
          type: z.literal('actions'),
          elements: z
            .array(z.strictObject({ type: z.literal('button'), text: plain(75), url: z.url().max(3000) }))
            .max(25),
        }),
      ]),
    )
    .max(50),
});
const TeamsMessage = z.strictObject({
  type: z.literal('message'),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        contentUrl: z.null(),
        content: z.looseObject({
          $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
          type: z.literal('AdaptiveCard'),
          version: z.string().regex(/^1\.[0-5]$/),
          body: z.array(z.looseObject({ type: z.enum(['TextBlock', 'FactSet']) })).min(1),
          actions: z.array(z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string(), url: z.url() })),
        }),
      }),
    )
    .length(1),
});
const DiscordMessage = z.strictObject({
  allowed_mentions: z.strictObject({ parse: z.array(z.string()).length(0) }),
  embeds: z
    .array(
      z.strictObject({
        title: z.string().max(256),
        url: z.url(),
        description: z.string().max(4096),
        color: z.number().int().min(0).max(0xffffff),
        fields: z
          .array(z.strictObject({ name: z.string().max(256), value: z.string().min(1).max(1024), inline: z.boolean() }))
          .max(25),
        timestamp: z.iso.datetime({ offset: true }),
        footer: z.strictObject({ text: z.string().max(2048) }),
      }),
    )
    .min(1)
    .max(10),
});

const snapshot = fixtureSnapshot({ now: '2026-11-20T12:00:00.000Z' });
const hostile = `<!channel> @everyone <script>x</script> & ${'long '.repeat(1500)}`;
snapshot.incidents.unshift(freshIncident(snapshot.tenant.id, 'inc-1', '2026-11-20T12:00:00.000Z', [], hostile));
const message = entryMessage('incident', JSON.stringify(incidentsJson(snapshot).incidents[0] as V2Incident));

describe('chat formats', () => {
  it('Slack: valid Block Kit within the documented limits, with control characters escaped', () => {
    const body = SlackMessage.parse(slackMessage('Acme <Cloud>', message));
    expect(JSON.stringify(body)).not.toContain('<!channel>');
    expect(JSON.stringify(body)).toContain('&lt;!channel&gt;');
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Acme <Cloud>: Slow API responses', emoji: false },
    });
  });

  it('Teams: a Workflows message with one Adaptive Card linking the incident', () => {
    const body = TeamsMessage.parse(teamsMessage('Acme', message));
    expect(body.attachments[0]?.content.actions[0]?.url).toBe(`${snapshot.baseUrl}/incidents/inc-1/`);
  });

  it('Discord: one embed within the limits, mentioning nobody', () => {
    const body = DiscordMessage.parse(discordMessage('Acme', message));
    const embed = body.embeds[0];
    const total = (embed?.title.length ?? 0) + (embed?.description.length ?? 0) + (embed?.footer.text.length ?? 0) + 20;
    expect(total).toBeLessThanOrEqual(6000);
    expect(embed?.color).toBe(0xdc2626);
  });
});

// A component status change outside an incident, with a hostile component name.
const changed = componentMessage(
  JSON.stringify({
    component: { ...summaryComponent(), name: '<!here> API & <b>Web</b>' },
    component_update: {
      id: 'chg-1',
      component_id: 'c-1',
      old_status: 'operational',
      new_status: 'major_outage',
      created_at: '2026-11-20T12:00:00.000Z',
      component_type: 'Component',
    },
  }),
);
function summaryComponent() {
  return {
    id: 'c-1',
    name: 'API',
    status: 'major_outage',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-11-20T12:00:00.000Z',
    position: 1,
    description: null,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: snapshot.tenant.id,
    group: false,
    only_show_if_degraded: false,
  };
}
const pageUrl = `${snapshot.baseUrl}/`;

describe('component change formats', () => {
  it('Slack, Teams and Discord: the documented shapes, linking the page, escaping the name', () => {
    const slack = SlackMessage.parse(componentSlackMessage('Acme', changed, pageUrl));
    // Mentions parse in mrkdwn and the notification text, never in plain_text (the header).
    const mrkdwnTexts = JSON.stringify(slack.blocks.filter((b) => b.type !== 'header'));
    expect(mrkdwnTexts).not.toContain('<!here>');
    expect(slack.text).toBe('Acme: &lt;!here&gt; API &amp; &lt;b&gt;Web&lt;/b&gt; is Major Outage');
    const teams = TeamsMessage.parse(componentTeamsMessage('Acme', changed, pageUrl));
    expect(teams.attachments[0]?.content.actions[0]?.url).toBe(pageUrl);
    const discord = DiscordMessage.parse(componentDiscordMessage('Acme', changed, pageUrl));
    expect(discord.embeds[0]).toMatchObject({ description: 'Operational → Major Outage', color: 0xdc2626 });
  });

  it('email: the change in text and escaped HTML, with one-click unsubscribe', () => {
    const links = { manage: 'https://api.test/m', unsubscribe: 'https://api.test/m/unsubscribe' };
    const brand = {
      tenantId: 't1',
      tenantName: 'Acme',
      brandColor: '#7c3aed',
      mailDomain: 'upstate.test',
      pageUrl: snapshot.baseUrl,
    };
    const mail = componentEmail(brand, 'reader@example.com', changed, links);
    expect(mail.subject).toBe('[Acme] <!here> API & <b>Web</b> is Major Outage');
    expect(mail.text).toContain('Operational → Major Outage');
    expect(mail.html).toContain('&lt;b&gt;Web&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Web</b>');
    expect(mail.headers?.['List-Unsubscribe']).toBe(`<${links.unsubscribe}>`);
  });
});
