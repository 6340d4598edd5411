// The embedded engine's model reader accepts every diagram (no PostgreSQL or
// running engine needed): no element type or event definition it lacks.
import fs from 'node:fs';
import t from 'tap';
import { parseBpmn } from '../../engine/model/bpmn.ts';
import { listDiagrams } from '../../processes/diagrams.ts';

t.test('every diagram is accepted by the embedded engine', async (t) => {
  for (const diagram of listDiagrams()) {
    const { processes } = await parseBpmn(fs.readFileSync(diagram.file, 'utf8'));
    t.same(processes.map((process) => process.id), [diagram.id], diagram.id);
  }
});
