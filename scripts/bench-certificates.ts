/**
 * Certificates for a whole session, part of `npm run bench`: 1,000 learners' claims of one session,
 * each certificate generated (PDF with its QR code), stored, and its mail queued with the PDF
 * attached, by the credit lifecycle's own activity (issueCertificate) at the worker's default
 * concurrency of activities (100). Three sessions, one run each; the median is reported, with
 * the PDF's size. Then three more with every learner's name in letters Helvetica lacks, so each
 * certificate embeds its font. The outbox transport stands in for Resend (the mail is recorded,
 * not sent).
 */
import { randomBytes } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createCreditActivities } from '../activities/credit';
import { openDatabase } from '../db/client';
import { accounts, certificates, claims, messages } from '../db/schema';
import { systemClock } from '../server/clock';
import { loadConfig } from '../server/config';
import { createMailer } from '../server/mail';
import { seedApprovedSession, seedOrganization, seedSeries } from '../test/support/seed';

const LEARNERS = Number(process.env.BENCH_CERTIFICATES ?? 1000);
const RUNS = 3;
/** Temporal's default maxConcurrentActivityTaskExecutions: how many the worker runs at once. */
const CONCURRENCY = 100;

export async function benchCertificates(
  baseUrl: string,
  median: (values: number[]) => number,
): Promise<[string, string][]> {
  const name = `rounds_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), maxConnections: 10 });
  try {
    await handle.migrate();
    const { db } = handle;
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: url.toString(),
      PUBLIC_URL: 'https://cme.bench.example',
    });
    const organization = await seedOrganization(db, {
      name: 'Bench Medical Center',
      accreditationStatement:
        'Bench Medical Center is accredited by the Accreditation Council for Continuing Medical Education (ACCME) to provide continuing medical education for physicians.',
      creditDesignationStatement:
        'Bench Medical Center designates this live activity for a maximum of 1.0 AMA PRA Category 1 Credit™. Physicians should claim only the credit commensurate with the extent of their participation in the activity.',
      certificateSigner: 'Jane Roe, MD, Director of CME',
    });
    const grandRounds = await seedSeries(db, organization);
    await db.execute(sql`
      insert into accounts (organization_id, email, email_key, first_name, last_name, degree, profession, password_hash)
      select ${organization.id}, 'learner' || n || '@bench.test', 'learner' || n || '@bench.test',
             'Learner', 'Number ' || n, 'MD', 'Physician', 'not a hash: nobody signs in'
      from generate_series(1, ${LEARNERS}) n`);
    const learners = await db.select({ id: accounts.id }).from(accounts);
    const activities = createCreditActivities({
      db,
      clock: systemClock,
      mailer: createMailer({ config, db, clock: systemClock }),
      publicUrl: config.publicUrl,
    });
    let part = 0;
    /** RUNS sessions, each with every learner's claim, their certificates issued at once; ms each. */
    const issueSessions = async () => {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        part += 1;
        const session = await seedApprovedSession(db, grandRounds, {
          name: `Sepsis update, part ${part}`,
          startsAt: new Date(Date.now() - 2 * 3_600_000),
          endsAt: new Date(Date.now() - 3_600_000),
        });
        const claimed = await db
          .insert(claims)
          .values(
            learners.map((learner) => ({
              organizationId: organization.id,
              sessionId: session.id,
              accountId: learner.id,
              channel: 'sms' as const,
              credits: '1.00',
              claimedAt: new Date(),
              lifecycleStartedAt: new Date(),
              creditRecordedAt: new Date(),
            })),
          )
          .returning({ id: claims.id });
        const t0 = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < claimed.length) {
              const claim = claimed[next++];
              if (claim) await activities.issueCertificate({ claimId: claim.id });
            }
          }),
        );
        times.push(performance.now() - t0);
        const [issued] = await db
          .select({ n: count() })
          .from(certificates)
          .where(eq(certificates.sessionId, session.id));
        if (issued?.n !== LEARNERS) throw new Error(`${issued?.n} certificates for ${LEARNERS} claims`);
      }
      return times;
    };
    const times = await issueSessions();
    const [mailed] = await db.select({ n: count() }).from(messages).where(eq(messages.kind, 'certificate'));
    const [size] = await db
      .select({ bytes: sql<number>`avg(length(${certificates.pdf}))::int` })
      .from(certificates);
    // The same again with names Helvetica cannot print: each certificate embeds DejaVu Sans, cut
    // down to its letters (views/pdf-fonts.ts).
    await db
      .update(accounts)
      .set({ firstName: 'Nguyễn Thị', lastName: sql`'Łukasiewicz ' || ${accounts.id}` });
    const unicodeTimes = await issueSessions();
    const [unicodeSize] = await db
      .select({ bytes: sql<number>`avg(length(${certificates.pdf}))::int` })
      .from(certificates)
      .innerJoin(claims, eq(claims.id, certificates.claimId))
      .innerJoin(accounts, eq(accounts.id, claims.accountId))
      .where(eq(accounts.firstName, 'Nguyễn Thị'));
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [
      [
        `${LEARNERS} certificates for one session, generated, stored and mail queued (median of ${RUNS})`,
        `${seconds(median(times))} (runs: ${times.map(seconds).join(', ')}); ${((median(times) / LEARNERS) * 1000).toFixed(0)} µs each`,
      ],
      [
        'mail queued with the PDF attached',
        `${mailed?.n ?? 0} messages; PDF ${((size?.bytes ?? 0) / 1024).toFixed(1)} KB each`,
      ],
      [
        `the same, every name one Helvetica lacks (DejaVu Sans embedded, median of ${RUNS})`,
        `${seconds(median(unicodeTimes))} (runs: ${unicodeTimes.map(seconds).join(', ')}); PDF ${((unicodeSize?.bytes ?? 0) / 1024).toFixed(1)} KB each`,
      ],
    ];
  } finally {
    await handle.close();
    await admin.unsafe(`drop database ${name} with (force)`);
    await admin.end();
  }
}
