// The engine alone in a process, as production runs it, so the benchmark's
// workers do not share its event loop. Prints "listening <port>"; PORT fixes
// the port (the chaos soak restarts it where its clients expect it). With
// ENGINE_STANDBY set it loads, then waits for a line on stdin — the database
// URL — before it starts (takes the engine lock, recovers, listens): the soak
// keeps one ready, the first loading while its PostgreSQL starts. It then
// exits when stdin closes, standing by or running: it never outlives the soak
// that started it, even one killed itself.
import pino from 'pino';
import { createKnex } from '../../platform/database.ts';
import { startEngine } from '../../engine/index.ts';
import { gatewayService } from '../../engine/grpc/protocol.ts';

if (process.env.ENGINE_STANDBY) {
  gatewayService(); // read the protocol while standing by, not while the soak waits
  const line = await new Promise<string | null>((resolve) => {
    let text = '';
    const read = (chunk: Buffer) => {
      text += chunk;
      if (!text.includes('\n')) return;
      process.stdin.off('data', read);
      resolve(text.slice(0, text.indexOf('\n')).trim());
    };
    process.stdin.on('data', read);
    process.stdin.once('end', () => resolve(null));
  });
  if (line === null) process.exit(0);
  if (line) process.env.DATABASE_URL = line;
  process.stdin.once('end', () => process.exit(0));
  process.stdin.resume();
}
const db = createKnex(process.env.DATABASE_URL!, { max: 4 });
const engine = await startEngine({ db, port: Number(process.env.PORT ?? 0), logger: pino({ level: process.env.ENGINE_LOG ?? 'warn' }, pino.destination(2)) });
process.stdout.write(`listening ${engine.port}\n`);
process.on('SIGTERM', () => {
  void engine.stop().then(() => db.destroy()).then(() => process.exit(0));
});
