// One Portico, two vendors, each on its own hostname, in a real browser. Hostnames are mapped
// to 127.0.0.1 by Chromium (--host-resolver-rules), so no real DNS is involved for the browser;
// Portico checks the vendors' CNAME records against a DNS server the test runs on loopback.
// sso.vendor-a.test shows vendor A's theme and SP values, sso.vendor-b.test vendor B's; an
// unknown hostname gets a plain 404; a link minted for one hostname does not work on another.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkA11y, rgb } from './lib/browser.mjs';
import { startDnsServer } from './lib/dns.mjs';

let portico, browser, dns, port;
const vendors = {};

before(async () => {
  dns = await startDnsServer({ zones: ['vendor-a.test', 'vendor-b.test'] });
  portico = await startPortico({ env: { PORTICO_DNS_SERVERS: dns.address, PORTICO_BASE_DOMAIN: 'portico.test' } });
  port = new URL(portico.baseUrl).port;
  browser = await launchBrowser({ args: ['--host-resolver-rules=MAP *.test 127.0.0.1'] });
  for (const [name, primary] of [['vendor-a', '#0b5d3b'], ['vendor-b', '#8a1c7c']]) {
    portico.run(['env', 'create', name]);
    const created = portico.run(['api-key', 'create', '--name', 'e2e', '--env', name]);
    const key = created.split('\n').map((l) => l.trim()).find((l) => l.startsWith('pk_'));
    const api = async (method, path, body) => {
      const headers = { authorization: `Bearer ${key}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(portico.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, json, text };
    };
    const theme = (await api('GET', '/api/v1/theme')).json;
    theme.light.primary = primary;
    theme.display_name = name === 'vendor-a' ? 'Vendor A' : 'Vendor B';
    const put = await api('PUT', '/api/v1/theme', { theme });
    assert.equal(put.status, 200, put.text);
    vendors[name] = { api, primary, host: `sso.${name}.test` };
  }
});

after(async () => {
  await browser?.close();
  await portico?.stop();
  await dns?.close();
});

test('each vendor\'s hostname serves its own portal; unknown hosts and other hosts\' links get nothing', async () => {
  // The CNAME is checked against DNS: pending until it points at the environment's hostname.
  const a = vendors['vendor-a'];
  let r = await a.api('POST', '/api/v1/custom_domains', { hostname: a.host });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.state, 'pending');
  assert.deepEqual(r.json.dns_record, { type: 'CNAME', name: a.host, value: 'vendor-a.portico.test' });
  const tls = (name) => fetch(`${portico.baseUrl}/internal/tls-allowed?domain=${name}`).then((x) => x.status);
  assert.equal(await tls(a.host), 404);
  dns.setCname(a.host, 'vendor-a.portico.test');
  r = await a.api('POST', `/api/v1/custom_domains/${r.json.id}/check`);
  assert.equal(r.json.state, 'active', r.text);
  assert.equal(await tls(a.host), 200);

  const b = vendors['vendor-b'];
  dns.setCname(b.host, 'vendor-b.portico.test');
  r = await b.api('POST', '/api/v1/custom_domains', { hostname: b.host });
  assert.equal(r.json.state, 'active', r.text);
  // One vendor cannot take the other's hostname.
  r = await b.api('POST', '/api/v1/custom_domains', { hostname: a.host });
  assert.equal(r.status, 409, r.text);

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    for (const v of [a, b]) {
      const org = await v.api('POST', '/api/v1/organizations', { name: `Customer of ${v.host}` });
      const link = await v.api('POST', '/api/v1/portal_links', { organization_id: org.json.id, intent: 'sso' });
      assert.ok(link.json.url.startsWith(`http://${v.host}:${port}/setup?token=`), link.json.url);
      v.link = link.json.url;
    }

    // A's link opened on B's hostname is not valid there, and still works on A's.
    const wrong = a.link.replace(a.host, b.host);
    await page.goto(wrong);
    await page.getByText('This setup link is not valid').waitFor();
    assert.equal(await page.evaluate(() => document.cookie), '');

    for (const v of [a, b]) {
      await page.goto(v.link);
      await page.waitForURL(`http://${v.host}:${port}/sso`);
      await page.locator('.button.primary').first().waitFor();
      await page.waitForFunction((c) => getComputedStyle(document.querySelector('.button.primary')).backgroundColor === c, rgb(v.primary));
      assert.match(await page.locator('[data-product]').textContent(), v === a ? /Vendor A/ : /Vendor B/);
      // The SP values the admin copies are on this hostname.
      await page.goto(`http://${v.host}:${port}/sso/setup/provider`);
      await page.locator('[data-idp="generic-saml"]').click();
      const acs = page.getByRole('textbox', { name: 'ACS URL' });
      await acs.waitFor();
      assert.match(await acs.inputValue(), new RegExp(`^http://${v.host.replace(/\./g, '\\.')}:${port}/sso/saml/conn_[^/]+/acs$`));
      await checkA11y(page, `${v.host} configure step`);
    }

    // A session started on B's hostname does not exist on A's (the cookie is host-only, and
    // the server checks the hostname too).
    const other = await browser.newContext();
    try {
      const orgB = await b.api('POST', '/api/v1/organizations', { name: 'Another customer of B' });
      const linkB = await b.api('POST', '/api/v1/portal_links', { organization_id: orgB.json.id, intent: 'sso' });
      const tab = await other.newPage();
      await tab.goto(linkB.json.url);
      await tab.waitForURL(`http://${b.host}:${port}/sso`);
      assert.equal((await tab.goto(`http://${b.host}:${port}/portal/api/session`)).status(), 200);
      assert.equal((await tab.goto(`http://${a.host}:${port}/portal/api/session`)).status(), 401);
    } finally {
      await other.close();
    }

    // An unknown hostname is a plain 404, not somebody's portal.
    const stranger = await page.goto(`http://sso.stranger.test:${port}/sso`);
    assert.equal(stranger.status(), 404);
    assert.match(await page.locator('body').textContent(), /not served here/);
    assert.equal(await page.locator('link[data-portico-theme]').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
