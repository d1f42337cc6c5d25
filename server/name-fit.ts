/**
 * 3 by 5, item 1: a session's name states its topic, "not the series name, not a date, nothing
 * extraneous" (coordinator manual). This check catches the usual slips; a reviewer can accept a
 * name it doubts.
 */

/** Words that name a kind of series, not a topic. */
const SERIES_WORDS = [
  'grand rounds',
  'tumor board',
  'tumour board',
  'case conference',
  'journal club',
  'morbidity and mortality',
  'm&m',
  'rounds',
  'series',
  'session',
  'weekly conference',
  'monthly conference',
  'noon conference',
  'tbd',
  'tba',
  'to be determined',
  'to be announced',
];

const MONTHS =
  /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|jun(e)?|jul(y)?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+\d{1,2}\b/i;
const NUMERIC_DATE = /\b\d{1,4}[/.-]\d{1,2}([/.-]\d{2,4})?\b/;
const WEEKDAY = /\b(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\b/i;
const YEAR = /\b(19|20)\d{2}\b/;

function words(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim()} `;
}

/** Why the name may not be a topic, or null when it reads as one. */
export function nameProblem(name: string, seriesName: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'The name is empty: enter the topic.';
  const typed = words(trimmed);
  const series = words(seriesName);
  if (series.trim() !== '' && (typed === series || typed.includes(series))) {
    return 'The name includes the series name; name the topic instead.';
  }
  if (MONTHS.test(trimmed) || NUMERIC_DATE.test(trimmed) || WEEKDAY.test(trimmed)) {
    return 'The name includes a date or weekday; the session’s date is shown beside it.';
  }
  for (const word of SERIES_WORDS) {
    if (typed.includes(` ${word} `)) return `The name includes “${word}”, which names a series, not a topic.`;
  }
  if (YEAR.test(trimmed) && trimmed.replace(YEAR, '').trim().length < 4) {
    return 'The name is only a year; enter the topic.';
  }
  if (trimmed.replace(/[^a-z]/gi, '').length < 3) return 'The name is too short to state a topic.';
  return null;
}
