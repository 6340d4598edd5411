// The modeler's calls to /api/processes. The staff token comes from the staff
// workspace's sign-in (kept in localStorage); without one the view is read-only.

export const tokenKey = 'shahrdari.staffToken';

export class ApiError extends Error {
  constructor(status, body) {
    // Problem documents (RFC 9457): the Persian explanation where there is one.
    super(body?.detailFa ?? body?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export class ProcessApi {
  constructor(base = '/api/processes', storage = window.localStorage) {
    this.base = base;
    this.storage = storage;
  }

  headers(extra = {}) {
    const token = this.storage.getItem(tokenKey);
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  }

  async request(path, options = {}) {
    const response = await fetch(`${this.base}${path}`, {
      ...options,
      headers: this.headers(options.body ? { 'content-type': 'application/json' } : {}),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  /** Staff sign-in of the API (api/routes/api/auth): keeps the token for later calls. */
  async signIn(username, password) {
    const response = await fetch('/api/auth/staff/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    this.storage.setItem(tokenKey, body.token);
  }

  signOut() { this.storage.removeItem(tokenKey); }

  list() { return this.request(''); }
  open(id) { return this.request(`/${id}`); }
  versions(id) { return this.request(`/${id}/versions`); }
  version(id, version) { return this.request(`/${id}/versions/${version}`); }
  save(id, xml, comment) { return this.request(`/${id}`, { method: 'PUT', body: JSON.stringify(comment ? { xml, comment } : { xml }) }); }
  form(formId) { return this.request(`/forms/${formId}`); }
  saveForm(formId, schema) { return this.request(`/forms/${formId}`, { method: 'PUT', body: JSON.stringify({ schema }) }); }
  migration(id, version) { return this.request(`/${id}/migration${version ? `?version=${version}` : ''}`); }
  migrate(id, version, mapping, requests) {
    return this.request(`/${id}/migration`, { method: 'POST', body: JSON.stringify({ version, mapping, requests }) });
  }
  review(id, version) { return this.request(`/${id}/review${version ? `?version=${version}` : ''}`); }
  deploy(id, version, comment) {
    return this.request(`/${id}/deploy`, { method: 'POST', body: JSON.stringify({ ...(version ? { version } : {}), ...(comment ? { comment } : {}) }) });
  }
}
