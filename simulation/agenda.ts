// What is due when: a min-heap of actions by business time (ties in the order
// they were scheduled), from which the driver takes what has fallen due.
import { MinHeap } from '../platform/min-heap.ts';

export interface Entry { at: number; seq: number; label: string; run: () => Promise<void> }

export class Agenda {
  private heap = new MinHeap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;

  get size(): number {
    return this.heap.size;
  }

  /** When the next action is due, or Infinity. */
  next(): number {
    return this.heap.peek()?.at ?? Infinity;
  }

  schedule(at: number, label: string, run: () => Promise<void>): void {
    this.heap.push({ at, seq: this.seq++, label, run });
  }

  /** Removes and returns every action due by `time`, in order. */
  due(time: number): Entry[] {
    return this.heap.popWhile((entry) => entry.at <= time);
  }
}
