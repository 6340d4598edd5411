// Client applications that file requests through Open311 GeoReport v2. A
// client proves itself with an api_key (GeoReport's only credential); we keep
// a SHA-256 of it — the key is 32 random bytes, so a fast hash is enough and
// lets a request find its client by index. Operators issue and revoke keys with
// bin/open311-client.ts; the demo seed (DEMO_SEED) adds one known key so a
// newcomer can try POST requests.json at once.
import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { demoSeedEnabled } from './demo-seed.ts';

export interface Open311Client { id: string; name: string; key_prefix: string; created_at: Date; revoked_at: Date | null }

declare module 'fastify' {
  interface FastifyInstance {
    open311Clients: Open311ClientService;
  }
}

/** The demo client's key: known, like the demo staff password, and only where the demo seed runs. */
export const demoOpen311Key = 'shahrdari-demo-open311';

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const prefixOf = (key: string) => key.slice(0, 12);

export function createOpen311ClientService(db: Knex) {
  return {
    /** A new client; the key is returned here once and cannot be read back. */
    async issue(name: string): Promise<{ client: Open311Client; apiKey: string }> {
      const apiKey = `o311_${randomBytes(32).toString('base64url')}`;
      const [client] = await db<Open311Client>('open311_clients')
        .insert({ name, key_prefix: prefixOf(apiKey), key_hash: hashOf(apiKey) } as never)
        .returning(['id', 'name', 'key_prefix', 'created_at', 'revoked_at']);
      return { client: client!, apiKey };
    },

    /** The live client holding this key, if any. */
    async verify(apiKey: string): Promise<Open311Client | undefined> {
      if (!apiKey) return undefined;
      return db<Open311Client>('open311_clients')
        .where({ key_hash: hashOf(apiKey) } as never)
        .whereNull('revoked_at')
        .first('id', 'name', 'key_prefix', 'created_at', 'revoked_at');
    },

    async list(): Promise<Open311Client[]> {
      return db<Open311Client>('open311_clients').orderBy('created_at').select('id', 'name', 'key_prefix', 'created_at', 'revoked_at');
    },

    /** Refuses the client's key from now on; true when a live client was revoked. */
    async revoke(id: string): Promise<boolean> {
      return (await db('open311_clients').where({ id }).whereNull('revoked_at').update({ revoked_at: db.fn.now() })) > 0;
    },

    /** The demo client with the known key, unless it exists (or was revoked: then it stays revoked). */
    async seedDemo(): Promise<void> {
      await db('open311_clients')
        .insert({ name: 'demo client (DEMO_SEED)', key_prefix: prefixOf(demoOpen311Key), key_hash: hashOf(demoOpen311Key) })
        .onConflict('key_hash').ignore();
    },
  };
}

export type Open311ClientService = ReturnType<typeof createOpen311ClientService>;

export default fp(async (app) => {
  const clients = createOpen311ClientService(app.db);
  app.decorate('open311Clients', clients);
  if (!demoSeedEnabled(app.config)) return;
  app.addHook('onReady', async () => {
    await clients.seedDemo();
    app.log.warn({ apiKey: demoOpen311Key }, 'demo Open311 api_key exists (DEMO_SEED): never use this on a production database');
  });
}, { name: 'open311-clients', dependencies: ['context'] });
