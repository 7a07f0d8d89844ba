// Cost of one password check, the work every sign-in does: argon2id (today) against the legacy
// scrypt it replaces. This CPU is why the sign-in limits are checked before any hashing.
// Medians of 5 runs of 20 operations. Run with `pnpm --filter @upstate/services bench`.
import { randomBytes, scrypt } from 'node:crypto';
import { hashPassword, verifyPassword } from './passwords.ts';

const runs = 5;
const n = 20;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const argonHash = await hashPassword('correct horse battery');
const salt = randomBytes(16);
const key = await new Promise<Buffer>((resolve, reject) =>
  scrypt('correct horse battery', salt, 32, { N: 16_384, r: 8, p: 1 }, (e, k) => (e ? reject(e) : resolve(k))),
);
const scryptHash = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;

const results: Record<string, number[]> = { 'argon2id verify': [], 'scrypt verify (legacy)': [] };
for (let run = 0; run < runs; run++) {
  let t = performance.now();
  for (let i = 0; i < n; i++) await verifyPassword('correct horse battery', argonHash);
  results['argon2id verify']?.push((performance.now() - t) / n);
  t = performance.now();
  for (let i = 0; i < n; i++) await verifyPassword('correct horse battery', scryptHash);
  results['scrypt verify (legacy)']?.push((performance.now() - t) / n);
}
for (const [name, values] of Object.entries(results))
  console.log(`${name}: ${median(values).toFixed(1)} ms per check (median of ${runs} runs)`);
