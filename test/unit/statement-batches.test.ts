import { describe, expect, test } from 'vitest';
import { statementBatches } from '../../server/statement-batches';

/** A statement that answers each input with its double, and remembers each batch it was given. */
function doubling(options: { keyOf?: (n: number) => string; maxBatch?: number; fail?: boolean } = {}) {
  const statements: number[][] = [];
  const batches = statementBatches<number, number>({
    execute: async (inputs) => {
      statements.push(inputs);
      if (options.fail) throw new Error('the database is gone');
      return inputs.map((n) => n * 2);
    },
    ...(options.keyOf ? { keyOf: options.keyOf } : {}),
    ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
  });
  return { batches, statements };
}

describe('statements shared by the texts answered in one turn', () => {
  test('what arrives in one turn goes in one statement, and each caller gets its own answer', async () => {
    const { batches, statements } = doubling();
    const answers = await Promise.all([1, 2, 3, 4].map((n) => batches.run(n)));
    expect(answers).toEqual([2, 4, 6, 8]);
    expect(statements).toEqual([[1, 2, 3, 4]]);
    // A later turn gets a statement of its own.
    expect(await batches.run(5)).toBe(10);
    expect(statements).toHaveLength(2);
  });

  test('inputs with the same key never share a statement: the second goes in the next one', async () => {
    const { batches, statements } = doubling({ keyOf: (n) => String(n % 10) });
    const answers = await Promise.all([1, 11, 2, 21].map((n) => batches.run(n)));
    expect(answers).toEqual([2, 22, 4, 42]);
    expect(statements).toEqual([[1, 2], [11], [21]]);
  });

  test('a batch holds at most maxBatch inputs', async () => {
    const { batches, statements } = doubling({ maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batches.run(n)));
    expect(statements).toEqual([[1, 2], [3, 4], [5]]);
  });

  test('a failed statement fails every caller in it, and the next turn starts afresh', async () => {
    const failing = doubling({ fail: true });
    const results = await Promise.allSettled([1, 2].map((n) => failing.batches.run(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('the database is gone');
  });

  test('a statement that answers the wrong number of rows fails its callers rather than mixing up answers', async () => {
    const batches = statementBatches<number, number>({ execute: async (inputs) => inputs.slice(1) });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batches.run(n)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });
});
