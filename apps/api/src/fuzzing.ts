import fc from 'fast-check';

// Generators for the property-based fuzz of the API and the dashboard (issue 14): hostile path
// parameters, cursors and query strings; JSON, form, multipart and garbage bodies under right and
// wrong content types. Test support only: nothing in production imports this file.

/** One route to aim at: a method and a path template (`/v1/incidents/{id}` or `/incidents/:id`). */
export interface FuzzRoute {
  method: string;
  path: string;
}

/** Every operation of an OpenAPI document. */
export function openApiRoutes(doc: { paths: Record<string, Record<string, unknown>> }): FuzzRoute[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

const hex48 = fc
  .array(fc.constantFrom(...'0123456789abcdef'), { minLength: 48, maxLength: 48 })
  .map((chars) => chars.join(''));

const hostileStrings = [
  '',
  '.',
  '..',
  '%2e%2e',
  '%2F',
  '%00',
  '%',
  '%zz',
  '\u0000',
  '\r\nX-Injected: 1',
  'a'.repeat(300),
  '😀',
  '\u202e',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  '0',
  '-1',
  '1e309',
  'NaN',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'status.example.com',
  'STATUS.EXAMPLE.COM',
  'xn--e1afmkfd.xn--p1ai',
  '-leading-hyphen.com',
  'a'.repeat(64),
  'TENANT#other',
  'DOMAIN#x',
];

/** A path parameter: a known id (to reach the handler), or something hostile. */
export const pathParam = (known: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(known.length ? known : ['x'])) },
    { weight: 2, arbitrary: fc.constantFrom(...hostileStrings) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: hex48 },
  );

/** A page cursor: absent, garbage, a forged-looking one, or a real one minted by another listing. */
export const cursorParam = (real: readonly string[]) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...hostileStrings),
    fc.string({ maxLength: 60 }),
    fc.base64String({ maxLength: 80 }).map((b) => `${b}.${b.slice(0, 22)}`),
    fc.constantFrom('eyJ0IjoieCIsImsiOnt9fQ.AAAAAAAAAAAAAAAAAAAAAA', 'e30.x', 'a.b.c', '.'),
    ...(real.length ? [fc.constantFrom(...real)] : []),
  );

const limitParam = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('0', '-1', '1', '100', '101', '1e9', 'abc', '', '1.5', ' 2', '0x10'),
);

/** Any JSON value, leaning on the field names and values the API's schemas look for. */
export const jsonValue = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      'operational',
      'major_outage',
      'resolved',
      'investigating',
      'https://x.example.com',
      '#ff0000',
      '2026-01-01T00:00:00Z',
      'admin',
      'read',
      'http',
      'heartbeat',
      ...hostileStrings,
    ),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'name',
        'status',
        'impact',
        'body',
        'components',
        'componentIds',
        'componentId',
        'branding',
        'brandColor',
        'config',
        'kind',
        'domain',
        'scopes',
        'scheduledFor',
        'scheduledUntil',
        'email',
        'password',
        'slug',
        'headers',
        'url',
        'groupId',
        '_csrf',
        '_idem',
        '__proto__',
        'constructor',
        'x',
      ),
      tie('node'),
      { maxKeys: 5 },
    ),
  ),
})).node;

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=b',
  'multipart/form-data; boundary=b; charset=application/x-www-form-urlencoded',
  'multipart/form-data; boundary=',
  '',
  ';;;',
  'application/json, text/html',
  'application/octet-stream',
];

/** A request body and the content type sent with it (or none). */
export interface FuzzBody {
  kind: string;
  contentType: string | undefined;
  body: string | Uint8Array | undefined;
}

const formOf = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

const multipartOf = (fields: [string, string][], boundary: string) =>
  `${fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--${boundary}--\r\n`;

const fieldName = fc.constantFrom(
  'name',
  'status',
  'body',
  'slug',
  'email',
  'password',
  'domain',
  '_csrf',
  '_idem',
  'x',
);

