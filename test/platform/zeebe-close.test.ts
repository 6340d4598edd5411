// A process whose workers have stopped exits at once. zeebe-node left each
// closed worker's last long poll open with a 31-second timer, and a 3-second
// one after each call (platform/zeebe.ts), which kept every such process, and
// every test file running workers, alive half a minute after its work.
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabaseUrl } from '../helpers/database.ts';

const fixture = fileURLToPath(new URL('./fixtures/workers-stop.ts', import.meta.url));

t.test('a process exits within seconds of stopping its workers, client and engine', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, DATABASE_URL: await createTestDatabaseUrl(t) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stoppedAt = 0;
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (!stoppedAt && output.includes('stopped')) stoppedAt = Date.now();
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 0, 'exit code 0', { output });
  t.ok(stoppedAt > 0, 'the workers ran and stopped');
  const lingered = Date.now() - stoppedAt;
  t.ok(lingered < 2_500, `exited ${lingered} ms after stopping (a timer left running holds it 3 or 31 s)`);
});
