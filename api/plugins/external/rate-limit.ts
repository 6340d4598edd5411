// Request rate limits (@fastify/rate-limit), off by default and switched on by
// the routes that need them (sign-in codes). Runs after the body is parsed so
// a route may key its limit on a field such as the mobile number.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';

export default fp(async (app) => {
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
}, { name: 'rate-limit' });
