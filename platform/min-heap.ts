// A binary min-heap: the engine's due times (engine/runtime/scheduler.ts) and
// the simulation's agenda (simulation/agenda.ts) both take the earliest of
// many entries, over and over.
export class MinHeap<T> {
  private items: T[] = [];

  /** `before(a, b)`: whether a comes out before b. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The first entry, left in place. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last!;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.before(items[l]!, items[m]!)) m = l;
        if (r < items.length && this.before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i]!, items[m]!];
        i = m;
      }
    }
    return top;
  }

  /** Takes out, in order, every entry from the front for which `take` holds. */
  popWhile(take: (item: T) => boolean): T[] {
    const out: T[] = [];
    while (this.items.length > 0 && take(this.items[0]!)) out.push(this.pop()!);
    return out;
  }
}
