// Entry of `npm run import -- <url>` (see import-cli.ts).
import { fileURLToPath } from 'node:url';
import { readEnv } from './env.ts';
import { demoApiKey, runImportCli } from './import-cli.ts';

const [url, ...rest] = process.argv.slice(2);
if (!url || url === '--help' || url === '-h' || rest.length > 0) {
  process.stdout.write(
    'Usage: npm run import -- <statuspage url>\n\n  Imports components, groups, incidents (full timelines) and maintenances of a public\n  Statuspage page into the running platform. Run it again to bring changes over.\n\nEnvironment: UPSTATE_API_URL (http://127.0.0.1:3000), UPSTATE_API_KEY (the local demo key)\n',
  );
  process.exit(url ? 0 : 2);
}
const env = readEnv();
const dataDir = env.UPSTATE_DATA_DIR ?? fileURLToPath(new URL('../../../.upstate', import.meta.url));
const apiKey = env.UPSTATE_API_KEY ?? demoApiKey(dataDir);
if (!apiKey) {
  process.stderr.write('No API key: start the platform first (npm start), or set UPSTATE_API_KEY.\n');
  process.exit(2);
}
try {
  const job = await runImportCli({
    url,
    apiUrl: env.UPSTATE_API_URL ?? `http://127.0.0.1:${env.UPSTATE_API_PORT}`,
    apiKey,
    out: process.stdout,
  });
  process.exit(job.status === 'completed' ? 0 : 1);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
