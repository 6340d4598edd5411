// Configuration is read once, at start-up, from the environment and checked
// against one schema. Nothing else in the code reads process.env.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import path from 'node:path';

// `expected` is what the error line tells an operator to write instead.
const Port = (description: string, defaultValue: number) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultValue, description, expected: 'a port number from 0 to 65535' });

const Flag = (description: string, defaultValue: boolean) =>
  Type.Boolean({ default: defaultValue, description, expected: 'true or false' });

/** One Open311 jurisdiction: an id GeoReport clients send, `=`, its district numbers joined with `+`. */
const jurisdiction = '\\s*[A-Za-z0-9._~:/-]{1,100}\\s*=\\s*[0-9]{1,2}(\\s*\\+\\s*[0-9]{1,2})*\\s*';

export const ConfigSchema = Type.Object({
  PORT: Port('HTTP port of the API, the modeler and the pages', 3000),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'interface the HTTP server listens on', expected: 'a host name or IP address' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'how much the logs say', expected: 'one of fatal, error, warn, info, debug, trace, silent' },
  ),
  DATA_DIR: Type.String({ minLength: 1, default: '.data', description: 'folder for embedded PostgreSQL data and uploads', expected: 'a folder path' }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL to use; unset starts embedded PostgreSQL under DATA_DIR', expected: 'a URL such as postgres://user:password@host:5432/shahrdari' }),
  ),
  ZEEBE_ADDRESS: Type.Optional(
    Type.String({ pattern: '^[^\\s:]+:[0-9]+$', description: 'Zeebe gateway to use; unset starts the embedded engine', expected: 'host:port, such as zeebe.example.org:26500' }),
  ),
  ZEEBE_PORT: Port('gRPC port of the embedded engine (0 picks a free one)', 26500),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'port of the Prometheus /metrics endpoint of npm run engine and npm run workers, on HOST (0 picks a free one); unset means none (npm start and npm run api serve /metrics on PORT)', expected: 'a port number from 0 to 65535' })),
  ENGINE_CLOCK_PORT: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 65535, description: "HTTP port of the embedded engine's clock control (PUT /v2/clock, POST /v2/clock/reset as in Camunda's REST API) on 127.0.0.1, for tests and the simulation; unset means no clock control", expected: 'a port number from 0 to 65535' }),
  ),
  ZEEBE_SECURE_CONNECTION: Flag('use TLS to reach ZEEBE_ADDRESS', false),
  ZEEBE_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'OAuth client id for the Zeebe gateway', expected: 'a non-empty string' })),
  ZEEBE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'OAuth client secret for the Zeebe gateway', expected: 'a non-empty string' })),
  ZEEBE_AUTHORIZATION_SERVER_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'OAuth token endpoint', expected: 'an http(s):// URL' }),
  ),
  ZEEBE_TOKEN_AUDIENCE: Type.Optional(Type.String({ minLength: 1, description: 'OAuth audience of the Zeebe gateway', expected: 'a non-empty string' })),
  ZEEBE_TOKEN_SCOPE: Type.Optional(Type.String({ minLength: 1, description: 'OAuth scope to ask the token endpoint for (Microsoft Entra ID and some Keycloak set-ups want one)', expected: 'a non-empty string' })),
  ZEEBE_BASIC_AUTH_USERNAME: Type.Optional(Type.String({ minLength: 1, description: 'user for basic authentication at the gateway (Camunda 8.8 self-managed with basic auth), instead of OAuth', expected: 'a non-empty string' })),
  ZEEBE_BASIC_AUTH_PASSWORD: Type.Optional(Type.String({ minLength: 1, description: 'password of ZEEBE_BASIC_AUTH_USERNAME', expected: 'a non-empty string' })),
  ZEEBE_CA_CERTIFICATE_PATH: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of the certificate authority that signed the gateway\'s and the token endpoint\'s TLS certificates, when not a public one', expected: 'a file path' })),
  ZEEBE_CLIENT_CERTIFICATE_PATH: Type.Optional(Type.String({ minLength: 1, description: 'PEM client certificate (chain) for mutual TLS with the gateway', expected: 'a file path' })),
  ZEEBE_CLIENT_PRIVATE_KEY_PATH: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of ZEEBE_CLIENT_CERTIFICATE_PATH', expected: 'a file path' })),
  CAMUNDA_CLUSTER_ID: Type.Optional(Type.String({ minLength: 1, description: 'Camunda SaaS cluster id', expected: 'a non-empty string' })),
  CAMUNDA_CLUSTER_REGION: Type.Optional(Type.String({ minLength: 1, description: 'Camunda SaaS region, e.g. bru-2', expected: 'a non-empty string' })),
  DEPLOY_ON_START: Flag('deploy every diagram in processes/ when the system starts', true),
  PUBLIC_URL: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'address citizens reach the platform at (payment callbacks, certificate QR codes); unset means the address npm start prints, http://HOST:PORT (set it when PORT is 0)', expected: 'an http(s):// URL such as https://e.mashhad.ir' }),
  ),
  JWT_SECRET: Type.Optional(
    Type.String({ minLength: 32, description: 'secret that signs API tokens; unset generates one kept in DATA_DIR/jwt-secret (one machine only)', expected: 'at least 32 characters' }),
  ),
  DEMO_SEED: Type.Optional(
    Type.Boolean({ description: 'create one staff account per role for district 12 with a known password; unset means only with embedded PostgreSQL', expected: 'true or false' }),
  ),
  CLOCK: Type.Union([Type.Literal('system'), Type.Literal('shared')], {
    default: 'system',
    description: 'business clock (due dates, payment windows, appointment days): the machine\'s, or shared = the offset a simulation keeps in PostgreSQL (npm run simulate starts its processes so)',
    expected: 'system or shared',
  }),
  TRUST_PROXY: Type.Optional(
    Type.String({
      pattern: '^([0-9]{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$',
      description: 'the load balancers or proxies in front of the API, by how many hops or by address: the client address (rate limits, logs) is then read from X-Forwarded-For; unset trusts none',
      expected: 'a number of hops such as 1, or addresses and CIDR ranges such as 10.0.0.0/8,127.0.0.1',
    }),
  ),
  USER_TASK_LEASE_SECONDS: Type.Integer({ minimum: 5, maximum: 3600, default: 120, description: 'how long the engine leaves a taken user-task job with a workers process before its task is listed (then UpdateJobTimeout keeps it for 30 days): the longest a workers process that dies at that moment hides a task', expected: 'seconds from 5 to 3600' }),
  START_SWEEP_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 15, description: 'how often the API starts process instances of requests left unstarted', expected: 'seconds from 1 to 3600' }),
  OPEN311_JURISDICTIONS: Type.String({
    pattern: `^${jurisdiction}(,${jurisdiction})*$`,
    default: 'mashhad.ir=12',
    description: 'Open311 jurisdiction_id values and the districts each covers (a filing goes to the first of them that offers the service); the first jurisdiction is the one used when a client sends none',
    expected: 'comma-separated id=district pairs such as mashhad.ir=12 or mashhad.ir=12+5,samen.mashhad.ir=14',
  }),
});

