import { describe, expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/password';

/** Cheap parameters where the test is about the format, not the cost. */
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  test('a stored password uses scrypt at OWASP parameters (N=2^17, r=8, p=1) and names them', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, hash] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '131072', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  });

  test('the right password verifies and any other does not', async () => {
    const stored = await hashPassword('Sepsis-rounds-2026', FAST);
    expect(await verifyPassword('Sepsis-rounds-2026', stored)).toBe(true);
    expect(await verifyPassword('sepsis-rounds-2026', stored)).toBe(false);
    expect(await verifyPassword('Sepsis-rounds-2026 ', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  test('the same password stored twice gets two different salts', async () => {
    const first = await hashPassword('same password', FAST);
    const second = await hashPassword('same password', FAST);
    expect(first).not.toBe(second);
    expect(await verifyPassword('same password', second)).toBe(true);
  });

  test('a hash stored with other parameters still verifies, because the format names them', async () => {
    const stored = await hashPassword('older hash', { N: 2 ** 14, r: 8, p: 2 });
    expect(stored.startsWith('scrypt$16384$8$2$')).toBe(true);
    expect(await verifyPassword('older hash', stored)).toBe(true);
  });

  test('composed and decomposed accents are the same password', async () => {
    const stored = await hashPassword('Café au lait 2026', FAST);
    expect(await verifyPassword('Cafe\u0301 au lait 2026', stored)).toBe(true);
  });

  test('something that is not a stored hash never verifies', async () => {
    for (const garbage of [
      '',
      'not-a-real-hash',
      'scrypt$x$8$1$abc$def',
      'bcrypt$10$8$1$abc$def',
      'scrypt$1024$8$1$$',
    ]) {
      expect(await verifyPassword('anything', garbage)).toBe(false);
    }
  });
});
