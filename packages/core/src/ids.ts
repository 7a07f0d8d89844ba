const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 48-bit millisecond timestamp + 80 random bits, Crockford base32, 26 chars.
 * Ids sort by creation time, which keeps "newest first" queries cheap.
 * @example newId() // '01JD7Z6X0QK5V4M3N2P1R0S9T8'
 */
export function newId(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let random = '';
  for (const byte of bytes) random += alphabet[byte % 32];
  return time + random;
}

/** Random URL-safe token (API keys, session ids, heartbeat tokens). */
export function randomToken(bytes = 24): string {
  const buffer = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buffer);
  let out = '';
  for (const byte of buffer) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * An ISO time as a UTC instant with milliseconds (`2026-12-01T04:30:00.000Z`); unparsable text is
 * returned as is. Used at the boundary and when reading data stored before times were normalised.
 */
export function toInstant(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** Orders ISO times by the instant they name, whatever their offsets. */
export const byInstant = (a: string, b: string): number => Date.parse(a) - Date.parse(b);
