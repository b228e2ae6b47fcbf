// No dead ends: an IT admin whose identity provider is set up the "wrong" way reaches an active
// connection by clicking only, from the overview the portal link opens, never typing a URL.
// The IdP is the real saml-idp on 127.0.0.1, configured to behave like three real cases:
// SimpleSAMLphp's attribute names (mail, givenName, sn, and a transient NameID), an IdP that
// sends the email only as the NameID (samlify's defaults), and a certificate that changed.
// Each failure state is checked at 360 px and desktop width (checkScreen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portalSuite } from './lib/suite.mjs';
import { checkScreen, openAdminPage } from './lib/browser.mjs';
import { startSamlIdp, downloadMetadata, makeKeyPair } from './lib/saml.mjs';

let portico, browser;
const files = mkdtempSync(join(tmpdir(), 'portico-e2e-dead-ends-'));

portalSuite((p, b) => { portico = p; browser = b; });

async function organization(name) {
  const org = await portico.api('POST', '/api/v1/organizations', { name });
  assert.equal(org.status, 201, org.text);
  return org.json.id;
}

/**
 * An Okta SAML connection set up by the vendor's support (API) with the metadata of a saml-idp
 * started with `idpOptions`; `metadataOverride` changes what Portico is given.
 */
async function oktaConnection(orgId, idpOptions = {}, metadataOverride = (xml) => xml) {
  const created = await portico.api('POST', `/api/v1/organizations/${orgId}/connections`, { idp: 'okta-saml' });
  assert.equal(created.status, 201, created.text);
  const conn = created.json;
  const idp = await startSamlIdp({ acsUrl: conn.sp.acs_url, audience: conn.sp.entity_id, ...idpOptions });
  const xml = await (await fetch(idp.metadataUrl)).text();
  const patched = await portico.api('PATCH', `/api/v1/connections/${conn.id}`, { metadata_xml: metadataOverride(xml) });
  assert.equal(patched.status, 200, patched.text);
  return { conn: patched.json, idp };
}

