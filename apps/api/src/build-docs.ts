// Writes the /docs renderer as hashed files plus a manifest, for archives without node_modules.
// Run: pnpm --filter @upstate/api build:docs [outdir]   (default apps/api/dist/docs)
import { fileURLToPath } from 'node:url';
import { writeDocsAssets } from './docs.ts';

const outdir = process.argv[2] ?? fileURLToPath(new URL('../dist/docs/', import.meta.url));
for (const name of writeDocsAssets(outdir)) console.log(`${outdir.replace(/\/$/, '')}/${name}`);
