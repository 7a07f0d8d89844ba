import type { Author, Permission } from '@upstate/core';

/** Who is acting on a team: the principal the API authenticated. */
export interface Actor {
  tenantId: string;
  author: Author;
  permissions: readonly Permission[];
}
