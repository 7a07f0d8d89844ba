import type { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Parses an app's environment against its schema, failing at start with the variable's name.
 * Each app's `env.ts` is the only caller and the only reader of `process.env`.
 * @example const env = parseEnv(Env, process.env); // throws "Invalid environment: PLATFORM_DOMAIN: ..."
 */
export function parseEnv<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // An AppError naming the variable, so an entry point prints one line instead of a stack trace.
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? '';
    const given = source[name];
    throw new AppError(
      'validation_failed',
      `Invalid environment: ${name}: ${issue?.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`,
      { field: name },
    );
  }
  return parsed.data;
}
