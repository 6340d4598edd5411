// The engine's Prometheus series, in prom-client's process-wide registry
// (served by the API's /metrics under npm start, by METRICS_PORT under npm
// run engine): how long a group commit takes and how many commands share it.
import { Histogram } from 'prom-client';

export const commitSeconds = new Histogram({
  name: 'shahrdari_engine_commit_seconds',
  help: 'Time of one group commit of the engine state to PostgreSQL (BEGIN to COMMIT).',
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
});

export const commitBatchSize = new Histogram({
  name: 'shahrdari_engine_commit_batch_size',
  help: 'Commands answered by one group commit.',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
});
