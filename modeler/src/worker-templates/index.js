import WorkerTemplates from './WorkerTemplates.js';

export default {
  __init__: ['workerTemplates'],
  workerTemplates: ['type', WorkerTemplates],
};
