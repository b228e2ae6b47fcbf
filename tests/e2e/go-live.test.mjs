// Go-live, end to end: a vendor app (tests/e2e/lib/vendor-app.mjs) with a "Sign in with SSO"
// link, the real Portico, and the real saml-idp and panva oidc-provider on 127.0.0.1. Chromium
// clicks through: app → Portico /sso/authorize → the IdP → Portico → app /callback → /sso/token,
// and the app shows the profile with the mapped attributes: SAML, OIDC, and a PKCE public client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, openAdminPage, checkScreen } from './lib/browser.mjs';
import { startOidcProvider, DEFAULT_ACCOUNT } from './lib/oidc.mjs';
import { startSamlIdp } from './lib/saml.mjs';
import { startVendorApp } from './lib/vendor-app.mjs';

let portico, browser, app, samlIdp, oidc;
const orgs = {};

before(async () => {
  portico = await startPortico();
  browser = await launchBrowser();
  // The CLI prints PORTICO_URL from the same settings the server has (here: the public URL).
  const creds = portico.run(['env', 'credentials', '--public-url', portico.baseUrl]);
  const value = (name) => creds.split('\n').find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
  assert.equal(value('PORTICO_URL'), portico.baseUrl, creds);
  app = await startVendorApp({ porticoUrl: value('PORTICO_URL'), clientId: value('PORTICO_CLIENT_ID'), clientSecret: value('PORTICO_CLIENT_SECRET') });
  portico.run(['redirect-uri', 'add', app.callback, '--default']);
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await samlIdp?.stop();
  await oidc?.stop();
  await portico?.stop();
});

/** An organization with its domain verified, and a connection made through the vendor API. */
async function organization(name, domain, idp) {
  const org = await portico.api('POST', '/api/v1/organizations', { name });
  assert.equal(org.status, 201, org.text);
  const d = await portico.api('POST', `/api/v1/organizations/${org.json.id}/domains`, { domain });
  await portico.api('POST', `/api/v1/domains/${d.json.id}/verify`);
  const conn = await portico.api('POST', `/api/v1/organizations/${org.json.id}/connections`, { idp });
  assert.equal(conn.status, 201, conn.text);
  return { id: org.json.id, conn: conn.json };
}

/** The admin's test sign-in through the portal, then activation through the vendor API. */
async function testAndActivate(org, signInAtIdp) {
  const { page, context } = await openAdminPage(portico, browser, org.id);
  try {
    await page.goto(`${portico.baseUrl}/sso/setup/test?connection=${org.conn.id}`);
    await page.locator('[data-start-test]').click();
    await signInAtIdp(page);
    await page.locator('[data-test-outcome="success"]').waitFor();
  } finally {
    await context.close();
  }
  const r = await portico.api('PATCH', `/api/v1/connections/${org.conn.id}`, { state: 'active' });
  assert.equal(r.json.state, 'active', r.text);
}

const samlSignIn = async (page) => page.locator('#btn-sign-in').click();
const oidcSignIn = async (page) => {
  await page.fill('input[name=login]', 'ada');
  await page.fill('input[name=password]', 'anything');
  await page.click('button[type=submit]');
  await page.click('button:has-text("Continue")');
};

/** A user of the vendor's app signs in with SSO; returns the profile the app shows. */
async function appSignIn(query, signInAtIdp) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${app.url}/login?${new URLSearchParams(query)}`);
    await signInAtIdp(page);
    await page.waitForURL(`${app.callback}?**`);
    const error = await page.locator('#error').textContent({ timeout: 1000 }).catch(() => null);
    assert.equal(error, null, `the app got an error: ${await page.content()}`);
    const fields = {};
    for (const dd of await page.locator('#profile dd').all()) fields[await dd.getAttribute('data-field')] = await dd.textContent();
    return fields;
  } finally {
    await context.close();
  }
}

test('SAML and OIDC connections sign the vendor app\'s users in; a public client uses PKCE', async () => {
  orgs.saml = await organization('Jackson Industries', 'example.com', 'generic-saml');
  samlIdp = await startSamlIdp({ acsUrl: orgs.saml.conn.sp.acs_url, audience: orgs.saml.conn.sp.entity_id });
  const metadata = await (await fetch(samlIdp.metadataUrl)).text();
  assert.equal((await portico.api('PATCH', `/api/v1/connections/${orgs.saml.conn.id}`, { metadata_xml: metadata })).status, 200);
  await testAndActivate(orgs.saml, samlSignIn);

  orgs.oidc = await organization('Lovelace Ltd', 'example.test', 'generic-oidc');
  oidc = await startOidcProvider({ redirectUris: [orgs.oidc.conn.sp.redirect_uri] });
  const patched = await portico.api('PATCH', `/api/v1/connections/${orgs.oidc.conn.id}`, { issuer: oidc.issuer, client_id: oidc.clientId, client_secret: oidc.clientSecret });
  assert.equal(patched.status, 200, patched.text);
  await testAndActivate(orgs.oidc, oidcSignIn);

  // SP-initiated SAML, by organization.
  let p = await appSignIn({ organization: orgs.saml.id }, samlSignIn);
  assert.equal(p.email, 'saml.jackson@example.com');
  assert.equal(p.first_name, 'Saml');
  assert.equal(p.last_name, 'Jackson');
  assert.equal(p.organization_id, orgs.saml.id);
  assert.equal(p.connection_type, 'saml');
  assert.match(p.groups, /Simple IdP Users/);
  const samlProfileId = p.id;

  // OIDC, found by the email's verified domain.
  p = await appSignIn({ login_hint: DEFAULT_ACCOUNT.email }, oidcSignIn);
  assert.equal(p.email, DEFAULT_ACCOUNT.email);
  assert.equal(p.first_name, DEFAULT_ACCOUNT.given_name);
  assert.equal(p.organization_id, orgs.oidc.id);
  assert.equal(p.connection_type, 'oidc');

  // A public client: PKCE, no secret; the same person keeps the same profile id.
  p = await appSignIn({ organization: orgs.saml.id, public: '1' }, samlSignIn);
  assert.equal(p.email, 'saml.jackson@example.com');
  assert.equal(p.id, samlProfileId);

  // Every sign-in is in the log, for the vendor and for the organization's admin.
  // A sign-in link whose redirect URI is not registered gets a page, not a redirect.
  const refused = await browser.newPage();
  const r = await refused.goto(`${portico.baseUrl}/sso/authorize?client_id=${encodeURIComponent(app.clientId)}&redirect_uri=${encodeURIComponent('https://evil.test/cb')}&organization=${orgs.saml.id}`);
  assert.equal(r.status(), 400);
  assert.match(await refused.locator('h1').textContent(), /not valid/);
  await checkScreen(refused, '81-authorize-refused');
  await refused.close();

  const log = await portico.api('GET', `/api/v1/connections/${orgs.saml.conn.id}/sign_ins`);
  assert.equal(log.json.data.filter((s) => s.outcome === 'success').length, 2, log.text);
  const { page, context, errors } = await openAdminPage(portico, browser, orgs.saml.id);
  try {
    const item = page.locator(`[data-connection="${orgs.saml.conn.id}"]`);
    await item.getByText('Sign-in log').click();
    await item.locator('tr[data-sign-in="success"]').nth(1).waitFor();
    assert.equal(await item.locator('tr[data-sign-in="success"]').count(), 2);
    assert.match(await item.locator('tbody').textContent(), new RegExp(samlProfileId));
    await checkScreen(page, '80-sign-in-log');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
