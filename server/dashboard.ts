import {
  and,
  asc,
  count,
  desc,
  eq,
  exists,
  gt,
  gte,
  ilike,
  inArray,
  isNull,
  lt,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import {
  accounts,
  CLAIM_CHANNELS,
  type ClaimChannel,
  claims,
  escalationTickets,
  type EscalationTicket,
  type Organization,
  SESSION_STATUSES,
  type Series,
  type Session,
  type SessionComment,
  series,
  seriesRoles,
  sessionComments,
  sessionFaculty,
  sessions,
} from '../db/schema';
import { addDays, instantAt, isLocalDate, localDate } from '../workflows/calendar';
import { DomainError } from '../workflows/errors';
import type { Actor } from './series';
import { isStaff } from './staff';
import { recordChange } from './history';
import { everyFacultyMayBeDisclosed, type SessionState, sessionStates } from './session-facts';

/**
 * The RSS dashboard (coordinator manual, "Get to Know the RSS Dashboard"): every session a person
 * may see, one row each with the manual's columns, searchable and paginated. Status is derived for
 * a page at a time (server/session-facts.ts), never a query per row.
 */

export const DASHBOARD_PAGE_SIZE = 50;
/** A status filter derives status for at most this many sessions, soonest first. */
export const STATUS_SCAN_LIMIT = 5000;
export const COMMENT_MAX = 500;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .catch(undefined)
    .transform((value) => value || undefined);

/** The search form, as a query string: anything unreadable is simply not applied. */
export const dashboardQuery = z.object({
  series: optionalText(40).pipe(z.guid().optional().catch(undefined)),
  from: optionalText(10)
    .refine((value) => value === undefined || isLocalDate(value))
    .catch(undefined),
  to: optionalText(10)
    .refine((value) => value === undefined || isLocalDate(value))
    .catch(undefined),
  status: z.enum(SESSION_STATUSES).optional().catch(undefined),
  faculty: optionalText(60),
  topic: optionalText(100),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});
export type DashboardQuery = z.output<typeof dashboardQuery>;

export interface DashboardRow {
  session: Session;
  series: Series;
  state: SessionState;
  people: { owners: string[]; coordinators: string[] };
  comments: (SessionComment & { author: string })[];
  ticket: EscalationTicket | null;
  /** The viewer may edit, move and deactivate it. */
  canChange: boolean;
  /** Attendance recorded so far, in all and by channel. */
  attendance: { total: number; byChannel: [ClaimChannel, number][] };
}

export interface Dashboard {
  rows: DashboardRow[];
  /** Matching sessions; with a status filter, those found among the first STATUS_SCAN_LIMIT. */
  total: number;
  /** True when a status filter stopped scanning at STATUS_SCAN_LIMIT. */
  capped: boolean;
  /** True when a status search stopped once it had this page and more: `total` is a lower bound. */
  more: boolean;
  page: number;
  pages: number;
  /** The series the viewer may pick from. */
  seriesChoices: Pick<Series, 'id' | 'name' | 'year'>[];
  /** The date range applied, as local dates (from defaults to today). */
  from: string;
}

/** `%` and `_` typed by a person are letters, not wildcards. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The series a viewer may see on the dashboard: all for the CME office, else those they own or coordinate. */
async function visibleSeries(db: Database, organizationId: string, viewer: Actor) {
  const conditions: SQL[] = [eq(series.organizationId, organizationId)];
  if (!isStaff(viewer)) {
    conditions.push(
      exists(
        db
          .select({ one: seriesRoles.seriesId })
          .from(seriesRoles)
          .where(and(eq(seriesRoles.seriesId, series.id), eq(seriesRoles.accountId, viewer.account.id))),
      ),
    );
  }
  return db
    .select({ id: series.id, name: series.name, year: series.year })
    .from(series)
    .where(and(...conditions))
    .orderBy(desc(series.year), asc(series.name));
}

export async function loadDashboard(
  db: Database,
  organization: Organization,
  viewer: Actor,
  query: DashboardQuery,
  now: Date,
): Promise<Dashboard> {
  const choices = await visibleSeries(db, organization.id, viewer);
  const from = query.from ?? localDate(now, organization.timeZone);
  const page = query.page ?? 1;
  const empty = {
    rows: [],
    total: 0,
    capped: false,
    more: false,
    page: 1,
    pages: 1,
    seriesChoices: choices,
    from,
  };
  const seriesIds = query.series ? choices.filter((s) => s.id === query.series).map((s) => s.id) : null;
  if (choices.length === 0 || (seriesIds && seriesIds.length === 0)) return empty;

  const conditions: SQL[] = [
    eq(sessions.organizationId, organization.id),
    isNull(sessions.deactivatedAt),
    // Without a chosen start date, a session that began last night and is still under way stays
    // in view: its room is claiming credit now.
    query.from
      ? gte(sessions.startsAt, instantAt(from, '00:00', organization.timeZone))
      : (or(
          gte(sessions.startsAt, instantAt(from, '00:00', organization.timeZone)),
          gt(sessions.endsAt, now),
        ) as SQL),
  ];
  if (query.to)
    conditions.push(lt(sessions.startsAt, instantAt(addDays(query.to, 1), '00:00', organization.timeZone)));
  if (seriesIds) conditions.push(inArray(sessions.seriesId, seriesIds));
  else if (!isStaff(viewer)) {
    conditions.push(
      inArray(
        sessions.seriesId,
        choices.map((s) => s.id),
      ),
    );
  }
  if (query.topic) conditions.push(ilike(sessions.name, `%${likeEscape(query.topic)}%`));
  if (query.faculty) {
    conditions.push(
      exists(
        db
          .select({ one: sessionFaculty.sessionId })
          .from(sessionFaculty)
          .innerJoin(accounts, eq(accounts.id, sessionFaculty.accountId))
          .where(
            and(
              eq(sessionFaculty.sessionId, sessions.id),
              ilike(accounts.lastName, `${likeEscape(query.faculty.split(',')[0]?.trim() ?? '')}%`),
            ),
          ),
      ),
    );
  }
  // Only INCOMPLETE sessions can lack a disclosure: any other status search skips them in SQL.
  if (query.status && query.status !== 'incomplete') conditions.push(everyFacultyMayBeDisclosed());
  const where = and(...conditions);
  const base = () =>
    db
      .select({ session: sessions, series })
      .from(sessions)
      .innerJoin(series, eq(series.id, sessions.seriesId))
      .where(where)
      .orderBy(asc(sessions.startsAt), asc(sessions.childId));

  let pageRows: { session: Session; series: Series; state: SessionState }[];
  let total: number;
  let capped = false;
  let more = false;
  if (!query.status) {
    const [counted] = await db.select({ n: count() }).from(sessions).where(where);
    total = counted?.n ?? 0;
    const rows = await base()
      .limit(DASHBOARD_PAGE_SIZE)
      .offset((page - 1) * DASHBOARD_PAGE_SIZE);
    const states = await sessionStates(db, rows);
    pageRows = rows.flatMap((row) => {
      const state = states.get(row.session.id);
      return state ? [{ ...row, state }] : [];
    });
  } else {
    // Status is derived, not stored: scan soonest first, a chunk at a time, keeping the matches.
    const matches: { session: Session; series: Series; state: SessionState }[] = [];
    const CHUNK = 500;
    let scanned = 0;
    for (;;) {
      const rows = await base().limit(CHUNK).offset(scanned);
      const states = await sessionStates(db, rows);
      for (const row of rows) {
        const state = states.get(row.session.id);
        if (state && state.status.status === query.status) matches.push({ ...row, state });
      }
      scanned += rows.length;
      if (rows.length < CHUNK) break;
      // Enough for this page and a sign of the next: the rest is counted only when someone pages on.
      if (matches.length > page * DASHBOARD_PAGE_SIZE) {
        more = true;
        break;
      }
      if (scanned >= STATUS_SCAN_LIMIT) {
        capped = true;
        break;
      }
    }
    total = matches.length;
    pageRows = matches.slice((page - 1) * DASHBOARD_PAGE_SIZE, page * DASHBOARD_PAGE_SIZE);
  }
  const rows = await decorate(db, viewer, pageRows);
  return {
    rows,
    total,
    capped,
    more,
    page,
    pages: more ? page + 1 : Math.max(1, Math.ceil(total / DASHBOARD_PAGE_SIZE)),
    seriesChoices: choices,
    from,
  };
}

/** Owners and coordinators, comments, tickets, attendance and the viewer's rights for a page of sessions, in five queries. */
async function decorate(
  db: Database,
  viewer: Actor,
  rows: { session: Session; series: Series; state: SessionState }[],
): Promise<DashboardRow[]> {
  if (rows.length === 0) return [];
  const seriesIds = [...new Set(rows.map((row) => row.series.id))];
  const sessionIds = rows.map((row) => row.session.id);
  const roles = await db
    .select({
      seriesId: seriesRoles.seriesId,
      role: seriesRoles.role,
      accountId: accounts.id,
      name: sql<string>`${accounts.lastName} || ', ' || ${accounts.firstName}`,
    })
    .from(seriesRoles)
    .innerJoin(accounts, eq(accounts.id, seriesRoles.accountId))
    .where(inArray(seriesRoles.seriesId, seriesIds))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName));
  const comments = await db
    .select({ comment: sessionComments, first: accounts.firstName, last: accounts.lastName })
    .from(sessionComments)
    .innerJoin(accounts, eq(accounts.id, sessionComments.authorId))
    .where(inArray(sessionComments.sessionId, sessionIds))
    .orderBy(asc(sessionComments.createdAt));
  const tickets = await db
    .select()
    .from(escalationTickets)
    .where(inArray(escalationTickets.sessionId, sessionIds));
  const claimCounts = await db
    .select({ sessionId: claims.sessionId, channel: claims.channel, count: sql<number>`count(*)::int` })
    .from(claims)
    .where(inArray(claims.sessionId, sessionIds))
    .groupBy(claims.sessionId, claims.channel);
  const staff = isStaff(viewer);
  return rows.map((row) => {
    const counted = claimCounts
      .filter((count) => count.sessionId === row.session.id)
      .sort(
        (a, b) => b.count - a.count || CLAIM_CHANNELS.indexOf(a.channel) - CLAIM_CHANNELS.indexOf(b.channel),
      );
    const ofSeries = roles.filter((role) => role.seriesId === row.series.id);
    return {
      ...row,
      people: {
        owners: ofSeries.filter((r) => r.role === 'owner').map((r) => r.name),
        coordinators: ofSeries.filter((r) => r.role === 'coordinator').map((r) => r.name),
      },
      comments: comments
        .filter((c) => c.comment.sessionId === row.session.id)
        .map((c) => ({ ...c.comment, author: `${c.first} ${c.last}` })),
      ticket: tickets.find((ticket) => ticket.sessionId === row.session.id) ?? null,
      attendance: {
        total: counted.reduce((sum, count) => sum + count.count, 0),
        byChannel: counted.map((count): [ClaimChannel, number] => [count.channel, count.count]),
      },
      canChange:
        row.series.status === 'approved' &&
        (staff ||
          ofSeries.some((role) => role.accountId === viewer.account.id && role.role === 'coordinator')),
    };
  });
}

