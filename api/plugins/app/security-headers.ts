// Security headers on every answer: the pages (portal, workspace, modeler,
// /docs, the verify page, the sandbox bank's page) get a Content-Security-
// Policy that lets them run only our own scripts and styles and talk only
// to us; everything else — JSON, problem documents, downloads, PDFs, fonts —
// gets one that lets it run nothing at all, so an uploaded file opened in a
// browser tab cannot become a page of ours. A route that sets its own policy
// (the sandbox bank's page) keeps it.
//
// No page of ours runs an inline script or eval: they are bundles loaded by
// <script src>. Styles come from our style sheets, except on two pages built
// on third-party editors that inject their own: the modeler (CodeMirror, in
// the properties panel's FEEL fields, mounts <style> elements; form-js's
// panel writes style attributes) and Swagger UI at /docs. Those two may use
// inline styles; their scripts are held like everyone's. The browser tests
// (test/portal, test/modeler) fail on any policy violation Chromium
// reports, so a page or library that comes to need more says so.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

/** Pages whose third-party editors inject styles. */
const inlineStylePages = ['/modeler/', '/docs'];

/** What a document of ours may load: our own scripts, styles, fonts and images, and fetches to us. */
export function pagePolicy(formTargets: string[], options: { inlineStyles?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    options.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    // bpmn-js draws its palette icons and form-js its previews from data: and blob: URLs.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // A bank gateway that takes a POSTed form (Shaparak's) is the one other place a page of ours sends a form.
    `form-action ${["'self'", ...new Set(formTargets)].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Anything that is not a page of ours: nothing runs, nothing loads, nothing frames it. */
export const inertPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers every answer carries, whatever it is. */
export const commonHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Tracking codes and tokens appear in addresses; no other site hears of them.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

export default fp(async (app: FastifyInstance) => {
  const publicOrigin = origin(app.config.publicUrl);
  // HSTS means something only over HTTPS; a browser ignores it on plain HTTP.
  const hsts = app.config.publicUrl.startsWith('https://') ? 'max-age=31536000' : null;
  /** The configured gateway can be replaced at run time (tests point it at a sandbox elsewhere), so its origin is read per page. */
  const formTargets = () => {
    const targets = publicOrigin ? [publicOrigin] : [];
    const gateway = app.hasDecorator('payments') ? origin(app.payments.gateway.paymentPageUrl('token')) : null;
    if (gateway) targets.push(gateway);
    return targets;
  };

  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(commonHeaders)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (hsts) reply.header('strict-transport-security', hsts);
    // Open311's GET answers are meant for other sites' pages (Access-Control-Allow-Origin: *).
    reply.header('cross-origin-resource-policy', request.url.startsWith('/open311') ? 'cross-origin' : 'same-origin');
    // A 304's headers replace the cached answer's, and it carries no type to choose by: the cached policy stands.
    if (!reply.hasHeader('content-security-policy') && reply.statusCode !== 304) {
      const type = String(reply.getHeader('content-type') ?? '');
      reply.header('content-security-policy', type.startsWith('text/html')
        ? pagePolicy(formTargets(), { inlineStyles: inlineStylePages.some((prefix) => request.url.startsWith(prefix)) })
        : inertPolicy);
    }
    return payload;
  });
}, { name: 'security-headers', dependencies: ['context'] });
