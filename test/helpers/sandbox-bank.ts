// The sandbox bank as payment tests meet it: its pages on a real HTTP server,
// a callback route that settles as the API's does, and the gateway client the
// payment workers use, which records each reversal it is asked for.
import Fastify from 'fastify';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { PaymentGateway } from '../../domain/payments/gateway.ts';
import { SandboxGateway } from '../../domain/payments/sandbox-gateway.ts';
import { settlePayment } from '../../domain/payments/settlement.ts';
import { sandboxGatewayPlugin } from '../../api/routes/sandbox-gateway/index.ts';
import { silentLogger } from '../workers/helpers.ts';

interface Teardown { teardown(fn: () => unknown): void }

export async function startSandboxBank(t: Teardown, db: Knex, zeebe: Pick<ZBClient, 'publishMessage'>) {
  const app = Fastify();
  await app.register(sandboxGatewayPlugin, { prefix: '/sandbox-gateway', db });
  let gateway: PaymentGateway | undefined;
  app.get<{ Querystring: { token: string } }>('/api/payments/callback', async (request) =>
    settlePayment({ db, zeebe, gateway: gateway!, logger: silentLogger }, request.query.token));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  const sandbox = new SandboxGateway(`${address}/sandbox-gateway`);
  /** Payment tokens whose reversal was asked, in order. */
  const reversals: string[] = [];
  gateway = {
    name: sandbox.name,
    paymentPageUrl: (token) => sandbox.paymentPageUrl(token),
    requestToken: (request) => sandbox.requestToken(request),
    verify: (token) => sandbox.verify(token),
    reverse: async (token) => { reversals.push(token); await sandbox.reverse(token); },
  };
  return { gateway, callbackUrl: `${address}/api/payments/callback`, reversals };
}
