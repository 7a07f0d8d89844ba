import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, permissionsOfScopes, Role } from '@upstate/core';
import { acceptInvite, lookUpInvite } from '@upstate/services/team/accept-invite';
import type { Actor } from '@upstate/services/team/actor';
import { changeRole } from '@upstate/services/team/change-role';
import { invite } from '@upstate/services/team/invite';
import { removeMember } from '@upstate/services/team/remove-member';
import { requireTwoFactor } from '@upstate/services/team/require-two-factor';
import { resendInvite } from '@upstate/services/team/resend-invite';
import { revokeInvite } from '@upstate/services/team/revoke-invite';
import { transferOwnership } from '@upstate/services/team/transfer-ownership';
import type { Invite } from '@upstate/store';
import type { Env, Principal } from '../context.ts';
import { accountDeps, Email, setSessionCookie } from './account.ts';
import { errorResponses, IdParam, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

const Id = z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' });
const When = z.string().openapi({ example: '2026-03-14T09:26:53.000Z' });
const Address = z.string().openapi({ example: 'sam@acme.example' });
const MemberView = z.object({ userId: Id, email: Address, role: Role, addedAt: When }).openapi('Member');
const InviteView = z
  .object({
    id: Id,
    email: Address,
    role: Role,
    invitedBy: z.string().openapi({ example: 'ops@acme.example' }),
    createdAt: When,
    expiresAt: z.string().openapi({ example: '2026-03-21T09:26:53.000Z' }),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  })
  .openapi('Invite');
const Token = z.string().min(20).max(200).openapi({ example: 'Qm9vdHN0cmFwLXRva2VuLWV4YW1wbGUtMTIzNDU2' });

const actor = (p: Principal): Actor => ({
  tenantId: p.tenantId,
  author: p.author,
  permissions: p.permissions ?? permissionsOfScopes(p.scopes),
});

export function teamRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store } = deps;
  const account = accountDeps(deps);
  const inviteView = (i: Invite) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    invitedBy: i.invitedBy,
    createdAt: i.createdAt,
    expiresAt: new Date(i.expiresAt * 1000).toISOString(),
    status: i.status === 'pending' && i.expiresAt * 1000 <= deps.now().getTime() ? ('expired' as const) : i.status,
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/team',
      tags: ['Team'],
      summary: 'Members and their roles',
      description:
        'Roles: **owner** (everything, including ownership), **admin** (everything but ownership), **editor** (incidents, maintenance, components and monitors), **viewer** (read only). API key scopes map onto the same permissions: `admin` as admin, `incidents` and `components` as their parts of editor, `read` as viewer.',
      security,
      responses: {
        200: jsonResponse(
          z.object({ members: z.array(MemberView), requireTwoFactor: z.boolean() }).openapi('Team'),
          'The team',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const team = await store.teams.get(p.tenantId);
      const members = Object.values(team?.members ?? {}).sort((a, b) => a.addedAt.localeCompare(b.addedAt));
      return c.json({ members, requireTwoFactor: team?.requireTwoFactor ?? false }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/team',
      tags: ['Team'],
      summary: 'Require two-factor sign-in for every member (owners only)',
      security,
      request: { body: jsonBody(z.strictObject({ requireTwoFactor: z.boolean() })) },
      responses: { 204: { description: 'Saved' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'owner');
      await requireTwoFactor(account, actor(p), { required: c.req.valid('json').requireTwoFactor });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/team/members/{id}',
      tags: ['Team'],
      summary: 'Change a member’s role (only owners make or unmake owners; the last owner stays)',
      security,
      request: { params: IdParam, body: jsonBody(z.strictObject({ role: Role })) },
      responses: { 200: jsonResponse(MemberView, 'Changed'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'team');
      const member = await changeRole(account, actor(p), {
        userId: c.req.valid('param').id,
        role: c.req.valid('json').role,
      });
      return c.json(member, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/team/ownership',
      tags: ['Team'],
      summary: 'Hand ownership to another member: they become owner, you become admin (owners only)',
      description:
        'One conditional write: of two transfers at once exactly one lands, the other is 409 on `userId`. The target must be a member who is not an owner yet.',
      security,
      request: {
        body: jsonBody(
          z
            .strictObject({ userId: z.string().min(1).max(64).openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }) })
            .openapi('OwnershipTransfer'),
        ),
      },
      responses: { 200: jsonResponse(MemberView, 'The new owner'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'owner');
      return c.json(await transferOwnership(account, actor(p), { userId: c.req.valid('json').userId }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/team/members/{id}',
      tags: ['Team'],
      summary: 'Remove a member; their sessions stop working on their next request',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'team');
      await removeMember(account, actor(p), { userId: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/team/invites',
      tags: ['Team'],
      summary: 'Invites, newest first',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(InviteView) }), 'Invites'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'team');
      return c.json({ data: (await store.invites.list(p.tenantId)).map(inviteView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/team/invites',
      tags: ['Team'],
      summary: 'Invite someone by email (a single-use link valid for 7 days)',
      security,
      request: { body: jsonBody(z.strictObject({ email: Email, role: Role }).openapi('InviteInput')) },
      responses: { 201: jsonResponse(InviteView, 'Invited'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'team');
      return c.json(inviteView(await invite(account, actor(p), c.req.valid('json'))), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/team/invites/{id}/resend',
      tags: ['Team'],
      summary: 'Re-send an invite with a new link (the old one stops working)',
      security,
      request: { params: IdParam },
      responses: { 200: jsonResponse(InviteView, 'Re-sent'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'team');
      return c.json(inviteView(await resendInvite(account, actor(p), c.req.valid('param'))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/team/invites/{id}',
      tags: ['Team'],
      summary: 'Revoke an invite',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'team');
      await revokeInvite(account, actor(p), c.req.valid('param'));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/invites/lookup',
      tags: ['Team'],
      summary: 'What an invite link is for (tenant, role, whether the address has an account)',
      request: { body: jsonBody(z.strictObject({ token: Token })) },
      responses: {
        200: jsonResponse(
          z.object({
            email: Address,
            role: Role,
            tenantName: z.string().openapi({ example: 'Acme Cloud' }),
            hasAccount: z.boolean(),
          }),
          'The invite',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const found = await lookUpInvite(account, c.req.valid('json'));
      return c.json(
        {
          email: found.invite.email,
          role: found.invite.role,
          tenantName: found.tenantName,
          hasAccount: found.hasAccount,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/invites/accept',
      tags: ['Team'],
      summary: 'Accept an invite: new people choose a password, existing accounts give theirs; starts a session',
      request: {
        body: jsonBody(
          z.strictObject({
            token: Token,
            password: z.string().min(1).max(200).openapi({ example: 'correct horse battery staple' }),
            code: z
              .string()
              .trim()
              .max(20)
              .optional()
              .describe('Two-factor code, for an existing account that has it on')
              .openapi({ example: '492039' }),
          }),
        ),
      },
      responses: {
        200: jsonResponse(
          z.object({
            tenantId: Id,
            email: Address,
            csrfToken: z.string().openapi({ example: 'b4c1e0f29a7d4e6c8f3a1b2c3d4e5f60' }),
            role: Role,
          }),
          'Joined',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const lookup = await lookUpInvite(account, input);
      if (!lookup.hasAccount && input.password.length < 10)
        throw new AppError('validation_failed', 'must be at least 10 characters', {
          field: 'password',
        });
      const joined = await acceptInvite(account, {
        ...input,
        clientAddress: deps.clientAddress(c),
        userAgent: c.req.header('user-agent') ?? '',
      });
      setSessionCookie(c, deps, joined.cookie);
      return c.json(
        { tenantId: joined.tenantId, email: joined.user.email, csrfToken: joined.csrfToken, role: joined.role },
        200,
      );
    },
  );
}
