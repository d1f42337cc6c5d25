import { and, eq, ne } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { evaluationForms, postTests } from '../../db/schema';
import { CreditTemplatesPage, EvaluationFormEditor, PostTestEditor } from '../../views/credit-templates-page';
import { allow, hasRole } from '../access';
import { audit } from '../audit';
import type { AppEnv } from '../context';
import { formText, parseFormText } from '../evaluation-forms';
import { type FieldErrors, type FormValues, typedField, validForm, validParams } from '../forms';
import { chrome } from '../page';
import { parseTestText, postTestFields, postTestOf, postTestsOf, testText } from '../post-tests';
import { renderError } from '../respond';

/**
 * The CME office keeps the organization's evaluations and post-tests. Learners already asked keep
 * the questions they were given (credit_requirements copies them), so an edit is safe any time.
 */
export const creditTemplateRoutes = new Hono<AppEnv>();

const staff = hasRole('reviewer', 'admin');
const idParam = validParams(z.object({ id: z.uuid() }));

creditTemplateRoutes.get('/admin/evaluations', allow(staff), async (c) => {
  const organization = c.get('organization');
  const { db } = c.get('deps');
  const forms = await db
    .select()
    .from(evaluationForms)
    .where(eq(evaluationForms.organizationId, organization.id))
    .orderBy(evaluationForms.name);
  return c.html(
    <CreditTemplatesPage
      {...chrome(c)}
      organization={organization}
      forms={forms.sort((a, b) => Number(b.standard) - Number(a.standard))}
      tests={await postTestsOf(db, organization.id)}
    />,
  );
});

// ---- Evaluations ----

/** Every problem named at once: the name, and the first question the editor cannot read. */
const evaluationFormFields = z.object({
  name: z.string().trim().min(1, 'Name the evaluation.').max(200, 'Keep the name under 200 characters.'),
  questions: typedField.superRefine((text, ctx) => {
    const read = parseFormText(text);
    if ('error' in read) ctx.addIssue({ code: 'custom', message: read.error });
  }),
});

async function formById(c: Context<AppEnv>, id: string) {
  const [form] = await c
    .get('deps')
    .db.select()
    .from(evaluationForms)
    .where(and(eq(evaluationForms.id, id), eq(evaluationForms.organizationId, c.get('organization').id)));
  return form ?? null;
}

function evaluationEditor(
  c: Context<AppEnv>,
  id: string | null,
  form: { values: FormValues; errors: FieldErrors },
  status: 200 | 400 = 200,
) {
  const base = `/${c.get('organization').code}/admin/evaluations`;
  return c.html(
    <EvaluationFormEditor
      {...chrome(c)}
      organization={c.get('organization')}
      action={id ? `${base}/${id}` : `${base}/new`}
      editing={id !== null}
      values={form.values}
      errors={form.errors}
    />,
    status,
  );
}

creditTemplateRoutes.get('/admin/evaluations/new', allow(staff), (c) =>
  evaluationEditor(c, null, {
    values: {
      name: '',
      questions:
        'The session met its stated learning objectives.\nrating: Strongly disagree | Disagree | Neutral | Agree | Strongly agree',
    },
    errors: {},
  }),
);

creditTemplateRoutes.get('/admin/evaluations/:id', allow(staff), idParam, async (c) => {
  const form = await formById(c, c.req.valid('param').id);
  if (!form) return renderError(c, 'not_found');
  return evaluationEditor(c, form.id, {
    values: { name: form.name, questions: formText(form.questions) },
    errors: {},
  });
});

/** Saves a new evaluation (id null) or an edited one; a name taken comes back on the form. */
async function saveEvaluation(
  c: Context<AppEnv>,
  id: string | null,
  form: z.output<typeof evaluationFormFields>,
) {
  const organization = c.get('organization');
  const { db, clock } = c.get('deps');
  const existing = id ? await formById(c, id) : null;
  if (id && !existing) return renderError(c, 'not_found');
  // Read again with the questions it had, so a question kept keeps its id and its answers.
  const read = parseFormText(form.questions, existing?.questions);
  if ('error' in read)
    return evaluationEditor(c, id, { values: form, errors: { questions: read.error } }, 400);
  const [clash] = await db
    .select({ id: evaluationForms.id })
    .from(evaluationForms)
    .where(
      and(
        eq(evaluationForms.organizationId, organization.id),
        eq(evaluationForms.name, form.name),
        id ? ne(evaluationForms.id, id) : undefined,
      ),
    );
  if (clash)
    return evaluationEditor(
      c,
      id,
      { values: form, errors: { name: 'Another evaluation has that name.' } },
      400,
    );
  const [saved] = id
    ? await db
        .update(evaluationForms)
        .set({ name: form.name, questions: read.questions, updatedAt: clock.now() })
        .where(and(eq(evaluationForms.id, id), eq(evaluationForms.organizationId, organization.id)))
        .returning()
    : await db
        .insert(evaluationForms)
        .values({ organizationId: organization.id, name: form.name, questions: read.questions })
        .returning();
  if (!saved) return renderError(c, 'not_found');
  await audit(c, 'evaluation_form_saved', {
    detail: {
      evaluationFormId: saved.id,
      name: saved.name,
      questions: saved.questions.length,
      created: id === null,
    },
  });
  return c.redirect(`/${organization.code}/admin/evaluations`, 303);
}