/** An Open311 jurisdiction_id and the districts it covers; requests filed under it go to the first. */
export interface Open311Jurisdiction { id: string; districts: number[] }

export type Config = Static<typeof ConfigSchema> & {
  /** DATA_DIR resolved against the working directory. */
  dataDir: string;
  /** PUBLIC_URL without a trailing slash, or the local API. */
  publicUrl: string;
  /** TRUST_PROXY as Fastify's trustProxy: hops, addresses, or false. */
  trustProxy: number | string[] | false;
  /** OPEN311_JURISDICTIONS parsed, in the order written (the first is the default). */
  open311Jurisdictions: Open311Jurisdiction[];
};

export class ConfigError extends Error {}

const ajv = new Ajv({ useDefaults: true, coerceTypes: true, allErrors: false });
ajv.addKeyword('expected');
const validate = ajv.compile(ConfigSchema);

/**
 * Reads the configuration from an environment. Empty strings count as unset,
 * so `FOO= npm start` behaves like leaving FOO out.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(ConfigSchema.properties);
  const input: Record<string, unknown> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  if (!validate(input)) {
    const error = validate.errors![0]!;
    const variable = error.instancePath.replace(/^\//, '') || String(error.params?.missingProperty ?? '');
    const property = (ConfigSchema.properties as Record<string, { expected?: string }>)[variable];
    throw new ConfigError(
      `invalid configuration: ${variable}=${JSON.stringify(env[variable])} is not ${property?.expected ?? error.message}`,
    );
  }
  const config = input as Static<typeof ConfigSchema>;
  return {
    ...config,
    dataDir: path.resolve(config.DATA_DIR),
    publicUrl: (config.PUBLIC_URL ?? localUrl(config.HOST, config.PORT)).replace(/\/+$/, ''),
    open311Jurisdictions: parseJurisdictions(config.OPEN311_JURISDICTIONS),
    trustProxy: config.TRUST_PROXY === undefined ? false
      : /^[0-9]+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY.split(','),
  };
}

/**
 * The address `npm start` prints (fastify's own for the interface), so a
 * bank's redirect or a scanned QR code comes back to the origin the citizen
 * signed in at: a browser keeps the session per origin, and localhost is
 * another origin than 127.0.0.1.
 */
function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** `mashhad.ir=12+5,samen.mashhad.ir=14` as jurisdictions; the schema has checked the shape. */
function parseJurisdictions(value: string): Open311Jurisdiction[] {
  const jurisdictions = value.split(',').map((pair) => {
    const [id, districts] = pair.split('=') as [string, string];
    return { id: id.trim(), districts: [...new Set(districts.split('+').map((district) => Number(district.trim())))] };
  });
  const ids = jurisdictions.map((j) => j.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated) throw new ConfigError(`invalid configuration: OPEN311_JURISDICTIONS names ${repeated} twice`);
  return jurisdictions;
}

/** The variables and their descriptions, for the README table and `--help`. */
export function describeConfig(): { name: string; description: string; expected: string; default?: unknown }[] {
  return Object.entries(ConfigSchema.properties).map(([name, schema]) => {
    const { description = '', expected = '', default: defaultValue } = schema as {
      description?: string; expected?: string; default?: unknown;
    };
    return { name, description, expected, default: defaultValue };
  });
}
