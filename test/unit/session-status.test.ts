import { describe, expect, test } from 'vitest';
import { nameProblem } from '../../server/name-fit';
import {
  approvalBasis,
  type DisclosureFacts,
  deriveSessionStatus,
  type FacultyFacts,
  type SessionFacts,
} from '../../server/session-status';

const STARTS = new Date('2026-12-01T17:00:00Z');

function disclosure(id: string, submitted: string, companies: string[] = []): DisclosureFacts {
  return {
    id,
    submittedAt: new Date(submitted),
    relationships: companies.map((company, index) => ({
      id: `${id}-r${index}`,
      company,
      nature: 'consultant',
    })),
  };
}

function person(
  accountId: string,
  disclosures: DisclosureFacts[],
  reviews: FacultyFacts['reviews'] = [],
): FacultyFacts {
  return { accountId, disclosures, reviews };
}

function facts(overrides: Partial<SessionFacts> = {}): SessionFacts {
  return {
    name: 'Sepsis bundles after the 2026 guideline',
    seriesName: 'Medicine Grand Rounds',
    startsAt: STARTS,
    nameAcceptedAs: null,
    faculty: [person('ann', [disclosure('d1', '2026-06-01T12:00:00Z')])],
    approvedBasis: null,
    ...overrides,
  };
}

/** The facts approved as they stand, as a reviewer approving now would record them. */
function approved(base: SessionFacts): SessionFacts {
  return { ...base, approvedBasis: approvalBasis(base) };
}

describe('session status', () => {
  const cases: [string, SessionFacts, string, string[]][] = [
    ['no faculty', facts({ faculty: [] }), 'incomplete', []],
    [
      'a faculty member with no disclosure on file',
      facts({ faculty: [person('ann', [])] }),
      'incomplete',
      ['incomplete'],
    ],
    [
      'a disclosure submitted more than a year before the session',
      facts({ faculty: [person('ann', [disclosure('d0', '2025-11-30T12:00:00Z')])] }),
      'incomplete',
      ['incomplete'],
    ],
    [
      'the series name as the session name',
      facts({ name: 'Medicine Grand Rounds' }),
      'incomplete',
      ['pending'],
    ],
    [
      'a doubted name a reviewer accepted',
      facts({ name: 'Grand Rounds: Dr. Lee', nameAcceptedAs: 'Grand Rounds: Dr. Lee' }),
      'pending',
      ['pending'],
    ],
    ['nothing to disclose, not yet approved', facts(), 'pending', ['pending']],
    [
      'a disclosure submitted after the session does not reopen it',
      facts({
        faculty: [
          person('ann', [
            disclosure('d1', '2026-06-01T12:00:00Z'),
            disclosure('d2', '2026-12-05T12:00:00Z', ['Acme Pharma']),
          ]),
        ],
      }),
      'pending',
      ['pending'],
    ],
    [
      'a relationship awaiting review',
      facts({ faculty: [person('ann', [disclosure('d1', '2026-06-01T12:00:00Z', ['Acme Pharma'])])] }),
      'in_review',
      ['pending'],
    ],
    [
      'a relationship judged immitigable',
      facts({
        faculty: [
          person(
            'ann',
            [disclosure('d1', '2026-06-01T12:00:00Z', ['Acme Pharma'])],
            [{ relationshipId: 'd1-r0', outcome: 'immitigable' }],
          ),
        ],
      }),
      'rejected',
      ['rejected'],
    ],
    [
      'a relationship mitigated, not yet approved',
      facts({
        faculty: [
          person(
            'ann',
            [disclosure('d1', '2026-06-01T12:00:00Z', ['Acme Pharma'])],
            [{ relationshipId: 'd1-r0', outcome: 'mitigated' }],
          ),
        ],
      }),
      'pending',
      ['pending'],
    ],
    ['approved, nothing to disclose', approved(facts()), 'approved', ['approved']],
    [
      'approved after mitigation',
      approved(
        facts({
          faculty: [
            person(
              'ann',
              [disclosure('d1', '2026-06-01T12:00:00Z', ['Acme Pharma'])],
              [{ relationshipId: 'd1-r0', outcome: 'mitigated' }],
            ),
          ],
        }),
      ),
      'approved',
      ['approved_with_exceptions'],
    ],
    [
      'approved, then renamed',
      { ...approved(facts()), name: 'Sepsis bundles revisited' },
      'pending',
      ['pending'],
    ],
    [
      'approved, then moved to another day',
      { ...approved(facts()), startsAt: new Date('2026-12-02T17:00:00Z') },
      'pending',
      ['pending'],
    ],
    [
      'approved, then another speaker added without a disclosure',
      (() => {
        const before = approved(facts());
        return { ...before, faculty: [...before.faculty, person('bob', [])] };
      })(),
      'incomplete',
      ['pending', 'incomplete'],
    ],
    [
      'approved, then a new disclosure with a relationship arrived',
      (() => {
        const reviewed = facts({
          faculty: [
            person(
              'ann',
              [disclosure('d1', '2026-06-01T12:00:00Z', ['Acme Pharma'])],
              [{ relationshipId: 'd1-r0', outcome: 'not_relevant' }],
            ),
          ],
        });
        const before = approved(reviewed);
        return {
          ...before,
          faculty: [
            person(
              'ann',
              [
                disclosure('d1', '2026-06-01T12:00:00Z', ['Acme Pharma']),
                disclosure('d2', '2026-11-20T12:00:00Z', ['Acme Pharma', 'Beta Devices']),
              ],
              [{ relationshipId: 'd1-r0', outcome: 'not_relevant' }],
            ),
          ],
        };
      })(),
      'in_review',
      ['disclosure_updated'],
    ],
  ];

  test.each(cases)('%s → %s', (_name, given, status, faculty) => {
    const derived = deriveSessionStatus(given);
    expect(derived.status).toBe(status);
    expect(derived.faculty.map((one) => one.status)).toEqual(faculty);
    if (status !== 'approved') expect(derived.reasons.length).toBeGreaterThan(0);
  });

  test('each reason says what is missing', () => {
    expect(deriveSessionStatus(facts({ faculty: [] })).reasons).toEqual(['No faculty assigned.']);
    expect(deriveSessionStatus(facts({ faculty: [person('ann', [])] })).faculty[0]?.reason).toBe(
      'No disclosure on file.',
    );
  });
});

describe('name fit (3 by 5, item 1)', () => {
  test.each([
    ['', 'The name is empty: enter the topic.'],
    ['Medicine Grand Rounds', 'The name includes the series name; name the topic instead.'],
    ['Grand Rounds', 'The name includes “grand rounds”, which names a series, not a topic.'],
    ['Sepsis update March 4', 'The name includes a date or weekday; the session’s date is shown beside it.'],
    ['Sepsis update 3/4/26', 'The name includes a date or weekday; the session’s date is shown beside it.'],
    ['Tuesday lecture', 'The name includes a date or weekday; the session’s date is shown beside it.'],
    ['TBD', 'The name includes “tbd”, which names a series, not a topic.'],
    ['Heart failure with preserved ejection fraction', null],
    ['Sepsis: what changed in 2026', null],
  ])('“%s”', (name, problem) => {
    expect(nameProblem(name, 'Medicine Grand Rounds')).toBe(problem);
  });
});
