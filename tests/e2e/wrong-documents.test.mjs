// Dropping the wrong document on the wizard: each kind gets its own message next to the input,
// and nothing is saved. Uses the real-world corpus in ../shared/fixtures/saml when present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { portalSuite } from './lib/suite.mjs';
import { checkA11y, checkScreen, dropFile } from './lib/browser.mjs';

const CORPUS = fileURLToPath(new URL('../../../shared/fixtures/saml/', import.meta.url));

// file → what the admin must be told (a specific phrase of that problem's message).
const CASES = [
  ['edge-metadata-sp-descriptor-only.xml', /service-provider|application/i],
  ['edge-metadata-malformed-xml.xml', /line \d+/i],
  ['attack-billion-laughs-ruby-saml.xml', /DOCTYPE|DTD|entit/i],
  ['google-workspace-response.xml', /response/i],
  ['shibboleth-idp-metadata-php-saml.xml', /choose|several|identity providers/i],
];

let portico, browser;
portalSuite((p, b) => { portico = p; browser = b; });

test('each wrong document is explained next to the input and nothing is saved', { skip: !existsSync(CORPUS) && 'no ../shared/fixtures/saml corpus here' }, async () => {
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Careful Co' });
  const link = await portico.api('POST', '/api/v1/portal_links', { organization_id: org.json.id, intent: 'sso' });
  const page = await browser.newPage();
  await page.goto(link.json.url);
  await page.getByRole('link', { name: 'Set up a new connection' }).click();
  await page.locator('[data-idp="entra-saml"]').click();
  await page.getByRole('link', { name: 'Continue' }).click();
  const connId = new URL(page.url()).searchParams.get('connection');

  const seen = new Set();
  for (const [file, expected] of CASES) {
    await dropFile(page, '.drop', file, readFileSync(CORPUS + file, 'utf8'));
    await page.getByText(`Read ${file}`).waitFor();
    await page.getByRole('button', { name: 'Check and continue' }).click();
    // The button reads "Checking…" until the server has answered.
    await page.getByRole('button', { name: 'Check and continue' }).waitFor();
    const message = page.locator('#saml-metadata-xml-error');
    await message.waitFor();
    const text = (await message.textContent()).trim();
    assert.match(text, expected, `${file}: ${text}`);
    assert.equal(await page.locator('#saml-metadata-xml').getAttribute('aria-invalid'), 'true');
    seen.add(text);
    await checkScreen(page, `30-wrong-${file.replace('.xml', '')}`);
  }
  assert.equal(seen.size, CASES.length, 'every kind of wrong document gets its own message');
  await checkA11y(page, 'wrong document');

  const res = await portico.api('GET', `/api/v1/connections/${connId}`);
  assert.equal(res.json.saml, null, 'nothing was saved');
  assert.equal(res.json.state, 'draft');

  // The federation file from the last case lists several IdPs: the admin picks theirs.
  const radios = page.locator('input[name="saml-entity"]');
  assert.ok(await radios.count() >= 2, 'the identity providers of the file are listed');
  const chosen = await radios.nth(1).getAttribute('value');
  await radios.nth(1).check();
  await checkA11y(page, 'choose entity');
  await checkScreen(page, '31-choose-entity');
  await page.getByRole('button', { name: 'Check and continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Review and save' }).waitFor();
  const saved = await portico.api('GET', `/api/v1/connections/${connId}`);
  assert.equal(saved.json.saml.idp_entity_id, chosen);
  await page.close();
});
