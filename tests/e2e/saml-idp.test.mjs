// Checks the SAML test IdP (lib/saml.mjs): it starts, and its metadata is the
// IdP metadata a Portico admin would upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSamlIdp, downloadMetadata } from './lib/saml.mjs';

test('SAML IdP publishes metadata with its SSO URL and signing certificate', async () => {
  const idp = await startSamlIdp({ acsUrl: 'http://127.0.0.1/acs', audience: 'http://127.0.0.1/sp' });
  const dir = mkdtempSync(join(tmpdir(), 'saml-idp-test-'));
  try {
    const file = join(dir, 'idp-metadata.xml');
    await downloadMetadata(idp.metadataUrl, file);
    const xml = readFileSync(file, 'utf8');

    assert.match(xml, /^<EntityDescriptor\b[^>]*xmlns="urn:oasis:names:tc:SAML:2\.0:metadata"/);
    assert.equal(xml.match(/<EntityDescriptor\b[^>]*\bentityID="([^"]*)"/)?.[1], idp.entityId);
    assert.match(xml, /<IDPSSODescriptor\b/);

    const sso = [...xml.matchAll(/<SingleSignOnService Binding="([^"]+)" Location="([^"]+)"/g)];
    assert.ok(sso.length > 0, 'has a SingleSignOnService');
    for (const [, , location] of sso) assert.equal(location, idp.ssoUrl);

    const cert = xml.match(/<X509Certificate>([^<]+)<\/X509Certificate>/)?.[1];
    const body = (pem) => pem.replace(/-----[^-]+-----|\s/g, '');
    assert.ok(cert, 'has an X509Certificate');
    assert.equal(body(cert), body(idp.certificatePem));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await idp.stop();
  }
});
