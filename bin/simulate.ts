// npm run simulate -- --district 12 --days 30: a month of a district through
// the real engine, workers and API, in a database of its own (simulation/).
// Prints the report's summary and where the JSON is; the staff workspace
// shows the report under «شبیه‌سازی».
import { parseArgs } from 'node:util';
import { runMain } from '../platform/runtime.ts';

const usage = `npm run simulate -- [options]
  --district N     district to simulate (default 12; others scale district 12's demand and roster by population)
  --days N         simulated days (default 30)
  --start DAY      first day, a Tehran date YYYY-MM-DD (default: the coming Saturday)
  --scale X        multiply the demand (default 1; 0.1 for a quick look)
  --roster R=N,..  staff per role instead of the model's, e.g. inspector=4,clerk=3
  --seed S         random seed (default 1)
  --keep           keep the simulation's database (default: dropped after the report)
  --plan           also plan every district's roster (capacity planning; a few minutes)
  --profile DIR    write the engine's, workers' and API's CPU profiles (node --cpu-prof) into DIR`;

runMain('simulate', async (runtime) => {
  const { values } = parseArgs({
    options: {
      district: { type: 'string', default: '12' }, days: { type: 'string', default: '30' }, start: { type: 'string' },
      scale: { type: 'string', default: '1' }, roster: { type: 'string' }, seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false }, profile: { type: 'string' }, plan: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const { runSimulation, parseRoster } = await import('../simulation/index.ts');
  const district = Number(values.district);
  const days = Number(values.days);
  const scale = Number(values.scale);
  if (!Number.isInteger(district) || !Number.isInteger(days) || days < 1 || !(scale > 0)) throw new Error(`bad arguments\n${usage}`);
  const report = await runSimulation(runtime, {
    district, days, scale, seed: values.seed!, keep: values.keep!, plan: values.plan!,
    ...(values.start ? { startDay: values.start } : {}),
    ...(values.roster ? { roster: parseRoster(values.roster) } : {}),
    ...(values.profile ? { profileDir: values.profile } : {}),
  });
  process.stdout.write(report);
});
