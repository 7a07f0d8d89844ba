// `npm start`: the whole platform on this machine. Flags: --reset (start clean), --help.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAppError } from '@upstate/core';
import { readEnv } from './env.ts';
import { type Platform, startPlatform } from './platform.ts';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  process.stdout.write(
    'Usage: npm start [-- --reset]\n\n  --reset   delete .upstate/ (all local data) and seed the demo again\n\nEnvironment: UPSTATE_API_PORT (3000), UPSTATE_EDGE_PORT (8080), UPSTATE_MAIL_PORT (8005), UPSTATE_DATA_DIR (.upstate)\n',
  );
  process.exit(0);
}
const unknown = [...args].filter((a) => a !== '--reset');
if (unknown.length) {
  process.stderr.write(`Unknown option ${unknown.join(' ')}. Try: npm start -- --help\n`);
  process.exit(2);
}

let env: ReturnType<typeof readEnv>;
try {
  env = readEnv();
} catch (error) {
  if (!isAppError(error)) throw error;
  process.stderr.write(`\nCannot start: ${error.message}\n`);
  process.exit(2);
}
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = env.UPSTATE_DATA_DIR ?? `${root}.upstate`;
const color = process.stdout.isTTY && env.NO_COLOR === undefined;
const paint = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const cyan = paint('36');
const shown = (path: string) => {
  const rel = relative(env.INIT_CWD ?? process.cwd(), path) || '.';
  return rel.startsWith('..') ? path : rel;
};

process.stdout.write(`\n${bold('Upstate')} ${dim(`local platform · data in ${shown(dataDir)}/`)}\n`);

let platform: Platform | undefined;
let stopping = 0;
async function stop(signal: string) {
  if (stopping) {
    // One Ctrl-C reaches every process of the terminal's group, and `npm start` also forwards it:
    // only a second press, later, forces the exit.
    if (Date.now() - stopping < 1000) return;
    process.stdout.write('Forced exit.\n');
    process.exit(1);
  }
  stopping = Date.now();
  process.stdout.write(`\n${dim(`${signal}: stopping…`)}\n`);
  await platform?.close();
  process.stdout.write(`Stopped cleanly. Data kept in ${shown(dataDir)}/\n`);
  process.exit(0);
}
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  platform = await startPlatform({
    dataDir,
    ports: { api: env.UPSTATE_API_PORT, edge: env.UPSTATE_EDGE_PORT, mail: env.UPSTATE_MAIL_PORT },
    reset: args.has('--reset'),
    timers: { checkMs: env.UPSTATE_CHECK_EVERY_MS, reconcileMs: env.UPSTATE_RECONCILE_EVERY_MS },
  });
} catch (error) {
  if (isAppError(error)) {
    process.stderr.write(`\n${bold('Cannot start:')} ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
if (stopping) await new Promise(() => {});

const { urls, demo } = platform;
// process.uptime(): from Node's own start, so module loading counts too.
const seconds = process.uptime().toFixed(1);
const curl = [
  `curl -X POST ${urls.api}/v1/incidents \\`,
  `  -H 'Authorization: Bearer ${demo.apiKey}' -H 'Content-Type: application/json' \\`,
  `  -d '{"name":"Slow API responses","impact":"minor","body":"We are investigating slow responses.","components":[{"componentId":"${demo.apiComponentId}","status":"degraded_performance"}]}'`,
];
const row = (label: string, value: string) => `  ${label.padEnd(13)} ${value}`;
const lines = [
  '',
  `${green('✔')} ${bold(`Upstate is running`)} ${dim(`(ready in ${seconds} s${platform.seeded ? ', demo seeded' : ', data kept'})`)}`,
  '',
  row('Status page', cyan(urls.demo)),
  row('Dashboard', `${cyan(urls.dashboard)}  ${dim(`sign in: ${demo.email} / ${demo.password}`)}`),
  row('API docs', cyan(urls.docs)),
  row('API key', demo.apiKey),
  row('Mailbox', `${cyan(urls.mailbox)}  ${dim('(every email the platform sends, via the local SES)')}`),
  '',
  `  Open an incident, then reload the status page:`,
  '',
  ...curl.map((l) => `    ${l}`),
  '',
  dim(`  Ctrl-C stops everything. Data stays in ${shown(dataDir)}/; \`npm start -- --reset\` starts clean.`),
  ...(platform.warnings.length ? ['', ...platform.warnings.map((m) => dim(`  warning: ${m}`))] : []),
  '',
];
process.stdout.write(lines.join('\n'));
