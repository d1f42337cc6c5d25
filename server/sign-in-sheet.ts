import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type Account, accounts, auditEvents, type Claim, type Organization } from '../db/schema';
import {
  approvedForCredit,
  type ClaimableSession,
  claimedCredits,
  claimRefusal,
  recordAttendance,
} from './claims';
import { emailKey } from './identifiers';

/**
 * Attendance from a sign-in sheet: a CSV a coordinator typed up or exported, one learner a row,
 * found by email. It is previewed first, then applied, and every row is accounted for: recorded,
 * already on record, or why not.
 */

/** A sheet larger than this is refused whole: split it. */
export const SHEET_MAX_ROWS = 1000;

export interface SheetRow {
  /** The line in the file, counting the header, as a spreadsheet numbers it. */
  line: number;
  email: string;
  /** As written; empty for the session's full credit. */
  credits: string;
}

/** RFC 4180 fields: commas or semicolons, double quotes around fields that hold them, "" for a quote. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  const delimiter = (text.split(/\r?\n/, 1)[0] ?? '').includes(';') && !text.includes(',') ? ';' : ',';
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.map((fields) => fields.map((value) => value.trim()));
}

export type SheetParse = { rows: SheetRow[]; problem: null } | { rows: []; problem: string };

/**
 * The rows of a sheet. A header row naming "email" (and perhaps "credits") says where they are;
 * without one, the email is the first field with an @ and there are no credits.
 */
export function parseSignInSheet(text: string): SheetParse {
  const records = csvRecords(text.replace(/^\uFEFF/, ''));
  const nonEmpty = records
    .map((fields, index) => ({ fields, line: index + 1 }))
    .filter((record) => record.fields.some((field) => field !== ''));
  if (nonEmpty.length === 0)
    return { rows: [], problem: 'The sheet is empty: it needs one row per learner, with their email.' };
  const header = nonEmpty[0]?.fields.map((field) => field.toLowerCase().replace(/[\s_-]/g, '')) ?? [];
  const emailColumn = header.findIndex((name) => name === 'email' || name === 'emailaddress');
  const creditsColumn = header.findIndex((name) => name === 'credits' || name === 'credit');
  const body = emailColumn >= 0 ? nonEmpty.slice(1) : nonEmpty;
  if (body.length > SHEET_MAX_ROWS) {
    return {
      rows: [],
      problem: `The sheet has ${body.length} rows; at most ${SHEET_MAX_ROWS} go at once. Split it.`,
    };
  }
  const rows = body.map(({ fields, line }) => ({
    line,
    email: (emailColumn >= 0 ? fields[emailColumn] : fields.find((field) => field.includes('@'))) ?? '',
    credits: creditsColumn >= 0 ? (fields[creditsColumn] ?? '') : '',
  }));
  return { rows, problem: null };
}

export type RowOutcome =
  | { kind: 'record'; account: Pick<Account, 'id' | 'firstName' | 'lastName'>; credits: string }
  | { kind: 'recorded'; account: Pick<Account, 'id' | 'firstName' | 'lastName'>; credits: string }
  | { kind: 'already'; account: Pick<Account, 'id' | 'firstName' | 'lastName'>; claim: Claim }
  | { kind: 'refused'; why: string };

export interface PlannedRow extends SheetRow {
  outcome: RowOutcome;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** What applying each row would do (or, with `apply`, did): nothing is written unless `apply`. */
export async function planSignInSheet(
  db: Database,
  organization: Organization,
  found: ClaimableSession,
  rows: SheetRow[],
  options: { now: Date; apply?: { actorId: string; channel: 'manual' | 'sign_in_sheet' } },
): Promise<PlannedRow[]> {
  const keys = [...new Set(rows.map((row) => emailKey(row.email)).filter((key) => EMAIL.test(key)))];
  const known = keys.length
    ? await db
        .select()
        .from(accounts)
        .where(and(eq(accounts.organizationId, organization.id), inArray(accounts.emailKey, keys)))
    : [];
  const byKey = new Map(known.map((account) => [account.emailKey, account]));
  const approved = await approvedForCredit(db, found);
  const seen = new Map<string, number>();
  const planned: PlannedRow[] = [];
  for (const row of rows) {
    const refuse = (why: string) => planned.push({ ...row, outcome: { kind: 'refused', why } });
    const key = emailKey(row.email);
    if (!EMAIL.test(key)) {
      refuse(row.email ? `“${row.email.slice(0, 80)}” is not an email address.` : 'No email on this row.');
      continue;
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      refuse(`The same person as line ${earlier}.`);
      continue;
    }
    seen.set(key, row.line);
    const account = byKey.get(key);
    if (!account) {
      refuse(`No account has the email ${row.email}. Ask them to sign up, then record them by hand.`);
      continue;
    }
    const credits =
      row.credits === '' ? found.session.credits : claimedCredits(row.credits, found.session.credits);
    if (!credits) {
      refuse(
        `Credits “${row.credits.slice(0, 20)}” are not a quarter credit from 0.25 to ${found.session.credits}.`,
      );
      continue;
    }
    const refusal = await claimRefusal(db, organization, found, account, options.now, {
      ignoreWindow: true,
      ignoreRegistration: true,
      approved,
    });
    if (refusal?.reason === 'already_recorded') {
      planned.push({ ...row, outcome: { kind: 'already', account, claim: refusal.claim } });
      continue;
    }
    if (refusal) {
      refuse(refusalReason(refusal.reason));
      continue;
    }
    if (options.apply) {
      const { recorded, claim } = await recordAttendance(db, {
        found,
        accountId: account.id,
        channel: options.apply.channel,
        credits,
        now: options.now,
        actorId: options.apply.actorId,
        detail: { line: row.line },
      });
      planned.push({
        ...row,
        outcome: recorded ? { kind: 'recorded', account, credits } : { kind: 'already', account, claim },
      });
    } else {
      planned.push({ ...row, outcome: { kind: 'record', account, credits } });
    }
  }
  // Each recorded row is audited as an attendance; the sheet is recorded too, with what became of
  // every row, so a sheet applied twice or half refused can be traced afterwards.
  if (options.apply?.channel === 'sign_in_sheet') {
    const outcomes: Record<string, number> = {};
    for (const row of planned) outcomes[row.outcome.kind] = (outcomes[row.outcome.kind] ?? 0) + 1;
    await db.insert(auditEvents).values({
      organizationId: organization.id,
      action: 'sign_in_sheet_applied',
      actorId: options.apply.actorId,
      seriesId: found.series.id,
      sessionId: found.session.id,
      detail: { rows: planned.length, outcomes },
      createdAt: options.now,
    });
  }
  return planned;
}

function refusalReason(reason: string): string {
  switch (reason) {
    case 'not_approved':
      return 'The session is not approved for credit.';
    case 'not_eligible':
      return 'Not eligible for credit in this series.';
    case 'not_registered':
      return 'Not registered for this session.';
    default:
      return 'Cannot be recorded.';
  }
}
