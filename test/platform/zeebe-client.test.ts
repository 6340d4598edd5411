// The one client factory against a gateway as a real cluster runs it: TLS
// signed by an in-house certificate authority, a client certificate required
// (mutual TLS), and an OAuth token from an HTTPS token endpoint asked with a
// scope. A stand-in gateway (grpc-js with zeebe-node's protocol) answers
// Topology and UpdateJobTimeout only to a caller with the certificate and the
// token; certificates are made with openssl for the test.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import pino from 'pino';
import { readConfig } from '../../platform/config.ts';
import { createZeebeClient, updateJobTimeout, whileSomeoneWaits } from '../../platform/zeebe.ts';

const require = createRequire(import.meta.url);
const logger = pino({ level: 'silent' });

/** A certificate authority, a server certificate for localhost and a client certificate, all signed by it. */
function certificates(folder: string) {
  const file = (name: string) => path.join(folder, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: folder, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=shahrdari test CA');
  for (const [name, subject, extension] of [['server', '/CN=localhost', 'subjectAltName=DNS:localhost'], ['client', '/CN=shahrdari-workers', 'extendedKeyUsage=clientAuth']] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    fs.writeFileSync(file(`${name}.ext`), `${extension}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }
  return { ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key') };
}

t.test('TLS with an in-house CA, mutual TLS and an OAuth token asked with a scope', async (t) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-tls-'));
  t.teardown(() => fs.rmSync(folder, { recursive: true, force: true }));
  const files = certificates(folder);
  const tls = { key: fs.readFileSync(files.serverKey), cert: fs.readFileSync(files.serverCert) };

  // The token endpoint (HTTPS, same authority), recording what it was asked.
  const asked: URLSearchParams[] = [];
  const tokenServer = https.createServer(tls, (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      asked.push(new URLSearchParams(body));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'token-of-the-workers', expires_in: 3600, token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  t.teardown(() => tokenServer.close());

  // The gateway: client certificates required, every call checked for the token.
  const authorised = (metadata: grpc.Metadata) => metadata.get('authorization')[0] === 'Bearer token-of-the-workers';
  const gateway = loadSync(require.resolve('zeebe-node/proto/zeebe.proto'), { keepCase: true, longs: String, defaults: true });
  const service = (grpc.loadPackageDefinition(gateway) as any).gateway_protocol.Gateway.service as grpc.ServiceDefinition;
  const UpdateJobTimeout = protobuf.Type.fromJSON('UpdateJobTimeoutRequest', { fields: { jobKey: { type: 'int64', id: 1 }, timeout: { type: 'int64', id: 2 } } });
  const timeouts: Array<{ jobKey: string; timeout: string }> = [];
  const server = new grpc.Server();
  server.addService(service, {
    Topology: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => (authorised(call.metadata)
      ? callback(null, { brokers: [{ nodeId: 0, host: 'localhost', port: 26501, partitions: [] }], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0' })
      : callback({ code: grpc.status.UNAUTHENTICATED, details: 'no token' })),
  });
  // Camunda 8.8's method, which zeebe-node's protocol file lacks.
  server.addService({
    UpdateJobTimeout: {
      path: '/gateway_protocol.Gateway/UpdateJobTimeout', requestStream: false, responseStream: false,
      requestDeserialize: (bytes: Buffer) => UpdateJobTimeout.toObject(UpdateJobTimeout.decode(bytes), { longs: String }),
      requestSerialize: () => Buffer.alloc(0), responseSerialize: () => Buffer.alloc(0), responseDeserialize: () => ({}),
    },
  } as grpc.ServiceDefinition, {
    UpdateJobTimeout: (call: grpc.ServerUnaryCall<{ jobKey: string; timeout: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (!authorised(call.metadata)) return callback({ code: grpc.status.UNAUTHENTICATED });
      timeouts.push(call.request);
      callback(null, {});
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(fs.readFileSync(files.ca), [{ private_key: tls.key, cert_chain: tls.cert }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))));
  t.teardown(() => server.forceShutdown());

  const environment = {
    ZEEBE_ADDRESS: `localhost:${port}`, ZEEBE_SECURE_CONNECTION: 'true',
    ZEEBE_CA_CERTIFICATE_PATH: files.ca, ZEEBE_CLIENT_CERTIFICATE_PATH: files.clientCert, ZEEBE_CLIENT_PRIVATE_KEY_PATH: files.clientKey,
    ZEEBE_CLIENT_ID: 'shahrdari-workers', ZEEBE_CLIENT_SECRET: 'secret', ZEEBE_AUTHORIZATION_SERVER_URL: `https://localhost:${(tokenServer.address() as { port: number }).port}/token`,
    ZEEBE_TOKEN_AUDIENCE: 'orchestration-api', ZEEBE_TOKEN_SCOPE: 'orchestration-api/.default', LOG_LEVEL: 'silent',
  };
  const config = readConfig(environment);
  const client = createZeebeClient(config, config.ZEEBE_ADDRESS!, logger, whileSomeoneWaits);
  t.teardown(() => client.close(1_000).catch(() => undefined));
  t.match(await client.topology(), { gatewayVersion: '8.8.0' }, 'Topology over mutual TLS with the token');
  t.match(Object.fromEntries(asked[0]!), { grant_type: 'client_credentials', client_id: 'shahrdari-workers', audience: 'orchestration-api', scope: 'orchestration-api/.default' }, 'the token was asked with the scope');
  await updateJobTimeout(client, '2251799813685249', 2_592_000_000);
  t.same(timeouts, [{ jobKey: '2251799813685249', timeout: '2592000000' }], 'UpdateJobTimeout went the same way, with the token');

  const withoutCertificate = readConfig({ ...environment, ZEEBE_CLIENT_CERTIFICATE_PATH: '', ZEEBE_CLIENT_PRIVATE_KEY_PATH: '' });
  const refused = createZeebeClient(withoutCertificate, withoutCertificate.ZEEBE_ADDRESS!, logger, whileSomeoneWaits);
  t.teardown(() => refused.close(1_000).catch(() => undefined));
  await t.rejects(refused.topology(), 'without the client certificate the gateway refuses the connection');

  t.throws(() => createZeebeClient(readConfig({ ...environment, ZEEBE_CLIENT_PRIVATE_KEY_PATH: '' }), 'localhost:1', logger), { message: /mutual TLS needs both/ }, 'a certificate without its key stops the start');
  t.throws(() => createZeebeClient(readConfig({ ...environment, ZEEBE_CA_CERTIFICATE_PATH: path.join(folder, 'missing.pem') }), 'localhost:1', logger), { message: /ZEEBE_CA_CERTIFICATE_PATH=.*cannot be read \(ENOENT\)/ });
  t.throws(() => createZeebeClient(readConfig({ ...environment, ZEEBE_SECURE_CONNECTION: 'false' }), 'localhost:1', logger), { message: /ZEEBE_CA_CERTIFICATE_PATH is set but ZEEBE_SECURE_CONNECTION is not true/ });
});

t.test('basic authentication (Camunda 8.8 self-managed without an identity provider)', async (t) => {
  const gateway = loadSync(require.resolve('zeebe-node/proto/zeebe.proto'), { keepCase: true, longs: String, defaults: true });
  const service = (grpc.loadPackageDefinition(gateway) as any).gateway_protocol.Gateway.service as grpc.ServiceDefinition;
  const seen: string[] = [];
  const server = new grpc.Server();
  server.addService(service, {
    Topology: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen.push(String(call.metadata.get('authorization')[0]));
      callback(null, { brokers: [], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0' });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  t.teardown(() => server.forceShutdown());
  const config = readConfig({ ZEEBE_ADDRESS: `127.0.0.1:${port}`, ZEEBE_BASIC_AUTH_USERNAME: 'shahrdari', ZEEBE_BASIC_AUTH_PASSWORD: 'pass word', LOG_LEVEL: 'silent' });
  const client = createZeebeClient(config, config.ZEEBE_ADDRESS!, logger, whileSomeoneWaits);
  t.teardown(() => client.close(1_000).catch(() => undefined));
  await client.topology();
  t.same(seen, [`Basic ${Buffer.from('shahrdari:pass word').toString('base64')}`]);
});
