import { organizationEvaluationsCsv } from '../evaluation-results';
import { zValidator } from '@hono/zod-validator';
import { and, desc, eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { accounts, messages } from '../../db/schema';
import { AccountRow, AdminAccountsPage } from '../../views/admin-accounts-page';
import { AdminSettingsPage } from '../../views/admin-settings-page';
import { LearnerCreditPage } from '../../views/learner-credit-page';
import { localDate } from '../../workflows/calendar';
import { OutboxMessagePage, OutboxPage } from '../../views/outbox-page';
import { DomainError } from '../../workflows/errors';
import { disclosurePolicy } from '../lifecycles/disclosures';
import { claimWindowsReplan, upcomingSessionsReplan } from '../lifecycles/after-change';
import { allow, hasRole } from '../access';
import { audit } from '../audit';
import { type AccountWithRoles, createAccounts, rolesInput } from '../accounts';
import type { AppEnv } from '../context';
import {
  institutionSignInProblems,
  saveSettings,
  settingsInput,
  smsProblems,
  settingsValues,
  timeZones,
} from '../organization-settings';
import { callbackUrl, providerConfiguration } from '../auth/institution-sign-in';
import {
  addExternalCredit,
  externalCreditSchema,
  externalCreditsOf,
  removeExternalCredit,
} from '../external-credits';
import {
  type FieldErrors,
  type FormValues,
  fieldErrors,
  formValues,
  typedField,
  validForm,
  validParams,
} from '../forms';
import { noticeNext, takeNotice } from '../notice';
import { chrome, viewerOf } from '../page';
import { attachmentDisposition } from '../presentation-types';
import { renderError } from '../respond';

export const adminRoutes = new Hono<AppEnv>();

const admin = hasRole('admin');
/** Unlocking is CME-office work: reviewers ("OCME&LL team") and admins. */
const staff = hasRole('reviewer', 'admin');

const accountId = z.object({ id: z.uuid() });
/** One page of the accounts list; a search narrows it down. */
const ACCOUNTS_SHOWN = 500;

// ---- Organization settings ----

/** The settings page: as saved, or with what was typed and what needs attention. */
function settingsPage(
  c: Context<AppEnv>,
  options: { values?: FormValues; errors?: FieldErrors; saved?: boolean; status?: 200 | 400 } = {},
) {
  const organization = c.get('organization');
  return c.html(
    <AdminSettingsPage
      {...chrome(c)}
      organization={organization}
      timeZones={timeZones()}
      ssoCallbackUrl={callbackUrl(c.get('deps').config, organization)}
      values={options.values ?? settingsValues(organization)}
      errors={options.errors}
      saved={options.saved}
    />,
    options.status ?? 200,
  );
}

adminRoutes.get('/settings', allow(admin), (c) => settingsPage(c));

adminRoutes.post(
  '/settings',
  allow(admin),
  validForm(settingsInput, (c, rejected) => settingsPage(c, { ...rejected, status: 400 })),
  async (c) => {
    const deps = c.get('deps');
    const input = c.req.valid('form');
    const typed = async () => ({
      ...settingsValues(c.get('organization')),
      ...formValues(await c.req.parseBody({ all: true })),
      ssoClientSecret: '',
    });
    // Requiring what the admin lacks would shut them out of this very page.
    if (input.mfaRequiredForStaff && !c.get('viewer')?.account.totpEnabledAt) {
      return settingsPage(c, {
        values: await typed(),
        errors: {
          mfaRequiredForStaff:
            'Set up your own authenticator app first (Password and sign-in), so requiring one does not shut you out.',
        },
        status: 400,
      });
    }
    const textProblems = await smsProblems(deps.db, c.get('organization'), input);
    if (textProblems) return settingsPage(c, { values: await typed(), errors: textProblems, status: 400 });
    const ssoProblems = institutionSignInProblems(c.get('organization'), input);
    if (ssoProblems) return settingsPage(c, { values: await typed(), errors: ssoProblems, status: 400 });
    if (input.ssoIssuer) {
      // A provider Rounds cannot reach, or a wrong issuer, is said now, not at the first sign-in.
      try {
        await providerConfiguration({
          issuer: input.ssoIssuer,
          clientId: input.ssoClientId ?? '',
          clientSecret: input.ssoClientSecret ?? c.get('organization').ssoClientSecret ?? '',
          buttonLabel: input.ssoButtonLabel ?? '',
        });
      } catch (error) {
        return settingsPage(c, {
          values: await typed(),
          errors: {
            ssoIssuer: `Rounds could not read this provider's OpenID configuration (${error instanceof Error ? error.message : String(error)}). Check the issuer URL.`,
          },
          status: 400,
        });
      }
    }
    const saved = await saveSettings(deps, c.get('organization'), input);
    const organization = saved.organization;
    c.set('organization', organization);
    await audit(c, 'settings_changed', {
      detail: {
        fields: Object.keys(input).filter((key) => key !== 'ssoClientSecret' && key !== 'twilioAuthToken'),
      },
    });
    if (saved.seriesYearsMustReplan) {
      // Every running series year re-plans: its end (Dec 31 in the zone) and its renewal reminders.
      try {
        await deps.seriesYear.organizationPolicyChanged(organization.id, {
          timeZone: organization.timeZone,
          reminderDates: organization.renewalReminderDates,
        });
      } catch (error) {
        deps.log.error('settings changed, but the series years could not be told', error);
        return renderError(
          c,
          'unavailable',
          'The settings were saved, but the running series could not be told about the new time zone or renewal reminder dates. Save them again once the workflow service is back.',
        );
      }
    }
    if (saved.sessionsMustReplan) upcomingSessionsReplan(deps, organization);
    if (saved.claimWindowsMustReplan) claimWindowsReplan(deps, organization);
    if (saved.disclosuresMustReplan) {
      deps.background.run('disclosure lifecycles re-plan', () =>
        deps.disclosures.policyChanged(organization.id, disclosurePolicy(organization)),
      );
    }
    return settingsPage(c, { saved: true });
  },
);

// ---- Accounts ----

adminRoutes.get(
  '/accounts',
  allow(staff),
  zValidator(
    'query',
    z.object({
      search: z.string().trim().optional().catch(undefined),
      locked: z.string().optional().catch(undefined),
    }),
  ),
  async (c) => {
    const organization = c.get('organization');
    const query = c.req.valid('query');
    const filter = { search: query.search ?? '', lockedOnly: query.locked === '1' };
    const shown = await createAccounts(c.get('deps')).list(organization, {
      search: filter.search,
      lockedOnly: filter.lockedOnly,
      limit: ACCOUNTS_SHOWN,
    });
    const waiting = takeNotice(c);
    const notice =
      waiting === 'account-unlocked-by-staff'
        ? 'The account was unlocked; its owner can sign in again.'
        : waiting === 'roles-saved'
          ? 'The roles were saved.'
          : undefined;
    return c.html(
      <AdminAccountsPage
        {...chrome(c)}
        organization={organization}
        accounts={shown}
        filter={filter}
        truncated={shown.length === ACCOUNTS_SHOWN}
        canChangeRoles={Boolean(c.get('viewer')?.roles.has('admin'))}
        now={c.get('deps').clock.now()}
        notice={notice}
      />,
    );
  },
);

adminRoutes.post('/accounts/:id/unlock', allow(staff), validParams(accountId), async (c) => {
  const organization = c.get('organization');
  const account = await createAccounts(c.get('deps'))
    .unlock(organization, c.req.valid('param').id)
    .catch(notFoundAsNull);
  if (!account) return renderError(c, 'not_found');
  await audit(c, 'account_unlocked', { accountId: account.id, detail: { by: 'staff' } });
  if (c.req.header('HX-Request')) {
    return c.html(
      <AccountRow
        organization={organization}
        account={account}
        csrfToken={c.get('csrfToken')}
        canChangeRoles={Boolean(c.get('viewer')?.roles.has('admin'))}
        now={c.get('deps').clock.now()}
        notice="Unlocked: they can sign in again."
      />,
    );
  }
  noticeNext(c, 'account-unlocked-by-staff');
  return c.redirect(`/${organization.code}/admin/accounts`, 303);
});

adminRoutes.post(
  '/accounts/:id/roles',
  allow(admin),
  validParams(accountId),
  validForm(rolesInput, (c, rejected) => renderError(c, 'invalid_input', rejected.errors.roles)),
  async (c) => {
    const organization = c.get('organization');
    const viewer = c.get('viewer');
    if (!viewer) return renderError(c, 'not_signed_in');
    let account: AccountWithRoles;
    try {
      account = await createAccounts(c.get('deps')).setRoles(
        organization,
        c.req.valid('param').id,
        c.req.valid('form').roles,
        viewer.account.id,
      );
    } catch (error) {
      if (
        error instanceof DomainError &&
        (error.code === 'not_found' || error.code === 'invalid_input' || error.code === 'email_unconfirmed')
      ) {
        return renderError(c, error.code, error.message);
      }
      throw error;
    }
    await audit(c, 'roles_changed', { accountId: account.id, detail: { roles: account.roles } });
    const { affiliated } = c.req.valid('form');
    if (await createAccounts(c.get('deps')).setAffiliated(organization, account.id, affiliated)) {
      await audit(c, 'affiliation_changed', { accountId: account.id, detail: { affiliated } });
      account = { ...account, affiliatedAt: affiliated ? c.get('deps').clock.now() : null };
    }
    if (c.req.header('HX-Request')) {
      return c.html(
        <AccountRow
          organization={organization}
          account={account}
          csrfToken={c.get('csrfToken')}
          canChangeRoles
          now={c.get('deps').clock.now()}
          notice="Roles saved."
        />,
      );
    }
    noticeNext(c, 'roles-saved');
    return c.redirect(`/${organization.code}/admin/accounts`, 303);
  },
);

// ---- Development outbox ----

/** The outbox exists only outside production: there it would show real people's mail. */
const inProduction = (c: Context<AppEnv>) => c.get('deps').config.NODE_ENV === 'production';

adminRoutes.get('/outbox', allow(admin), async (c) => {
  if (inProduction(c)) return renderError(c, 'not_found');
  const organization = c.get('organization');
  const recorded = await c
    .get('deps')
    .db.select()
    .from(messages)
    .where(eq(messages.organizationId, organization.id))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(200);
  return c.html(<OutboxPage {...chrome(c)} organization={organization} messages={recorded} />);
});

adminRoutes.get('/outbox/:id', allow(admin), validParams(z.object({ id: z.uuid() })), async (c) => {
  if (inProduction(c)) return renderError(c, 'not_found');
  const organization = c.get('organization');
  const [message] = await c
    .get('deps')
    .db.select()
    .from(messages)
    .where(and(eq(messages.id, c.req.valid('param').id), eq(messages.organizationId, organization.id)))
    .limit(1);
  if (!message) return renderError(c, 'not_found');
  return c.html(<OutboxMessagePage {...chrome(c)} organization={organization} message={message} />);
});

function notFoundAsNull(error: unknown): null {
  if (error instanceof DomainError && error.code === 'not_found') return null;
  throw error;
}

/** Every evaluation answer of the organization, for the CME office's own analysis and its accreditor. */
adminRoutes.get('/evaluations/csv', allow(staff), async (c) => {
  const organization = c.get('organization');
  const csv = await organizationEvaluationsCsv(c.get('deps').db, organization.id);
  return c.body(csv, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': attachmentDisposition(`evaluations-${organization.code}.csv`),
  });
});

