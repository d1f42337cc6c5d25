/**
 * Many callers' rows in one statement: what arrives while the event loop is busy (a room's texts,
 * answered in the same turn) waits for the turn to end and goes to the database together. Each
 * statement is a round trip, a socket write and a commit; a room of 300 texting at once pays them
 * once per batch instead of once per text. A caller waits at most one turn of the loop.
 */
export interface StatementBatches<Input, Output> {
  run(input: Input): Promise<Output>;
}

interface Waiting<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export interface StatementBatchOptions<Input, Output> {
  /** One statement for all the inputs, answering each in the order given. */
  execute(inputs: Input[]): Promise<Output[]>;
  /**
   * Inputs with the same key never share a statement (two texts of one learner for one session:
   * one statement cannot tell which of its rows wrote the claim). Such an input goes in the next
   * batch, which may run beside the first; the database's unique indexes order the two.
   */
  keyOf?(input: Input): string;
  /** The most inputs in one statement. */
  maxBatch?: number;
}

export function statementBatches<Input, Output>(
  options: StatementBatchOptions<Input, Output>,
): StatementBatches<Input, Output> {
  const maxBatch = options.maxBatch ?? 100;
  let waiting: Waiting<Input, Output>[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch: Waiting<Input, Output>[] = [];
    const later: Waiting<Input, Output>[] = [];
    const keys = new Set<string>();
    for (const entry of waiting) {
      const key = options.keyOf?.(entry.input);
      if (batch.length >= maxBatch || (key !== undefined && keys.has(key))) {
        later.push(entry);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(entry);
    }
    waiting = later;
    if (waiting.length > 0) schedule();
    options.execute(batch.map((entry) => entry.input)).then(
      (outputs) => {
        if (outputs.length !== batch.length) {
          const error = new Error(`a batch of ${batch.length} was answered with ${outputs.length} rows`);
          for (const entry of batch) entry.reject(error);
          return;
        }
        batch.forEach((entry, i) => {
          entry.resolve(outputs[i] as Output);
        });
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    run(input) {
      return new Promise<Output>((resolve, reject) => {
        waiting.push({ input, resolve, reject });
        schedule();
      });
    },
  };
}

/**
 * One set of batches per database (per key object), made when first asked for: a statement
 * belongs to its connection pool, and tests open many.
 */
export function statementBatchesPer<Key extends object, Input, Output>(
  make: (key: Key) => StatementBatchOptions<Input, Output>,
): (key: Key) => StatementBatches<Input, Output> {
  const made = new WeakMap<Key, StatementBatches<Input, Output>>();
  return (key) => {
    let batches = made.get(key);
    if (!batches) {
      batches = statementBatches(make(key));
      made.set(key, batches);
    }
    return batches;
  };
}
