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
import type { FastifyInstance, FastifyReply } from 'fastify';

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

/**
 * A Content-Disposition that makes a file a download under the name it was
 * given, whatever that name holds: RFC 6266's filename* with every byte
 * outside RFC 8187's attr-char percent-encoded (encodeURIComponent leaves
 * ' ( ) * and ! as they are), and an ASCII fallback for old clients with
 * anything that could end or escape the quoted string replaced.
 */
export function attachmentDisposition(filename: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

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

/** HSTS for a platform reached over HTTPS; on plain HTTP a browser ignores it, so none. */
export const hstsFor = (publicUrl: string) => (publicUrl.startsWith('https://') ? 'max-age=31536000' : null);

/**
 * Sets the security headers on one answer: the common ones, HSTS, who may
 * embed it, and its policy — `page()`'s for a page of ours, the inert one
 * for anything else. Fastify's own errors before routing (a bad URL
 * encoding, a path too long) skip the onSend hook, so `frameworkErrors`
 * calls this itself.
 */
export function setSecurityHeaders(reply: FastifyReply, url: string, options: { hsts: string | null; page?: () => string }): void {
  for (const [name, value] of Object.entries(commonHeaders)) if (!reply.hasHeader(name)) reply.header(name, value);
  if (options.hsts) reply.header('strict-transport-security', options.hsts);
  // Open311's GET answers are meant for other sites' pages (Access-Control-Allow-Origin: *).
  reply.header('cross-origin-resource-policy', url.startsWith('/open311') ? 'cross-origin' : 'same-origin');
  // A 304's headers replace the cached answer's, and it carries no type to choose by: the cached policy stands.
  if (reply.hasHeader('content-security-policy') || reply.statusCode === 304) return;
  const type = String(reply.getHeader('content-type') ?? '');
  // A download is never a page of ours, whatever type it claims.
  const download = String(reply.getHeader('content-disposition') ?? '').startsWith('attachment');
  reply.header('content-security-policy', options.page && type.startsWith('text/html') && !download ? options.page() : inertPolicy);
}

export default fp(async (app: FastifyInstance) => {
  const publicOrigin = origin(app.config.publicUrl);
  const hsts = hstsFor(app.config.publicUrl);
  /** The configured gateway can be replaced at run time (tests point it at a sandbox elsewhere), so its origin is read per page. */
  const formTargets = () => {
    const targets = publicOrigin ? [publicOrigin] : [];
    const gateway = app.hasDecorator('payments') ? origin(app.payments.gateway.paymentPageUrl('token')) : null;
    if (gateway) targets.push(gateway);
    return targets;
  };

  app.addHook('onSend', async (request, reply, payload) => {
    setSecurityHeaders(reply, request.url, {
      hsts, page: () => pagePolicy(formTargets(), { inlineStyles: inlineStylePages.some((prefix) => request.url.startsWith(prefix)) }),
    });
    return payload;
  });
}, { name: 'security-headers', dependencies: ['context'] });
