// Builds the diagram editor: the full Zeebe modeler for analysts, a viewer for
// everyone else.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import { CloudElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import LintingModule from 'bpmn-js-bpmnlint';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
// Compiled at build time from processes/.bpmnlintrc (see modeler/build.ts).
import lintBundle from 'shahrdari:bpmnlint-bundle';
import LintGateModule from '../lint-gate/index.js';
import WorkerTemplatesModule from '../worker-templates/index.js';
import TemplateChooserModule from '../template-chooser/index.js';
import LinkedFormModule from '../linked-form/index.js';
import PersianLabelsModule from '../persian-labels/index.js';
import FittedViewModule from '../fitted-view/index.js';
import JobWorkerUserTasksModule from '../job-worker-user-tasks/index.js';

export function createEditor({ canEdit, canvas, properties, templatesUrl, headers }) {
  if (!canEdit) {
    return new NavigatedViewer({ container: canvas, additionalModules: [PersianLabelsModule, FittedViewModule], moddleExtensions: { zeebe: zeebeModdle } });
  }
  return new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: properties },
    linting: { bpmnlint: lintBundle, active: true },
    workerTemplates: { url: templatesUrl, headers },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      ZeebePropertiesProviderModule,
      ZeebeBehaviorsModule,
      JobWorkerUserTasksModule,
      CloudElementTemplatesPropertiesProviderModule,
      LintingModule,
      LintGateModule,
      WorkerTemplatesModule,
      TemplateChooserModule,
      LinkedFormModule,
      PersianLabelsModule,
      FittedViewModule,
    ],
    moddleExtensions: { zeebe: zeebeModdle },
  });
}
