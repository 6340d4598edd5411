// Group commit: commands run one after another against memory; their changes
// pile up while one transaction is in flight and all go into the next one.
// Nobody is answered before the transaction holding their changes commits.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { writeChanges, type State } from './state.ts';

type Waiter = () => void;

export class Committer {
  private waiting: Waiter[] = [];
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly db: Knex, private readonly state: State, private readonly logger: Logger) {}

  /** Runs `then` once everything changed so far is committed. */
  afterCommit(then: Waiter): void {
    this.waiting.push(then);
    if (!this.inFlight) this.inFlight = this.loop();
  }

  /** Resolves when all changes so far are written. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.afterCommit(resolve));
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    // Yield once so commands arriving in the same tick share the transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0 && !this.stopped) {
      const waiters = this.waiting;
      this.waiting = [];
      const changes = this.state.takeChanges();
      try {
        if (changes.nextKey !== null || [...Object.values(changes)].some((c) => c instanceof Map && c.size > 0)) {
          await this.db.transaction((trx) => writeChanges(trx, changes));
        }
      } catch (error) {
        // Memory is ahead of the database: keep the changes and waiters and
        // retry, so what was acknowledged before stays consistent with disk.
        this.logger.error({ err: error }, 'engine commit failed; retrying');
        this.state.restoreChanges(changes);
        this.waiting = [...waiters, ...this.waiting];
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const waiter of waiters) {
        try {
          waiter();
        } catch (error) {
          this.logger.error({ err: error }, 'engine post-commit callback failed');
        }
      }
    }
    this.inFlight = null;
    if (this.waiting.length > 0 && !this.stopped) this.inFlight = this.loop();
  }

  /** Waits for the transaction in flight, for shutdown. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }
}
