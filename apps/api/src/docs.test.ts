import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { buildDocsAssets, readDocsAssets, writeDocsAssets } from './docs.ts';
import { createTestApp } from './testing.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  t = await createTestApp();
});

const json = async (res: Response) => (await res.json()) as unknown;

type Schema = {
  $ref?: string;
  example?: unknown;
  examples?: unknown;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type OpenApiDoc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content?: Record<string, { schema: Schema }> };
        responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
};

/** Paths (like `post /v1/incidents body.name`) of schema leaves with no example, enum, constant or default. */
function withoutExamples(doc: OpenApiDoc): string[] {
  const missing: string[] = [];
  const resolve = (s: Schema): Schema => (s.$ref ? (doc.components.schemas[s.$ref.split('/').at(-1) ?? ''] ?? {}) : s);
  const walk = (raw: Schema, at: string): void => {
    const s = resolve(raw);
    if (s.example !== undefined || s.examples !== undefined || s.enum || s.const !== undefined) return;
    if (s.default !== undefined || s.type === 'boolean') return;
    if (s.properties) for (const [key, p] of Object.entries(s.properties)) walk(p, `${at}.${key}`);
    else if (s.items) walk(s.items, `${at}[]`);
    else if (s.anyOf ?? s.oneOf ?? s.allOf)
      for (const [i, x] of (s.anyOf ?? s.oneOf ?? s.allOf ?? []).entries()) walk(x, `${at}|${i}`);
    else missing.push(at);
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) walk(body, `${method} ${path} body`);
      for (const [code, res] of Object.entries(op.responses)) {
        const schema = res.content?.['application/json']?.schema;
        if (code.startsWith('2') && schema) walk(schema, `${method} ${path} ${code}`);
      }
    }
  }
  return missing;
}

describe('the API reference', () => {
  it('serves an OpenAPI 3.1 document with an example for every request and success response field', async () => {
    const doc = (await json(await t.app.request('/openapi.json'))) as OpenApiDoc;
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    expect(withoutExamples(doc)).toEqual([]);
    // The walk does find a bare field.
    const bare = { type: 'object', properties: { note: { type: 'string' } } };
    const probe = {
      paths: { '/x': { post: { requestBody: { content: { 'application/json': { schema: bare } } }, responses: {} } } },
    };
    expect(withoutExamples({ ...doc, ...probe })).toEqual(['post /x body.note']);
  });

  it('serves /docs as a Redoc shell whose scripts are same-origin hashed assets, under a CSP for that page alone', async () => {
    const res = await t.app.request('/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
    const html = await res.text();
    expect(html).toContain('<redoc spec-url="/openapi.json"');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc="\/docs\/assets\/)/);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    // Other answers of the API carry no script permission.
    expect((await t.app.request('/openapi.json')).headers.get('content-security-policy')).toBeNull();

    const scripts = [...html.matchAll(/<script src="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(2);
    for (const src of scripts) {
      expect(src).toMatch(/\.[0-9a-f]{12}\.js$/);
      const asset = await t.app.request(src);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      const body = await asset.text();
      expect(body).not.toContain('cdn.redoc.ly');
      // Size budget: Redoc 2.5 is about 1.1 MB (330 KB gzipped); the page shell stays tiny.
      expect(body.length).toBeLessThan(1_400_000);
      expect(gzipSync(body).length).toBeLessThan(420_000);
    }
    expect(html.length).toBeLessThan(4_000);
    expect((await t.app.request('/docs/assets/redoc.standalone.000000000000.js')).status).toBe(404);
  });

  it('serves the same assets from a built directory as from the installed package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upstate-docs-'));
    try {
      const built = buildDocsAssets();
      expect(writeDocsAssets(dir, built)).toContain('manifest.json');
      const read = readDocsAssets(dir);
      expect(read.renderer.name).toBe(built.renderer.name);
      expect(read.files.map((f) => [f.name, f.body.length])).toEqual(built.files.map((f) => [f.name, f.body.length]));
      const app = createApp({
        store: t.store,
        publishTrigger: t.publishTrigger,
        dnsResolver: { resolveTxt: async () => [] },
        docsAssets: () => read,
      });
      expect(await (await app.request('/docs')).text()).toContain(read.renderer.name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
