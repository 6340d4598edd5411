// The address citizens reach the platform at: payment callbacks and
// certificate verification links are built from it. Until platform/config.ts
// carries it (not a workers file), PUBLIC_URL is read here, once per family
// start, defaulting to the local API.
export function publicUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
}
