import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset {
  path: string;
  body: string;
  contentType: string;
}

function load(file: string, contentType: string): Asset {
  const body = readFileSync(new URL(`./assets/${file}`, import.meta.url), 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = file.lastIndexOf('.');
  return { path: `${file.slice(0, dot)}.${hash}${file.slice(dot)}`, body, contentType };
}

/** The stylesheet and the one progressive script, named by content hash so they can be cached forever. */
export const assets = {
  css: load('app.css', 'text/css; charset=utf-8'),
  js: load('app.js', 'text/javascript; charset=utf-8'),
};
