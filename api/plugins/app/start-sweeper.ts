// Starts the process instances of requests that were accepted but not started
// (the API crashed between commit and start, or the engine was down). Every
// API process runs one; the start lease keeps them from starting one twice.
import fp from 'fastify-plugin';

export default fp(async (app) => {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = app.requests.sweep()
      .then((started) => { if (started > 0) app.log.info({ started }, 'started process instances of unstarted requests'); })
      .catch((error: unknown) => app.log.warn({ err: error }, 'start sweep failed'))
      .finally(() => { timer = setTimeout(sweep, app.config.START_SWEEP_SECONDS * 1000); timer.unref(); });
  };
  app.addHook('onReady', async () => {
    timer = setTimeout(sweep, app.config.START_SWEEP_SECONDS * 1000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearTimeout(timer);
    await running;
    clearTimeout(timer);
  });
}, { name: 'start-sweeper', dependencies: ['requests', 'context'] });
