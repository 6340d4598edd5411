// The series the Grafana dashboard (deploy/grafana/shahrdari.json) queries,
// and the families a /metrics answer exports: test/deploy.test.ts checks the
// dashboard against the code's registries, test/scale.test.ts against what
// the running processes answer.
import fs from 'node:fs';

export interface DashboardSeries {
  panel: string;
  /** As the query names it, e.g. shahrdari_job_duration_seconds_bucket. */
  series: string;
  /** Its metric family: without a histogram's _bucket, _sum or _count. */
  family: string;
}

export function readDashboard(): { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> } {
  return JSON.parse(fs.readFileSync(new URL('../../deploy/grafana/shahrdari.json', import.meta.url), 'utf8'));
}

/** Every series a panel's query names (shahrdari's own, HTTP, Node and process series). */
export function dashboardSeries(): DashboardSeries[] {
  return readDashboard().panels.flatMap((panel) => panel.targets.flatMap(({ expr }) => (
    (expr.match(/\b(?:shahrdari|http|nodejs|process)_[a-z0-9_]+/g) ?? [])
      .map((series) => ({ panel: panel.title, series, family: series.replace(/_(bucket|sum|count)$/, '') }))
  )));
}

/** The metric families a Prometheus text exposition declares (its # TYPE lines). */
export function exportedFamilies(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
}
