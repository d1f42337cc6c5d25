import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { evaluationQuestionsSchema, STANDARD_EVALUATION } from '../../server/evaluation-forms';

test('the standard evaluation is valid, and migration 0015 gave existing organizations the same questions', async () => {
  expect(evaluationQuestionsSchema.safeParse(STANDARD_EVALUATION.questions).success).toBe(true);
  const sql = await readFile(
    new URL('../../db/migrations/0015_evaluations_certificates_transcripts.sql', import.meta.url),
    'utf8',
  );
  const literal = /'(\[.*\])'::jsonb/.exec(sql)?.[1];
  expect(literal).toBeDefined();
  expect(JSON.parse(literal!.replaceAll("''", "'"))).toEqual(STANDARD_EVALUATION.questions);
  expect(sql).toContain(`'${STANDARD_EVALUATION.name}'`);
});
