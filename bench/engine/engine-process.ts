// The engine alone in a process, as production runs it, so the benchmark's
// workers do not share its event loop. Prints "listening <port>"; PORT fixes
// the port (the chaos soak restarts it where its clients expect it).
import pino from 'pino';
import { createKnex } from '../../platform/database.ts';
import { startEngine } from '../../engine/index.ts';

const db = createKnex(process.env.DATABASE_URL!, { max: 4 });
const engine = await startEngine({ db, port: Number(process.env.PORT ?? 0), logger: pino({ level: process.env.ENGINE_LOG ?? 'warn' }, pino.destination(2)) });
process.stdout.write(`listening ${engine.port}\n`);
process.on('SIGTERM', () => {
  void engine.stop().then(() => db.destroy()).then(() => process.exit(0));
});