// ---- Credit added by hand ----

const learnerCreditParams = validParams(z.object({ id: z.uuid() }));

async function learnerCreditPage(
  c: Context<AppEnv>,
  form: { values: FormValues; errors: FieldErrors; said?: string } = { values: {}, errors: {} },
  status: 200 | 400 = 200,
) {
  const organization = c.get('organization');
  const { db } = c.get('deps');
  const [learner] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, c.req.param('id') ?? ''), eq(accounts.organizationId, organization.id)));
  if (!learner) return renderError(c, 'not_found');
  return c.html(
    <LearnerCreditPage
      {...chrome(c)}
      organization={organization}
      learner={learner}
      credits={await externalCreditsOf(db, organization.id, learner.id)}
      values={form.values}
      errors={form.errors}
      said={form.said}
    />,
    status,
  );
}

adminRoutes.get('/accounts/:id/credit', allow(staff), learnerCreditParams, (c) => learnerCreditPage(c));

adminRoutes.post(
  '/accounts/:id/credit',
  allow(staff),
  learnerCreditParams,
  validForm(
    z.object({
      title: typedField,
      provider: typedField,
      completedOn: typedField,
      creditType: typedField,
      credits: typedField,
      reason: z
        .string()
        .optional()
        .transform((typed) => typed?.trim() ?? '')
        .pipe(
          z.string().min(1, 'Say why it is added by hand.').max(500, 'Keep the reason under 500 characters.'),
        ),
    }),
    (c, rejected) => learnerCreditPage(c, rejected, 400),
  ),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const form = c.req.valid('form');
    const today = localDate(deps.clock.now(), organization.timeZone);
    const parsed = externalCreditSchema(today).safeParse(form);
    if (!parsed.success) {
      return learnerCreditPage(c, { values: form, errors: fieldErrors(parsed.error.issues) }, 400);
    }
    const [learner] = await deps.db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.id, c.req.valid('param').id), eq(accounts.organizationId, organization.id)));
    if (!learner) return renderError(c, 'not_found');
    const added = await addExternalCredit(deps.db, {
      ...parsed.data,
      organizationId: organization.id,
      accountId: learner.id,
      file: null,
      addedById: viewerOf(c).account.id,
      now: deps.clock.now(),
    });
    await audit(c, 'external_credit_added', {
      accountId: learner.id,
      detail: {
        externalCreditId: added.id,
        title: added.title,
        credits: added.credits,
        creditType: added.creditType,
        reason: form.reason,
      },
    });
    return learnerCreditPage(c, {
      values: {},
      errors: {},
      said: `Added: ${added.title}, ${added.credits} ${added.creditType}.`,
    });
  },
);

adminRoutes.post(
  '/accounts/:id/credit/:creditId/remove',
  allow(staff),
  validParams(z.object({ id: z.uuid(), creditId: z.uuid() })),
  validForm(z.object({}), (c) => renderError(c, 'bad_request')),
  async (c) => {
    const organization = c.get('organization');
    const { db } = c.get('deps');
    const { id, creditId } = c.req.valid('param');
    const removed = await removeExternalCredit(db, organization.id, id, creditId, true);
    if (!removed) return renderError(c, 'not_found');
    await audit(c, 'external_credit_removed', {
      accountId: id,
      detail: { externalCreditId: removed.id, title: removed.title, by: 'staff' },
    });
    return learnerCreditPage(c, { values: {}, errors: {}, said: `Removed: ${removed.title}.` });
  },
);
