import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  accounts,
  type Organization,
  type PresentationKind,
  presentations,
  type Session,
  series,
  sessionFaculty,
  sessions,
} from '../db/schema';
import { renderPresentationRequest } from '../views/mail/presentation-request';
import { formatSessionTime } from '../views/time';
import type { AppDeps } from './context';
import { DomainError } from '../workflows/errors';
import { recordChange } from './history';
import {
  ACCEPTED_DESCRIPTION,
  fileNameWithin,
  PRESENTATION_KINDS,
  presentationKind,
  presentationPath,
  sizeInWords,
} from './presentation-types';
import type { Actor } from './series';
import { sessionClosed } from './session-status';
import { mayChangeSessions, type SessionWithSeries } from './sessions';

/**
 * Presentations (coordinator manual, "Presentations & COI Status": upload, download, delete): one
 * file per faculty member per session, kept in PostgreSQL. Coordinators of the series and the CME
 * office manage them, and so does the faculty member for their own; anyone who may see the session
 * may download.
 */

export interface PresentationDeps {
  db: Database;
  now: () => Date;
}

/** A presentation as pages show it; the content is read only to be downloaded. */
export interface PresentationFacts {
  accountId: string;
  fileName: string;
  kind: PresentationKind;
  sizeBytes: number;
  uploadedAt: Date;
  uploadedBy: string;
}

export class InvalidPresentation extends DomainError {
  constructor(readonly problem: string) {
    super('invalid_input', problem);
    this.name = 'InvalidPresentation';
  }
}

/** Whether this person may upload or delete the faculty member's presentation for the session. */
export async function mayManagePresentation(
  db: Database,
  found: SessionWithSeries,
  actor: Actor,
  facultyId: string,
): Promise<boolean> {
  return actor.account.id === facultyId || mayChangeSessions(db, found.series, actor);
}

/** The faculty member's assignment to the session with their name, or null if they do not teach it. */
export async function facultyMemberOf(db: Database, sessionId: string, accountId: string) {
  const [row] = await db
    .select({
      accountId: accounts.id,
      firstName: accounts.firstName,
      lastName: accounts.lastName,
      email: accounts.email,
      requestPresentation: sessionFaculty.requestPresentation,
    })
    .from(sessionFaculty)
    .innerJoin(accounts, eq(accounts.id, sessionFaculty.accountId))
    .where(and(eq(sessionFaculty.sessionId, sessionId), eq(sessionFaculty.accountId, accountId)));
  return row ?? null;
}

/** Every presentation of the session, by faculty member, without content. */
export async function presentationsOf(
  db: Database,
  sessionIds: string[],
): Promise<Map<string, PresentationFacts>> {
  const found = new Map<string, PresentationFacts>();
  if (sessionIds.length === 0) return found;
  const rows = await db
    .select({
      sessionId: presentations.sessionId,
      accountId: presentations.accountId,
      fileName: presentations.fileName,
      kind: presentations.kind,
      sizeBytes: presentations.sizeBytes,
      uploadedAt: presentations.uploadedAt,
      uploaderFirst: accounts.firstName,
      uploaderLast: accounts.lastName,
    })
    .from(presentations)
    .innerJoin(accounts, eq(accounts.id, presentations.uploadedById))
    .where(inArray(presentations.sessionId, sessionIds));
  for (const row of rows) {
    found.set(presentationKey(row.sessionId, row.accountId), {
      accountId: row.accountId,
      fileName: row.fileName,
      kind: row.kind,
      sizeBytes: row.sizeBytes,
      uploadedAt: row.uploadedAt,
      uploadedBy: `${row.uploaderFirst} ${row.uploaderLast}`,
    });
  }
  return found;
}

export function presentationKey(sessionId: string, accountId: string): string {
  return `${sessionId}:${accountId}`;
}

/** The stored file, to be served as an attachment. */
export async function presentationFile(db: Database, sessionId: string, accountId: string) {
  const [row] = await db
    .select({
      fileName: presentations.fileName,
      kind: presentations.kind,
      sha256: presentations.sha256,
      content: presentations.content,
    })
    .from(presentations)
    .where(and(eq(presentations.sessionId, sessionId), eq(presentations.accountId, accountId)));
  return row ?? null;
}

/**
 * Stores the faculty member's presentation for the session, replacing the one before. The content
 * decides what it is; a file that is no presentation, empty or over the limit is refused with why.
 */
