// The engine alone in a process, as production runs it, so the benchmark's
// workers do not share its event loop. Prints "listening <port>"; PORT fixes
// the port (the chaos soak restarts it where its clients expect it). With
// ENGINE_STANDBY set it loads, then waits for a line on stdin before it
// starts (takes the engine lock, recovers, listens): the soak keeps one ready.
// It then exits when stdin closes, standing by or running: it never outlives
// the soak that started it, even one killed itself.
import pino from 'pino';
import { createKnex } from '../../platform/database.ts';
import { startEngine } from '../../engine/index.ts';

if (process.env.ENGINE_STANDBY) {
  const told = await new Promise<boolean>((resolve) => {
    process.stdin.once('data', () => resolve(true));
    process.stdin.once('end', () => resolve(false));
  });
  if (!told) process.exit(0);
  process.stdin.once('end', () => process.exit(0));
}
const db = createKnex(process.env.DATABASE_URL!, { max: 4 });
const engine = await startEngine({ db, port: Number(process.env.PORT ?? 0), logger: pino({ level: process.env.ENGINE_LOG ?? 'warn' }, pino.destination(2)) });
process.stdout.write(`listening ${engine.port}\n`);
process.on('SIGTERM', () => {
  void engine.stop().then(() => db.destroy()).then(() => process.exit(0));
});
