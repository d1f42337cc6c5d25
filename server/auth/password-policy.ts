import { readFileSync } from 'node:fs';
import type { Organization } from '../../db/schema';

export type PasswordPolicy = Organization['passwordPolicy'];

export const PASSWORD_POLICIES: Record<PasswordPolicy, { label: string; rules: string }> = {
  asvs: {
    label: 'OWASP ASVS 5.0 (recommended)',
    rules:
      'At least 8 characters (up to 128); any characters, spaces included; not a commonly used password.',
  },
  'upper-lower-digit-special': {
    label: '8–16 characters with upper, lower, digit and special',
    rules:
      'Between 8 and 16 characters, with at least one upper-case letter, one lower-case letter, one digit and one of ! * @ # $ % ^ & + =',
  },
};

/** Long enough for any password manager and passphrase; ASVS 5.0 asks that at least 64 be allowed. */
export const ASVS_MAX_LENGTH = 128;
const PRESET_SPECIALS = '!*@#$%^&+=';

/**
 * Why this password is refused under the organization's policy, as a sentence for the person
 * choosing it, or null when it is acceptable.
 */
export function passwordProblem(policy: PasswordPolicy, password: string, email?: string): string | null {
  const length = [...password].length;
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return 'Your password cannot be your email address.';
  }
  if (policy === 'upper-lower-digit-special') {
    // The seed's preset: "between 8 and 16 characters… upper, lower, numeric, one of ! * @ # $ % ^ & + =".
    if (length < 8 || length > 16) return 'Your password must be between 8 and 16 characters long.';
    if (!/[A-Z]/.test(password)) return 'Your password must contain at least one upper-case letter.';
    if (!/[a-z]/.test(password)) return 'Your password must contain at least one lower-case letter.';
    if (!/[0-9]/.test(password)) return 'Your password must contain at least one digit.';
    if (![...password].some((ch) => PRESET_SPECIALS.includes(ch))) {
      return 'Your password must contain at least one of these characters: ! * @ # $ % ^ & + =';
    }
    return null;
  }
  // OWASP ASVS 5.0 V6.2: at least 8 characters, at least 64 permitted, no composition rules,
  // checked against a list of common passwords.
  if (length < 8) return 'Your password must be at least 8 characters long.';
  if (length > ASVS_MAX_LENGTH) return `Your password can be at most ${ASVS_MAX_LENGTH} characters long.`;
  if (isCommonPassword(password)) {
    return 'That password is one of the most commonly used passwords, so it is easy to guess. Choose another.';
  }
  return null;
}

/**
 * common-passwords.txt: the 10,000 most frequent passwords of at least 8 characters (shorter ones
 * already fail the length rule), lower-cased, in frequency order. Derived from `src/passwords.json`
 * of the npm package @zxcvbn-ts/language-common 4.1.3 (MIT licence), which ranks leaked passwords
 * by frequency. The package is not a dependency; only this derived list ships with Rounds.
 */
let common: ReadonlySet<string> | undefined;
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return common.has(password.trim().toLowerCase());
}
