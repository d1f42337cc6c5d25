import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERRORS } from '../../workflows/errors';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, textOf } from '../support/http';
import { seedOrganization } from '../support/seed';
import { createTestApp } from '../support/test-app';

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

describe('unexpected errors', () => {
  it('a page that fails unexpectedly answers 500 with a page that says so, not a stack trace', async () => {
    await seedOrganization(database.db, { code: 'river' });
    const t = createTestApp(database);
    // The database going away mid-flight is the classic unexpected failure.
    await database.handle.close();
    const page = await new Visitor(t.app).get('/river/sign-in');
    expect(page.status).toBe(500);
    expect(textOf(page.html)).toContain(ERRORS.internal.message);
    expect(page.html).not.toMatch(/at \w+ \(|node_modules/);
  });
});
