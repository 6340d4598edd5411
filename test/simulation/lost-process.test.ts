// A process of the system under test that dies mid-run ends the run at once,
// saying which process, its exit code and its signal — not a run that goes
// on against a dead engine and reports days later that nothing happened.
// The engine, workers and API run as separate processes, as npm run simulate
// starts them; the engine is killed with SIGKILL (as the kernel's
// out-of-memory killer would) during the first step's wait for the system.
import t from 'tap';
import pino from 'pino';
import type { Logger } from '../../platform/logger.ts';
import { district12 } from '../../simulation/demand.ts';
import { simulate } from '../../simulation/driver.ts';
import { settleByEngineState } from '../../simulation/settle.ts';
import { startProcesses } from '../../simulation/system.ts';
import { createTestDatabaseUrl } from '../helpers/database.ts';

const logger = pino({ level: process.env.SIMULATION_TEST_LOG ?? 'silent' }) as Logger;

t.test('the engine killed mid-run fails the run with its exit code and signal', async (t) => {
  // The workers' complaints about the lost engine would fill the test's output.
  const system = await startProcesses({ databaseUrl: await createTestDatabaseUrl(t), logger, logLevel: 'fatal' });
  t.teardown(() => system.stop());
  const settle = settleByEngineState(system.db);
  let killedAt = 0;
  const run = simulate({
    system, model: { ...district12, requestsPerMonth: 30 }, district: 12, startDay: '2027-01-09', days: 2, seed: 'lost', logger,
    settle: async (options) => {
      if (!killedAt) {
        killedAt = performance.now();
        process.kill(system.pids.engine!, 'SIGKILL');
      }
      return settle(options);
    },
  });
  await t.rejects(run, /the engine process \(pid \d+\) ended during the run: exit code null, signal SIGKILL/, 'the run fails, naming the process and its signal');
  t.ok(killedAt, 'the engine was killed during the run');
  // At once: not after the settle's 60-second give-up, nor after a step's API retries.
  const afterKill = Math.round(performance.now() - killedAt);
  t.ok(afterKill < 30_000, `the run ended within 30 s of the kill (${afterKill} ms)`);
  await t.rejects(system.ended, /engine/, 'system.ended says the same to anyone else who waits on it');
});
