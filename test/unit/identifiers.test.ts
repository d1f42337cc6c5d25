import { describe, expect, test } from 'vitest';
import {
  RESERVED_ORGANIZATION_CODES,
  emailKey,
  isValidNpi,
  normalizeMobile,
  organizationCodeProblem,
} from '../../server/identifiers';
import { sameOrganizationPath } from '../../server/page';

describe('mobile numbers', () => {
  test.each([
    ['(555) 123-4567', '+15551234567'],
    ['555-123-4567', '+15551234567'],
    ['555.123.4567', '+15551234567'],
    ['1 555 123 4567', '+15551234567'],
    ['+1 (555) 123-4567', '+15551234567'],
    ['+44 20 7946 0958', '+442079460958'],
    ['  +15555550100 ', '+15555550100'],
  ])('%s is stored as %s', (typed, stored) => {
    expect(normalizeMobile(typed)).toBe(stored);
  });

  test.each([
    ['123-4567', 'too short for a US number'],
    ['(055) 123-4567', 'a US area code never starts with 0'],
    ['+0 555 123 4567', 'no country code starts with 0'],
    ['+1234567890123456', 'longer than E.164 allows'],
    ['call me', 'not a number'],
    ['555-123-4567 ext 2', 'an extension is not a mobile number'],
  ])('%s is refused (%s)', (typed) => {
    expect(normalizeMobile(typed)).toBeNull();
  });
});

describe('NPI', () => {
  test('accepts an NPI whose Luhn check digit (with prefix 80840) matches', () => {
    // The worked example in CMS's check-digit note.
    expect(isValidNpi('1234567893')).toBe(true);
  });

  test('refuses a wrong check digit, a wrong length and non-digits', () => {
    expect(isValidNpi('1234567890')).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
    expect(isValidNpi('12345678930')).toBe(false);
    expect(isValidNpi('12345678a3')).toBe(false);
  });
});

describe('email keys', () => {
  test('case and surrounding spaces do not make a different person', () => {
    expect(emailKey('  Ann.Lee@Example.ORG ')).toBe('ann.lee@example.org');
  });
});

describe('returning after sign-in', () => {
  test('goes only to paths inside the same organization', () => {
    expect(sameOrganizationPath('/demo/series?year=2026', 'demo')).toBe('/demo/series?year=2026');
    expect(sameOrganizationPath('/demo', 'demo')).toBe('/demo');
    expect(sameOrganizationPath('/other/series', 'demo')).toBeNull();
    expect(sameOrganizationPath('/demonstration', 'demo')).toBeNull();
    expect(sameOrganizationPath('//evil.example/demo/', 'demo')).toBeNull();
    expect(sameOrganizationPath('https://evil.example/demo/', 'demo')).toBeNull();
    expect(sameOrganizationPath('/\\evil.example', 'demo')).toBeNull();
    expect(sameOrganizationPath(undefined, 'demo')).toBeNull();
  });
});

describe('organization codes', () => {
  test('names Rounds uses at the top level are refused, ordinary codes are not', () => {
    for (const code of ['assets', 'healthz', 'webhooks', 'api', 'verify']) {
      expect(organizationCodeProblem(code)).toBe(`"${code}" is a name Rounds itself uses; choose another`);
    }
    expect(organizationCodeProblem('riverside')).toBeNull();
    expect(organizationCodeProblem('uh-cme2')).toBeNull();
    expect(organizationCodeProblem('a')).toMatch(/^expected 2–31 lower-case letters/);
    expect(organizationCodeProblem('River')).toMatch(/^expected/);
  });

  test('every reserved name could otherwise have been a valid code', () => {
    const lookalikes = [...RESERVED_ORGANIZATION_CODES].filter((code) => /^[a-z][a-z0-9-]{1,30}$/.test(code));
    expect(lookalikes.length).toBeGreaterThan(15);
  });
});
