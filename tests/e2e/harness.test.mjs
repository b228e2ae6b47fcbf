// Checks the e2e harness itself (the test IdP and the browser helpers), so a
// broken harness fails here rather than as a confusing Portico failure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launchBrowser, checkA11y } from './lib/browser.mjs';
import { startOidcProvider, DEFAULT_ACCOUNT } from './lib/oidc.mjs';

test('OIDC provider publishes discovery and signing keys', async () => {
  const idp = await startOidcProvider();
  try {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const discovery = await res.json();
    assert.equal(discovery.issuer, idp.issuer);
    assert.match(discovery.jwks_uri, /^http:\/\/127\.0\.0\.1:\d+\//);

    const jwks = await (await fetch(discovery.jwks_uri)).json();
    assert.ok(jwks.keys.length > 0, 'jwks has keys');
    assert.ok(jwks.keys.every((k) => k.kid && !k.d), 'keys are public and have a kid');
  } finally {
    await idp.stop();
  }
});

// A tiny page server: /bad has a critical axe violation, everything is served
// with a CSP that forbids inline scripts and eval, and /cb records redirects.
let pages;
let browser;
const callbacks = [];
before(async () => {
  pages = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/cb') callbacks.push(url.searchParams);
    const img = url.pathname === '/bad' ? '<img src="data:,">' : '';
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'" });
    res.end(`<!doctype html><html lang="en"><title>t</title><main><h1>Hi</h1>${img}</main></html>`);
  });
  await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  pages?.close();
});
const pagesUrl = (path) => `http://127.0.0.1:${pages.address().port}${path}`;

test('checkA11y passes a clean page and reports a critical violation', async () => {
  const page = await browser.newPage();
  await page.goto(pagesUrl('/good'));
  await checkA11y(page, 'good page');
  await page.goto(pagesUrl('/bad'));
  await assert.rejects(checkA11y(page, 'bad page'), /\[critical\] image-alt/);
  await page.close();
});

test('OIDC provider completes a code flow with the configured claims', async () => {
  const redirectUri = pagesUrl('/cb');
  const idp = await startOidcProvider({ redirectUris: [redirectUri] });
  try {
    const page = await browser.newPage();
    const auth = new URL(`${idp.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: idp.clientId, redirect_uri: redirectUri, response_type: 'code',
      scope: 'openid email profile', state: 's1', nonce: 'n1',
    });
    await page.goto(auth.href);
    await page.fill('input[name=login]', 'ada');
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    await page.click('button:has-text("Continue")');
    await page.waitForURL(`${redirectUri}?**`);
    await page.close();

    const params = callbacks.at(-1);
    assert.equal(params.get('state'), 's1');
    const token = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri }),
    }).then((r) => r.json());
    assert.ok(token.id_token, `token response: ${JSON.stringify(token)}`);
    const claims = JSON.parse(Buffer.from(token.id_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.iss, idp.issuer);
    assert.equal(claims.sub, 'ada');
    assert.equal(claims.nonce, 'n1');
    assert.equal(claims.email, DEFAULT_ACCOUNT.email);
    assert.equal(claims.given_name, DEFAULT_ACCOUNT.given_name);
    assert.equal(claims.family_name, DEFAULT_ACCOUNT.family_name);
  } finally {
    await idp.stop();
  }
});
