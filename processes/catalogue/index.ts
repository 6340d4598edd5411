// The service catalogue: the 54 district services under five headings.
// `services` and `headings` are the data as written; `loadCatalogue()` returns
// the same data after validating it, and is what start-up code should call.
export { headings, services, findService, servicesUnder } from './data.ts';
export { loadCatalogue, validateCatalogue, CatalogueError } from './load.ts';
export { roleOfStep, startFormId, taskForms } from './define.ts';
export type * from './types.ts';
export { channels, headingIds, roleNames, roles, stepKinds } from './types.ts';
