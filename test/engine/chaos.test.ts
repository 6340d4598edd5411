// Short fault-injection soak (bench/engine/chaos has the long one): a mixed
// workload over a dozen process shapes through zeebe-node while the engine is
// killed with SIGKILL and restarted, and PostgreSQL restarted once; every
// acknowledged answer is then checked. No violation is allowed.
import t from 'tap';
import { runSoak } from '../../bench/engine/chaos/soak.ts';

t.test('kill -9 the engine repeatedly and restart PostgreSQL once: nothing acknowledged is lost or repeated', async (t) => {
  const report = await runSoak({ kills: 2, settleMs: 25_000, killEveryMs: [500, 1_500], ratePerSecond: 20, log: (line) => t.comment(line) });
  t.comment(`kills ${report.kills}, PostgreSQL restarts ${report.postgresRestarts}, commands acknowledged ${report.acknowledged.total}, finished ${report.finished}, parked ${report.parked}, violations ${report.violations.length}`);
  t.equal(report.kills, 2, 'the engine was killed twice');
  t.equal(report.postgresRestarts, 1, 'PostgreSQL was restarted once');
  t.ok(report.acknowledged.creates >= 6, 'instances of every shape were acknowledged');
  t.same(report.violations, [], 'no violations');
});
