import type { Role } from '../db/schema';

/**
 * The CME office: reviewers and admins, who see and may change every series and session. Pure, so
 * pages and sign-in rules ask the same question the domain does.
 */
export function isStaff(who: { roles: ReadonlySet<Role> }): boolean {
  return who.roles.has('reviewer') || who.roles.has('admin');
}
