// The portal embedded in a vendor's page with /embed.js, in real Chromium: the events reach an
// allowed parent in order while the wizard is walked; a parent that is not allowed cannot show
// the portal at all (CSP frame-ancestors); and cross-site, with third-party cookies blocked,
// the portal says so and opens in a new tab, or works in the frame with partitioned cookies.
//
// Sites used (all on loopback): the portal on http://127.0.0.1:<p> (its PUBLIC_URL); parents on
// http://127.0.0.1:<q> (same site as the portal: ports do not make sites), http://localhost:<q>
// (another site), and http://127.0.0.1:<r> (allowed by nobody).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { startPortico } from './lib/portico.mjs';
import { screenshot } from './lib/browser.mjs';

let portico, parentServer, strangerServer, sameSiteParent, crossSiteParent, strangerParent, orgId;

/** A vendor's page: embeds the link given as ?link= with /embed.js and records every event. */
function parentPage(porticoUrl) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vendor app</title></head>
<body><h1>Vendor settings</h1><div id="sso"></div>
<script src="${porticoUrl}/embed.js"></script>
<script>
  window.events = [];
  const el = document.getElementById('sso');
  el.addEventListener('portico:event', (e) => window.events.push(e.detail));
  el.addEventListener('portico:closed', () => { window.closedSeen = true; });
  window.portal = Portico.embed(el, new URLSearchParams(location.search).get('link'));
</script></body></html>`;
}

async function listen(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

before(async () => {
  portico = await startPortico();
  const page = (req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(parentPage(portico.baseUrl));
  };
  parentServer = await listen(page);
  strangerServer = await listen(page);
  const port = parentServer.address().port;
  sameSiteParent = `http://127.0.0.1:${port}`;
  crossSiteParent = `http://localhost:${port}`;
  strangerParent = `http://127.0.0.1:${strangerServer.address().port}`;
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Embedded Corp' });
  assert.equal(org.status, 201, org.text);
  orgId = org.json.id;
});

after(async () => {
  await portico?.stop();
  parentServer?.close();
  strangerServer?.close();
});

async function setEmbedding(body) {
  const r = await portico.api('PUT', '/api/v1/embedding', body);
  assert.equal(r.status, 200, r.text);
}

async function mintLink(extra = {}) {
  const r = await portico.api('POST', '/api/v1/portal_links', { organization_id: orgId, intent: 'sso', ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json.url;
}

/** Chromium with third-party cookies blocked, whatever this build's default. */
function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync',
      '--disable-background-networking', '--disable-component-update', '--test-third-party-cookie-phaseout'],
  });
}

