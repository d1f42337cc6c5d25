import type { Account, Organization, Series } from '../db/schema';

/**
 * Who may claim credit for a series (SPEC: "only learners eligible for the series, e.g. medical
 * staff and affiliates"). Pure: the facts are on the account, the series and the organization.
 */

export type Claimant = Pick<Account, 'id' | 'profession' | 'emailKey' | 'emailConfirmedAt' | 'affiliatedAt'>;

/** Medical staff or an affiliate: marked so by the CME office, or with a confirmed email at an affiliate domain. */
export function isAffiliated(
  account: Claimant,
  organization: Pick<Organization, 'affiliateDomains'>,
): boolean {
  if (account.affiliatedAt) return true;
  if (!account.emailConfirmedAt) return false;
  const domain = account.emailKey.split('@').pop() ?? '';
  return organization.affiliateDomains.some(
    (allowed) => domain === allowed || domain.endsWith(`.${allowed}`),
  );
}

export type Ineligibility = { why: 'profession'; professions: string[] } | { why: 'affiliation' };

export function ineligibility(
  account: Claimant,
  series: Pick<Series, 'professions' | 'creditForProfessionsOnly' | 'affiliatesOnly'>,
  organization: Pick<Organization, 'affiliateDomains'>,
): Ineligibility | null {
  if (series.affiliatesOnly && !isAffiliated(account, organization)) return { why: 'affiliation' };
  if (
    series.creditForProfessionsOnly &&
    series.professions.length > 0 &&
    !series.professions.includes(account.profession)
  ) {
    return { why: 'profession', professions: series.professions };
  }
  return null;
}
