/**
 * `npm run organization:create -- --code riverside --name "Riverside Medical Center" \
 *    --time-zone America/Chicago --admin-email cme@riverside.org --admin-first-name Ann --admin-last-name Lee`
 *
 * Sets up an office on a new installation (production seeds no demo): the organization with
 * default policies (every one editable on its settings page) and its first admin, who gets a
 * single-use link to choose a password. Nothing is created if anything is invalid or taken.
 */
import { ensureStandardEvaluation } from '../server/evaluation-forms';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { openDatabase } from '../db/client';
import { DEFAULT_RENEWAL_REMINDER_DATES, organizations } from '../db/schema';
import { SEED_DEGREES, SEED_PROFESSIONS } from '../db/seed/demo';
import { createAccounts } from '../server/accounts';
import { LINK_MINUTES } from '../server/auth/account-links';
import { organizationCodeProblem } from '../server/identifiers';
import { createRateLimits } from '../server/rate-limits';
import { systemClock } from '../server/clock';
import { ConfigError, formatConfigError, loadConfig } from '../server/config';
import { createLog } from '../server/log';
import { createMailer } from '../server/mail';
import { isValidTimeZone } from '../workflows/calendar';

const options = z.object({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .superRefine((code, ctx) => {
      const problem = organizationCodeProblem(code);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  name: z.string().trim().min(2, 'expected the organization’s name'),
  'time-zone': z.string().refine(isValidTimeZone, 'expected an IANA time zone such as America/Chicago'),
  'sms-number': z
    .string()
    .regex(/^\+[1-9]\d{7,14}$/, 'expected an E.164 number such as +18449860352')
    .optional(),
  'admin-email': z.email('expected an email address'),
  'admin-first-name': z.string().trim().min(1, 'expected a first name'),
  'admin-last-name': z.string().trim().min(1, 'expected a last name'),
});

export async function createOrganization(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.keys(options.shape).map((name) => [name, { type: 'string' as const }]),
    ),
  });
  const parsed = options.safeParse(values);
  if (!parsed.success)
    throw new ConfigError(formatConfigError(parsed.error).replace('configuration', 'options'));
  const input = parsed.data;
  const config = loadConfig();
  const handle = await openDatabase({ url: config.DATABASE_URL, dataDir: config.ROUNDS_DATA_DIR });
  try {
    await handle.migrate();
    const { db } = handle;
    const [taken] = await db.select().from(organizations).where(eq(organizations.code, input.code));
    if (taken) throw new ConfigError(`An organization with code "${input.code}" already exists.`);
    const mailer = createMailer({ config, db, clock: systemClock });
    return await db.transaction(async (tx) => {
      const [organization] = await tx
        .insert(organizations)
        .values({
          code: input.code,
          name: input.name,
          timeZone: input['time-zone'],
          smsNumber: input['sms-number'] ?? null,
          degrees: [...SEED_DEGREES],
          professions: [...SEED_PROFESSIONS],
          renewalReminderDates: DEFAULT_RENEWAL_REMINDER_DATES,
          holidays: [],
        })
        .returning();
      if (!organization) throw new Error('the organization was not returned');
      await ensureStandardEvaluation(tx, organization.id);
      const inTransaction = createAccounts({
        db: tx,
        clock: systemClock,
        config,
        mailer,
        log: createLog(config.LOG_LEVEL),
        rateLimits: createRateLimits(tx),
      });
      const admin = await inTransaction.create(
        organization,
        {
          email: input['admin-email'],
          firstName: input['admin-first-name'],
          lastName: input['admin-last-name'],
          degree: 'Other',
          profession: 'Other',
          mobile: null,
          // Never shown to anyone: the admin chooses a password through the link below.
          password: randomBytes(32).toString('base64url'),
        },
        ['admin', 'reviewer'],
      );
      const { url: resetUrl } = await inTransaction.links.issue(organization, admin, 'password-reset');
      return [
        `Created ${organization.name} (organization code ${organization.code}) at ${config.publicUrl}/${organization.code}`,
        `Its admin, ${admin.email}, chooses a password here (single use, ${LINK_MINUTES['password-reset']} minutes):`,
        `  ${resetUrl}`,
        'Review the policies (claim windows, password policy, reminder dates, holidays, statements) on Settings.',
      ].join('\n');
    });
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(await createOrganization(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
