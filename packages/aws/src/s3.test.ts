import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControl, type SyncFile, syncSite } from './s3.ts';
import { startS3rver } from './testing.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.close();
});

const enc = new TextEncoder();
const file = (
  path: string,
  body: string,
  contentType: string,
  cacheClass: SyncFile['cacheClass'] = 'short',
): SyncFile => ({
  path,
  body: enc.encode(body),
  contentType,
  cacheClass,
});

describe('syncSite', () => {
  it('uploads assets, then JSON, then HTML, with the right headers, and only what changed', async () => {
    const order: string[] = [];
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') order.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: 'initialize', name: 'recordPuts' },
    );
    const site = [
      file('index.html', '<html>v1</html>', 'text/html; charset=utf-8'),
      file('api/v2/summary.json', '{"v":1}', 'application/json; charset=utf-8'),
      file('assets/default/site.abc.css', 'body{}', 'text/css; charset=utf-8', 'immutable'),
      file('incidents/a/index.html', '<html>a</html>', 'text/html; charset=utf-8'),
    ];
    const first = await syncSite({ s3: s3.client, bucket: s3.bucket, tenantId: 't1', files: site });
    expect(first.assets).toEqual(['assets/default/site.abc.css']);
    expect(order.slice(0, 3)).toEqual([
      'assets/default/site.abc.css',
      'sites/t1/api/v2/summary.json',
      expect.stringMatching(/^sites\/t1\/.*index\.html$/),
    ]);
    expect(order.at(-1)).toBe('manifests/t1.json');

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'sites/t1/index.html' }));
    expect(head.ContentType).toBe('text/html; charset=utf-8');
    expect(head.CacheControl).toBe(cacheControl.short);
    const asset = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: 'assets/default/site.abc.css' }),
    );
    expect(asset.CacheControl).toBe(cacheControl.immutable);

    // A change to one incident uploads only that file; a removed page is deleted last.
    const second = await syncSite({
      s3: s3.client,
      bucket: s3.bucket,
      tenantId: 't1',
      files: [
        site[0],
        site[1],
        site[2],
        file('incidents/b/index.html', '<html>b</html>', 'text/html; charset=utf-8'),
      ] as SyncFile[],
    });
    expect(second.uploaded).toEqual(['incidents/b/index.html']);
    expect(second.assets).toEqual([]);
    expect(second.deleted).toEqual(['incidents/a/index.html']);
    await expect(
      s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'sites/t1/incidents/a/index.html' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    const body = await (
      await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'sites/t1/incidents/b/index.html' }))
    ).Body?.transformToString();
    expect(body).toBe('<html>b</html>');
  });

  it('uploads a lower order before any file of a higher order within a tier', async () => {
    const order: string[] = [];
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key: string }).Key;
        if (context.commandName === 'PutObjectCommand' && key.startsWith('sites/t4/')) order.push(key);
        return next(args);
      },
      { step: 'initialize', name: 'recordOrderedPuts' },
    );
    const html = (path: string) => file(path, path, 'text/html; charset=utf-8');
    await syncSite({
      s3: s3.client,
      bucket: s3.bucket,
      tenantId: 't4',
      files: [html('index.html'), html('incidents/a/index.html'), html('history/index.html')],
      order: (f) => -f.path.split('/').length,
      concurrency: 1,
    });
    expect(order).toEqual(['sites/t4/incidents/a/index.html', 'sites/t4/history/index.html', 'sites/t4/index.html']);
  });
  it('keeps tenants apart', async () => {
    await syncSite({
      s3: s3.client,
      bucket: s3.bucket,
      tenantId: 't2',
      files: [file('index.html', 'two', 'text/html')],
    });
    const one = await (
      await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'sites/t1/index.html' }))
    ).Body?.transformToString();
    expect(one).toBe('<html>v1</html>');
  });

  it('a failed upload leaves the previous manifest, so the retry uploads the file again', async () => {
    let fail = true;
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          fail &&
          context.commandName === 'PutObjectCommand' &&
          (args.input as { Key: string }).Key === 'sites/t3/index.html'
        ) {
          fail = false;
          throw Object.assign(new Error('injected'), { name: 'InternalError' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failOnce' },
    );
    const files = [file('index.html', 'three', 'text/html'), file('feed.rss', '<rss/>', 'application/rss+xml')];
    await expect(syncSite({ s3: s3.client, bucket: s3.bucket, tenantId: 't3', files })).rejects.toThrow('injected');
    const retry = await syncSite({ s3: s3.client, bucket: s3.bucket, tenantId: 't3', files });
    expect(retry.uploaded.sort()).toEqual(['feed.rss', 'index.html']);
  });
});
