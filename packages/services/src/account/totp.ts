import { Secret, TOTP } from 'otpauth';

/** RFC 6238 through otpauth: SHA-1, 6 digits, 30 s, one step of clock drift either way. */
const totpFor = (secret: string, email = '') =>
  new TOTP({
    issuer: 'Upstate',
    label: email,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

export const totpUri = (secret: string, email: string) => totpFor(secret, email).toString();

/** The 30-second step a code belongs to, or null when it matches none in the window. */
export function totpStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 30_000) + delta;
}

export const checkTotp = (secret: string, code: string, at: Date) => totpStep(secret, code, at) !== null;

/** The current code, for tests and for nobody else. */
export const currentTotp = (secret: string, at: Date) => totpFor(secret).generate({ timestamp: at.getTime() });