/** From the overview the link opened: the connection's own button, then a test. */
async function testFromOverview(page, idpName = 'Okta') {
  await page.goto(`${portico.baseUrl}/sso`);
  await page.getByRole('link', { name: /^View/ }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Test sign-in' }).waitFor();
  await page.getByRole('button', { name: `Test sign-in with ${idpName}` }).click();
  await signInAtIdp(page);
}

/** Signs in on saml-idp's page and waits for the result back in the portal. */
async function signInAtIdp(page) {
  await page.locator('#btn-sign-in').click();
  await page.waitForURL(/\/sso\/setup\/test\?connection=.*&test=test_/);
  await page.locator('[data-test-outcome]').waitFor();
}

/** From a successful test: on to the attributes, then activate. */
async function activate(page, connId) {
  await page.getByRole('link', { name: 'Next: check the attributes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Attributes' }).waitFor();
  await page.locator('[data-activate]').click();
  await page.locator('[data-connection-active]').waitFor();
  const c = await portico.api('GET', `/api/v1/connections/${connId}`);
  assert.equal(c.json.state, 'active');
  return c.json;
}

const outcome = (page) => page.locator('[data-test-outcome]').getAttribute('data-test-outcome');

test('SimpleSAMLphp names (mail, givenName, sn): one click uses mail as the email, one click per name', async () => {
  const orgId = await organization('Simple Names Ltd');
  const { page, context, errors } = await openAdminPage(portico, browser, orgId);
  const simple = {
    user: {
      userName: '_9c1e7f3a2b',
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
      mail: 'sam.simple@example.com',
      givenName: 'Sam',
      sn: 'Simple',
    },
    attributes: ['mail', 'givenName', 'sn'].map((id) => ({ id, optional: false, displayName: id, description: id, multiValue: false })),
  };
  const { conn, idp } = await oktaConnection(orgId, simple);
  try {
    await testFromOverview(page);
    await page.locator('[data-failure-code="email_missing"]').waitFor();
    const fix = page.locator('[data-fix="use_as_email"]');
    assert.equal(await fix.getAttribute('data-source'), 'mail');
    assert.match((await fix.innerText()).replace(/\s+/g, ' '), /Use mail as the email/);
    // The step of Okta's guide that sets attributes is shown with the failure.
    assert.match(await page.locator('[data-guide-excerpt="attributes"]').innerText(), /Attribute Statements/);
    await checkScreen(page, '38-dead-end-email-under-mail');

    // The stepper leads back to any completed step, and forward again by the browser.
    await page.locator('[data-step-link="2"]').click();
    await page.getByRole('heading', { level: 1, name: /details/ }).waitFor();
    await page.goBack();
    await page.locator('[data-failure-code="email_missing"]').waitFor();

    await fix.click();
    await signInAtIdp(page);
    assert.equal(await outcome(page), 'success', await page.locator('main').innerText());
    assert.equal((await portico.api('GET', `/api/v1/connections/${conn.id}`)).json.attribute_mapping.email, 'mail');

    // First and last name: Okta's defaults did not arrive; each remark fills its field.
    await page.getByRole('link', { name: 'Next: check the attributes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Attributes' }).waitFor();
    await page.locator('[data-use-suggestion="first_name"]').click();
    await page.locator('[data-use-suggestion="last_name"]').click();
    assert.equal(await page.locator('[data-map-field="first_name"]').inputValue(), 'givenName');
    assert.equal(await page.locator('[data-map-field="last_name"]').inputValue(), 'sn');
    // The remarks say the form's words, never internal keys.
    assert.doesNotMatch(await page.locator('main').innerText(), /first_name|last_name/);
    await page.getByRole('button', { name: 'Save and test again' }).click();
    await signInAtIdp(page);
    assert.equal(await outcome(page), 'success');
    const profile = (await page.locator('[data-profile]').innerText()).replace(/\s+/g, ' ');
    assert.match(profile, /Email sam\.simple@example\.com First name Sam Last name Simple/);
    await activate(page, conn.id);
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
    await idp.stop();
  }
});

test('Email only in the NameID: one click reads it from there', async () => {
  const orgId = await organization('NameID Clicks');
  const { page, context, errors } = await openAdminPage(portico, browser, orgId);
  const nameIdOnly = { user: { userName: 'nina.clicks@example.com', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }, attributes: [] };
  const { conn, idp } = await oktaConnection(orgId, nameIdOnly);
  try {
    await testFromOverview(page);
    await page.locator('[data-failure-code="email_missing"]').waitFor();
    const fix = page.locator('[data-fix="use_as_email"]');
    assert.equal(await fix.getAttribute('data-source'), '$nameid');
    assert.match(await fix.getAttribute('title'), /nina\.clicks@example\.com/);
    await checkScreen(page, '39-dead-end-nameid-only');
    await fix.click();
    await signInAtIdp(page);
    assert.equal(await outcome(page), 'success', await page.locator('main').innerText());
    const active = await activate(page, conn.id);
    assert.equal(active.attribute_mapping.email, '$nameid');
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
    await idp.stop();
  }
});

test('A changed certificate: "Upload new metadata" leads to the file, then test and activate', async () => {
  const orgId = await organization('Rotated Keys');
  const { page, context, errors } = await openAdminPage(portico, browser, orgId);
  const stale = makeKeyPair('The certificate Portico was given');
  const body = (pem) => pem.replace(/-----[^-]+-----|\s/g, '');
  const { conn, idp } = await oktaConnection(orgId, {}, (xml) =>
    xml.replace(/<X509Certificate>[^<]+<\/X509Certificate>/g, `<X509Certificate>${body(stale.certificatePem)}</X509Certificate>`));
  try {
    await testFromOverview(page);
    await page.locator('[data-failure-code="saml_certificate_mismatch"]').waitFor();
    assert.match(await page.locator('[data-guide-excerpt="bring"]').innerText(), /Metadata URL/);
    await checkScreen(page, '43-dead-end-certificate');
    await page.locator('[data-fix="upload_metadata"]').click();
    // The file method is already chosen: the admin only picks the IdP's current metadata.
    const metadataFile = join(files, 'current-metadata.xml');
    await downloadMetadata(idp.metadataUrl, metadataFile);
    await page.locator('#saml-metadata-file').setInputFiles(metadataFile);
    await page.getByText('Read current-metadata.xml').waitFor();
    await page.getByRole('button', { name: 'Check and continue' }).click();
    // The connection was saved before: the new metadata is in place at once.
    await page.getByRole('heading', { level: 1, name: 'Review and save' }).waitFor();
    await page.getByRole('link', { name: 'Next: test sign-in' }).click();
    await page.getByRole('button', { name: 'Test sign-in with Okta' }).click();
    await signInAtIdp(page);
    assert.equal(await outcome(page), 'success', await page.locator('main').innerText());
    await activate(page, conn.id);
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
    await idp.stop();
  }
});

test('Failures fixed only at the IdP say so, and offer to test again', async () => {
  const orgId = await organization('Wrong Audience');
  const { page, context } = await openAdminPage(portico, browser, orgId);
  const created = await portico.api('POST', `/api/v1/organizations/${orgId}/connections`, { idp: 'okta-saml' });
  const idp = await startSamlIdp({ acsUrl: created.json.sp.acs_url, audience: 'https://wrong.example/sp' });
  try {
    await portico.api('PATCH', `/api/v1/connections/${created.json.id}`, { metadata_xml: await (await fetch(idp.metadataUrl)).text() });
    await testFromOverview(page);
    await page.locator('[data-failure-code="saml_audience_mismatch"]').waitFor();
    assert.match(await page.locator('[data-fix="fix_in_idp"]').innerText(), /Nothing to change in this portal/);
    // The guide's step with our values, with the value to paste in a box that wraps.
    const excerpt = page.locator('[data-guide-excerpt="values"]');
    assert.match(await excerpt.innerText(), /Audience URI/);
    const box = excerpt.locator('textarea[readonly]').last();
    assert.equal(await box.inputValue(), created.json.sp.entity_id);
    await page.locator('[data-fix="test_again"]').click();
    await page.locator('#btn-sign-in').waitFor();
  } finally {
    await context.close();
    await idp.stop();
  }
});
