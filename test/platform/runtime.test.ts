// Shutdown as an operator meets it: Ctrl-C in a terminal signals npm and node
// at once (several signals within milliseconds), and an impatient second
// Ctrl-C or a closer that hangs must still end with the essential closer
// (stopping embedded PostgreSQL) run. The whole system's start and stop is
// in test/entry-points.test.ts.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '../helpers/eventually.ts';

const fixture = fileURLToPath(new URL('./fixtures/shutdown.ts', import.meta.url));

async function run(t: Test, closer: 'quick' | 'hang' | 'late', signals: Array<{ signal: NodeJS.Signals; afterMs: number }>, essentialMs = 0) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, CLOSER: closer, ESSENTIAL_MS: String(essentialMs), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let ended = false;
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
    let started = 0;
    child.on('spawn', () => (started = Date.now()));
    child.on('exit', (code) => { ended = true; resolve({ code, ms: Date.now() - started }); });
  });
  // A fixture left running (a failed wait below) would hold the test file open until tap's timeout.
  t.teardown(() => { if (!ended) child.kill('SIGKILL'); });
  // Starting Node with tsx takes a few seconds on a loaded 2-core machine (over 15 s was seen in CI);
  // the signals are timed from the moment it runs, so waiting longer here weakens nothing.
  await eventually('the fixture to run', () => {
    if (ended) throw new Error(`the fixture exited before it ran:\n${output}`);
    return output.includes('running');
  }, { intervalMs: 20, timeoutMs: 90_000 });
  const signalled = Date.now();
  for (const { signal, afterMs } of signals) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, signalled + afterMs - Date.now())));
    child.kill(signal);
  }
  const { code } = await exited;
  return { code, output, ms: Date.now() - signalled };
}

t.test('Ctrl-C (three SIGINTs within 40 ms) closes everything once and exits 0', async (t) => {
  const { code, output } = await run(t, 'quick', [
    { signal: 'SIGINT', afterMs: 0 }, { signal: 'SIGINT', afterMs: 20 }, { signal: 'SIGINT', afterMs: 40 },
  ]);
  t.equal(code, 0, 'exit code 0');
  t.equal(output.match(/essential closer ran/g)?.length, 1, 'the essential closer ran once');
  t.notMatch(output, 'hurried', 'no hurry: the signals were one request to stop');
});

t.test('a later signal hurries a hanging shutdown: the essential closer still runs, exit 128 + signal', async (t) => {
  const { code, output, ms } = await run(t, 'hang', [{ signal: 'SIGTERM', afterMs: 0 }, { signal: 'SIGTERM', afterMs: 1_300 }]);
  t.equal(code, 143, 'exit code 143, as if SIGTERM had ended it');
  t.match(output, 'hurried', 'closers were told to hurry');
  t.equal(output.match(/essential closer ran/g)?.length, 1, 'the essential closer ran once');
  t.ok(ms < 10_000, `done ${ms} ms after the first signal`);
});

t.test('a closer that ends while the hurried essential closer still runs does not end the process before it', async (t) => {
  // Hurried at 1.3 s; the essential closer starts 3 s later beside the late
  // one, which ends a second after that, two seconds before the essential one.
  const { output } = await run(t, 'late', [{ signal: 'SIGTERM', afterMs: 0 }, { signal: 'SIGTERM', afterMs: 1_300 }], 3_000);
  t.match(output, 'hurried', 'closers were told to hurry');
  t.equal(output.match(/essential closer ran/g)?.length, 1, 'the essential closer finished before the exit');
});
