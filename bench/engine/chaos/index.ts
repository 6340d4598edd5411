// The long fault-injection soak: `npx tsx bench/engine/chaos/index.ts [kills=40]`.
// Prints the counts and every violation; exits 1 when there is any.
import { runSoak } from './soak.ts';

const kills = Number(process.argv[2] ?? 40);
const started = Date.now();
const report = await runSoak({
  kills, settleMs: 60_000, killEveryMs: [1_000, 4_000], ratePerSecond: 20,
  log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
});
const { acknowledged: a } = report;
process.stdout.write([
  `kills: ${report.kills}`,
  `PostgreSQL restarts: ${report.postgresRestarts}`,
  `commands acknowledged: ${a.total} (creates ${a.creates}, publishes ${a.publishes}, completions ${a.completions}, errors thrown ${a.errorsThrown})`,
  `instances finished: ${report.finished}, parked where they should wait: ${report.parked}`,
  `violations: ${report.violations.length}`,
  ...report.violations.map((v) => `  ${v}`),
  '',
].join('\n'));
process.exit(report.violations.length === 0 ? 0 : 1);
