// Session expiry as an admin lives it: a warning before the end, a clear message after it, and
// the input typed so far waiting in the wizard when they come back with a new link.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkA11y, checkScreen } from './lib/browser.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function mintLink(portico, orgId) {
  const res = await portico.api('POST', '/api/v1/portal_links', { organization_id: orgId, intent: 'sso' });
  assert.equal(res.status, 201, res.text);
  return res.json.url;
}

test('the admin is warned before the session ends and can stay signed in', async () => {
  const portico = await startPortico({ env: { PORTICO_SESSION_IDLE_SECONDS: '200' } });
  try {
    const org = await portico.api('POST', '/api/v1/organizations', { name: 'Warned Co' });
    const page = await browser.newPage();
    await page.goto(await mintLink(portico, org.json.id));
    const warning = page.getByRole('status').filter({ hasText: 'Your session ends in about' });
    await warning.waitFor();
    assert.match(await warning.textContent(), /about [34] minutes because of inactivity/);
    await checkA11y(page, 'session warning');
    await checkScreen(page, '20-session-warning');
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Single sign-on' }).waitFor();
    await page.close();
  } finally {
    await portico.stop();
  }
});

test('after the session ends, nothing typed is lost', async () => {
  const portico = await startPortico({ env: { PORTICO_SESSION_IDLE_SECONDS: '4' } });
  try {
    const org = await portico.api('POST', '/api/v1/organizations', { name: 'Patient Co' });
    const page = await browser.newPage();
    await page.goto(await mintLink(portico, org.json.id));
    await page.getByRole('link', { name: 'Set up a new connection' }).click();
    await page.locator('[data-idp="okta-saml"]').click();
    await page.getByRole('link', { name: 'Continue' }).click();
    const typed = 'https://acme.okta.com/app/exk123/sso/saml/metadata';
    await page.getByRole('textbox', { name: 'Metadata URL' }).fill(typed);
    await page.getByRole('textbox', { name: 'Metadata URL' }).blur();
    // The session lapses while the admin is away; the portal says so instead of failing later.
    await page.getByText('Your setup session has ended.').waitFor({ timeout: 15_000 });
    await checkA11y(page, 'session ended');
    await checkScreen(page, '21-session-ended');

    // A new link brings the admin back to the same draft.
    await page.goto(await mintLink(portico, org.json.id));
    await page.locator('[data-state="draft"]').waitFor();
    await page.getByRole('link', { name: /Continue setup/ }).click();
    await page.getByRole('link', { name: 'Continue' }).click();
    assert.equal(await page.getByRole('textbox', { name: 'Metadata URL' }).inputValue(), typed);
    await page.close();
  } finally {
    await portico.stop();
  }
});
