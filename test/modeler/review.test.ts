// The deploy review: what a version changes against the one running now, in
// Persian; and a confirmed deployment records who, when and the comment.
import fs from 'node:fs';
import t from 'tap';
import { reviewChanges } from '../../domain/process-design/review.ts';
import { listDiagrams } from '../../processes/diagrams.ts';
import { removeElements } from '../processes/diagram-edits.ts';
import { reviewDiagram } from './fixtures.ts';
import { startModelerApi } from './helpers.ts';

const committed = (id: string) => fs.readFileSync(listDiagrams().find((diagram) => diagram.id === id)!.file, 'utf8');
/** Without the isolates that keep ids in order inside Persian text. */
const plain = (text: string) => text.replace(/[\u2068\u2069]/g, '');

t.test('elements added, removed and re-wired, renamed, and what workers act on', async (t) => {
  const felling = committed('tree-felling-permit');
  const withoutPayment = await reviewChanges(felling, await removeElements(felling, ['Call_Payment']));
  t.same(withoutPayment.map((change) => [change.kind, change.elementId]), [['removed', 'Call_Payment'], ['rewired', 'Call_Approval']]);
  t.equal(plain(withoutPayment[0]!.fa), 'حذف شد: «پرداخت هزینه» (Call_Payment، فراخوانی فرایند)');
  t.equal(plain(withoutPayment[1]!.fa),
    'مسیر پس از «تصمیم شهردار منطقه» (Call_Approval، فراخوانی فرایند) تغییر کرد: اکنون به «صدور مجوز یا گواهی» (Task_IssueCertificate) (پیش‌تر به «پرداخت هزینه» (Call_Payment))');
  t.match(withoutPayment[0]!.fa, '\u2068Call_Payment\u2069', 'ids are isolated from the Persian around them');

  const renamed = await reviewChanges(reviewDiagram('x'), reviewDiagram('x', { taskName: 'Review the application', condition: '=amount > 2000' }));
  t.same(renamed.map((change) => plain(change.fa)), [
    'نام Task_Review (وظیفه) از «Review the request» به «Review the application» تغییر کرد',
    'شرط جریان Flow_Large از =amount > 1000 به =amount > 2000 تغییر کرد',
  ]);
  t.match(renamed[0], { kind: 'renamed', elementId: 'Task_Review', name: 'Review the application', before: 'Review the request', after: 'Review the application' });

  const form = await reviewChanges(reviewDiagram('x', { formId: 'findings' }), reviewDiagram('x', { formId: 'findings-v2' }));
  t.same(form.map((change) => [change.kind, change.before, change.after]), [['form', 'findings', 'findings-v2']]);

  const payment = committed('payment');
  const edited = payment
    .replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>', '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P5D</bpmn:timeDuration>')
    .replace('type="payment.request"', 'type="payment.open"')
    .replace('<zeebe:subscription correlationKey="=paymentId" />', '<zeebe:subscription correlationKey="=requestId" />');
  const changes = await reviewChanges(payment, edited);
  t.match(changes.find((change) => change.kind === 'timer'), { elementId: 'Event_PaymentWindowPassed', before: 'مدت P3D', after: 'مدت P5D' });
  t.match(changes.find((change) => change.kind === 'job-type'), { before: 'payment.request', after: 'payment.open' });
  t.match(changes.find((change) => change.kind === 'message'), { before: 'payment-confirmed (=paymentId)', after: 'payment-confirmed (=requestId)' });

  const first = await reviewChanges(null, reviewDiagram('x'));
  t.same(first.map((change) => change.kind), ['added', 'added', 'added', 'added', 'added'], 'a first deployment adds every element');
  t.same(await reviewChanges(felling, felling), [], 'no change, nothing to review');
});

t.test('the review compares with the version running now, and the deployment records the comment', async (t) => {
  const { app, analyst } = await startModelerApi(t);
  const id = 'bench-repair';
  const save = (xml: string) => app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml } });
  const review = async (version?: number) => (await app.inject({ url: `/api/processes/${id}/review${version ? `?version=${version}` : ''}` })).json();

  t.equal((await app.inject({ url: `/api/processes/${id}/review` })).statusCode, 404, 'nothing saved, nothing to review');
  await save(reviewDiagram(id));
  t.match(await review(), { version: 1, against: { source: 'none' }, changes: [{ kind: 'added' }] }, 'nothing runs yet');
  const deployed = await app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst, payload: { version: 1, comment: 'نخستین نسخه' } });
  t.equal(deployed.statusCode, 200, deployed.body);
  t.match(deployed.json().version, { version: 1, deployedBy: 'maryam', deployComment: 'نخستین نسخه', deployedAt: String });

  await save(reviewDiagram(id, { taskName: 'Review the application' }));
  const second = await review();
  t.match(second, { version: 2, against: { source: 'modeler', version: 1, engineVersion: 1, deployedBy: 'maryam' } });
  t.same(second.changes.map((change: { kind: string; elementId: string }) => [change.kind, change.elementId]), [['renamed', 'Task_Review']]);
  t.same((await review(1)).changes, [], 'version 1 against itself');
  const versions = (await app.inject({ url: `/api/processes/${id}/versions` })).json();
  t.match(versions, [{ version: 2, deployComment: null }, { version: 1, deployComment: 'نخستین نسخه', deployedBy: 'maryam' }]);

  const repository = (await app.inject({ url: '/api/processes/tree-pruning/review' }));
  t.equal(repository.statusCode, 404, 'a repository diagram nobody saved has nothing to review');
  await app.inject({ method: 'PUT', url: '/api/processes/tree-pruning', headers: analyst, payload: { xml: committed('tree-pruning') } });
  t.match((await app.inject({ url: '/api/processes/tree-pruning/review' })).json(), { against: { source: 'repository' }, changes: [] },
    'an unchanged repository diagram, compared with what deploy on start runs');
});
