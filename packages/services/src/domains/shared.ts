/** Domain names compare case-insensitively, as DNS does. */
export const normaliseDomain = (domain: string) => domain.trim().toLowerCase();