const evaluationForm = validForm(evaluationFormFields, (c, rejected) =>
  evaluationEditor(c, c.req.param('id') ?? null, rejected, 400),
);
creditTemplateRoutes.post('/admin/evaluations/new', allow(staff), evaluationForm, (c) =>
  saveEvaluation(c, null, c.req.valid('form')),
);
creditTemplateRoutes.post('/admin/evaluations/:id', allow(staff), idParam, evaluationForm, (c) =>
  saveEvaluation(c, c.req.valid('param').id, c.req.valid('form')),
);

// ---- Post-tests ----

function postTestEditor(
  c: Context<AppEnv>,
  id: string | null,
  form: { values: FormValues; errors: FieldErrors },
  status: 200 | 400 = 200,
) {
  const base = `/${c.get('organization').code}/admin/post-tests`;
  return c.html(
    <PostTestEditor
      {...chrome(c)}
      organization={c.get('organization')}
      action={id ? `${base}/${id}` : `${base}/new`}
      editing={id !== null}
      values={form.values}
      errors={form.errors}
    />,
    status,
  );
}

creditTemplateRoutes.get('/admin/post-tests/new', allow(staff), (c) =>
  postTestEditor(c, null, {
    values: { name: '', passingScore: '80', attemptsAllowed: '3', questions: '' },
    errors: {},
  }),
);

creditTemplateRoutes.get('/admin/post-tests/:id', allow(staff), idParam, async (c) => {
  const test = await postTestOf(c.get('deps').db, c.get('organization').id, c.req.valid('param').id);
  if (!test) return renderError(c, 'not_found');
  return postTestEditor(c, test.id, {
    values: {
      name: test.name,
      passingScore: String(test.passingScore),
      attemptsAllowed: String(test.attemptsAllowed),
      questions: testText(test.questions),
    },
    errors: {},
  });
});

/** The post-test form: every problem named at once, its questions' too. */
const postTestForm = postTestFields.extend({
  questions: typedField.superRefine((text, ctx) => {
    const read = parseTestText(text);
    if ('error' in read) ctx.addIssue({ code: 'custom', message: read.error });
  }),
});

async function savePostTest(c: Context<AppEnv>, id: string | null, form: z.output<typeof postTestForm>) {
  const organization = c.get('organization');
  const { db, clock } = c.get('deps');
  const values: FormValues = {
    name: form.name,
    passingScore: String(form.passingScore),
    attemptsAllowed: String(form.attemptsAllowed),
    questions: form.questions,
  };
  const read = parseTestText(form.questions);
  if ('error' in read) return postTestEditor(c, id, { values, errors: { questions: read.error } }, 400);
  if (id && !(await postTestOf(db, organization.id, id))) return renderError(c, 'not_found');
  const [clash] = await db
    .select({ id: postTests.id })
    .from(postTests)
    .where(
      and(
        eq(postTests.organizationId, organization.id),
        eq(postTests.name, form.name),
        id ? ne(postTests.id, id) : undefined,
      ),
    );
  if (clash)
    return postTestEditor(c, id, { values, errors: { name: 'Another post-test has that name.' } }, 400);
  const fields = {
    name: form.name,
    passingScore: form.passingScore,
    attemptsAllowed: form.attemptsAllowed,
    questions: read.questions,
  };
  const [saved] = id
    ? await db
        .update(postTests)
        .set({ ...fields, updatedAt: clock.now() })
        .where(and(eq(postTests.id, id), eq(postTests.organizationId, organization.id)))
        .returning()
    : await db
        .insert(postTests)
        .values({ ...fields, organizationId: organization.id })
        .returning();
  if (!saved) return renderError(c, 'not_found');
  await audit(c, 'post_test_saved', {
    detail: {
      postTestId: saved.id,
      name: saved.name,
      questions: saved.questions.length,
      created: id === null,
    },
  });
  return c.redirect(`/${organization.code}/admin/evaluations`, 303);
}

const postTestValidForm = validForm(postTestForm, (c, rejected) =>
  postTestEditor(c, c.req.param('id') ?? null, rejected, 400),
);
creditTemplateRoutes.post('/admin/post-tests/new', allow(staff), postTestValidForm, (c) =>
  savePostTest(c, null, c.req.valid('form')),
);
creditTemplateRoutes.post('/admin/post-tests/:id', allow(staff), idParam, postTestValidForm, (c) =>
  savePostTest(c, c.req.valid('param').id, c.req.valid('form')),
);