/** Bodies of every kind under right and wrong content types. `csrf` lets some reach past the CSRF check. */
export const fuzzBody = (csrf: string) =>
  fc.oneof(
    jsonValue.map(
      (v): FuzzBody => ({ kind: 'json', contentType: 'application/json', body: JSON.stringify(v) ?? 'null' }),
    ),
    fc
      .tuple(jsonValue, fc.constantFrom(...contentTypes))
      .map(
        ([v, type]): FuzzBody => ({ kind: 'json-wrong-type', contentType: type, body: JSON.stringify(v) ?? 'null' }),
      ),
    fc
      .dictionary(fieldName, fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...hostileStrings)), { maxKeys: 5 })
      .map(
        (f): FuzzBody => ({
          kind: 'form',
          contentType: 'application/x-www-form-urlencoded',
          body: formOf({ _csrf: csrf, ...f }),
        }),
      ),
    fc.array(fc.tuple(fieldName, fc.string({ maxLength: 40 })), { maxLength: 4 }).map(
      (f): FuzzBody => ({
        kind: 'multipart',
        contentType: 'multipart/form-data; boundary=fuzzb',
        body: multipartOf([['_csrf', csrf], ...f], 'fuzzb'),
      }),
    ),
    fc
      .tuple(fc.constantFrom(...contentTypes.filter((c) => c.startsWith('multipart'))), fc.string({ maxLength: 80 }))
      .map(([type, s]): FuzzBody => ({ kind: 'multipart-garbage', contentType: type, body: `--b\r\n${s}` })),
    fc
      .tuple(fc.constantFrom(...contentTypes), fc.uint8Array({ maxLength: 120 }))
      .map(([type, bytes]): FuzzBody => ({ kind: 'bytes', contentType: type || undefined, body: bytes })),
    fc
      .constantFrom('{', '[]', '{"name":', 'null', '', '{"name":"\u0000"}', '"x"', '1', '{"__proto__":{"x":1}}')
      .map((s): FuzzBody => ({ kind: 'broken-json', contentType: 'application/json', body: s })),
    fc.constant<FuzzBody>({ kind: 'none', contentType: undefined, body: undefined }),
  );

/** Fills a path template's parameters (`{id}` or `:id`), encoded or raw. */
export function fillPath(template: string, values: readonly string[], encode: readonly boolean[]): string {
  let i = 0;
  return template.replace(/\{[^}]+\}|:[A-Za-z0-9_]+/g, () => {
    const value = values[i] ?? 'x';
    const raw = !(encode[i++] ?? true);
    // A raw value may only bend the path, never make it an invalid URL.
    return raw ? value.replace(/[#?\s%]/g, '') || 'x' : encodeURIComponent(value);
  });
}

/** The query string: hostile cursors and limits. */
export const fuzzQuery = (realCursors: readonly string[]) =>
  fc.record({ cursor: cursorParam(realCursors), limit: limitParam }).map(({ cursor, limit }) => {
    const q = new URLSearchParams();
    if (cursor !== undefined) q.set('cursor', cursor);
    if (limit !== undefined) q.set('limit', limit);
    const s = q.toString();
    return s ? `?${s}` : '';
  });

/** Extra headers: hostile Idempotency-Key, If-Match and heartbeat token. */
export const fuzzHeaders = fc.record(
  {
    'idempotency-key': fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('k1', 'k2', 'a'.repeat(300))),
    'if-match': fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('"1"', 'W/"2"', '*', '"x"')),
    'x-heartbeat-token': fc.oneof(hex48, fc.string({ maxLength: 50 })),
  },
  { requiredKeys: [] },
);

/** Header values fetch would refuse to send are dropped: they never reach a server anyway. */
export function sendableHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && /^[\t\x20-\x7e\x80-\xff]*$/.test(e[1]),
    ),
  );
}