export async function uploadPresentation(
  deps: PresentationDeps,
  found: SessionWithSeries,
  facultyId: string,
  file: { name: string; bytes: Uint8Array },
  limitBytes: number,
  by: Actor,
  clientAddress: string | null = null,
): Promise<{ replaced: boolean }> {
  const { db } = deps;
  const member = await facultyMemberOf(db, found.session.id, facultyId);
  if (!member) throw new DomainError('not_found');
  if (!(await mayManagePresentation(db, found, by, facultyId))) throw new DomainError('forbidden');
  const closed = sessionClosed(found);
  if (closed) throw new DomainError(closed);
  // As a person would recognise it, and short: the name a browser sends is anyone's to choose.
  const uploadedName = fileNameWithin(file.name.replace(/^.*[\\/]/, ''), 200);
  if (file.bytes.byteLength === 0) throw new InvalidPresentation('Choose a file to upload; none was sent.');
  if (file.bytes.byteLength > limitBytes) {
    throw new InvalidPresentation(
      `That file is ${sizeInWords(file.bytes.byteLength)}; a presentation can be at most ${sizeInWords(limitBytes)}.`,
    );
  }
  const kind = presentationKind(file.bytes);
  if (!kind) {
    throw new InvalidPresentation(
      `“${uploadedName}” is not a file Rounds keeps as a presentation. Upload a PDF, PowerPoint, Keynote, OpenDocument or Word file.`,
    );
  }
  const fileName = uploadedName || `presentation.${PRESENTATION_KINDS[kind].extension}`;
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const now = deps.now();
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ fileName: presentations.fileName, sha256: presentations.sha256 })
      .from(presentations)
      .where(and(eq(presentations.sessionId, found.session.id), eq(presentations.accountId, facultyId)))
      .for('update');
    // The same file again (a second press of Upload): nothing to store or record.
    if (before?.sha256 === sha256 && before.fileName === fileName) return { replaced: false };
    const values = {
      organizationId: found.organization.id,
      fileName,
      kind,
      sizeBytes: file.bytes.byteLength,
      sha256,
      content: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
      uploadedById: by.account.id,
      uploadedAt: now,
    };
    await tx
      .insert(presentations)
      .values({ sessionId: found.session.id, accountId: facultyId, ...values })
      .onConflictDoUpdate({
        target: [presentations.sessionId, presentations.accountId],
        // From the row offered, so the file crosses to the database once, not twice.
        set: {
          fileName: sql`excluded.file_name`,
          kind: sql`excluded.kind`,
          sizeBytes: sql`excluded.size_bytes`,
          sha256: sql`excluded.sha256`,
          content: sql`excluded.content`,
          uploadedById: sql`excluded.uploaded_by_id`,
          uploadedAt: sql`excluded.uploaded_at`,
        },
      });
    await recordChange(tx, now, {
      organizationId: found.organization.id,
      actorId: by.account.id,
      action: 'presentation_uploaded',
      seriesId: found.series.id,
      sessionId: found.session.id,
      accountId: facultyId,
      clientAddress,
      ...(before ? { before: { presentation: before.fileName } } : {}),
      after: { presentation: fileName },
      note: {
        faculty: `${member.lastName}, ${member.firstName}`,
        type: PRESENTATION_KINDS[kind].label,
        size: sizeInWords(file.bytes.byteLength),
        sha256,
      },
    });
    return { replaced: before !== undefined };
  });
}

/** Deletes the faculty member's presentation for the session; deleting one that is gone changes nothing. */
export async function deletePresentation(
  deps: PresentationDeps,
  found: SessionWithSeries,
  facultyId: string,
  by: Actor,
  clientAddress: string | null = null,
): Promise<'deleted' | 'already'> {
  const { db } = deps;
  const member = await facultyMemberOf(db, found.session.id, facultyId);
  if (!member) throw new DomainError('not_found');
  if (!(await mayManagePresentation(db, found, by, facultyId))) throw new DomainError('forbidden');
  const closed = sessionClosed(found);
  if (closed) throw new DomainError(closed);
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(presentations)
      .where(and(eq(presentations.sessionId, found.session.id), eq(presentations.accountId, facultyId)))
      .returning({ fileName: presentations.fileName, sha256: presentations.sha256 });
    if (!removed) return 'already';
    await recordChange(tx, deps.now(), {
      organizationId: found.organization.id,
      actorId: by.account.id,
      action: 'presentation_deleted',
      seriesId: found.series.id,
      sessionId: found.session.id,
      accountId: facultyId,
      clientAddress,
      before: { presentation: removed.fileName },
      note: { faculty: `${member.lastName}, ${member.firstName}`, sha256: removed.sha256 },
    });
    return 'deleted';
  });
}

/**
 * "Request presentation?": once the assignment has committed, the person is emailed where to upload
 * it. Coordinators get no copy (manual). The message key makes a repeated call send nothing.
 */
export async function requestPresentation(
  deps: Pick<AppDeps, 'db' | 'mailer' | 'clock' | 'config'>,
  organization: Organization,
  session: Session,
  accountId: string,
): Promise<void> {
  const { db } = deps;
  const [row] = await db
    .select({ member: sessionFaculty, account: accounts, series })
    .from(sessionFaculty)
    .innerJoin(accounts, eq(accounts.id, sessionFaculty.accountId))
    .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .where(and(eq(sessionFaculty.sessionId, session.id), eq(sessionFaculty.accountId, accountId)));
  if (!row?.member.requestPresentation || session.deactivatedAt) return;
  const { account } = row;
  const mail = await renderPresentationRequest({
    organizationName: organization.name,
    recipientFirstName: account.firstName,
    sessionName: session.name,
    seriesName: row.series.name,
    sessionWhen: formatSessionTime(session.startsAt, session.endsAt, session.timeZone),
    uploadUrl: `${deps.config.publicUrl}${presentationPath(`/${organization.code}/sessions/${session.id}`, account)}`,
    accepted: ACCEPTED_DESCRIPTION,
    limitMb: deps.config.PRESENTATION_MAX_MB,
  });
  const sent = await deps.mailer.send({
    idempotencyKey: `presentation-request:${session.id}:${account.id}:${row.member.addedAt.toISOString()}`,
    organizationId: organization.id,
    kind: 'presentation-request',
    to: account.email,
    ...mail,
  });
  if (sent.duplicate) return;
  await recordChange(db, deps.clock.now(), {
    organizationId: organization.id,
    actorId: null,
    accountId: account.id,
    action: 'presentation_requested',
    seriesId: session.seriesId,
    sessionId: session.id,
    note: { faculty: `${account.lastName}, ${account.firstName}` },
  });
}
