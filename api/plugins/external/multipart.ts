// File uploads (@fastify/multipart). The limits here are the ceiling; the
// documents service checks type and content.
import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';

export const uploadLimits = { fileSize: 10 * 1024 * 1024, files: 1, fields: 5, fieldSize: 1024, parts: 8 } as const;

export default fp(async (app) => {
  await app.register(multipart, { limits: uploadLimits });
}, { name: 'multipart' });
