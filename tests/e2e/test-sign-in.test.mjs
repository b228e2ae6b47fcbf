// Test sign-in, end to end: real identity providers on 127.0.0.1 (saml-idp, panva's
// oidc-provider), the real portico binary, and Chromium clicking through the portal as an IT
// admin would. Success paths check the mapped profile; failure paths check that the admin is
// told what is wrong (audience, certificate, clock) in words and with the values involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portalSuite } from './lib/suite.mjs';
import { checkScreen, openAdminPage } from './lib/browser.mjs';
import { startOidcProvider, DEFAULT_ACCOUNT } from './lib/oidc.mjs';
import { startSamlIdp, downloadMetadata, makeKeyPair } from './lib/saml.mjs';
import { startWebhookReceiver } from './lib/webhook-receiver.mjs';

let portico, browser;
const files = mkdtempSync(join(tmpdir(), 'portico-e2e-signin-'));

portalSuite((p, b) => { portico = p; browser = b; });

async function organization(name) {
  const org = await portico.api('POST', '/api/v1/organizations', { name });
  assert.equal(org.status, 201, org.text);
  return org.json.id;
}

/** A signed-in admin page for the organization, on the connections overview. */
const adminPage = (orgId) => openAdminPage(portico, browser, orgId, { successUrl: 'https://app.vendor.test/done' });

/**
 * A SAML connection made the support-assisted way (vendor API), with the IdP started once our
 * values are known, as an admin would configure the IdP after reading them.
 */
async function apiSamlConnection(orgId, idpOptions = {}, idp = 'generic-saml') {
  const created = await portico.api('POST', `/api/v1/organizations/${orgId}/connections`, { idp });
  assert.equal(created.status, 201, created.text);
  const conn = created.json;
  const samlIdp = await startSamlIdp({ acsUrl: conn.sp.acs_url, audience: conn.sp.entity_id, ...idpOptions });
  const metadataXml = await (await fetch(samlIdp.metadataUrl)).text();
  const patched = await portico.api('PATCH', `/api/v1/connections/${conn.id}`, { metadata_xml: idpOptions.metadataOverride?.(metadataXml) ?? metadataXml });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.state, 'configured');
  return { conn: patched.json, samlIdp };
}

/** Starts a test from the portal's test step and signs in at saml-idp; returns the test id. */
async function runSamlTest(page, connId) {
  await page.goto(`${portico.baseUrl}/sso/setup/test?connection=${connId}`);
  await page.getByRole('heading', { level: 1, name: 'Test sign-in' }).waitFor();
  await page.locator('[data-start-test]').click();
  await page.locator('#btn-sign-in').click();
  await page.waitForURL(/\/sso\/setup\/test\?connection=.*&test=test_/);
  await page.locator('[data-test-outcome]').waitFor();
  return new URL(page.url()).searchParams.get('test');
}

async function profileText(page) {
  return (await page.locator('[data-profile]').innerText()).replace(/\s+/g, ' ');
}

