import { describe, expect, test } from 'vitest';
import { isCommonPassword, passwordProblem } from '../../server/auth/password-policy';

describe('the OWASP ASVS policy (the default)', () => {
  test('accepts a passphrase with no upper case, digit or symbol', () => {
    expect(passwordProblem('asvs', 'grand rounds every tuesday')).toBeNull();
  });

  test('refuses fewer than 8 characters and says so', () => {
    expect(passwordProblem('asvs', 'Ab1!xyz')).toBe('Your password must be at least 8 characters long.');
  });

  test('counts characters, not bytes, so eight accented letters are enough', () => {
    expect(passwordProblem('asvs', 'éééééééé')).toBeNull();
    expect(passwordProblem('asvs', 'ééééééé')).not.toBeNull();
  });

  test('allows a 128-character password-manager password and refuses a longer one', () => {
    expect(passwordProblem('asvs', 'x7'.repeat(64))).toBeNull();
    expect(passwordProblem('asvs', `${'x7'.repeat(64)}!`)).toBe(
      'Your password can be at most 128 characters long.',
    );
  });

  test('refuses a commonly used password, whatever its case', () => {
    const reason =
      'That password is one of the most commonly used passwords, so it is easy to guess. Choose another.';
    expect(passwordProblem('asvs', 'password1')).toBe(reason);
    expect(passwordProblem('asvs', 'Baseball')).toBe(reason);
    expect(passwordProblem('asvs', 'QWERTYUIOP')).toBe(reason);
  });

  test('refuses the email address as a password', () => {
    expect(passwordProblem('asvs', 'Ann.Lee@Example.org', 'ann.lee@example.org')).toBe(
      'Your password cannot be your email address.',
    );
  });
});

describe('the bundled common-password list', () => {
  test('holds the well-known ones and not an ordinary passphrase', () => {
    expect(isCommonPassword('iloveyou')).toBe(true);
    expect(isCommonPassword('12345678')).toBe(true);
    expect(isCommonPassword('tumor board on thursdays')).toBe(false);
  });
});

describe("the seed's preset: 8–16 characters with upper, lower, digit and special", () => {
  const policy = 'upper-lower-digit-special' as const;

  test('accepts a password with all four kinds', () => {
    expect(passwordProblem(policy, 'Rounds#2026')).toBeNull();
  });

  test.each([
    ['Rd#1abc', 'Your password must be between 8 and 16 characters long.'],
    ['Rounds#2026-and-more', 'Your password must be between 8 and 16 characters long.'],
    ['rounds#2026', 'Your password must contain at least one upper-case letter.'],
    ['ROUNDS#2026', 'Your password must contain at least one lower-case letter.'],
    ['Rounds#Tuesday', 'Your password must contain at least one digit.'],
    ['Rounds-2026', 'Your password must contain at least one of these characters: ! * @ # $ % ^ & + ='],
  ])('refuses %s with the reason', (password, reason) => {
    expect(passwordProblem(policy, password)).toBe(reason);
  });
});
