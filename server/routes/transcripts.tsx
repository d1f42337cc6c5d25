import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { renderTranscriptMail } from '../../views/mail/transcript';
import { renderTranscriptPdf } from '../../views/transcript-pdf';
import { TranscriptPage } from '../../views/transcript-page';
import { formatDate } from '../../views/time';
import { allow, signedIn } from '../access';
import { audit } from '../audit';
import type { AppEnv } from '../context';
import {
  addExternalCredit,
  EXTERNAL_CREDIT_MAX_BYTES,
  EXTERNAL_CREDITS_PER_LEARNER,
  externalCreditCount,
  EXTERNAL_FILE_TYPES,
  externalCreditSchema,
  externalFileKind,
  ownExternalCredit,
  removeExternalCredit,
} from '../external-credits';
import {
  type FieldErrors,
  type FormValues,
  fieldErrors,
  fieldsOverLimit,
  formValues,
  validForm,
  validParams,
} from '../forms';
import { chrome, viewerOf } from '../page';
import { attachmentDisposition, fileNameSlug } from '../presentation-types';
import { RateLimited } from '../rate-limits';
import { renderError } from '../respond';
import { retryMessage } from '../throttle';
import { defaultRange, judgeRange, rangeQuery, transcriptCsv, transcriptOf } from '../transcripts';
import { localDate } from '../../workflows/calendar';

/**
 * My CE → Transcripts: by date range, as a page, a PDF and a CSV; emailed (rate limited, audited);
 * and the learner's external credit with its file. Everything is the signed-in learner's own.
 */
export const transcriptRoutes = new Hono<AppEnv>();

const PATH = '/my-ce/transcript';

function rangeOf(c: Context<AppEnv>, typed: { from?: string | undefined; to?: string | undefined }) {
  const organization = c.get('organization');
  return judgeRange(typed, defaultRange(organization, c.get('deps').clock.now()));
}

async function transcriptPage(
  c: Context<AppEnv>,
  typed: { from?: string | undefined; to?: string | undefined },
  extra: {
    mail?: { values: FormValues; errors: FieldErrors };
    external?: { values: FormValues; errors: FieldErrors };
    said?: string;
  } = {},
  status: 200 | 400 | 404 | 413 | 429 = 200,
) {
  const organization = c.get('organization');
  const { db, clock } = c.get('deps');
  const { account } = viewerOf(c);
  const judged = rangeOf(c, typed);
  const range = 'range' in judged ? judged.range : { from: typed.from ?? '', to: typed.to ?? '' };
  const transcript =
    'range' in judged ? await transcriptOf(db, organization, account, judged.range, clock.now()) : null;
  return c.html(
    <TranscriptPage
      {...chrome(c)}
      organization={organization}
      transcript={transcript}
      range={range}
      rangeErrors={'errors' in judged ? judged.errors : undefined}
      learnerEmail={account.email}
      mail={extra.mail}
      external={extra.external}
      said={extra.said}
    />,
    'errors' in judged && status === 200 ? 400 : status,
  );
}

transcriptRoutes.get(PATH, allow(signedIn), (c) => {
  const parsed = rangeQuery.safeParse(c.req.query());
  return transcriptPage(c, parsed.success ? parsed.data : {});
});

/** The transcript for the query's dates, or null (a page saying what is wrong was the answer). */
async function transcriptFor(c: Context<AppEnv>) {
  const parsed = rangeQuery.safeParse(c.req.query());
  const judged = rangeOf(c, parsed.success ? parsed.data : {});
  if (!('range' in judged)) return null;
  const { db, clock } = c.get('deps');
  return transcriptOf(db, c.get('organization'), viewerOf(c).account, judged.range, clock.now());
}

function fileBase(c: Context<AppEnv>, transcript: { from: string; to: string }) {
  const { account } = viewerOf(c);
  return `transcript-${fileNameSlug(`${account.lastName} ${account.firstName}`)}-${transcript.from}-to-${transcript.to}`;
}

transcriptRoutes.get(`${PATH}/pdf`, allow(signedIn), async (c) => {
  const transcript = await transcriptFor(c);
  if (!transcript) return transcriptPage(c, c.req.query());
  const pdf = await renderTranscriptPdf(transcript, c.get('organization').timeZone);
  return c.body(new Uint8Array(pdf), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': attachmentDisposition(`${fileBase(c, transcript)}.pdf`),
  });
});

transcriptRoutes.get(`${PATH}/csv`, allow(signedIn), async (c) => {
  const transcript = await transcriptFor(c);
  if (!transcript) return transcriptPage(c, c.req.query());
  return c.body(transcriptCsv(transcript), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': attachmentDisposition(`${fileBase(c, transcript)}.csv`),
  });
});

const emailForm = z
  .object({
    from: z.string().max(20).optional(),
    to: z.string().max(20).optional(),
    sendTo: z.enum(['me', 'other'], { error: 'Choose who gets it.' }),
    email: z
      .string()
      .max(254)
      .optional()
      .default('')
      .transform((email) => email.trim()),
  })
  .superRefine((form, ctx) => {
    if (form.sendTo === 'other' && !z.email().safeParse(form.email).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'Enter the email address to send it to, like name@example.org.',
      });
    }
  });

/** The dates a form carried back, as the page's query would. */
function typedRange(values: FormValues) {
  const one = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  return { from: one('from'), to: one('to') };
}

