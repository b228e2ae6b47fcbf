// The whole path an IT admin takes, in a real browser against the real binary: a vendor mints
// a link, the admin configures a SAML connection by uploading a real IdP's metadata file and an
// OIDC connection against a real OpenID provider, the vendor API shows both, and the used link
// explains itself. axe-core runs on every screen; screenshots land in tests/e2e/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkA11y, checkScreen } from './lib/browser.mjs';
import { startOidcProvider } from './lib/oidc.mjs';
import { startSamlIdp, downloadMetadata } from './lib/saml.mjs';

let portico, browser, oidc, samlIdp, orgId, link;
const files = mkdtempSync(join(tmpdir(), 'portico-e2e-files-'));

before(async () => {
  portico = await startPortico();
  oidc = await startOidcProvider();
  samlIdp = await startSamlIdp({ acsUrl: `${portico.baseUrl}/sso/saml/placeholder/acs`, audience: `${portico.baseUrl}/sso/saml/placeholder` });
  browser = await launchBrowser();
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Acme Corp', external_id: 'acme-e2e' });
  assert.equal(org.status, 201, org.text);
  orgId = org.json.id;
  const res = await portico.api('POST', '/api/v1/portal_links', {
    organization_id: orgId, intent: 'sso', return_url: 'https://app.vendor.test/settings', success_url: 'https://app.vendor.test/done',
  });
  assert.equal(res.status, 201, res.text);
  link = res.json.url;
});

after(async () => {
  await browser?.close();
  await samlIdp?.stop();
  await oidc?.stop();
  await portico?.stop();
});

/** Waits for the step's heading, checks accessibility, and takes desktop and phone screenshots. */
async function screen(page, heading, name) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await checkScreen(page, name);
}

async function connections() {
  const res = await portico.api('GET', `/api/v1/organizations/${orgId}/connections`);
  assert.equal(res.status, 200, res.text);
  return res.json.data;
}

