// bench/start: how long `npm start` takes to answer /health (issue 19's
// targets: the first start of a fresh clone under 30 s on 2 cores, after npm
// install; a built checkout under 10 s), with the CPU seconds every process
// of the start spent and the load average around it, since this machine is
// shared: on a quiet machine of two cores the wall time cannot be below half
// the CPU seconds, and is near them when the work runs one step after another.
//
//   npx tsx bench/start/index.ts [rounds of the built starts, default 3]
//
// 1. a fresh clone of this checkout (measure.ts: the files git knows, node_modules linked), first `npm start`
// 2. the same checkout, now built, started again on its data (a restart)
// 3. the built checkout started on an empty data folder (a new installation of a built image)
// Exit code 0 when every start answered /health.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, freshClone, timeStart, type StartTiming } from './measure.ts';

const rounds = Number(process.argv[2] ?? 3);
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-start-bench-'));
fs.chmodSync(scratch, 0o755);
const dataFolder = () => {
  const folder = fs.mkdtempSync(path.join(scratch, 'data-'));
  fs.chmodSync(folder, 0o755);
  return folder;
};
const phases = (timing: StartTiming) => {
  const lines = timing.output().split('\n');
  return lines.filter((line) => /^emitted|^built the|"built the|initialised embedded|applied migrations|deployed processes|"shahrdari is ready"/.test(line))
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { msg: string; ms?: number };
        return `${entry.msg}${entry.ms === undefined ? '' : ` (${entry.ms} ms)`}`;
      } catch {
        return line.trim();
      }
    });
};

say(`${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const checkout = freshClone(scratch);
const results: Record<string, StartTiming[]> = { 'fresh clone, first start': [], 'built, restart on its data': [], 'built, empty data folder': [] };
let exitCode = 0;
try {
  const data = dataFolder();
  const first = await timeStart(checkout, data);
  await first.stop();
  results['fresh clone, first start']!.push(first);
  say(`fresh clone, first npm start: ${describe(first)}`);
  for (const phase of phases(first)) say(`    ${phase}`);
  for (let round = 0; round < rounds; round++) {
    for (const [name, folder] of [['built, restart on its data', data], ['built, empty data folder', dataFolder()]] as const) {
      const timing = await timeStart(checkout, folder);
      await timing.stop();
      results[name]!.push(timing);
      say(`${name}: ${describe(timing)}`);
    }
  }
  say('summary (wall s | CPU s | lower bound on 2 quiet cores = CPU / 2):');
  for (const [name, timings] of Object.entries(results)) {
    const best = timings.reduce((a, b) => (a.wallMs <= b.wallMs ? a : b));
    const cpu = (timing: StartTiming) => (timing.cpu ? timing.cpu.start + timing.cpu.postgres : NaN);
    const cpus = timings.map(cpu).sort((a, b) => a - b);
    say(`  ${name.padEnd(28)} best ${(best.wallMs / 1000).toFixed(1)} s at load ${best.loadBefore.toFixed(1)} | CPU ${cpus.map((x) => x.toFixed(1)).join(', ')} s | ≥ ${(cpus[0]! / 2).toFixed(1)} s`);
  }
} catch (error) {
  say(`failed: ${(error as Error).stack}`);
  exitCode = 1;
} finally {
  say(`load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  fs.rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
