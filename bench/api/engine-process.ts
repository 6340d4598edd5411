// The engine with every diagram deployed and all workers, in one process apart
// from the API, as `npm run engine` + `npm run workers` would run them beside
// it. Prints "listening <port>" once the diagrams are deployed.
import pino from 'pino';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { createKnex } from '../../platform/database.ts';
import { deployResources } from '../../platform/deployment.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import { startWorkers } from '../../workers/index.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const config = readConfig();
const db = createKnex(config.DATABASE_URL!, { max: 10 });
const engine = await startEngine({ db, port: 0, logger });
const zeebe = createZeebeClient(config, engine.address, logger);
await deployResources(zeebe, logger);
const workers = startWorkers({ zeebe, db, logger, publicUrl: config.publicUrl });
process.stdout.write(`listening ${engine.port}\n`);
process.on('SIGTERM', () => {
  void workers.stop()
    .then(() => zeebe.close(1_000))
    .then(() => engine.stop())
    .then(() => db.destroy())
    .finally(() => process.exit(0));
});
