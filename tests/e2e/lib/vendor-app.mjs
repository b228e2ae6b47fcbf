// A vendor's app, as small as an integration with Portico gets: a "Sign in with SSO" link per
// organization that sends the browser to Portico's /sso/authorize, and a callback that trades
// the code at /sso/token and shows the profile. `public: true` links act as a public client
// (a single-page or mobile app): no secret, PKCE instead.
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';

const b64url = (buf) => buf.toString('base64url');
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

export async function startVendorApp({ porticoUrl, clientId, clientSecret }) {
  const pending = new Map(); // state -> { verifier }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const redirectUri = `http://${req.headers.host}/callback`;
    const html = (status, body) => { res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }); res.end(`<!doctype html><title>Vendor app</title>${body}`); };
    if (url.pathname === '/login') {
      const state = b64url(randomBytes(16));
      const q = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, state });
      for (const k of ['organization', 'login_hint', 'connection']) if (url.searchParams.get(k)) q.set(k, url.searchParams.get(k));
      const entry = {};
      if (url.searchParams.get('public')) {
        entry.verifier = b64url(randomBytes(32));
        q.set('code_challenge', b64url(createHash('sha256').update(entry.verifier).digest()));
        q.set('code_challenge_method', 'S256');
      }
      pending.set(state, entry);
      res.writeHead(302, { location: `${porticoUrl}/sso/authorize?${q}` });
      return res.end();
    }
    if (url.pathname === '/callback') {
      const entry = pending.get(url.searchParams.get('state'));
      pending.delete(url.searchParams.get('state'));
      if (!entry) return html(400, '<h1>Unknown state</h1>');
      if (url.searchParams.get('error')) return html(400, `<h1>Sign-in failed</h1><p id="error">${esc(url.searchParams.get('error'))}</p><p>${esc(url.searchParams.get('error_description'))}</p>`);
      const form = new URLSearchParams({ grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: redirectUri });
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      if (entry.verifier) { form.set('client_id', clientId); form.set('code_verifier', entry.verifier); }
      else headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      const token = await fetch(`${porticoUrl}/sso/token`, { method: 'POST', headers, body: form });
      const body = await token.json();
      if (!token.ok) return html(502, `<h1>Token request failed</h1><p id="error">${esc(body.error)}</p>`);
      const p = body.profile;
      return html(200, `<h1>Welcome, ${esc(p.first_name)}</h1><dl id="profile">${['email', 'first_name', 'last_name', 'organization_id', 'connection_id', 'connection_type', 'id']
        .map((k) => `<dt>${k}</dt><dd data-field="${k}">${esc(p[k])}</dd>`).join('')}<dt>groups</dt><dd data-field="groups">${esc((p.groups || []).join(', '))}</dd></dl>`);
    }
    return html(200, '<h1>Vendor app</h1><a href="/login">Sign in with SSO</a>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, clientId, callback: `${url}/callback`, stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}
