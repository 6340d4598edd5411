// The Gateway protocol the engine serves: zeebe-node 8.3's protocol file plus
// what the Camunda 8.8 protocol (the one @camunda8/sdk ships) adds to it. Both
// share the service name `gateway_protocol.Gateway` and protobuf is
// wire-compatible across added fields and methods, so one service answers
// clients of either version. test/engine/protocol.test.ts checks that every
// message, field and method of @camunda8/sdk's file is served here.
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

type Fields = Record<string, { type: string; id: number; rule?: 'repeated' }>;

/** Zeebe's `optional uint64 operationReference`: a batch-operation tag for exported records. */
const operationReference = (id: number): Fields => ({ operationReference: { type: 'uint64', id } });

/** Fields 8.4–8.8 added to messages zeebe-node 8.3 already has. */
const addedFields: Record<string, Fields> = {
  CancelProcessInstanceRequest: operationReference(2),
  CreateProcessInstanceRequest: operationReference(7),
  EvaluateDecisionResponse: { decisionInstanceKey: { type: 'int64', id: 12 } },
  ResolveIncidentRequest: operationReference(2),
  UpdateJobRetriesRequest: operationReference(3),
  SetVariablesRequest: operationReference(4),
  ModifyProcessInstanceRequest: operationReference(4),
  DeleteResourceRequest: operationReference(2),
  BroadcastSignalRequest: { tenantId: { type: 'string', id: 3 } },
  BroadcastSignalResponse: { tenantId: { type: 'string', id: 2 } },
};

/** Messages new in 8.8, by name, with their nested types. */
const addedMessages: Record<string, { fields: Fields; nested?: Record<string, { fields: Fields }> }> = {
  UpdateJobTimeoutRequest: { fields: { jobKey: { type: 'int64', id: 1 }, timeout: { type: 'int64', id: 2 }, ...operationReference(3) } },
  UpdateJobTimeoutResponse: { fields: {} },
  MigrateProcessInstanceRequest: {
    fields: { processInstanceKey: { type: 'int64', id: 1 }, migrationPlan: { type: 'MigrationPlan', id: 2 }, ...operationReference(3) },
    nested: {
      MigrationPlan: { fields: { targetProcessDefinitionKey: { type: 'int64', id: 1 }, mappingInstructions: { type: 'MappingInstruction', id: 2, rule: 'repeated' } } },
      MappingInstruction: { fields: { sourceElementId: { type: 'string', id: 1 }, targetElementId: { type: 'string', id: 2 } } },
    },
  },
  MigrateProcessInstanceResponse: { fields: {} },
};

const addedMethods = {
  UpdateJobTimeout: { requestType: 'UpdateJobTimeoutRequest', responseType: 'UpdateJobTimeoutResponse' },
  MigrateProcessInstance: { requestType: 'MigrateProcessInstanceRequest', responseType: 'MigrateProcessInstanceResponse' },
};

export const zeebeNodeProtoPath = path.join(path.dirname(require.resolve('zeebe-node/package.json')), 'proto', 'zeebe.proto');

/** The served protocol as a protobufjs namespace description (also read by the protocol test). */
export function servedProtocol(): protobuf.INamespace {
  const root = new protobuf.Root().loadSync(zeebeNodeProtoPath, { keepCase: true });
  const json = root.toJSON() as { nested: { gateway_protocol: { nested: Record<string, any> } } };
  const types = json.nested.gateway_protocol.nested;
  for (const [message, fields] of Object.entries(addedFields)) Object.assign(types[message].fields, fields);
  Object.assign(types, addedMessages);
  Object.assign(types.Gateway.methods, addedMethods);
  return json as protobuf.INamespace;
}

let service: ServiceDefinition | undefined;

/** The Gateway service definition, read from the protocol file once per process (it takes a loaded machine seconds). */
export function gatewayService(): ServiceDefinition {
  if (service) return service;
  const definition = fromJSON(servedProtocol(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const loaded = loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: ServiceDefinition } } };
  return (service = loaded.gateway_protocol.Gateway.service);
}
