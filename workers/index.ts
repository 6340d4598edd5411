// The one place that binds job types to their handlers. Each family lives in
// workers/<family>/ and exports a function that registers its job types.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Logger } from '../platform/logger.ts';
import { approvalWorkers } from './approval/index.ts';
import { certificateWorkers } from './certificate/index.ts';
import { appointmentWorkers } from './appointment/index.ts';
import { inspectionWorkers } from './inspection/index.ts';
import { notificationWorkers } from './notification/index.ts';
import { paymentWorkers } from './payment/index.ts';
import { requestWorkers } from './request/index.ts';
import { slaWorkers } from './sla/index.ts';
import { userTaskWorkers } from './user-tasks/index.ts';
import { stopFamilies, type StartedFamily } from './job.ts';

export interface WorkerDependencies {
  zeebe: ZBClient;
  db: Knex;
  logger: Logger;
  /** Where citizens reach the platform (configuration's publicUrl): payment callbacks, certificate links. */
  publicUrl: string;
  /** USER_TASK_LEASE_SECONDS in milliseconds; user-tasks/index.ts's default when absent. */
  userTaskLeaseMs?: number;
}

export interface RunningWorkers {
  /** Job types with a handler, for the consistency checks and the modeler's templates. */
  jobTypes: string[];
  /**
   * Stops taking jobs; the jobs in hand are finished, or handed back to the
   * engine when `hurry` aborts or after `drainMs` (job.ts, job-worker.ts).
   */
  stop(hurry?: AbortSignal): Promise<void>;
}

type WorkerFamily = (deps: WorkerDependencies) => StartedFamily;

/** Worker families, added as they are written (issue 5). */
const families: WorkerFamily[] = [
  requestWorkers,
  (deps) => userTaskWorkers(deps, deps.userTaskLeaseMs === undefined ? {} : { leaseMs: deps.userTaskLeaseMs }),
  (deps) => notificationWorkers(deps),
  (deps) => paymentWorkers(deps),
  slaWorkers,
  appointmentWorkers,
  inspectionWorkers,
  approvalWorkers,
  (deps) => certificateWorkers(deps),
];

export function startWorkers(deps: WorkerDependencies): RunningWorkers {
  const started = families.map((family) => family(deps));
  const jobTypes = started.flatMap((family) => family.jobTypes);
  deps.logger.info({ jobTypes }, 'workers started');
  return {
    jobTypes,
    stop: async (hurry) => {
      const stopping = performance.now();
      await stopFamilies(started, hurry);
      deps.logger.info({ ms: Math.round(performance.now() - stopping) }, 'workers stopped');
    },
  };
}
