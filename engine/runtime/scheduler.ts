// Due times of timers, job deadlines, retry back-offs and message expiry in one
// min-heap with a single Node timer. Entries are hints: the handler checks the
// entity still exists and is still due, so cancelled work needs no removal.
// Due times are on the engine's clock: while it is pinned no Node timer is
// armed (time stands still), and pinning it again fires what fell due.
import { MinHeap } from '../../platform/min-heap.ts';
import type { EngineClock } from './clock.ts';

export type DueKind = 'timer' | 'jobDeadline' | 'jobBackoff' | 'messageExpiry';
interface Entry { at: number; kind: DueKind; key: number }

export class Scheduler {
  private heap = new MinHeap<Entry>((a, b) => a.at < b.at);
  private handle: NodeJS.Timeout | null = null;
  private armedAt = Infinity;
  private stopped = false;

  constructor(private readonly clock: EngineClock, private readonly fire: (due: Entry[]) => void) {}

  add(at: number, kind: DueKind, key: number): void {
    this.heap.push({ at, kind, key });
    if (at < this.armedAt) this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.armedAt = Infinity;
    const first = this.heap.peek();
    if (!first) return;
    const at = first.at;
    const now = this.clock.now();
    if (this.clock.pinned !== null && at > now) return; // a pinned clock does not move by itself
    this.armedAt = at;
    // setTimeout cannot wait longer than ~24.8 days; re-arm on the way.
    const delay = Math.min(Math.max(0, at - now), 2 ** 31 - 1);
    this.handle = setTimeout(() => this.run(), delay);
    this.handle.unref?.();
  }

  private run(): void {
    this.handle = null;
    this.armedAt = Infinity;
    this.fireDue();
    this.arm();
  }

  /**
   * Fires everything due on the clock now, including what the firing itself
   * makes due (a cycle timer that fell behind), before returning.
   */
  fireDue(): void {
    for (;;) {
      const now = this.clock.now();
      const due = this.heap.popWhile((entry) => entry.at <= now);
      if (due.length === 0) return;
      this.fire(due);
    }
  }

  /** The clock moved: fire what is due and re-arm for the rest. */
  clockChanged(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.armedAt = Infinity;
    this.fireDue();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
  }
}
