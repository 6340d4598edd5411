// Due times of timers, job deadlines, retry back-offs and message expiry in one
// min-heap with a single Node timer. Entries are hints: the handler checks the
// entity still exists and is still due, so cancelled work needs no removal.
// Due times are on the engine's clock: while it is pinned no Node timer is
// armed (time stands still), and pinning it again fires what fell due.
import type { EngineClock } from './clock.ts';

export type DueKind = 'timer' | 'jobDeadline' | 'jobBackoff' | 'messageExpiry';
interface Entry { at: number; kind: DueKind; key: number }

export class Scheduler {
  private heap: Entry[] = [];
  private handle: NodeJS.Timeout | null = null;
  private armedAt = Infinity;
  private stopped = false;

  constructor(private readonly clock: EngineClock, private readonly fire: (due: Entry[]) => void) {}

  add(at: number, kind: DueKind, key: number): void {
    const heap = this.heap;
    heap.push({ at, kind, key });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
    if (at < this.armedAt) this.arm();
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]!.at < heap[m]!.at) m = l;
        if (r < heap.length && heap[r]!.at < heap[m]!.at) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.armedAt = Infinity;
    if (this.heap.length === 0) return;
    const at = this.heap[0]!.at;
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
      const due: Entry[] = [];
      while (this.heap.length > 0 && this.heap[0]!.at <= now) due.push(this.pop());
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
