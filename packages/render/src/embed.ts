import { gzipSync } from 'node:zlib';
import { upstateEmbed } from './embed-client.js';

// The status embed a tenant adds to its own site:
//   <script src="https://status.example.com/embed/script.js" async></script>
// It reads the status page's own /api/v2/summary.json (CORS is open there) and, while an incident
// is unresolved or a maintenance is in progress, shows a small notice. No dependencies, no
// cookies; names are set as text (never HTML); styles live in a shadow root through a
// constructed stylesheet, so the host page's CSS and CSP `style-src` leave it alone.

/** The file served at `/embed/script.js`: the browser code of embed-client.js, run once. */
export const embedScript = `/* Upstate status embed */(${upstateEmbed.toString()})();\n`;

/** At most 3 KB gzipped, as the embed promises. */
export const embedBudgetBytes = 3 * 1024;

export function embedSize(): { bytes: number; gzipped: number; ok: boolean; message: string } {
  const bytes = Buffer.byteLength(embedScript);
  const gzipped = gzipSync(embedScript, { level: 9 }).length;
  const ok = gzipped <= embedBudgetBytes;
  return {
    bytes,
    gzipped,
    ok,
    message: `embed script: ${gzipped} bytes gzipped, ${bytes} raw (budget ${embedBudgetBytes})${ok ? '' : ' — OVER BUDGET'}`,
  };
}
