// gRPC server for the Zeebe Gateway service, from the protocol file zeebe-node
// itself ships, so client and server agree on the exact same messages.
import { Server, ServerCredentials, loadPackageDefinition, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function gatewayService(): ServiceDefinition {
  const protoPath = path.join(path.dirname(require.resolve('zeebe-node/package.json')), 'proto', 'zeebe.proto');
  const definition = loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const loaded = loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: ServiceDefinition } } };
  return loaded.gateway_protocol.Gateway.service;
}

export async function listen(handlers: UntypedServiceImplementation, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = new Server({
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  });
  server.addService(gatewayService(), handlers);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual)));
  });
  return { server, port: bound };
}

