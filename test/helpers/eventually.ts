// The one way tests wait for something another process, worker or page does:
// ask again until it is there. A probe answers undefined, null or false for
// "not yet" and anything else is what was waited for.

export interface Patience {
  /** Give up (the test fails, naming what it waited for) after this long; default 15 s. */
  timeoutMs?: number;
  /** Ask again after this long; default 50 ms. */
  intervalMs?: number;
}

type Answer<T> = T | undefined | null | false;

/** Asks `probe` until it answers, and returns the answer; fails naming `what` when time runs out. */
export async function eventually<T>(what: string, probe: () => Answer<T> | Promise<Answer<T>>, patience: Patience = {}): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 50 } = patience;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer !== undefined && answer !== null && answer !== false) return answer;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
