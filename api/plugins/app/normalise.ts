// Citizens type digits in Persian or Arabic-Indic script and letters from
// Arabic keyboards; every string in the body, query and params is folded to
// one form before validation, so schemas and the database see one spelling.
import fp from 'fastify-plugin';
import { normaliseDeep } from '../../../platform/persian.ts';

/** Query and params objects have a null prototype, which normaliseDeep leaves alone; walk their own keys. */
function normaliseRecord<T>(record: T): T {
  if (!record || typeof record !== 'object') return record;
  const target = record as Record<string, unknown>;
  for (const key of Object.keys(target)) target[key] = normaliseDeep(target[key]);
  return record;
}

export default fp(async (app) => {
  app.addHook('preValidation', async (request) => {
    request.query = normaliseRecord(request.query);
    request.params = normaliseRecord(request.params);
    // Buffers and multipart streams are files, not text.
    if (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) {
      request.body = Array.isArray(request.body) ? normaliseDeep(request.body) : normaliseRecord(request.body);
    }
  });
}, { name: 'normalise' });
