// Binds notification.send and runs the outbox sender beside it.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createNotificationHandlers } from './handlers.ts';
import { RecordingProvider, type NotificationProvider } from '../../domain/notifications/provider.ts';
import { createNotificationSender } from '../../domain/notifications/sender.ts';

export function notificationWorkers(deps: WorkerDependencies, provider: NotificationProvider = new RecordingProvider(deps.logger)) {
  const handlers = createNotificationHandlers(deps);
  const sender = createNotificationSender({ db: deps.db, provider, logger: deps.logger }).start();
  return familyOf(['notification.send'], [bindJob(deps.zeebe, deps.logger, 'notification.send', handlers.send)], sender.stop);
}