/** One row, as an in-place update swaps it in. */
export async function dashboardRow(
  db: Database,
  viewer: Actor,
  found: { session: Session; series: Series },
): Promise<DashboardRow> {
  const states = await sessionStates(db, [found]);
  const state = states.get(found.session.id);
  if (!state) throw new DomainError('not_found');
  const [row] = await decorate(db, viewer, [{ ...found, state }]);
  if (!row) throw new DomainError('not_found');
  return row;
}

export class InvalidComment extends DomainError {
  constructor(readonly problem: string) {
    super('invalid_input');
  }
}

/** A comment on a session's thread, recorded in its history. */
export async function addComment(
  deps: { db: Database; now: () => Date },
  found: { session: Session; series: Series },
  by: Actor,
  typed: string,
  clientAddress: string | null = null,
): Promise<void> {
  const body = typed.trim();
  if (body.length === 0) throw new InvalidComment('Type a comment first.');
  if (body.length > COMMENT_MAX) {
    throw new InvalidComment(
      `A comment can be at most ${COMMENT_MAX} characters; this one has ${body.length}.`,
    );
  }
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await tx.insert(sessionComments).values({
      organizationId: found.session.organizationId,
      sessionId: found.session.id,
      authorId: by.account.id,
      body,
      createdAt: now,
    });
    await recordChange(tx, now, {
      organizationId: found.session.organizationId,
      actorId: by.account.id,
      action: 'session_commented',
      seriesId: found.series.id,
      sessionId: found.session.id,
      clientAddress,
      after: { comment: body },
    });
  });
}
