import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { contentType, exposition } from '../../platform/metrics.ts';

/**
 * Gauges of the whole city read from PostgreSQL at scrape time. Every API
 * process reports the same values: dashboards take max(), never sum().
 */
function stateGauges(app: FastifyInstance): { registry: Registry; refresh(): Promise<void> } {
  const registry = new Registry();
  const unstarted = new Gauge({ name: 'shahrdari_requests_unstarted', help: 'Accepted requests whose process instance is not started yet (the start outbox).', registers: [registry] });
  const pending = new Gauge({ name: 'shahrdari_notifications_pending', help: 'SMS and e-mail waiting in the outbox.', registers: [registry] });
  const open = new Gauge({ name: 'shahrdari_user_tasks_open', help: 'Open staff tasks by the district and role of their candidate groups (a task offered to two groups counts in both; "none" when it has none).', labelNames: ['district', 'role'] as const, registers: [registry] });
  const overdue = new Gauge({ name: 'shahrdari_user_tasks_overdue', help: 'Open staff tasks past their SLA due date (business clock), by district and role.', labelNames: ['district', 'role'] as const, registers: [registry] });
  return {
    registry,
    async refresh() {
      const [[counts], tasks] = await Promise.all([
        app.db.raw(`select (select count(*) from requests where process_instance_key is null and closed_at is null)::int as unstarted,
                           (select count(*) from notifications where status = 'pending')::int as pending`).then((result) => result.rows),
        app.db.raw(`select coalesce(g, 'none') as grp, count(*)::int as open, (count(*) filter (where t.due_at < clock_now()))::int as overdue
                    from user_tasks t left join lateral unnest(nullif(t.candidate_groups, '{}')) g on true
                    where t.status = 'open' group by 1`).then((result) => result.rows as Array<{ grp: string; open: number; overdue: number }>),
      ]);
      unstarted.set(counts.unstarted);
      pending.set(counts.pending);
      open.reset();
      overdue.reset();
      for (const row of tasks) {
        const match = /^district-(\d+):(.+)$/.exec(row.grp);
        const labels = match ? { district: match[1]!, role: match[2]! } : { district: 'none', role: row.grp };
        open.inc(labels, row.open);
        overdue.inc(labels, row.overdue);
      }
    },
  };
}

export default async function metricsRoutes(app: FastifyInstance) {
  const state = stateGauges(app);
  app.get('/metrics', {
    schema: {
      tags: ['operations'], summary: 'Prometheus metrics (text exposition format)',
      response: { 200: { type: 'string' } },
    },
  }, async (_request, reply) => {
    await state.refresh();
    return reply.type(contentType).send(await exposition(app.metrics.registry, state.registry));
  });
}