transcriptRoutes.post(
  `${PATH}/email`,
  allow(signedIn),
  validForm(emailForm, (c, rejected) =>
    transcriptPage(c, typedRange(rejected.values), { mail: rejected }, 400),
  ),
  async (c) => {
    const deps = c.get('deps');
    const organization = c.get('organization');
    const { account } = viewerOf(c);
    const form = c.req.valid('form');
    const values: FormValues = { sendTo: form.sendTo, email: form.email };
    const recipient = form.sendTo === 'other' ? form.email : account.email;
    const typed = { from: form.from, to: form.to };
    const judged = rangeOf(c, typed);
    if (!('range' in judged)) return transcriptPage(c, typed);
    try {
      await deps.rateLimits.transcriptMailsByAccount.take(account.id);
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      return transcriptPage(
        c,
        typed,
        {
          mail: {
            values,
            errors: { form: retryMessage(error.retryAfterSeconds, 'You have emailed several transcripts.') },
          },
        },
        429,
      );
    }
    const transcript = await transcriptOf(deps.db, organization, account, judged.range, deps.clock.now());
    const pdf = await renderTranscriptPdf(transcript, organization.timeZone);
    const mail = await renderTranscriptMail({
      organizationName: organization.name,
      learnerName: transcript.learnerName,
      dates: `${formatDate(transcript.from)} to ${formatDate(transcript.to)}`,
      forSomeoneElse: recipient !== account.email,
    });
    const sentAt = deps.clock.now();
    await deps.mailer.send({
      idempotencyKey: `transcript:${account.id}:${sentAt.getTime()}`,
      organizationId: organization.id,
      kind: 'transcript',
      to: recipient,
      ...mail,
      attachments: [{ filename: `${fileBase(c, transcript)}.pdf`, content: pdf }],
    });
    await audit(c, 'transcript_emailed', {
      accountId: account.id,
      detail: { to: recipient, from: transcript.from, through: transcript.to },
    });
    return transcriptPage(c, typed, { said: `Your transcript is on its way to ${recipient}.` });
  },
);

transcriptRoutes.post(`${PATH}/external`, allow(signedIn), async (c) => {
  const deps = c.get('deps');
  const organization = c.get('organization');
  const { account } = viewerOf(c);
  // Already parsed (and size-checked) by the CSRF check; this reads the cached form.
  const raw = (await c.req.parseBody()) as Record<string, unknown>;
  const values = formValues(raw);
  const overLimit = fieldsOverLimit(raw);
  if (overLimit) return transcriptPage(c, {}, { external: { values, errors: overLimit } }, 400);
  const today = localDate(deps.clock.now(), organization.timeZone);
  const parsed = externalCreditSchema(today).safeParse(values);
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error.issues);
  const file = raw.file;
  let upload: { name: string; kind: 'pdf' | 'png' | 'jpeg'; bytes: Uint8Array } | null = null;
  if ((await externalCreditCount(deps.db, organization.id, account.id)) >= EXTERNAL_CREDITS_PER_LEARNER) {
    errors.file = `You have ${EXTERNAL_CREDITS_PER_LEARNER} external credits, as many as Rounds keeps for one learner. Remove one you no longer need first.`;
  } else if (!(file instanceof File) || file.size === 0) {
    errors.file = 'Choose the certificate or transcript to upload.';
  } else if (file.size > EXTERNAL_CREDIT_MAX_BYTES) {
    errors.file = `That file is larger than ${EXTERNAL_CREDIT_MAX_BYTES / (1024 * 1024)} MB. Choose a smaller one.`;
  } else {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const kind = externalFileKind(bytes);
    if (!kind) errors.file = 'That file is not a PDF, PNG or JPEG. Save or scan it as one and try again.';
    else upload = { name: file.name, kind, bytes };
  }
  if (!parsed.success || !upload) {
    return transcriptPage(c, {}, { external: { values, errors } }, 400);
  }
  const added = await addExternalCredit(deps.db, {
    ...parsed.data,
    organizationId: organization.id,
    accountId: account.id,
    file: upload,
    addedById: null,
    now: deps.clock.now(),
  });
  await audit(c, 'external_credit_added', {
    accountId: account.id,
    detail: {
      externalCreditId: added.id,
      title: added.title,
      credits: added.credits,
      creditType: added.creditType,
    },
  });
  // Shown for a range that holds it, so the learner sees it listed at once.
  const range = rangeOf(c, {});
  const from = 'range' in range && added.completedOn < range.range.from ? added.completedOn : undefined;
  return transcriptPage(
    c,
    { from },
    { said: `Added: ${added.title}, ${added.credits} ${added.creditType}.` },
  );
});

const externalParam = validParams(z.object({ id: z.uuid() }));

transcriptRoutes.get(`${PATH}/external/:id/file`, allow(signedIn), externalParam, async (c) => {
  const { db } = c.get('deps');
  const found = await ownExternalCredit(
    db,
    c.get('organization').id,
    viewerOf(c).account.id,
    c.req.valid('param').id,
  );
  if (!found?.file || !found.fileKind) return renderError(c, 'not_found');
  const type = EXTERNAL_FILE_TYPES[found.fileKind];
  const name = (found.fileName ?? 'certificate').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return c.body(new Uint8Array(found.file), 200, {
    'Content-Type': type.mime,
    'Content-Disposition': attachmentDisposition(`${name}.${type.extension}`),
    'Cache-Control': 'private, no-store',
  });
});

transcriptRoutes.post(`${PATH}/external/:id/remove`, allow(signedIn), externalParam, async (c) => {
  const { db } = c.get('deps');
  const { account } = viewerOf(c);
  const removed = await removeExternalCredit(
    db,
    c.get('organization').id,
    account.id,
    c.req.valid('param').id,
    false,
  );
  if (!removed) return renderError(c, 'not_found');
  await audit(c, 'external_credit_removed', {
    accountId: account.id,
    detail: { externalCreditId: removed.id, title: removed.title },
  });
  return transcriptPage(c, {}, { said: `Removed: ${removed.title}.` });
});