test('SAML through the portal: test, see the profile, change the mapping, test again, activate', async () => {
  const orgId = await organization('Jackson Industries');
  // The vendor's app listens for connection events (issue 16), verifying them with Standard Webhooks.
  const receiver = await startWebhookReceiver();
  const endpoint = await portico.api('POST', '/api/v1/webhook_endpoints',
    { url: receiver.url, events: ['connection.test_succeeded', 'connection.activated'] });
  assert.equal(endpoint.status, 201, endpoint.text);
  receiver.setSecrets([endpoint.json.secret]);
  const { page, context, errors } = await adminPage(orgId);
  let samlIdp;
  try {
    await page.getByRole('link', { name: 'Set up a new connection' }).click();
    await page.locator('[data-idp="generic-saml"]').click();
    await page.waitForURL(/\/sso\/setup\/configure\?connection=conn_/);
    const connId = new URL(page.url()).searchParams.get('connection');
    const acsUrl = await page.getByRole('textbox', { name: 'ACS URL' }).inputValue();
    const entityId = (await portico.api('GET', `/api/v1/connections/${connId}`)).json.sp.entity_id;
    assert.equal(await page.getByRole('textbox', { name: /Entity ID|Audience/ }).first().inputValue(), entityId, 'the guide shows our entity ID');
    // The admin creates the app in their IdP with our values (Response and Assertion signed).
    samlIdp = await startSamlIdp({ acsUrl, audience: entityId });
    await page.getByRole('link', { name: 'Continue' }).click();
    const metadataFile = join(files, 'idp-metadata.xml');
    await downloadMetadata(samlIdp.metadataUrl, metadataFile);
    await page.locator('#saml-metadata-file').setInputFiles(metadataFile);
    await page.getByText('Read idp-metadata.xml').waitFor();
    await page.getByRole('button', { name: 'Check and continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review and save' }).waitFor();
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('link', { name: 'Next: test sign-in' }).click();

    // The round trip.
    await page.getByRole('heading', { level: 1, name: 'Test sign-in' }).waitFor();
    await page.locator('[data-start-test]').click();
    await page.locator('#btn-sign-in').click();
    await page.locator('[data-test-outcome="success"]').waitFor();
    const profile = await profileText(page);
    assert.match(profile, /Email saml\.jackson@example\.com/);
    assert.match(profile, /First name Saml/);
    assert.match(profile, /Last name Jackson/);
    assert.match(profile, /IdP user ID saml\.jackson@example\.com/);
    const attrs = await page.locator('[data-attributes]').textContent();
    assert.match(attrs, /displayName/);
    assert.match(attrs, /mobilePhone/);
    await page.getByText('The SAML response, as received').click();
    assert.match(await page.locator('pre').first().textContent(), /<(saml2?p?:)?Response/);
    await checkScreen(page, '30-test-success');

    // Mapping: the names that arrived are offered with their values; take the name from
    // the full display name instead of the separate fields.
    await page.getByRole('link', { name: 'Next: check the attributes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Attributes' }).waitFor();
    await page.getByText('Last test: saml.jackson@example.com').first().waitFor();
    await checkScreen(page, '31-mapping');
    // "Other SAML 2.0" starts with the email read from the NameID. Taking that away leaves the
    // required field empty, which is flagged before saving.
    assert.equal(await page.locator('[data-map-name-id]').isChecked(), true);
    await page.locator('[data-map-name-id]').uncheck();
    await page.waitForFunction(() => document.querySelector('[data-map-field="email"]')?.getAttribute('aria-invalid') === 'true');
    await page.locator('[data-map-field="email"]').fill('email');
    await page.locator('[data-map-field="first_name"]').fill('');
    await page.locator('[data-map-field="last_name"]').fill('');
    await page.locator('[data-map-field="name"]').fill('displayName');
    await page.getByRole('button', { name: 'Save and test again' }).click();
    await page.locator('#btn-sign-in').click();
    await page.locator('[data-test-outcome="success"]').waitFor();
    const mapped = await profileText(page);
    assert.match(mapped, /First name saml Last name jackson/, `the full name is split: ${mapped}`);

    // Go live.
    await page.getByRole('link', { name: 'Next: check the attributes' }).click();
    await page.locator('[data-activate]').click();
    await page.locator('[data-connection-active]').waitFor();
    const c = await portico.api('GET', `/api/v1/connections/${connId}`);
    assert.equal(c.json.state, 'active');
    assert.equal(c.json.last_test_result, 'success');
    assert.equal(c.json.attribute_mapping.name, 'displayName');
    const tests = await portico.api('GET', `/api/v1/connections/${connId}/tests`);
    assert.equal(tests.json.data.length, 2, tests.text);
    assert.equal(tests.json.data[0].profile.first_name, 'saml');

    // The vendor's app heard both tests and then the activation, for this organization.
    const mine = (events) => events.filter((e) => (e.data?.connection?.id ?? e.data?.id) === connId);
    await receiver.waitFor((events) => mine(events).some((e) => e.type === 'connection.activated'));
    assert.deepEqual(mine(receiver.events).map((e) => [e.type, e.organization_id]), [
      ['connection.test_succeeded', orgId], ['connection.test_succeeded', orgId], ['connection.activated', orgId]]);
    assert.equal(mine(receiver.events).at(-1).data.state, 'active');

    // The admin reads the same facts in the portal: the connection's recent activity.
    await page.goto(`${portico.baseUrl}/sso`);
    const item = page.locator(`li[data-connection="${connId}"]`);
    await item.getByText('Recent activity').click();
    await item.locator('[data-activity="connection.activated"]').waitFor();
    assert.match(await item.locator('[data-activity="connection.activated"]').textContent(), /Activated/);
    assert.equal(await item.locator('[data-activity="connection.test_succeeded"]').count(), 2);
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
    await samlIdp?.stop();
    await portico.api('DELETE', `/api/v1/webhook_endpoints/${endpoint.json.id}`);
    await receiver.stop();
  }
});

