// Screens downloaded when first needed (src/client/chunks.rs): a chunk whose download fails
// leaves a screen that says so and offers a retry, which then works; a slow chunk shows
// "Loading…" instead of a blank page; nothing the admin entered is lost on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkScreen } from './lib/browser.mjs';

let portico, browser, orgId;

before(async () => {
  portico = await startPortico();
  browser = await launchBrowser();
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Acme Corp', external_id: 'acme-lazy' });
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
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors, url: res.json.url };
}

/** The chunk files the page fetched (split points and the chunks they share). */
function chunkRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.slice(1);
    if (/^(split|chunk)_.*\.wasm$/.test(name)) seen.push(name);
  });
  return seen;
}

test('a chunk that fails to download once shows a retry, and the retry works', async () => {
  const { page, errors, url } = await openLink('sso');
  const fetched = chunkRequests(page);
  await page.goto(url);
  await page.waitForURL(`${portico.baseUrl}/sso`);
  await page.getByRole('link', { name: 'Set up a new connection' }).click();
  await page.getByRole('heading', { level: 1, name: /Which identity provider/ }).waitFor();

  // The later steps' chunk fails to download, as on a dropped hotel connection, until the
  // network comes back. (The page prefetches it while the admin reads the catalog; that
  // attempt fails too, and a failure is not remembered.)
  let failing = true;
  let failures = 0;
  await page.route(/\/split_sso_steps-[0-9a-f]+\.wasm$/, (route) => {
    if (!failing) return route.continue();
    failures += 1;
    return route.abort('connectionreset');
  });
  await page.reload();
  await page.getByRole('heading', { level: 1, name: /Which identity provider/ }).waitFor();
  await page.locator('[data-idp="generic-saml"]').click();
  await page.waitForURL(/\/sso\/setup\/configure\?connection=conn_/);
  const alert = page.getByRole('alert').filter({ hasText: 'This screen did not load' });
  await alert.waitFor();
  assert.ok(failures >= 1, 'the steps chunk was requested and failed');
  await checkScreen(page, '95-chunk-failed');

  failing = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('heading', { level: 1, name: /Add this application/ }).waitFor();
  assert.equal(await alert.count(), 0);
  // The connection created by picking the provider is still there: nothing was lost.
  const list = await portico.api('GET', `/api/v1/organizations/${orgId}/connections`);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.data.length, 1);
  assert.ok(fetched.some((f) => f.startsWith('split_sso_steps-')), `fetched: ${fetched.join(', ')}`);
  assert.deepEqual(errors, []);
});

test('a slow chunk shows that it is loading, then the screen', async () => {
  const { page, errors, url } = await openLink('domain_verification');
  let delayed = 0;
  await page.route(/\/split_domains-[0-9a-f]+\.wasm$/, async (route) => {
    delayed += 1;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(url);
  // Inside the app's main landmark: not the page's own "Loading…" shown before the app mounts.
  await page.locator('#main').getByRole('status').filter({ hasText: 'Loading…' }).waitFor();
  await page.getByRole('heading', { level: 1, name: /domain/i }).waitFor();
  assert.equal(delayed, 1);
  assert.deepEqual(errors, []);
});

test('the first visit of a link downloads none of the later screens', async () => {
  // A fresh organization: the session says there is no connection, so the overview needs no
  // chunk at all, and the picker is in the first download too.
  const fresh = await portico.api('POST', '/api/v1/organizations', { name: 'Fresh', external_id: 'acme-lazy-fresh' });
  assert.equal(fresh.status, 201, fresh.text);
  const link = await portico.api('POST', '/api/v1/portal_links', { organization_id: fresh.json.id, intent: 'sso' });
  assert.equal(link.status, 201, link.text);
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = chunkRequests(page);
  await page.goto(link.json.url);
  await page.waitForURL(`${portico.baseUrl}/sso`);
  await page.getByText('No connection yet.').waitFor();
  await page.getByRole('link', { name: 'Set up a new connection' }).click();
  await page.locator('[data-idp]').first().waitFor();
  assert.deepEqual(fetched, []);
  await context.close();

  // With a connection (the first test made one), the overview downloads its list's chunk,
  // and still none of the other screens.
  const { page: again, url } = await openLink('sso');
  const later = chunkRequests(again);
  await again.goto(url);
  await again.waitForURL(`${portico.baseUrl}/sso`);
  await again.locator('[data-connection]').first().waitFor();
  assert.ok(later.some((f) => f.startsWith('split_sso_home-')), `fetched: ${later.join(', ')}`);
  assert.ok(!later.some((f) => /^split_(domains|directory)/.test(f)), `fetched: ${later.join(', ')}`);
});
