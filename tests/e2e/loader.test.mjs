// The page's loader (`pattern_script` in Trunk.toml): the page says something before the app
// arrives, says so when the app did not download (and the reload works), and redeems a setup
// link while the app downloads, once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkScreen } from './lib/browser.mjs';

let portico, browser, orgId;

before(async () => {
  portico = await startPortico();
  browser = await launchBrowser();
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Acme Corp', external_id: 'acme-loader' });
  assert.equal(org.status, 201, org.text);
  orgId = org.json.id;
});

after(async () => {
  await browser?.close();
  await portico?.stop();
});

async function openLink(intent) {
  const res = await portico.api('POST', '/api/v1/portal_links', {
    organization_id: orgId, intent, return_url: 'https://app.vendor.test/settings',
  });
  assert.equal(res.status, 201, res.text);
  const context = await browser.newContext();
  const page = await context.newPage();
  return { page, url: res.json.url };
}

/** Holds the admin's wasm download until the returned function is called (`fail`: abort it). */
async function holdApp(page, { fail = false } = {}) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let attempts = 0;
  await page.route(/\/portico-[0-9a-f]+_bg\.wasm$/, async (route) => {
    attempts += 1;
    if (attempts === 1) {
      await held;
      return fail ? route.abort('connectionreset') : route.continue();
    }
    return route.continue();
  });
  return { release, attempts: () => attempts };
}

test('the link is redeemed while the app downloads, once', async () => {
  const { page, url } = await openLink('sso');
  const redemptions = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/portal/api/session') redemptions.push(r);
  });
  const app = await holdApp(page);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/portal/api/session');
  await page.goto(url);
  await page.getByRole('status').filter({ hasText: 'Loading…' }).waitFor();
  // The app is still held back, and the link is already redeemed.
  assert.equal((await answered).status(), 200);
  assert.equal(app.attempts(), 1);
  assert.equal(redemptions.length, 1);
  app.release();
  await page.waitForURL(`${portico.baseUrl}/sso`);
  await page.getByRole('heading', { level: 1, name: 'Single sign-on' }).waitFor();
  // The app took the answer over rather than redeeming again (which would say the link was used).
  assert.equal(redemptions.length, 1);
  assert.equal(await page.getByRole('alert').count(), 0);
});

test('a page whose app fails to download says so, and a reload then works', async () => {
  const { page, url } = await openLink('sso');
  const app = await holdApp(page, { fail: true });
  await page.goto(url);
  // The page itself says something before the app arrives.
  await page.getByRole('status').filter({ hasText: 'Loading…' }).waitFor();
  app.release();
  const alert = page.getByRole('alert').filter({ hasText: 'This page did not load' });
  await alert.waitFor();
  await checkScreen(page, '96-app-failed');
  // The link was used up while the app downloaded: the page now reloads the portal's root,
  // which finds the session (a used link would say so).
  assert.equal(new URL(page.url()).pathname, '/');
  await alert.getByRole('button', { name: 'Reload the page' }).click();
  await page.waitForURL(`${portico.baseUrl}/sso`);
  await page.getByRole('heading', { level: 1, name: 'Single sign-on' }).waitFor();
  assert.equal(await page.locator('#boot').count(), 0, 'the placeholder is gone once the app mounts');
  assert.equal(app.attempts(), 2);
});

