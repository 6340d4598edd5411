// Group commit: commands run one after another against memory; their changes
// pile up while one commit is in flight and all go into the next one. A
// commit is one statement (store/state.ts batchStatement), so one round trip
// and its own transaction. Nobody is answered before the commit holding their
// changes is done.
//
// Commits run on the connection that holds the engine lock (fencing:
// store/lock.ts). A failed commit is not retried: memory is ahead of the
// database and the same rows would fail again (or the lock is gone), so the
// committer reports it as fatal and the engine stops; recovery starts from
// the last commit, which is safe because nothing uncommitted was answered.
import type { Logger } from 'pino';
import type { LockedConnection } from './lock.ts';
import { batchStatement, type State } from './state.ts';
import { commitBatchSize, commitSeconds } from '../metrics.ts';

interface Waiter { done(): void; failed?(error: Error): void; roundTrip?: boolean }

export class Committer {
  private waiting: Waiter[] = [];
  private inFlight: Promise<void> | null = null;
  private stopped: Error | null = null;

  constructor(
    private readonly connection: LockedConnection, private readonly state: State, private readonly logger: Logger,
    private readonly fatal: (reason: string, error: Error) => void,
  ) {}

  /** Runs `done` once everything changed so far is committed; `failed` if the engine stops first. */
  afterCommit(done: () => void, failed?: (error: Error) => void): void {
    this.enqueue({ done, ...(failed ? { failed } : {}) });
  }

  /** Resolves when all changes so far are written. */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => this.afterCommit(resolve, reject));
  }

  /** Like flush, and also a round trip to the database when there is nothing to write: proves the commit path works. */
  roundTrip(): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ done: resolve, failed: reject, roundTrip: true }));
  }

  private enqueue(waiter: Waiter): void {
    if (this.stopped) {
      waiter.failed?.(this.stopped);
      return;
    }
    this.waiting.push(waiter);
    if (!this.inFlight) this.inFlight = this.loop();
  }

  /** No more commits; everyone still waiting is told `reason`. */
  stop(reason = new Error('the engine stopped')): void {
    if (this.stopped) return;
    this.stopped = reason;
    const waiting = this.waiting;
    this.waiting = [];
    for (const waiter of waiting) waiter.failed?.(reason);
  }

  private async loop(): Promise<void> {
    // Yield once so commands arriving in the same tick share the transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0 && !this.stopped) {
      const waiters = this.waiting;
      this.waiting = [];
      try {
        const batch = this.state.takeChanges();
        if (batch) {
          const timer = commitSeconds.startTimer();
          const { text, values } = batchStatement(batch);
          await this.connection.query(text, values); // one statement: one round trip, its own transaction
          timer();
          commitBatchSize.observe(waiters.length);
        } else if (waiters.some((waiter) => waiter.roundTrip)) {
          await this.connection.query('SELECT 1');
        }
      } catch (error) {
        this.waiting = [...waiters, ...this.waiting];
        this.fatal('a commit failed', error as Error);
        break;
      }
      for (const waiter of waiters) {
        try {
          waiter.done();
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