/** The portal's frame inside the parent page (once it has navigated to the portal). */
async function portalFrame(page) {
  const handle = await page.waitForSelector('#sso iframe');
  for (let i = 0; i < 100; i++) {
    const frame = await handle.contentFrame();
    if (frame && frame.url().startsWith(portico.baseUrl)) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error(`the portal frame did not load: ${(await handle.contentFrame())?.url()}`);
}

const events = (page) => page.evaluate(() => window.events);
const waitForEvent = (page, type, pred = '() => true') =>
  page.waitForFunction(([t, p]) => window.events.some((e) => e.type === t && eval(p)(e)), [type, pred], { timeout: 20_000 });

test('an allowed parent receives ready, step_changed, resize and closed in order', async () => {
  await setEmbedding({ allowed_origins: [sameSiteParent, crossSiteParent], partitioned_cookies: false });
  const link = await mintLink({ return_url: 'https://app.vendor.test/settings' });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${sameSiteParent}/?link=${encodeURIComponent(link)}`);
    const frame = await portalFrame(page);

    await frame.getByRole('heading', { level: 1, name: 'Single sign-on' }).waitFor();
    await waitForEvent(page, 'portico.step_changed', "(e) => e.data.step === 'sso'");
    await waitForEvent(page, 'portico.resize');
    // Step through the wizard: the catalog, then an IdP.
    await frame.getByRole('link', { name: 'Set up a new connection' }).click();
    await frame.getByRole('heading', { level: 1, name: /Which identity provider/ }).waitFor();
    await waitForEvent(page, 'portico.step_changed', "(e) => e.data.step === 'provider'");
    await frame.locator('[data-idp="generic-saml"]').click();
    await frame.getByRole('heading', { level: 1, name: /Add this application/ }).waitFor();
    await waitForEvent(page, 'portico.step_changed', "(e) => e.data.step === 'configure'");
    await page.waitForTimeout(300);

    // The frame is as tall as its content: no inner scrollbar.
    const last = (await events(page)).filter((e) => e.type === 'portico.resize').pop();
    const frameHeight = await page.$eval('#sso iframe', (f) => f.getBoundingClientRect().height);
    assert.ok(last.data.height > 300, `content height ${last.data.height}`);
    assert.equal(Math.round(frameHeight), Math.max(320, last.data.height));
    const inner = await frame.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    assert.ok(inner <= 1, `the frame scrolls by ${inner}px`);

    // "Back to the app" tells the parent instead of loading the vendor's app inside the frame.
    await frame.getByRole('link', { name: 'Back to the app' }).click();
    await page.waitForFunction(() => window.closedSeen === true, null, { timeout: 10_000 });
    assert.ok(frame.url().startsWith(portico.baseUrl), `the frame stayed on the portal: ${frame.url()}`);

    const got = await events(page);
    const types = got.map((e) => e.type);
    assert.equal(types[0], 'portico.ready', types.join(', '));
    const firstOf = (t) => types.indexOf(t);
    assert.ok(firstOf('portico.ready') < firstOf('portico.step_changed'), types.join(', '));
    assert.ok(firstOf('portico.step_changed') < types.lastIndexOf('portico.resize'), types.join(', '));
    assert.equal(types.at(-1), 'portico.closed', types.join(', '));
    assert.deepEqual(got.at(-1).data, { reason: 'back', url: 'https://app.vendor.test/settings' });
    // The link's own page may or may not be reported: the app leaves it as soon as it has the session.
    const steps = got.filter((e) => e.type === 'portico.step_changed').map((e) => e.data.step);
    assert.deepEqual(steps.filter((s) => s !== 'setup'), ['sso', 'provider', 'configure'], steps.join(', '));
    assert.ok(steps.indexOf('setup') <= 0, steps.join(', '));
    for (const e of got) {
      assert.equal(e.version, 1);
      assert.equal(e.organization_id, orgId, JSON.stringify(e));
      assert.equal(typeof e.data, 'object');
    }
    assert.deepEqual(errors, []);

    // The same link again: the portal explains it was used, and the parent hears why.
    await page.goto(`${sameSiteParent}/?link=${encodeURIComponent(link)}`);
    const again = await portalFrame(page);
    await again.locator('[data-link-problem="link_used"]').waitFor();
    await waitForEvent(page, 'portico.error', "(e) => e.data.code === 'link_used'");
    assert.equal((await events(page))[0].type, 'portico.ready');
  } finally {
    await browser.close();
  }
});

test('a parent that is not allowed cannot show the portal (CSP frame-ancestors)', async () => {
  await setEmbedding({ allowed_origins: [sameSiteParent, crossSiteParent], partitioned_cookies: false });
  const link = await mintLink();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const console = [];
    page.on('console', (m) => console.push(m.text()));
    await page.goto(`${strangerParent}/?link=${encodeURIComponent(link)}`);
    const handle = await page.waitForSelector('#sso iframe');
    await page.waitForFunction(() => !!document.querySelector('#sso iframe').contentWindow, null);
    await page.waitForTimeout(3000);
    assert.deepEqual(await events(page), [], 'no event from a blocked frame');
    const frame = await handle.contentFrame();
    // Chromium replaces a refused frame with its own error page.
    assert.ok(!frame || !frame.url().startsWith(portico.baseUrl) || (await frame.locator('#main').count()) === 0, `frame at ${frame?.url()}`);
    assert.ok(console.some((t) => /frame-ancestors/.test(t) && /blocked|Refused/.test(t)),
      `the browser names the policy:\n${console.join('\n')}`);
    // The portal's code never ran: the link was not redeemed and still opens.
    const top = await browser.newPage();
    await top.goto(link);
    await top.waitForURL(`${portico.baseUrl}/sso`);
  } finally {
    await browser.close();
  }
});

test('cross-site with third-party cookies blocked: a plain cookie fails clearly and opens in a new tab; a partitioned one works in the frame', async () => {
  const browser = await launch();
  try {
    // Lax cookie, another site: the browser drops it inside the frame.
    await setEmbedding({ allowed_origins: [crossSiteParent], partitioned_cookies: false });
    const link = await mintLink();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${crossSiteParent}/?link=${encodeURIComponent(link)}`);
    const frame = await portalFrame(page);
    await frame.locator('[data-link-problem="cookies_blocked"]').waitFor();
    await screenshot(page, '84-embedded-cookies-blocked');
    await waitForEvent(page, 'portico.error', "(e) => e.data.code === 'cookies_blocked'");
    assert.equal((await events(page))[0].type, 'portico.ready');
    // The link was only held: it opens in a new tab, top-level, where the cookie is first-party.
    const [tab] = await Promise.all([context.waitForEvent('page'), frame.getByRole('link', { name: 'Open in a new tab' }).click()]);
    await tab.waitForURL(`${portico.baseUrl}/sso`);
    await tab.getByRole('heading', { level: 1, name: 'Single sign-on' }).waitFor();
    // …and only once.
    const again = await context.newPage();
    await again.goto(link);
    await again.locator('[data-link-problem="link_used"]').waitFor();
    await context.close();

    // Partitioned cookie (CHIPS): the same setup works inside the frame.
    await setEmbedding({ allowed_origins: [crossSiteParent], partitioned_cookies: true });
    const link2 = await mintLink();
    const ctx2 = await browser.newContext();
    const page2 = await ctx2.newPage();
    await page2.goto(`${crossSiteParent}/?link=${encodeURIComponent(link2)}`);
    const frame2 = await portalFrame(page2);
    await frame2.getByRole('heading', { level: 1, name: 'Single sign-on' }).waitFor();
    await frame2.getByRole('link', { name: 'Set up a new connection' }).click();
    await frame2.locator('[data-idp="generic-saml"]').click();
    await frame2.getByRole('heading', { level: 1, name: /Add this application/ }).waitFor();
    const connId = new URL(frame2.url()).searchParams.get('connection');
    assert.match(connId, /^conn_/);
    const listed = await portico.api('GET', `/api/v1/organizations/${orgId}/connections`);
    assert.ok(listed.json.data.some((c) => c.id === connId), 'the connection was created through the framed session');
    const cookies = await ctx2.cookies(portico.baseUrl);
    const session = cookies.find((c) => c.name === 'portico_session');
    assert.ok(session, JSON.stringify(cookies));
    assert.equal(session.sameSite, 'None');
    assert.ok(session.secure);
    await waitForEvent(page2, 'portico.step_changed', "(e) => e.data.step === 'configure'");
    await ctx2.close();
  } finally {
    await browser.close();
  }
});
