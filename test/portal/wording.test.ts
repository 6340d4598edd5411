// Every status and outcome the processes record (the catalogue's contract)
// reads as Persian words on the request page and on its timeline, so a new
// milestone is not shown to citizens as its English name.
import t from 'tap';
import { requestOutcomes, requestStatuses } from '../../processes/catalogue/contract.ts';
import { statusName } from '../../portal/src/shared/display.ts';
import { entryTitle } from '../../portal/src/shared/timeline.ts';

const persian = /^[\u0600-\u06FF\u200C ]+$/;

t.test('statuses and outcomes have Persian names', async (t) => {
  for (const status of requestStatuses) {
    t.match(statusName(status), persian, `status ${status}`);
    t.match(entryTitle({ at: '2026-11-29T08:00:00Z', kind: status }), persian, `timeline milestone ${status}`);
  }
  for (const outcome of requestOutcomes) {
    t.match(statusName(outcome), persian, `outcome ${outcome}`);
    t.match(entryTitle({ at: '2026-11-29T08:00:00Z', kind: 'closed', data: { outcome } }), persian, `closing as ${outcome}`);
  }
});
