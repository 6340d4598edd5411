// One reader of BPMN with the Zeebe extensions, for everything that reads a
// diagram an analyst saved: the lint, the review, the deployment, the save.
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
export const moddle = new BpmnModdle({ zeebe: require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown> });

/** The diagram's root element (bpmn:Definitions); throws when it is not BPMN. */
export async function readDefinitions(xml: string): Promise<{ rootElements?: unknown[] }> {
  return (await moddle.fromXML(xml, 'bpmn:Definitions')).rootElement as { rootElements?: unknown[] };
}
