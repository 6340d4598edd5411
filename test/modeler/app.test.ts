// The API serves the built modeler at /modeler and its routes, with nothing
// from outside this machine.
import t from 'tap';
import pino from 'pino';
import { buildApp } from '../../api/app.ts';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import type { Logger } from '../../platform/logger.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { ensureBundle as ensurePortalBundle } from '../../portal/build.ts';
import { projectRulesModule } from '../../domain/process-design/lint.ts';
import { processesDirectory } from '../../platform/deployment.ts';

t.test('the API serves the modeler page, its bundle and a read-only process list without a token', async (t) => {
  const db = await createTestDatabase(t);
  const logger = pino({ level: 'silent' }) as Logger;
  const config = readConfig({});
  const engine = await startEngine({ db, port: 0, logger });
  t.teardown(() => engine.stop());
  const zeebe = createZeebeClient(config, engine.address, logger);
  t.teardown(() => zeebe.close(1_000).catch(() => undefined));
  // The portal builds its bundle inside its plugin; on a busy machine that can
  // pass Fastify's plugin timeout, which is not what this test is about.
  await ensurePortalBundle();
  const app = await buildApp({ config, db, zeebe, logger });
  t.teardown(() => app.close());

  const redirect = await app.inject({ url: '/modeler' });
  t.equal(redirect.statusCode, 302);
  const page = await app.inject({ url: '/modeler/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], 'text/html');
  t.match(page.body, 'dir="rtl"', 'Persian page chrome, right to left');
  t.notMatch(page.body, /https?:\/\//, 'the page loads nothing from elsewhere');

  const script = await app.inject({ url: '/modeler/modeler.js' });
  t.equal(script.statusCode, 200);
  t.match(script.headers['content-type'], 'javascript');
  if (projectRulesModule(processesDirectory)) {
    // The rule's Persian message; esbuild writes non-ASCII text as \uXXXX escapes.
    const message = 'در قرارداد کارگزارها';
    const escaped = [...message].map((c) => (c.charCodeAt(0) < 128 ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('');
    t.ok(script.body.includes(message) || script.body.toLowerCase().includes(escaped), "the canvas lints with the project's rules too");
  }
  const styles = await app.inject({ url: '/modeler/modeler.css' });
  t.equal(styles.statusCode, 200);
  t.notMatch(styles.body, /@import\s+url\(["']?https?:/, 'no stylesheet from a CDN');

  const openapi = await app.inject({ url: '/docs/json' });
  t.equal(openapi.statusCode, 200);
  const paths = Object.keys(openapi.json().paths);
  for (const path of ['/api/processes', '/api/processes/{id}', '/api/processes/{id}/versions', '/api/processes/{id}/deploy', '/api/processes/forms/{formId}']) {
    t.ok(paths.includes(path), `${path} is documented`);
  }

  const list = await app.inject({ url: '/api/processes' });
  t.equal(list.statusCode, 200);
  t.match(list.json(), { canEdit: false, user: null, processes: Array });
});
