import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type Organization, smsOptOuts, textsReceived } from '../db/schema';
import type { AppDeps } from './context';
import {
  alreadyRecordedText,
  codeRotatesText,
  emptyText,
  helpText,
  noSuchCodeText,
  notEligibleText,
  notApprovedText,
  notRegisteredText,
  outsideWindowText,
  pairingRequestedText,
  phonePairedText,
  recordedText,
  startText,
  stopText,
  tooManyTextsText,
  userNotFoundText,
  wrongPairingCodeText,
} from '../views/text-replies';
import { record } from './audit-trail';
import {
  type ClaimRefusal,
  type ClaimableSession,
  claimRefusal,
  existingClaim,
  sessionRefusal,
  findSessionByCode,
  findSessionByCodeKept,
} from './claims';
import { normalizeAttendanceCode } from './attendance-codes';
import {
  confirmPairingByText,
  hasWaitingPairing,
  type PairingDeps,
  requestPairingByEmail,
} from './phone-pairing';
import type { Claimant } from './eligibility';
import { statementBatchesPer } from './statement-batches';
import { textKeyword } from './text-keywords';

/** A text as Twilio's webhook delivers it. */
export interface InboundText {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

/** Twilio's longest message; anything longer is not a text a person sent. */
export const TEXT_MAX_CHARACTERS = 1600;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;

interface Answer {
  outcome: string;
  reply: string;
  accountId?: string | null;
  sessionId?: string | null;
}

/** What answering a text needs: pairing's dependencies, and the credit lifecycle a claim starts. */
export type TextDeps = PairingDeps & Pick<AppDeps, 'credits' | 'background'>;

/**
 * Answers one text to an organization's number: the reply to put in the webhook's TwiML. A
 * MessageSid answered before gets the same reply and changes nothing, so Twilio's retries are
 * harmless; a claim and the record of its text are written in one statement, so a crash
 * leaves either both or neither, and the retry finishes the job.
 */
export async function answerText(
  deps: TextDeps,
  organization: Organization,
  text: InboundText,
): Promise<string> {
  const quick = await claimAtOnce(deps, organization, text);
  if (quick && 'reply' in quick) return quick.reply;
  const known = quick?.known ?? (await whatIsKnown(deps, organization, text));
  if (known.storedReply !== null) return known.storedReply;
  const body = text.body.slice(0, TEXT_MAX_CHARACTERS);
  const keyword = textKeyword(body);
  const stopped = keyword === 'stop' || keyword === 'start' ? false : known.stopped;

  let answer: Answer;
  let claimFor: { found: ClaimableSession; accountId: string } | null = null;
  let optOut: 'stop' | 'start' | null = null;
  if (keyword === 'stop') {
    optOut = 'stop';
    answer = { outcome: 'stop', reply: stopText(organization) };
  } else if (keyword === 'start') {
    optOut = 'start';
    answer = { outcome: 'start', reply: startText(organization) };
  } else if (keyword === 'help') {
    answer = {
      outcome: 'help',
      reply: helpText(organization, `${deps.config.publicUrl}/${organization.code}`),
    };
  } else if (known.recentTexts >= TEXTS_FROM_PHONE_PER_10_MINUTES) {
    answer = { outcome: 'too_many', reply: tooManyTextsText() };
  } else {
    const result = await understand(deps, organization, text.from, body, known.account);
    answer = result.answer;
    claimFor = result.claimFor;
  }
  // A number that stopped gets nothing back but the answer to START (and STOP's confirmation).
  if (stopped) answer = { ...answer, reply: '' };

  const now = deps.clock.now();
  const stored = claimFor
    ? await storeTextWithClaim(deps, organization, text, body, answer, claimFor, now)
    : optOut
      ? await storeTextWithOptOut(deps, organization, text, body, answer, optOut, now)
      : await storeText(deps, organization, text, body, answer, now);
  if (stored === 'answered_already') return (await storedReply(deps, text.messageSid)) ?? '';
  if (stored === 'claimed_meanwhile' && claimFor) {
    return sayAlreadyRecorded(deps, text, claimFor, stopped, answer.reply);
  }
  return answer.reply;
}

/**
 * The text most of a room sends: a paired phone, a session's code, a window open to anyone. What
 * it needs is read and written in one statement (shared with the texts answered in the same turn),
 * one round trip in all. Null for any other text; the facts the statement found when it wrote
 * nothing (a phone not paired, too many texts), for answerText to answer the long way.
 */
async function claimAtOnce(
  deps: TextDeps,
  organization: Organization,
  text: InboundText,
): Promise<{ reply: string } | { known: Known } | null> {
  const body = text.body.slice(0, TEXT_MAX_CHARACTERS);
  const typed = body.trim();
  if (typed === '' || textKeyword(body) !== null || EMAIL.test(typed)) return null;
  const code = normalizeAttendanceCode(typed);
  // Six digits may be a pairing code: understand() decides.
  if (/^\d{6}$/.test(code)) return null;
  const kept = await findSessionByCodeKept(deps.db, organization.id, code);
  if (!kept) return null;
  const found: ClaimableSession = { ...kept, existing: null };
  const { session, series } = found;
  // Rules that depend on the learner are claimRefusal's, in the long way.
  const limited = series.affiliatesOnly || (series.creditForProfessionsOnly && series.professions.length > 0);
  if (session.requiresRegistration || limited) return null;
  const now = deps.clock.now();
  if (await sessionRefusal(deps.db, organization, found, now)) return null;
  const reply = recordedText(session);
  const row = await pairedClaims(deps.db).run({
    ...textOnRecord(organization, text, body, { outcome: 'claim_recorded', reply }),
    sessionId: session.id,
    seriesId: series.id,
    credits: session.credits,
    at: now.toISOString(),
    since: new Date(now.getTime() - TEXT_LIMIT_WINDOW_MS).toISOString(),
  });
  const known = knownFrom(row);
  if (!truthy(row.texted)) return known.storedReply !== null ? { reply: known.storedReply } : { known };
  const stored = known.stopped ? '' : reply;
  if (truthy(row.claimed) || !known.account) return { reply: stored };
  return {
    reply: await sayAlreadyRecorded(
      deps,
      text,
      { found, accountId: known.account.id },
      known.stopped,
      stored,
    ),
  };
}

/**
 * The text was stored, but the learner's claim was there before it (a second text of the code, or
 * one sent at the same moment): it says so, as a second text of the code is told.
 */
async function sayAlreadyRecorded(
  deps: TextDeps,
  text: InboundText,
  claimFor: { found: ClaimableSession; accountId: string },
  stopped: boolean,
  reply: string,
): Promise<string> {
  const claim = await existingClaim(deps.db, claimFor.found.session.id, claimFor.accountId);
  const corrected = stopped || !claim ? reply : alreadyRecordedText(claimFor.found.session, claim.claimedAt);
  await deps.db
    .update(textsReceived)
    .set({ outcome: 'already_recorded', reply: corrected })
    .where(eq(textsReceived.messageSid, text.messageSid));
  return corrected;
}

type Stored = 'stored' | 'answered_already' | 'claimed_meanwhile';

/** Rows of a raw statement: postgres.js answers an array, PGlite an object with rows. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/** What is kept of a text and its answer, whichever statement writes it. */
function textOnRecord(organization: Organization, text: InboundText, body: string, answer: Answer) {
  return {
    organizationId: organization.id,
    messageSid: text.messageSid,
    from: text.from,
    to: text.to,
    body,
    outcome: answer.outcome,
    reply: answer.reply,
  };
}

/** The text and its answer on record; a MessageSid on record already was answered by another delivery. */
async function storeText(
  deps: TextDeps,
  organization: Organization,
  text: InboundText,
  body: string,
  answer: Answer,
  now: Date,
): Promise<Stored> {
  const stored = await deps.db
    .insert(textsReceived)
    .values({
      ...textOnRecord(organization, text, body, answer),
      accountId: answer.accountId ?? null,
      sessionId: answer.sessionId ?? null,
      receivedAt: now,
    })
    .onConflictDoNothing({ target: textsReceived.messageSid })
    .returning({ id: textsReceived.id });
  return stored.length === 0 ? 'answered_already' : 'stored';
}

/**
 * STOP or START, the text that said it and its audit record together: a crash leaves none of
 * them, and Twilio's retry of the MessageSid does it once.
 */
async function storeTextWithOptOut(
  deps: TextDeps,
  organization: Organization,
  text: InboundText,
  body: string,
  answer: Answer,
  change: 'stop' | 'start',
  now: Date,
): Promise<Stored> {
  return deps.db.transaction(async (tx) => {
    const stored = await storeText({ ...deps, db: tx }, organization, text, body, answer, now);
    if (stored === 'answered_already') return stored;
    if (change === 'stop') {
      await tx
        .insert(smsOptOuts)
        .values({
          organizationId: organization.id,
          phone: text.from,
          keyword: body.trim().toUpperCase().slice(0, 20),
          optedOutAt: now,
        })
        .onConflictDoNothing();
    } else {
      await tx
        .delete(smsOptOuts)
        .where(and(eq(smsOptOuts.organizationId, organization.id), eq(smsOptOuts.phone, text.from)));
    }
    await record(
      { ...deps, db: tx },
      {
        organizationId: organization.id,
        action: change === 'stop' ? 'texts_stopped' : 'texts_started',
        detail: { phone: text.from },
      },
    );
    return stored;
  });
}

/**
 * The text, its claim and the claim's audit record in one statement, so all three or none are
 * written (a crash leaves nothing for Twilio's retry to trip on). The claim is written only if the
 * text was new: a retried MessageSid records nothing. Texts answered in the same turn share the
 * statement (statement-batches.ts); one learner's texts for one session never do, so each finds
 * what the other wrote.
 */
async function storeTextWithClaim(
  deps: TextDeps,
  organization: Organization,
  text: InboundText,
  body: string,
  answer: Answer,
  claimFor: { found: ClaimableSession; accountId: string },
  now: Date,
): Promise<Stored> {
  const { session, series } = claimFor.found;
  return claimWrites(deps.db).run({
    ...textOnRecord(organization, text, body, answer),
    accountId: claimFor.accountId,
    sessionId: session.id,
    seriesId: series.id,
    credits: session.credits,
    at: now.toISOString(),
  });
}

interface ClaimWrite {
  organizationId: string;
  messageSid: string;
  from: string;
  to: string;
  body: string;
  outcome: string;
  reply: string;
  accountId: string;
  sessionId: string;
  seriesId: string;
  credits: string;
  at: string;
}

const claimWrites = statementBatchesPer((db: Database) => ({
  execute: (writes: ClaimWrite[]) => writeClaims(db, writes),
  // A retried MessageSid, or a second text from one learner for one session, goes in another
  // statement, where the unique indexes make it wait for the first and find it.
  keyOf: (write: ClaimWrite) => `${write.sessionId} ${write.accountId}`,
}));

async function writeClaims(db: Database, writes: ClaimWrite[]): Promise<Stored[]> {
  // The rows go as one JSON parameter: one statement, whatever the batch's size.
  const rows = JSON.stringify(writes.map((write, n) => ({ n, ...write })));
  const result = await db.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${rows}::jsonb) as i(n int, "organizationId" uuid, "messageSid" text,
        "from" text, "to" text, body text, outcome text, reply text, "accountId" uuid, "sessionId" uuid,
        "seriesId" uuid, credits numeric, at timestamptz)
    ), ${claimWritesFrom('input')}
    select i.n,
      exists (select 1 from text where text.message_sid = i."messageSid") as texted,
      exists (select 1 from claim where claim.session_id = i."sessionId" and claim.account_id = i."accountId")
        as claimed
    from input i order by i.n`);
  return rowsOf<{ texted: boolean | string; claimed: boolean | string }>(result).map((row) =>
    !truthy(row.texted) ? 'answered_already' : truthy(row.claimed) ? 'stored' : 'claimed_meanwhile',
  );
}

/**
 * The writes of a claim by text, as common table expressions named text, claim and audit, from the
 * rows of `source` (organizationId, messageSid, from, to, body, outcome, reply, accountId,
 * sessionId, seriesId, credits, at): the text if its MessageSid is new, the claim only with a new
 * text, the audit record only with a new claim. Rows go in key order, so two statements running
 * at once that hold the same learners wait for each other instead of deadlocking.
 */
function claimWritesFrom(source: 'input' | 'go') {
  const rows = sql.raw(source);
  return sql`text as (
      insert into texts_received
        (organization_id, message_sid, "from", "to", body, outcome, reply, account_id, session_id, received_at)
      select "organizationId", "messageSid", "from", "to", body, outcome, reply, "accountId", "sessionId", at
      from ${rows}
      order by "messageSid"
      on conflict (message_sid) do nothing
      returning message_sid
    ), claim as (
      insert into claims (organization_id, session_id, account_id, channel, credits, claimed_at)
      select i."organizationId", i."sessionId", i."accountId", 'sms', i.credits, i.at
      from ${rows} i join text on text.message_sid = i."messageSid"
      order by i."sessionId", i."accountId"
      on conflict (session_id, account_id) do nothing
      returning session_id, account_id, credits
    ), audit as (
      insert into audit_events
        (organization_id, action, actor_id, account_id, series_id, session_id, detail, created_at)
      select i."organizationId", 'attendance_recorded', i."accountId", i."accountId", i."seriesId", i."sessionId",
        jsonb_build_object('channel', 'sms', 'credits', claim.credits::text, 'phone', i."from"), i.at
      from claim join ${rows} i on i."sessionId" = claim.session_id and i."accountId" = claim.account_id
    )`;
}

interface PairedClaim extends Omit<ClaimWrite, 'accountId'> {
  since: string;
}

type PairedClaimRow = KnownRow & { texted: boolean | string; claimed: boolean | string };

const pairedClaims = statementBatchesPer((db: Database) => ({
  execute: (claims: PairedClaim[]) => claimIfPaired(db, claims),
  keyOf: (claim: PairedClaim) => `${claim.sessionId} ${claim.from}`,
}));

/**
 * claimAtOnce's statement: what is known of each phone, and where it is paired, has not stopped
 * being answered (a stored reply) and has not texted too often, the text, its claim and the audit
 * record, as storeTextWithClaim writes them. A phone that stopped gets its claim and no reply.
 */
async function claimIfPaired(db: Database, claims: PairedClaim[]): Promise<PairedClaimRow[]> {
  const rows = JSON.stringify(claims.map((claim, n) => ({ n, ...claim })));
  const result = await db.execute(sql`
    with known as (
      select i.*, ${KNOWN_COLUMNS}
      from jsonb_to_recordset(${rows}::jsonb) as i(n int, "organizationId" uuid, "messageSid" text,
        "from" text, "to" text, body text, outcome text, reply text, "sessionId" uuid, "seriesId" uuid,
        credits numeric, at timestamptz, since timestamptz)
      ${PAIRED_ACCOUNT}
    ), go as (
      select n, "organizationId", "messageSid", "from", "to", body, outcome,
        case when stopped then '' else reply end as reply, id as "accountId", "sessionId", "seriesId", credits, at
      from known
      where id is not null and "storedReply" is null and "recentTexts" < ${TEXTS_FROM_PHONE_PER_10_MINUTES}
    ), ${claimWritesFrom('go')}
    select k."storedReply", k.stopped, k."recentTexts", k.id, k.profession, k."emailKey", k."emailConfirmedAt",
      k."affiliatedAt",
      exists (select 1 from text where text.message_sid = k."messageSid") as texted,
      exists (select 1 from claim where claim.session_id = k."sessionId" and claim.account_id = k.id) as claimed
    from known k order by k.n`);
  return rowsOf<PairedClaimRow>(result);
}

/** A boolean column as the driver gives it: true, or PGlite's and some drivers' 't'. */
function truthy(value: boolean | string | null | undefined): boolean {
  return value === true || value === 't';
}

/**
 * Texts from one phone in ten minutes that get a real answer: a learner retrying a code a few
 * times fits; a loop does not. Counted from the texts on record, so it costs no write.
 */
export const TEXTS_FROM_PHONE_PER_10_MINUTES = 20;
const TEXT_LIMIT_WINDOW_MS = 10 * 60_000;

interface Known {
  /** The reply a text with this MessageSid got already, or null. */
  storedReply: string | null;
  stopped: boolean;
  /** Texts from this phone to the organization in the last 10 minutes. */
  recentTexts: number;
  /** The account this phone is paired with. */
  account: Claimant | null;
}

interface KnownQuestion {
  messageSid: string;
  organizationId: string;
  from: string;
  since: string;
}

interface KnownRow {
  storedReply: string | null;
  stopped: boolean | string;
  recentTexts: number | string;
  id: string | null;
  profession: string | null;
  emailKey: string | null;
  emailConfirmedAt: string | null;
  affiliatedAt: string | null;
}

const knownAnswers = statementBatchesPer((db: Database) => ({
  execute: (questions: KnownQuestion[]) => askWhatIsKnown(db, questions),
}));

/**
 * What is known of the phone in each row i (its messageSid, organizationId, from and since), for
 * the statements that ask: the reply that MessageSid got already, whether the phone stopped, its
 * texts since then, and, with PAIRED_ACCOUNT, the account it is paired with.
 */
const KNOWN_COLUMNS = sql`
  (select t.reply from texts_received t where t.message_sid = i."messageSid") as "storedReply",
  exists (select 1 from sms_opt_outs o where o.organization_id = i."organizationId" and o.phone = i."from")
    as stopped,
  (select count(*)::int from texts_received t
    where t.organization_id = i."organizationId" and t."from" = i."from" and t.received_at > i.since)
    as "recentTexts",
  a.id, a.profession, a.email_key as "emailKey", a.email_confirmed_at as "emailConfirmedAt",
  a.affiliated_at as "affiliatedAt"`;

const PAIRED_ACCOUNT = sql`
  left join lateral (
    select id, profession, email_key, email_confirmed_at, affiliated_at from accounts
    where accounts.organization_id = i."organizationId" and accounts.mobile = i."from"
      and accounts.sms_paired_at is not null
    limit 1
  ) a on true`;

async function askWhatIsKnown(db: Database, questions: KnownQuestion[]): Promise<KnownRow[]> {
  const rows = JSON.stringify(questions.map((question, n) => ({ n, ...question })));
  const result = await db.execute(sql`
    select ${KNOWN_COLUMNS}
    from jsonb_to_recordset(${rows}::jsonb) as i(n int, "messageSid" text, "organizationId" uuid, "from" text,
      since timestamptz)
    ${PAIRED_ACCOUNT}
    order by i.n`);
  return rowsOf<KnownRow>(result);
}

/**
 * Everything a text's answer starts from, in one query (shared with the texts answered in the same
 * turn): in a room of 300 texting one code, each round trip to the database is paid 300 times.
 * The texts on record are the rate limit too.
 */
async function whatIsKnown(deps: PairingDeps, organization: Organization, text: InboundText): Promise<Known> {
  const since = new Date(deps.clock.now().getTime() - TEXT_LIMIT_WINDOW_MS);
  const row = await knownAnswers(deps.db).run({
    messageSid: text.messageSid,
    organizationId: organization.id,
    from: text.from,
    since: since.toISOString(),
  });
  return knownFrom(row);
}

function knownFrom(row: KnownRow): Known {
  const { storedReply, stopped, recentTexts, id, profession, emailKey, emailConfirmedAt, affiliatedAt } = row;
  return {
    storedReply,
    stopped: truthy(stopped),
    recentTexts: Number(recentTexts),
    account:
      id && emailKey !== null && profession !== null
        ? {
            id,
            profession,
            emailKey,
            emailConfirmedAt: emailConfirmedAt === null ? null : new Date(emailConfirmedAt),
            affiliatedAt: affiliatedAt === null ? null : new Date(affiliatedAt),
          }
        : null,
  };
}

async function storedReply(deps: PairingDeps, messageSid: string): Promise<string | null> {
  const [row] = await deps.db
    .select({ reply: textsReceived.reply })
    .from(textsReceived)
    .where(eq(textsReceived.messageSid, messageSid))
    .limit(1);
  return row ? row.reply : null;
}

/** What a text that is not a keyword means: an email to pair with, a pairing code, or a session's code. */
async function understand(
  deps: PairingDeps,
  organization: Organization,
  from: string,
  body: string,
  account: Claimant | null,
): Promise<{ answer: Answer; claimFor: { found: ClaimableSession; accountId: string } | null }> {
  const typed = body.trim();
  const none = (answer: Answer) => ({ answer, claimFor: null });
  if (typed === '') return none({ outcome: 'empty', reply: emptyText() });
  if (EMAIL.test(typed)) {
    await requestPairingByEmail(deps, organization, from, typed);
    return none({ outcome: 'pairing_requested', reply: pairingRequestedText() });
  }
  const code = normalizeAttendanceCode(typed);
  if (/^\d{6}$/.test(code) && (await hasWaitingPairing(deps, organization, from))) {
    const outcome = await confirmPairingByText(deps, organization, from, code);
    if (outcome === 'paired') return none({ outcome: 'paired', reply: phonePairedText(organization) });
    // Not the pairing's code: it may still be a six-digit Event ID.
    if (!(await findSessionByCode(deps.db, organization.id, code))) {
      return none({ outcome: 'wrong_pairing_code', reply: wrongPairingCodeText() });
    }
  }
  if (!account) return none({ outcome: 'user_not_found', reply: userNotFoundText(organization) });
  // The learner's own claim is not looked up here: the write finds it (a claim already there
  // becomes "already recorded"), and a refusal looks for it below, so a room's texts cost two
  // round trips to the database, not three.
  const kept = await findSessionByCodeKept(deps.db, organization.id, code);
  const found = kept ? { ...kept, existing: null } : null;
  if (!found) {
    return none({
      outcome: 'no_such_code',
      reply: noSuchCodeText(code.slice(0, 20) || typed.slice(0, 20)),
      accountId: account.id,
    });
  }
  const about = { accountId: account.id, sessionId: found.session.id };
  let refusal = await claimRefusal(deps.db, organization, found, account, deps.clock.now());
  if (refusal) {
    // "Already recorded" comes before every other refusal (claimRefusal): good news, and true after
    // the window closes too.
    const claim = await existingClaim(deps.db, found.session.id, account.id);
    if (claim) refusal = { reason: 'already_recorded', claim };
    return none({ ...about, outcome: refusal.reason, reply: refusalText(organization, found, refusal) });
  }
  return {
    answer: { ...about, outcome: 'claim_recorded', reply: recordedText(found.session) },
    claimFor: { found, accountId: account.id },
  };
}

function refusalText(organization: Organization, found: ClaimableSession, refusal: ClaimRefusal): string {
  switch (refusal.reason) {
    case 'already_recorded':
      return alreadyRecordedText(found.session, refusal.claim.claimedAt);
    case 'not_approved':
      return notApprovedText(organization, found.session, refusal.contact);
    case 'outside_window':
      return outsideWindowText(found.session, refusal.window);
    case 'not_registered':
      return notRegisteredText(found.session);
    case 'code_rotates':
      return codeRotatesText(found.session, refusal.minutes);
    case 'not_eligible':
      return notEligibleText(found.series, refusal.ineligibility);
  }
}
