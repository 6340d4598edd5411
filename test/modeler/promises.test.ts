// The modeler's deploy refuses a diagram that breaks a catalogue promise, with
// the Persian message naming it, and nothing reaches the engine; the diagram
// as committed, or improved, deploys.
import fs from 'node:fs';
import t from 'tap';
import { findService } from '../../processes/catalogue/index.ts';
import { servicePromises } from '../../processes/catalogue/promises.ts';
import { listDiagrams } from '../../processes/diagrams.ts';
import { editDiagram, insertTask, notificationTask, promiseKeepers, removeElements } from '../processes/diagram-edits.ts';
import { saveVersion } from '../../domain/process-design/versions.ts';
import { startModelerApi } from './helpers.ts';

const id = 'tree-felling-permit';
const committed = fs.readFileSync(listDiagrams().find((diagram) => diagram.id === id)!.file, 'utf8');

t.test('each promise of tree-felling-permit, removed in turn, is refused at deploy with its message', async (t) => {
  const { app, db, zeebe, analyst } = await startModelerApi(t);
  // Saved straight into the versions (the save route would lint each copy once more).
  const save = async (xml: string) => (await saveVersion(db, { processId: id, xml, author: 'maryam' })).version;
  const deploy = (version: number) => app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst, payload: { version } });

  for (const promise of servicePromises(findService(id)!)) {
    const removed = await promiseKeepers(committed, promise);
    const refused = await deploy(await save(await removeElements(committed, removed)));
    t.equal(refused.statusCode, 422, `without ${removed.join(', ')}: refused`);
    const reasons = (refused.json().lint as Array<{ rule: string; message: string }>).filter((issue) => issue.rule === 'shahrdari/catalogue-promises');
    t.ok(reasons.some((issue) => issue.message.includes(promise.fa)), `the reason names «${promise.fa}»`);
  }
  await t.rejects(zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} }), 'nothing reached the engine');

  const unchanged = await deploy(await save(committed));
  t.equal(unchanged.statusCode, 200, unchanged.body);

  const improved = await editDiagram(committed);
  improved.find('Call_Payment')!.element.name = 'پرداخت عوارض قطع درخت';
  insertTask(improved, 'Call_Payment', notificationTask(improved, 'Task_NotifyPaid', 'اطلاع پرداخت', 'request-completed'));
  const better = await deploy(await save(await improved.toXML()));
  t.equal(better.statusCode, 200, better.body);
  t.equal(better.json().version.engineVersion, 2, 'an improved diagram deploys as the next version');
});
