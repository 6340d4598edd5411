import type { FastifyInstance } from 'fastify';

export default async function metricsRoutes(app: FastifyInstance) {
  app.get('/metrics', {
    schema: {
      tags: ['operations'], summary: 'Prometheus metrics (text exposition format)',
      response: { 200: { type: 'string' } },
    },
  }, async (_request, reply) => {
    const [[{ unstarted }], [{ open }], [{ pending }]] = await Promise.all([
      app.db('requests').whereNull('process_instance_key').whereNull('closed_at').count('* as unstarted'),
      app.db('user_tasks').where({ status: 'open' }).count('* as open'),
      app.db('notifications').where({ status: 'pending' }).count('* as pending'),
    ]) as unknown as [[{ unstarted: string }], [{ open: string }], [{ pending: string }]];
    const gauges = [
      '# HELP shahrdari_requests_unstarted Accepted requests whose process instance is not started yet (the start outbox).',
      '# TYPE shahrdari_requests_unstarted gauge',
      `shahrdari_requests_unstarted ${unstarted}`,
      '# HELP shahrdari_user_tasks_open Open staff tasks.',
      '# TYPE shahrdari_user_tasks_open gauge',
      `shahrdari_user_tasks_open ${open}`,
      '# HELP shahrdari_notifications_pending SMS and e-mail waiting in the outbox.',
      '# TYPE shahrdari_notifications_pending gauge',
      `shahrdari_notifications_pending ${pending}`,
    ];
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${app.metrics.render()}${gauges.join('\n')}\n`);
  });
}
