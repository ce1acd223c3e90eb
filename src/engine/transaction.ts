/** How a session opens and ends a transaction on its own connection. */
export interface TransactionStatements {
  begin(): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
}

/**
 * The transaction state of one session, shared by the adapters: `run` wraps fn in
 * BEGIN/COMMIT, rolls back when fn throws, and runs fn inside a transaction already open instead of
 * nesting one (sessions are not nestable).
 */
export class TransactionState {
  private openNow = false;

  get open(): boolean {
    return this.openNow;
  }

  async run<T>(statements: TransactionStatements, fn: () => Promise<T>): Promise<T> {
    if (this.openNow) return fn();
    await statements.begin();
    this.openNow = true;
    try {
      const value = await fn();
      await statements.commit();
      return value;
    } catch (error) {
      await statements.rollback().catch(() => undefined);
      throw error;
    } finally {
      this.openNow = false;
    }
  }
}