test('SAML with only the assertion signed, and with an encrypted assertion, both succeed', async () => {
  const orgId = await organization('Assertion Only');
  const { page, context } = await adminPage(orgId);
  const idps = [];
  try {
    const a = await apiSamlConnection(orgId, { signResponse: false });
    idps.push(a.samlIdp);
    await runSamlTest(page, a.conn.id);
    assert.equal(await page.locator('[data-test-outcome]').getAttribute('data-test-outcome'), 'success', await page.locator('[data-test-id]').textContent());
    assert.match(await profileText(page), /Email saml\.jackson@example\.com/);

    // Encrypted for the certificate our SP metadata publishes for this connection.
    const created = await portico.api('POST', `/api/v1/organizations/${orgId}/connections`, { idp: 'generic-saml' });
    const spMetadata = await (await fetch(created.json.sp.metadata_url)).text();
    const b64 = spMetadata.match(/use="encryption"[\s\S]*?<(?:ds:)?X509Certificate>([^<]+)</)?.[1];
    assert.ok(b64, 'our SP metadata carries an encryption certificate');
    const pem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/\s/g, '').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
    const samlIdp = await startSamlIdp({ acsUrl: created.json.sp.acs_url, audience: created.json.sp.entity_id, encryptionCertPem: pem });
    idps.push(samlIdp);
    const xml = await (await fetch(samlIdp.metadataUrl)).text();
    const patched = await portico.api('PATCH', `/api/v1/connections/${created.json.id}`, { metadata_xml: xml });
    assert.equal(patched.status, 200, patched.text);
    const testId = await runSamlTest(page, created.json.id);
    assert.equal(await page.locator('[data-test-outcome]').getAttribute('data-test-outcome'), 'success', await page.locator('[data-test-id]').textContent());
    assert.match(await profileText(page), /Last name Jackson/);
    const full = await portico.api('GET', `/api/v1/connections/${created.json.id}/tests/${testId}`);
    assert.match(samlIdp.output(), /EncryptedAssertion|encryptAssertion: true/, 'the IdP really encrypted');
    assert.equal(full.json.outcome, 'success');
  } finally {
    await context.close();
    for (const i of idps) await i.stop();
  }
});

