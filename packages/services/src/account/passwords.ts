import { argon2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. Recorded in every hash, so raising it later is safe. */
const params = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };

const argon2id = (password: string, nonce: Buffer, p: typeof params) =>
  new Promise<Buffer>((resolve, reject) =>
    argon2('argon2id', { message: password, nonce, ...p }, (error, hash) => (error ? reject(error) : resolve(hash))),
  );

/** PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64url, no padding). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await argon2id(password, salt, params);
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

const scryptAsync = (password: string, salt: Buffer, keylen: number, options: object) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** Checks a password against an argon2id hash, or a legacy `scrypt$N$r$p$salt$hash` one. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const argon = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (argon) {
    const [, m, t, p, salt, hash] = argon as unknown as [string, string, string, string, string, string];
    const expected = Buffer.from(hash, 'base64url');
    const actual = await argon2id(password, Buffer.from(salt, 'base64url'), {
      memory: Number(m),
      passes: Number(t),
      parallelism: Number(p),
      tagLength: expected.length,
    });
    return timingSafeEqual(expected, actual);
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(expected, actual);
}

/** True when a verified hash should be replaced (older scheme or weaker parameters than today's). */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$`);
}

/** A fixed hash verified when the email is unknown, so both answers cost the same. */
let dummy: Promise<string> | undefined;
export const dummyHash = () => {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
};
