import type { z } from 'zod';

/**
 * Parses an app's environment against its schema, failing at start with the variable's name.
 * Each app's `env.ts` is the only caller and the only reader of `process.env`.
 * @example const env = parseEnv(Env, process.env); // throws "Invalid environment: PLATFORM_DOMAIN: ..."
 */
export function parseEnv<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
