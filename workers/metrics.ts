// The workers' Prometheus series, in prom-client's process-wide registry
// (served by the API's /metrics under npm start, by METRICS_PORT under npm
// run workers): jobs by type and how they ended, and how long handlers took.
import { Counter, Histogram } from 'prom-client';

/** completed, bpmn-error, failed (to be retried), failed-permanently, handed-back, listed (a user task in the task list). */
export type JobOutcomeLabel = 'completed' | 'bpmn-error' | 'failed' | 'failed-permanently' | 'handed-back' | 'listed';

export const jobsEnded = new Counter({
  name: 'shahrdari_jobs_total',
  help: 'Jobs this process ended, by job type and outcome (handed-back: given back to the engine by a stopping worker).',
  labelNames: ['type', 'outcome'] as const,
});

export const jobSeconds = new Histogram({
  name: 'shahrdari_job_duration_seconds',
  help: 'Time a handler took, from receiving the job to telling the engine.',
  labelNames: ['type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export function jobEnded(type: string, outcome: JobOutcomeLabel, seconds?: number): void {
  jobsEnded.inc({ type, outcome });
  if (seconds !== undefined) jobSeconds.observe({ type }, seconds);
}
