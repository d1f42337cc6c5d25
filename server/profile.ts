import type { Account } from '../db/schema';

/**
 * What certificates need of a person: names, degree and profession. An account made by institution
 * sign-in lacks the last two until the person adds them, and may do nothing else until then.
 */
export function profileIncomplete(
  account: Pick<Account, 'firstName' | 'lastName' | 'degree' | 'profession'>,
): boolean {
  return !account.firstName || !account.lastName || !account.degree || !account.profession;
}
