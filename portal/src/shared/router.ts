// Hash routes (#/services/tree-felling-permit): the server serves one page
// per app, and a redirect back from the bank gateway lands on any route.
export interface Route { path: string[]; query: URLSearchParams }

export function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [pathPart = '/', queryPart = ''] = hash.split('?');
  return { path: pathPart.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(queryPart) };
}

export function go(hash: string): void {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = hash;
}

export function startRouter(render: (route: Route) => Promise<void>, onError: (error: unknown) => void): void {
  const run = () => { render(currentRoute()).catch(onError); };
  window.addEventListener('hashchange', run);
  run();
}
