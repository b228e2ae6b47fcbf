// Branding in a real browser: a vendor's theme set through the API is what the page computes
// (background, primary button, focus ring), in light and dark; the header toggle is remembered;
// an organization's own theme wins for its admins; axe-core runs under each theme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portalSuite } from './lib/suite.mjs';
import { checkScreen, rgb } from './lib/browser.mjs';

let portico, browser;

portalSuite((p, b) => { portico = p; browser = b; });

async function theme(overrides) {
  const current = await portico.api('GET', '/api/v1/theme');
  assert.equal(current.status, 200, current.text);
  const t = structuredClone(current.json);
  for (const [mode, palette] of Object.entries(overrides.palettes ?? {})) Object.assign(t[mode], palette);
  Object.assign(t, overrides.fields ?? {});
  return t;
}

async function computed(page) {
  return page.evaluate(() => {
    const primary = document.querySelector('.button.primary');
    return {
      background: getComputedStyle(document.body).backgroundColor,
      primary: primary && getComputedStyle(primary).backgroundColor,
      focus: getComputedStyle(document.documentElement).getPropertyValue('--color-focus').trim(),
    };
  });
}

async function uploadLogo(svg) {
  const res = await fetch(`${portico.baseUrl}/api/v1/theme/assets?kind=logo`, {
    method: 'POST', headers: { authorization: `Bearer ${portico.apiKey}` }, body: svg,
  });
  const json = await res.json();
  assert.equal(res.status, 201, JSON.stringify(json));
  return json.id;
}

const visibleLogo = (page) => page.evaluate(() => [...document.querySelectorAll('img.logo')]
  .filter((i) => getComputedStyle(i).display !== 'none').map((i) => i.getAttribute('src')));

test('the vendor theme is what the portal shows, in light and dark, and an organization can have its own', async () => {
  const lightLogo = await uploadLogo('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" fill="#0b5d3b"/></svg>');
  const darkLogo = await uploadLogo('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" fill="#7fd3a8"/></svg>');
  const brand = await theme({
    palettes: {
      light: { background: '#fbf7f0', primary: '#0b5d3b', focus_ring: '#7a3e00' },
      dark: { background: '#0d1410', primary: '#7fd3a8', on_primary: '#0b1f14' },
    },
    fields: {
      display_name: 'Vendor Co',
      support_email: 'help@vendor.test',
      footer_links: [{ label: 'Privacy', url: 'https://vendor.test/privacy' }],
      logo_light: lightLogo,
      logo_dark: darkLogo,
    },
  });
  const put = await portico.api('PUT', '/api/v1/theme', { theme: brand });
  assert.equal(put.status, 200, put.text);

  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Themed Org' });
  const link = await portico.api('POST', '/api/v1/portal_links', { organization_id: org.json.id, intent: 'sso' });
  const context = await browser.newContext({ colorScheme: 'light' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(link.json.url);
    await page.waitForURL(`${portico.baseUrl}/sso`);
    await page.locator('.button.primary').first().waitFor();
    let c = await computed(page);
    assert.equal(c.background, rgb('#fbf7f0'));
    assert.equal(c.primary, rgb('#0b5d3b'));
    assert.equal(c.focus, '#7a3e00');
    assert.match(await page.locator('[data-product]').textContent(), /Vendor Co/);
    const footer = page.locator('[data-branding-footer]');
    assert.match(await footer.textContent(), /help@vendor\.test/);
    assert.equal(await footer.getByRole('link', { name: 'Privacy' }).getAttribute('href'), 'https://vendor.test/privacy');
    await page.locator('img.logo').first().waitFor({ state: 'attached' });
    assert.deepEqual(await visibleLogo(page), [`/theme-assets/${lightLogo}`]);
    await checkScreen(page, '60-theme-light');

    // Dark, by the toggle; remembered across a reload. Buttons fade between colours, so wait
    // for the transition to end before reading them.
    await page.locator('[data-scheme-toggle]').click();
    await page.waitForFunction((want) => getComputedStyle(document.querySelector('.button.primary')).backgroundColor === want, rgb('#7fd3a8'), { timeout: 2000 }).catch(() => {});
    c = await computed(page);
    assert.equal(c.background, rgb('#0d1410'));
    assert.equal(c.primary, rgb('#7fd3a8'));
    await page.reload();
    await page.locator('.button.primary').first().waitFor();
    assert.equal((await computed(page)).background, rgb('#0d1410'));
    assert.equal(await page.locator('[data-scheme-toggle]').getAttribute('aria-pressed'), 'true');
    await page.locator('img.logo').first().waitFor({ state: 'attached' });
    assert.deepEqual(await visibleLogo(page), [`/theme-assets/${darkLogo}`], 'the dark logo in dark mode');
    await checkScreen(page, '61-theme-dark');
    await page.locator('[data-scheme-toggle]').click();

    // The organization's own theme wins for its admins.
    const own = await theme({ palettes: { light: { primary: '#5b2a86' } } });
    const r = await portico.api('PUT', `/api/v1/organizations/${org.json.id}/theme`, { theme: own });
    assert.equal(r.status, 200, r.text);
    await page.reload();
    await page.locator('.button.primary').first().waitFor();
    assert.equal((await computed(page)).primary, rgb('#5b2a86'));
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
  }
});
