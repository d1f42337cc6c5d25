import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { DisclosureFormPage, MyDisclosuresPage } from '../../views/disclosure-form-page';
import { formatInstant } from '../../views/time';
import { allow, signedIn } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import {
  type DisclosureInput,
  disclosuresOf,
  InvalidDisclosure,
  MAX_RELATIONSHIPS,
  type RelationshipInput,
  submitDisclosure,
} from '../disclosures';
import { validForm } from '../forms';
import { disclosureSubmitted } from '../lifecycles/after-change';
import { noticeNext, takeNotice } from '../notice';
import { chrome, viewerOf } from '../page';
import { disclosureLapsesAt } from '../session-status';

/**
 * The disclosure form: one stable address per organization (/{code}/disclosure) that coordinators
 * can paste into their own mail; signing in first if need be. And "My disclosures".
 */
export const disclosureRoutes = new Hono<AppEnv>();

const ROWS_SHOWN = 3;

const emptyRow = (): RelationshipInput => ({ company: '', nature: '', natureOther: '', endedOn: '' });

function emptyDisclosure(): DisclosureInput {
  return {
    answer: '',
    relationships: Array.from({ length: ROWS_SHOWN }, emptyRow),
    ownerOrEmployee: false,
    signature: '',
    attest: false,
  };
}

async function renderForm(c: Context<AppEnv>, values: DisclosureInput, errors?: InvalidDisclosure['fields']) {
  const viewer = viewerOf(c);
  const organization = c.get('organization');
  const now = c.get('deps').clock.now();
  const [latest] = await disclosuresOf(c.get('deps').db, viewer.account.id);
  const lapses = latest ? disclosureLapsesAt(latest.submittedAt) : null;
  const today = new Intl.DateTimeFormat('en-US', {
    timeZone: organization.timeZone,
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  }).format(now);
  return c.html(
    <DisclosureFormPage
      {...chrome(c)}
      values={values}
      today={today}
      activeThrough={lapses && lapses > now ? formatInstant(lapses, organization.timeZone) : undefined}
      {...(errors ? { errors } : {})}
    />,
    errors ? 400 : 200,
  );
}

disclosureRoutes.get('/disclosure', allow(signedIn), (c) => renderForm(c, emptyDisclosure()));

/** Rows arrive as company-0, nature-0, natureOther-0, endedOn-0…; `rows` says how many the page had. */
const disclosureForm = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

function readForm(form: Record<string, string | string[]>): { values: DisclosureInput; more: boolean } {
  const one = (name: string) => {
    const value = form[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  const shown = Math.min(MAX_RELATIONSHIPS, Math.max(ROWS_SHOWN, Number.parseInt(one('rows'), 10) || 0));
  const relationships = Array.from({ length: shown }, (_, index) => ({
    company: one(`company-${index}`),
    nature: one(`nature-${index}`),
    natureOther: one(`natureOther-${index}`),
    endedOn: one(`endedOn-${index}`),
  }));
  return {
    values: {
      answer: one('answer'),
      relationships,
      ownerOrEmployee: one('ownerOrEmployee') === 'on',
      signature: one('signature'),
      attest: one('attest') === 'on',
    },
    more: one('more') === '1',
  };
}

disclosureRoutes.post(
  '/disclosure',
  allow(signedIn),
  validForm(disclosureForm, (c, rejected) => renderForm(c, emptyDisclosure(), rejected.errors)),
  async (c) => {
    const { values, more } = readForm(c.req.valid('form'));
    if (more) {
      const rows = Math.min(MAX_RELATIONSHIPS, values.relationships.length + ROWS_SHOWN);
      while (values.relationships.length < rows) values.relationships.push(emptyRow());
      return renderForm(c, values);
    }
    const organization = c.get('organization');
    const viewer = viewerOf(c);
    const { db, clock } = c.get('deps');
    try {
      const submitted = await submitDisclosure(
        { db, now: () => clock.now(), timeZone: organization.timeZone },
        viewer.account,
        values,
        clientAddress(c),
      );
      disclosureSubmitted(c.get('deps'), organization, submitted.disclosure, submitted.previousDisclosureIds);
    } catch (error) {
      if (error instanceof InvalidDisclosure) return renderForm(c, values, error.fields);
      throw error;
    }
    noticeNext(c, 'disclosure-submitted');
    return c.redirect(`/${organization.code}/disclosures`, 303);
  },
);

disclosureRoutes.get('/disclosures', allow(signedIn), async (c) => {
  const viewer = viewerOf(c);
  const { db, clock } = c.get('deps');
  const notice =
    takeNotice(c) === 'disclosure-submitted'
      ? 'Thank you: your disclosure is on file. Sessions you teach will show it.'
      : undefined;
  return c.html(
    <MyDisclosuresPage
      {...chrome(c)}
      disclosures={await disclosuresOf(db, viewer.account.id)}
      now={clock.now()}
      notice={notice}
    />,
  );
});
