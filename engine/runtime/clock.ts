// The engine's clock: system time, or pinned to an instant for tests and the
// simulation, as Camunda's `PUT /v2/clock` pins Zeebe's. Timers, job deadlines
// and back-offs, message time-to-live and FEEL's now() read it; a pinned clock
// stands still until it is pinned again or reset.
import { Settings } from 'luxon';
import { latestInstant } from '../model/timers.ts';


export class EngineClock {
  private pinnedAt: number | null = null;

  now(): number {
    return this.pinnedAt ?? Date.now();
  }

  /** The pinned instant, or null while the clock follows system time. */
  get pinned(): number | null {
    return this.pinnedAt;
  }

  /** Why a timestamp cannot pin the clock, or undefined when it can. */
  static problem(timestamp: unknown): string | undefined {
    if (timestamp === undefined || timestamp === null) return 'The timestamp (epoch milliseconds) is missing';
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) return 'The timestamp must be an integer number of epoch milliseconds';
    if (timestamp < 0) return 'The timestamp must not be negative';
    if (timestamp > latestInstant) return `The timestamp must not be later than ${latestInstant} (year 275760)`;
    return undefined;
  }

  pin(timestamp: number): void {
    const problem = EngineClock.problem(timestamp);
    if (problem) throw new RangeError(problem);
    this.pinnedAt = timestamp;
  }

  reset(): void {
    this.pinnedAt = null;
  }

  /**
   * Runs `work` with luxon's notion of now (FEEL's now() and today()) on this
   * clock. Work inside a command is synchronous, so the swap never leaks.
   */
  around<T>(work: () => T): T {
    const pinned = this.pinnedAt;
    if (pinned === null) return work();
    const previous = Settings.now;
    Settings.now = () => pinned;
    try {
      return work();
    } finally {
      Settings.now = previous;
    }
  }
}
