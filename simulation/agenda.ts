// What is due when: a min-heap of actions by business time (ties in the order
// they were scheduled), from which the driver takes what has fallen due.
export interface Entry { at: number; seq: number; label: string; run: () => Promise<void> }

export class Agenda {
  private heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** When the next action is due, or Infinity. */
  next(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  schedule(at: number, label: string, run: () => Promise<void>): void {
    const entry = { at, seq: this.seq++, label, run };
    const heap = this.heap;
    heap.push(entry);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Removes and returns every action due by `time`, in order. */
  due(time: number): Entry[] {
    const out: Entry[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= time) out.push(this.pop());
    return out;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
