/** The uniqueness key of an email: "Ann@X.org " and "ann@x.org" are one person. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A mobile number in E.164 (+15551234567), or null when it cannot be one. Numbers typed with a
 * leading + keep their country code; ten digits, or eleven starting with 1, are North American
 * (learners type "(555) 123-4567").
 */
export function normalizeMobile(typed: string): string | null {
  const trimmed = typed.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) {
    // E.164: a country code that does not start with 0, at most 15 digits in all.
    return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
  }
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return /^[2-9]\d{9}$/.test(national) ? `+1${national}` : null;
}

/**
 * A National Provider Identifier: ten digits whose last is a Luhn check digit computed with the
 * card-issuer prefix 80840 in front (CMS, "Requirements for Check Digit Algorithm for the NPI").
 */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  return luhnValid(`80840${npi}`);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Organization codes are the first segment of every organization's addresses (/demo/sign-in), so
 * a code must never be a name Rounds uses at the top level, today or soon. One list, checked
 * wherever a code is chosen; a test keeps it a superset of the app's own top-level paths.
 */
export const RESERVED_ORGANIZATION_CODES: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'assets',
  'auth',
  'certificates',
  'favicon.ico',
  'healthz',
  'login',
  'logout',
  'metrics',
  'oauth',
  'oidc',
  'robots.txt',
  'rounds',
  'sign-in',
  'sign-out',
  'sign-up',
  'sso',
  'static',
  'status',
  'verify',
  'webhooks',
  'well-known',
  'www',
]);

/** Why a typed organization code cannot be used, or null when it can. */
export function organizationCodeProblem(code: string): string | null {
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(code)) {
    return 'expected 2–31 lower-case letters, digits or hyphens, starting with a letter';
  }
  if (RESERVED_ORGANIZATION_CODES.has(code)) return `"${code}" is a name Rounds itself uses; choose another`;
  return null;
}

/**
 * A typed-name signature (a disclosure's, a reviewer's judgement) is the signer's own: it contains
 * their last name as a word, whatever the case, punctuation, middle names or degrees around it.
 */
export function signedAs(signature: string, lastName: string): boolean {
  const words = (text: string) =>
    ` ${text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()} `;
  return words(lastName).trim() !== '' && words(signature).includes(words(lastName));
}

/**
 * An address on this machine: http:// to it never crosses a network, so it is allowed where https
 * is otherwise required (PUBLIC_URL in production, an identity provider's issuer) for trials and tests.
 */
export function isLoopbackUrl(url: string | URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}
