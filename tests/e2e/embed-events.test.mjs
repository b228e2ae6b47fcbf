// The rest of the embedded portal's events, in real Chromium: `connection.configured` when the
// admin saves a connection inside the frame, `connection.activated` when they activate it, and
// `session.expiring` then `session.expired` as an idle session runs out, and `domain.verified`
// when a domain's TXT record (served by a DNS server on loopback) is found. The parent is the
// vendor's page on the same site (http://127.0.0.1:<other port>) using /embed.js. The test
// sign-in, which identity providers refuse to show in a frame, runs in a new tab.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import { startSamlIdp } from './lib/saml.mjs';

let browser, parent, samlIdp;

/** A vendor page that embeds `?link=` and records every event in window.events. */
async function startParent(porticoUrl) {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vendor</title></head><body><div id="sso"></div>
<script src="${porticoUrl}/embed.js"></script>
<script>window.events = []; const el = document.getElementById('sso');
el.addEventListener('portico:event', (e) => window.events.push(e.detail));
Portico.embed(el, new URLSearchParams(location.search).get('link'));</script></body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** The vendor page with the portal embedded from a fresh link; waits for the frame's portal page. */
async function embedded(portico, orgId, intent = 'sso') {
  const link = await portico.api('POST', '/api/v1/portal_links', { organization_id: orgId, intent });
  assert.equal(link.status, 201, link.text);
  const page = await browser.newPage();
  await page.goto(`${parent.url}/?link=${encodeURIComponent(link.json.url)}`);
  const handle = await page.waitForSelector('#sso iframe');
  let frame;
  for (let i = 0; i < 100 && !frame; i++) {
    const f = await handle.contentFrame();
    if (f?.url().startsWith(portico.baseUrl) && !f.url().includes('/setup')) frame = f;
    else await page.waitForTimeout(100);
  }
  assert.ok(frame, 'the portal loaded in the frame');
  return { page, frame };
}

const waitForEvent = (page, type) => page.waitForFunction((t) => window.events.find((e) => e.type === t), type, { timeout: 20_000 }).then((h) => h.jsonValue());

before(async () => { browser = await launchBrowser(); });
after(async () => {
  await browser?.close();
  parent?.close();
  await samlIdp?.stop();
});

test('saving and activating a connection inside the frame tell the parent', async () => {
  const portico = await startPortico();
  parent = await startParent(portico.baseUrl);
  try {
    const set = await portico.api('PUT', '/api/v1/embedding', { allowed_origins: [parent.url], partitioned_cookies: false });
    assert.equal(set.status, 200, set.text);
    const org = await portico.api('POST', '/api/v1/organizations', { name: 'Framed Co' });
    const conn = await portico.api('POST', `/api/v1/organizations/${org.json.id}/connections`, { idp: 'generic-saml' });
    samlIdp = await startSamlIdp({ acsUrl: conn.json.sp.acs_url, audience: conn.json.sp.entity_id });
    const metadata = await (await fetch(samlIdp.metadataUrl)).text();

    // The admin pastes the IdP's metadata and saves, inside the vendor's page.
    const { page, frame } = await embedded(portico, org.json.id);
    await frame.goto(`${portico.baseUrl}/sso/setup/details?connection=${conn.json.id}`);
    await frame.getByRole('textbox', { name: 'Or paste the metadata XML' }).fill(metadata);
    await frame.getByRole('button', { name: 'Check and continue' }).click();
    await frame.getByRole('button', { name: 'Save connection' }).click();
    const configured = await waitForEvent(page, 'portico.connection.configured');
    assert.deepEqual(configured.data, { connection_id: conn.json.id, idp: 'generic-saml' });
    assert.equal(configured.organization_id, org.json.id);

    // The test sign-in runs in a new tab (IdPs refuse to be framed); the frame shows its result.
    await frame.getByRole('link', { name: 'Next: test sign-in' }).click();
    const [tab] = await Promise.all([page.context().waitForEvent('page'), frame.locator('[data-start-test]').click()]);
    await frame.locator('[data-test-in-tab]').waitFor();
    await screenshot(page, '82-embedded-test-in-tab');
    await tab.locator('#btn-sign-in').click();
    await frame.locator('[data-test-outcome="success"]').waitFor({ timeout: 30_000 });
    // The tab says where the result is (and closes itself when the browser lets it).
    if (!tab.isClosed()) {
      await tab.locator('[data-test-done-in-tab]').waitFor({ timeout: 5000 }).then(() => screenshot(tab, '83-test-done-in-tab')).catch(async () => {
        assert.ok(tab.isClosed(), `the tab finished: ${tab.url()} ${await tab.locator('body').innerText().catch(() => '')} opener=${await tab.evaluate(() => String(window.opener)).catch((e) => e.message)}`);
      });
    }
    await frame.goto(`${portico.baseUrl}/sso/setup/mapping?connection=${conn.json.id}`);
    await frame.locator('[data-activate]').click();
    const activated = await waitForEvent(page, 'portico.connection.activated');
    assert.deepEqual(activated.data, { connection_id: conn.json.id, idp: 'generic-saml' });
    assert.equal((await portico.api('GET', `/api/v1/connections/${conn.json.id}`)).json.state, 'active');
    const types = await page.evaluate(() => window.events.map((e) => e.type));
    assert.ok(types.indexOf('portico.connection.configured') < types.indexOf('portico.connection.activated'), types.join(', '));
    await page.close();
  } finally {
    parent.close();
    await portico.stop();
  }
});

test('an idle session warns the parent, then says it ended', async () => {
  const portico = await startPortico({ env: { PORTICO_SESSION_IDLE_SECONDS: '6' } });
  parent = await startParent(portico.baseUrl);
  try {
    await portico.api('PUT', '/api/v1/embedding', { allowed_origins: [parent.url], partitioned_cookies: false });
    const org = await portico.api('POST', '/api/v1/organizations', { name: 'Idle Co' });
    const { page } = await embedded(portico, org.json.id);
    const expiring = await waitForEvent(page, 'portico.session.expiring');
    // Seconds left are counted on the server's clock, rounded: within a second or two of the 6 s.
    assert.ok(expiring.data.seconds_left >= 0 && expiring.data.seconds_left <= 8, JSON.stringify(expiring));
    await waitForEvent(page, 'portico.session.expired');
    const types = await page.evaluate(() => window.events.map((e) => e.type));
    assert.ok(types.indexOf('portico.session.expiring') < types.indexOf('portico.session.expired'), types.join(', '));
    await page.close();
  } finally {
    parent.close();
    await portico.stop();
  }
});

test('a domain verified inside the frame tells the parent', async () => {
  const { startDnsServer } = await import('./lib/dns.mjs');
  const dns = await startDnsServer({ zones: ['framed-e2e.test'] });
  const portico = await startPortico({ env: { PORTICO_DNS_SERVERS: dns.address } });
  parent = await startParent(portico.baseUrl);
  try {
    await portico.api('PUT', '/api/v1/embedding', { allowed_origins: [parent.url], partitioned_cookies: false });
    const org = await portico.api('POST', '/api/v1/organizations', { name: 'Domain Co' });
    const { page, frame } = await embedded(portico, org.json.id, 'domain_verification');
    await frame.waitForURL(`${portico.baseUrl}/domains`);
    await frame.getByRole('textbox', { name: 'Domain' }).fill('framed-e2e.test');
    await frame.getByRole('button', { name: 'Add domain' }).click();
    const card = frame.locator('article[data-domain="framed-e2e.test"]');
    const name = await card.getByRole('textbox', { name: 'Name', exact: true }).inputValue();
    const value = await card.getByRole('textbox', { name: 'Value', exact: true }).inputValue();
    dns.setTxt(name, [value]);
    await card.getByRole('button', { name: 'Check now' }).click();
    const verified = await waitForEvent(page, 'portico.domain.verified');
    assert.equal(verified.data.domain, 'framed-e2e.test', JSON.stringify(verified));
    assert.equal(verified.organization_id, org.json.id);
    await page.close();
  } finally {
    parent.close();
    await portico.stop();
    await dns.close();
  }
});