test('an IT admin configures SAML by uploading metadata and OIDC against a real provider', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portico.baseUrl });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The link is redeemed by the app, and the token leaves the address bar.
  await page.goto(link);
  await page.waitForURL(`${portico.baseUrl}/sso`);
  await screen(page, 'Single sign-on', '01-connections-empty');
  await assert.doesNotReject(page.getByRole('link', { name: 'Back to the app' }).waitFor());

  // Step 1: the searchable catalog.
  await page.getByRole('link', { name: 'Set up a new connection' }).click();
  await screen(page, /Which identity provider/, '02-provider');
  await page.getByLabel('Search identity providers').fill('azure');
  assert.equal(await page.locator('[data-idp]').count(), 2, 'search finds Entra ID by its old name');
  await page.getByLabel('Search identity providers').fill('');
  assert.ok(await page.locator('[data-idp]').count() >= 11);
  await page.locator('[data-idp="generic-saml"]').click();

  // Step 2: our values, with a working copy button.
  await page.waitForURL(/\/sso\/setup\/configure\?connection=conn_/);
  const connId = new URL(page.url()).searchParams.get('connection');
  await screen(page, /Add this application/, '03-saml-our-values');
  const acs = await page.getByRole('textbox', { name: 'ACS URL' }).inputValue();
  assert.equal(acs, `${portico.baseUrl}/sso/saml/${connId}/acs`);
  await page.getByRole('button', { name: 'Copy ACS URL' }).click();
  await page.getByText('Copied').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), acs);
  const spMetadata = await (await fetch(`${portico.baseUrl}/sso/saml/${connId}/metadata.xml`)).text();
  assert.match(spMetadata, /SPSSODescriptor/);

  // Reload keeps the step (it lives in the URL).
  await page.reload();
  await page.getByRole('heading', { level: 1, name: /Add this application/ }).waitFor();
  await page.getByRole('link', { name: 'Continue' }).click();

  // Step 3: uploading our own SP metadata by mistake is caught, next to the field.
  await screen(page, /Enter .* details/, '04-saml-details');
  const wrongFile = join(files, 'sp-metadata.xml');
  writeFileSync(wrongFile, spMetadata);
  await page.locator('#saml-metadata-file').setInputFiles(wrongFile);
  await page.getByText('Read sp-metadata.xml').waitFor();
  await page.getByRole('button', { name: 'Check and continue' }).click();
  const field = page.locator('#saml-metadata-xml');
  await page.waitForFunction(() => document.querySelector('#saml-metadata-xml')?.getAttribute('aria-invalid') === 'true');
  const describedBy = await field.getAttribute('aria-describedby');
  const problem = await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent();
  assert.match(problem, /service-provider metadata/i);
  await checkA11y(page, '05-saml-error');
  await checkScreen(page, '05-saml-error');

  // The real IdP's metadata file goes through.
  const idpFile = join(files, 'idp-metadata.xml');
  await downloadMetadata(samlIdp.metadataUrl, idpFile);
  await page.locator('#saml-metadata-file').setInputFiles(idpFile);
  await page.getByText('Read idp-metadata.xml').waitFor();
  await page.getByRole('button', { name: 'Check and continue' }).click();

  // Step 4: review and save.
  await screen(page, 'Review and save', '06-saml-review');
  await page.getByText(samlIdp.entityId, { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Save connection' }).click();
  await page.getByText('Your connection is saved.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Next: test sign-in' }).getAttribute('href'), `/sso/setup/test?connection=${connId}`);
  await checkScreen(page, '07-saml-saved');

  let saml = (await connections()).find((c) => c.id === connId);
  assert.equal(saml.state, 'configured');
  assert.equal(saml.protocol, 'saml');
  assert.equal(saml.saml.idp_entity_id, samlIdp.entityId);
  assert.equal(saml.saml.sso_url, samlIdp.ssoUrl);

  // The overview shows the state.
  await page.goto(`${portico.baseUrl}/sso`);
  await page.locator(`[data-connection="${connId}"][data-state="configured"]`).waitFor();
  await screen(page, 'Single sign-on', '08-connections');

  // OIDC against the real provider.
  await page.getByRole('link', { name: 'Set up a new connection' }).click();
  await page.locator('[data-idp="generic-oidc"]').click();
  await screen(page, /Add this application/, '09-oidc-our-values');
  const oidcId = new URL(page.url()).searchParams.get('connection');
  assert.equal(await page.getByRole('textbox', { name: 'Redirect URI' }).inputValue(), `${portico.baseUrl}/sso/oidc/${oidcId}/callback`);
  await page.getByRole('link', { name: 'Continue' }).click();
  await screen(page, /Enter .* details/, '10-oidc-details');
  await page.getByLabel('Issuer URL').fill(`${oidc.issuer}/wrong`);
  await page.getByLabel('Client ID').fill(oidc.clientId);
  await page.getByLabel('Client secret').fill(oidc.clientSecret);
  await page.getByRole('button', { name: 'Check and continue' }).click();
  await page.waitForFunction(() => document.querySelector('#oidc-issuer')?.getAttribute('aria-invalid') === 'true');
  await checkScreen(page, '11-oidc-error');
  await page.getByLabel('Issuer URL').fill(oidc.issuer);
  await page.getByRole('button', { name: 'Check and continue' }).click();
  await screen(page, 'Review and save', '12-oidc-review');
  await page.getByText('Set (hidden)').waitFor();
  await page.getByRole('button', { name: 'Save connection' }).click();
  await page.getByText('Your connection is saved.').waitFor();

  const res = await portico.api('GET', `/api/v1/connections/${oidcId}`);
  assert.equal(res.json.state, 'configured');
  assert.equal(res.json.oidc.issuer, oidc.issuer);
  assert.equal(res.json.oidc.client_id, oidc.clientId);
  assert.equal(res.json.oidc.client_secret_set, true);
  assert.ok(!res.text.includes(oidc.clientSecret), 'the vendor API never returns the client secret');
  saml = (await connections()).find((c) => c.id === connId);
  assert.equal(saml.state, 'configured', 'the first connection is untouched');

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});

test('a used, unknown or expired link explains itself', async () => {
  const page = await browser.newPage();
  await page.goto(link);
  await page.locator('[data-link-problem="link_used"]').waitFor();
  await screen(page, 'This setup link has already been used', '13-link-used');
  await page.goto(`${portico.baseUrl}/setup?token=not-a-real-token`);
  await page.locator('[data-link-problem="link_unknown"]').waitFor();
  await screen(page, 'This setup link is not valid', '14-link-unknown');
  await page.close();
});
