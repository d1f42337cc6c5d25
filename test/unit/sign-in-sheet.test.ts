import { describe, expect, test } from 'vitest';
import { csvRecords, parseSignInSheet, SHEET_MAX_ROWS } from '../../server/sign-in-sheet';

describe('reading a sign-in sheet', () => {
  test('quoted fields hold commas, quotes and line breaks; CRLF and a byte-order mark are fine', () => {
    expect(csvRecords('a,"b, c","say ""hi""","two\nlines"\r\nd,e\r\n')).toEqual([
      ['a', 'b, c', 'say "hi"', 'two\nlines'],
      ['d', 'e'],
    ]);
    expect(parseSignInSheet('\uFEFFEmail,Credits\r\nann@x.org,0.75\r\n').rows).toEqual([
      { line: 2, email: 'ann@x.org', credits: '0.75' },
    ]);
  });

  test('a header names the columns in any order and case; without one, the field with an @ is the email', () => {
    const named = parseSignInSheet(
      'Last name,First name,E-mail,credits\nLee,Ann,ann@x.org,\n\nOrtiz,Ben,ben@x.org,1',
    );
    expect(named.rows).toEqual([
      { line: 2, email: 'ann@x.org', credits: '' },
      { line: 4, email: 'ben@x.org', credits: '1' },
    ]);
    expect(parseSignInSheet('Lee;Ann;ann@x.org').rows).toEqual([
      { line: 1, email: 'ann@x.org', credits: '' },
    ]);
  });

  test('an empty sheet, or one too long, is refused whole with what to do', () => {
    expect(parseSignInSheet(' \n,,\n').problem).toBe(
      'The sheet is empty: it needs one row per learner, with their email.',
    );
    const long = `email\n${Array.from({ length: SHEET_MAX_ROWS + 1 }, (_, i) => `p${i}@x.org`).join('\n')}`;
    expect(parseSignInSheet(long).problem).toBe(
      `The sheet has ${SHEET_MAX_ROWS + 1} rows; at most ${SHEET_MAX_ROWS} go at once. Split it.`,
    );
  });
});
