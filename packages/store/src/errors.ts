import { AppError } from '@upstate/core';

export function isConditionalFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write; a failed condition becomes the domain's ConflictError. */
export async function conditional<T>(write: () => Promise<T>, message: string, field?: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isConditionalFailure(error)) {
      throw new AppError('conflict', message, field === undefined ? { cause: error } : { field, cause: error });
    }
    throw error;
  }
}