test('the SAML HTTP-POST binding posts to the IdP under a policy that allows only its form and script', async () => {
  const orgId = await organization('Post Binding Co');
  const { page, context, errors } = await adminPage(orgId);
  let samlIdp;
  try {
    // The IdP offers only the POST binding: the browser gets our auto-submitting page.
    const onlyPost = (xml) => xml.replace(/<(?:\w+:)?SingleSignOnService[^>]*HTTP-Redirect[^>]*\/>/g, '');
    let conn;
    ({ conn, samlIdp } = await apiSamlConnection(orgId, { metadataOverride: onlyPost }));
    assert.equal(conn.saml.sso_binding, 'post', JSON.stringify(conn.saml));
    const policies = [];
    page.on('response', (r) => {
      if (/\/sso\/saml\/[^/]+\/login\//.test(r.url())) policies.push(r.headers()['content-security-policy']);
    });
    await runSamlTest(page, conn.id);
    assert.equal(await page.locator('[data-test-outcome]').getAttribute('data-test-outcome'), 'success', await page.locator('[data-test-id]').textContent());
    assert.equal(policies.length, 1, 'the POST binding page was served');
    const idpOrigin = new URL(samlIdp.metadataUrl).origin;
    assert.match(policies[0], new RegExp(`form-action 'self' ${idpOrigin.replace(/[.]/g, '\\.')};`), policies[0]);
    assert.match(policies[0], /script-src 'self' 'wasm-unsafe-eval' 'sha256-[^' ]+';/, policies[0]);
    assert.deepEqual(errors, [], 'nothing blocked, no uncaught errors');
  } finally {
    await context.close();
    await samlIdp?.stop();
  }
});

test('OIDC through the portal against panva oidc-provider', async () => {
  const orgId = await organization('Lovelace Ltd');
  const { page, context, errors } = await adminPage(orgId);
  let oidc;
  try {
    await page.getByRole('link', { name: 'Set up a new connection' }).click();
    await page.locator('[data-idp="generic-oidc"]').click();
    await page.waitForURL(/\/sso\/setup\/configure\?connection=conn_/);
    const connId = new URL(page.url()).searchParams.get('connection');
    const redirectUri = await page.getByRole('textbox', { name: 'Redirect URI' }).inputValue();
    oidc = await startOidcProvider({ redirectUris: [redirectUri] });
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByLabel('Issuer URL').fill(oidc.issuer);
    await page.getByLabel('Client ID').fill(oidc.clientId);
    await page.getByLabel('Client secret').fill(oidc.clientSecret);
    await page.getByRole('button', { name: 'Check and continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review and save' }).waitFor();
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('link', { name: 'Next: test sign-in' }).click();
    await page.locator('[data-start-test]').click();
    await page.fill('input[name=login]', 'ada');
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    await page.click('button:has-text("Continue")');
    await page.locator('[data-test-outcome]').waitFor();
    assert.equal(await page.locator('[data-test-outcome]').getAttribute('data-test-outcome'), 'success', await page.locator('[data-test-id]').textContent());
    const profile = await profileText(page);
    assert.match(profile, new RegExp(`Email ${DEFAULT_ACCOUNT.email.replace('.', '\\.')}`));
    assert.match(profile, new RegExp(`First name ${DEFAULT_ACCOUNT.given_name}`));
    assert.match(profile, new RegExp(`Last name ${DEFAULT_ACCOUNT.family_name}`));
    assert.match(profile, /IdP user ID ada/);
    await page.getByText('ID token claims').click();
    assert.match(await page.locator('pre').first().textContent(), /"nonce"/);
    await checkScreen(page, '32-oidc-test-success');
    const c = await portico.api('GET', `/api/v1/connections/${connId}`);
    assert.equal(c.json.last_test_result, 'success');
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
    await oidc?.stop();
  }
});

test('misconfigured IdPs: wrong audience, wrong certificate and an expired assertion are each explained', async () => {
  const orgId = await organization('Misconfigured Inc');
  const { page, context } = await adminPage(orgId);
  const idps = [];
  try {
    // The admin pasted the wrong audience into the IdP.
    const created = await portico.api('POST', `/api/v1/organizations/${orgId}/connections`, { idp: 'okta-saml' });
    const wrongAudience = await startSamlIdp({ acsUrl: created.json.sp.acs_url, audience: 'https://wrong.example/sp' });
    idps.push(wrongAudience);
    await portico.api('PATCH', `/api/v1/connections/${created.json.id}`, { metadata_xml: await (await fetch(wrongAudience.metadataUrl)).text() });
    await runSamlTest(page, created.json.id);
    await page.locator('[data-failure-code="saml_audience_mismatch"]').waitFor();
    const audienceText = await page.locator('[data-test-outcome="failure"]').textContent();
    assert.match(audienceText, /https:\/\/wrong\.example\/sp/, 'shows the audience that arrived');
    assert.match(audienceText, /Audience URI/, 'names the Okta field to change');
    assert.equal(await page.locator('[data-test-outcome="failure"] textarea[readonly]').first().inputValue(), created.json.sp.entity_id, 'offers our entity ID to copy');
    await checkScreen(page, '33-test-wrong-audience');

    // The IdP signs with a key whose certificate is not the one in the metadata we were given.
    const other = makeKeyPair('Some other certificate');
    const body = (pem) => pem.replace(/-----[^-]+-----|\s/g, '');
    const wrongCert = await apiSamlConnection(orgId, {
      metadataOverride: (xml) => xml.replace(/<X509Certificate>[^<]+<\/X509Certificate>/g, `<X509Certificate>${body(other.certificatePem)}</X509Certificate>`),
    });
    idps.push(wrongCert.samlIdp);
    await runSamlTest(page, wrongCert.conn.id);
    await page.locator('[data-failure-code="saml_certificate_mismatch"]').waitFor();
    const certText = await page.locator('[data-test-outcome="failure"]').textContent();
    const fingerprints = certText.match(/([0-9A-F]{2}:){31}[0-9A-F]{2}/g) ?? [];
    assert.ok(new Set(fingerprints).size >= 2, `shows the expected and the presented fingerprint: ${certText}`);
    // On a phone the evidence stacks and the fingerprints wrap, rather than one character a line.
    await checkScreen(page, '35-test-wrong-certificate');

    // The IdP's clock is two hours behind: its one-hour assertion has expired on arrival.
    const late = await apiSamlConnection(orgId, { clockShiftSeconds: -2 * 3600 });
    idps.push(late.samlIdp);
    await runSamlTest(page, late.conn.id);
    await page.locator('[data-failure-code="saml_expired"]').waitFor();
    const clockText = await page.locator('[data-test-outcome="failure"]').textContent();
    assert.match(clockText, /90 seconds/, 'states the allowed clock skew');
    assert.match(clockText, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'shows the times involved');
    await checkScreen(page, '34-test-expired');

    // Every attempt is in the history, newest first, and none activated anything.
    for (const id of [created.json.id, wrongCert.conn.id, late.conn.id]) {
      const c = await portico.api('GET', `/api/v1/connections/${id}`);
      assert.equal(c.json.state, 'configured');
      assert.equal(c.json.last_test_result, 'failure');
    }
  } finally {
    await context.close();
    for (const i of idps) await i.stop();
  }
});

test('An IdP that sends the email only as the NameID passes by clicking "Use the NameID"', async () => {
  const orgId = await organization('NameID Only');
  const { page, context } = await adminPage(orgId);
  const nameIdOnly = { user: { userName: 'nora.nameid@example.com', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }, attributes: [] };
  const idps = [];
  try {
    // Okta's defaults read an `email` attribute, which never arrives.
    const okta = await apiSamlConnection(orgId, nameIdOnly, 'okta-saml');
    idps.push(okta.samlIdp);
    await runSamlTest(page, okta.conn.id);
    assert.equal(await page.locator('[data-test-outcome]').getAttribute('data-test-outcome'), 'failure');
    assert.match(await page.locator('main').innerText(), /Use the NameID/);
    await checkScreen(page, '36-nameid-only-failure');

    // The mapping offers the NameID with its value, already chosen from the test.
    await page.goto(`${portico.baseUrl}/sso/setup/mapping?connection=${okta.conn.id}`);
    const choice = page.locator('[data-map-name-id]');
    await page.getByText('Use the NameID (nora.nameid@example.com)').waitFor();
    await page.locator('[data-name-id-preselected]').waitFor();
    assert.equal(await choice.isChecked(), true);
    await checkScreen(page, '37-nameid-mapping');
    // Typing an attribute name takes the choice back; ticking the box restores it.
    await page.locator('[data-map-field="email"]').fill('mail');
    assert.equal(await choice.isChecked(), false);
    await choice.check();
    assert.equal(await page.locator('[data-map-field="email"]').inputValue(), '');
    await page.getByRole('button', { name: 'Save and test again' }).click();
    await page.locator('#btn-sign-in').click();
    await page.locator('[data-test-outcome="success"]').waitFor();
    assert.match(await profileText(page), /Email nora\.nameid@example\.com/);
    const c = await portico.api('GET', `/api/v1/connections/${okta.conn.id}`);
    assert.equal(c.json.attribute_mapping.email, '$nameid');

    // "Other SAML 2.0" starts with the NameID as the email: the first test passes.
    const generic = await apiSamlConnection(orgId, nameIdOnly);
    idps.push(generic.samlIdp);
    assert.equal(generic.conn.attribute_mapping.email, '$nameid');
    await runSamlTest(page, generic.conn.id);
    assert.equal(await page.locator('[data-test-outcome]').getAttribute('data-test-outcome'), 'success', await page.locator('main').innerText());
  } finally {
    await context.close();
    for (const idp of idps) await idp.stop();
  }
});
