import { createHash, randomBytes } from 'node:crypto';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** API keys look like `up_live_<48 hex>`; only the SHA-256 is stored. */
export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `up_live_${randomBytes(24).toString('hex')}`;
  return { key, hash: sha256(key), prefix: key.slice(0, 12) };
}

/** Session cookies, email links: 256 random bits, stored only as SHA-256. */
export function newSecret(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: sha256(value) };
}

/** Ten recovery codes like `k3f9-2mzq`, shown once. */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(8);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4)}`;
  });
}
