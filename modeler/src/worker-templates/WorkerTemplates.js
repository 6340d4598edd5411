// Loads the element templates the server generates from the workers' job
// types, so the properties panel offers only jobs some worker will take.

export default class WorkerTemplates {
  static $inject = ['config.workerTemplates', 'elementTemplates', 'eventBus'];

  constructor(config, elementTemplates, eventBus) {
    this._elementTemplates = elementTemplates;
    this._eventBus = eventBus;
    this.loaded = config?.url ? this.load(config.url, config.headers) : Promise.resolve([]);
  }

  async load(url, headers = {}) {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`element templates: HTTP ${response.status}`);
    const templates = await response.json();
    this._elementTemplates.set(templates);
    this._eventBus.fire('workerTemplates.loaded', { templates });
    return templates;
  }
}
