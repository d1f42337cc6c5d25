import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { ChosenPerson, PeopleMatches } from '../../views/people-picker';
import { allow, hasRole } from '../access';
import type { AppEnv } from '../context';
import { asList } from '../forms';
import { PEOPLE_SHOWN, findPeople, peopleByIds } from '../people';
import { renderError } from '../respond';

/** The people picker's two answers: matches for what was typed, and one chosen person. */
export const peopleRoutes = new Hono<AppEnv>();

/** Pickers on the pages that choose people (series owners and coordinators). */
const PICKERS = ['owners', 'coordinators'] as const;
const staff = hasRole('reviewer', 'admin');

peopleRoutes.get(
  '/people',
  allow(staff),
  zValidator(
    'query',
    z.object({
      for: z.enum(PICKERS).catch('owners'),
      q: z.string().max(100).catch(''),
      owners: z.preprocess(asList, z.array(z.string().max(36)).max(200)).catch([]),
      coordinators: z.preprocess(asList, z.array(z.string().max(36)).max(200)).catch([]),
    }),
  ),
  async (c) => {
    const { for: picker, q, ...chosen } = c.req.valid('query');
    const organization = c.get('organization');
    // One more than shown, to know whether to say that more match.
    const found = await findPeople(c.get('deps').db, organization.id, q, {
      exclude: chosen[picker],
      limit: PEOPLE_SHOWN + 1,
    });
    return c.html(
      <PeopleMatches
        base={`/${organization.code}`}
        name={picker}
        typed={q}
        people={found.slice(0, PEOPLE_SHOWN)}
        more={found.length > PEOPLE_SHOWN}
      />,
    );
  },
);

peopleRoutes.get(
  '/people/chosen',
  allow(staff),
  zValidator('query', z.object({ for: z.enum(PICKERS).catch('owners'), id: z.uuid().catch('') })),
  async (c) => {
    const { for: picker, id } = c.req.valid('query');
    const organization = c.get('organization');
    const [person] = await peopleByIds(c.get('deps').db, organization.id, [id]);
    if (!person) return renderError(c, 'not_found');
    return c.html(
      <>
        <ChosenPerson name={picker} person={person} focus />
        {/* The matches have done their job: cleared, out of band. */}
        <div id={`${picker}-matches`} aria-live="polite" hx-swap-oob="true" />
      </>,
    );
  },
);
