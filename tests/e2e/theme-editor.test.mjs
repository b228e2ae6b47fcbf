// The designer's theme editor in a real browser: a theme link lands on /theme; the preview is
// the portal's own screens in an iframe, re-coloured as the designer types, in light or dark,
// at desktop or phone width, without touching the editor's own page; logos are uploaded and
// checked; footer links and custom CSS show in the preview; bad input is refused next to its
// control; "Publish" saves for the environment, or for the one organization only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portalSuite } from './lib/suite.mjs';
import { openAdminPage, checkA11y, screenshot, rgb } from './lib/browser.mjs';

let portico, browser;

portalSuite((p, b) => { portico = p; browser = b; });

/** The preview iframe's frame, once its page is there. */
async function previewFrame(page) {
  const handle = await page.locator('iframe[data-theme-preview]').elementHandle();
  const frame = await handle.contentFrame();
  await frame.locator('[data-sample]').first().waitFor();
  return frame;
}

const primaryIn = (frame) => frame.evaluate(() => getComputedStyle(document.querySelector('.button.primary')).backgroundColor);
const waitPrimary = (frame, want) => frame.waitForFunction((c) => {
  const b = document.querySelector('.button.primary');
  return b && getComputedStyle(b).backgroundColor === c;
}, want);

const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" fill="#0b5d3b"/></svg>';

test('a designer edits colours, logo, footer and CSS, sees them in the preview, and publishes', async () => {
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Design Org' });
  assert.equal(org.status, 201, org.text);
  const { page, context, errors } = await openAdminPage(portico, browser, org.json.id, { intent: 'theme', landing: '/theme' });
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('heading', { name: 'Theme editor' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#color-light-primary')?.value === '#2848c7');
    const frame = await previewFrame(page);
    // Every listed screen is there, as the portal's own components render it.
    for (const s of ['provider', 'copy', 'metadata', 'test_success', 'test_failure', 'domains', 'mapping', 'session_ended']) {
      await frame.locator(`[data-sample="${s}"]`).waitFor();
    }
    await frame.locator('[data-sample="test_failure"]', { hasText: 'Audience' }).waitFor();
    await frame.locator('[data-sample="metadata"] .field-error').waitFor();
    await waitPrimary(frame, rgb('#2848c7'));
    const pageBefore = await page.evaluate(() => getComputedStyle(document.querySelector('.button.primary')).backgroundColor);

    await page.locator('#color-light-primary').fill('#0b5d3b');
    await waitPrimary(frame, rgb('#0b5d3b'));
    // The editor's own page keeps the published theme.
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.button.primary')).backgroundColor), pageBefore);
    await checkA11y(page, 'theme editor');

    // Phone width: the preview page itself is 375 px wide, so the portal's phone layout shows.
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    await frame.waitForFunction(() => window.innerWidth <= 375);
    await page.getByRole('button', { name: 'Desktop', exact: true }).click();
    await frame.waitForFunction(() => window.innerWidth > 600);

    // Dark mode changes the preview only: the page and its header toggle stay as they were.
    const toggleBefore = await page.locator('[data-scheme-toggle]').getAttribute('aria-pressed');
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    await frame.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await waitPrimary(frame, rgb('#8aa4ff'));
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme ?? null), null);
    assert.equal(await page.locator('[data-scheme-toggle]').getAttribute('aria-pressed'), toggleBefore);
    await page.getByRole('button', { name: 'Light', exact: true }).click();
    await waitPrimary(frame, rgb('#0b5d3b'));

    // One screen at a time.
    await page.locator('#preview-screen').selectOption('test_failure');
    await frame.waitForFunction(() => document.querySelectorAll('[data-sample]').length === 1 && document.querySelector('[data-sample="test_failure"]'));
    await page.locator('#preview-screen').selectOption('all');

    // A pale text on primary shows in the contrast panel as it is typed.
    await page.locator('#color-light-on_primary').fill('#88aa99');
    await page.locator('[data-contrast-failing] li', { hasText: 'light mode: on_primary on primary' }).waitFor();
    await page.locator('#color-light-on_primary').fill('#ffffff');

    // A logo: a page that is really HTML is refused by the server, an SVG is shown at once.
    await page.locator('#theme-asset-logo-light').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
    await page.locator('#logo_light-error').waitFor();
    await page.locator('#theme-asset-logo-light').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(LOGO) });
    await page.locator('[data-asset="logo_light"] img').waitFor();
    const logo = await page.locator('[data-asset="logo_light"] img').getAttribute('src');
    assert.match(logo, /^\/theme-assets\/[0-9a-f]+\.svg$/);
    await frame.locator(`img.logo-light[src="${logo}"]`).waitFor({ state: 'attached' });

    // Help and footer links appear in the preview's footer.
    await page.locator('#theme-support-email').fill('help@vendor.test');
    await page.getByRole('button', { name: 'Add a footer link' }).click();
    await page.locator('#footer-0-label').fill('Privacy');
    await page.locator('#footer-0-url').fill('https://vendor.test/privacy');
    // On a desktop the link's text and address stand side by side in one row.
    const [labelBox, urlBox] = [await page.locator('#footer-0-label').boundingBox(), await page.locator('#footer-0-url').boundingBox()];
    assert.ok(Math.abs(labelBox.y - urlBox.y) < 2 && urlBox.x > labelBox.x + labelBox.width,
      `footer link fields in one row: ${JSON.stringify([labelBox, urlBox])}`);
    await frame.locator('[data-branding-footer] a', { hasText: 'Privacy' }).waitFor();
    assert.match(await frame.locator('[data-branding-footer]').textContent(), /help@vendor\.test/);

    // Custom CSS: a remote @import is refused as it is typed; a plain rule shows in the preview.
    await page.locator('#theme-custom-css').fill('@import url(https://evil.test/x.css);');
    await page.locator('#custom_css-error').waitFor();
    await page.locator('#theme-custom-css').fill('.card { border-width: 3px }');
    await frame.waitForFunction(() => getComputedStyle(document.querySelector('.card')).borderTopWidth === '3px');
    await page.locator('#custom_css-error').waitFor({ state: 'detached' });
    await screenshot(page, '70-theme-editor');

    // Unreadable JSON is refused with a message, the form unchanged.
    await page.locator('#theme-json').fill('{"light": 1}');
    await page.getByRole('button', { name: 'Import JSON' }).click();
    await page.locator('#theme-json-error').waitFor();
    assert.equal(await page.locator('#color-light-primary').inputValue(), '#0b5d3b');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('[data-publish-status]', { hasText: 'Published' }).waitFor();
    const saved = await portico.api('GET', '/api/v1/theme');
    assert.equal(saved.json.light.primary, '#0b5d3b', saved.text);
    assert.equal(saved.json.logo_light, logo.replace('/theme-assets/', ''));
    assert.deepEqual(saved.json.footer_links, [{ label: 'Privacy', url: 'https://vendor.test/privacy' }]);
    assert.equal(saved.json.custom_css, '.card { border-width: 3px }');

    // An IT admin opening a portal link now sees the published colour and logo.
    const customer = await portico.api('POST', '/api/v1/organizations', { name: 'Customer Org' });
    const admin = await openAdminPage(portico, browser, customer.json.id);
    try {
      await admin.page.locator('.button.primary').first().waitFor();
      await admin.page.waitForFunction((c) => getComputedStyle(document.querySelector('.button.primary')).backgroundColor === c, rgb('#0b5d3b'));
      await admin.page.locator(`img.logo-light[src="${logo}"]`).waitFor({ state: 'attached' });
      assert.deepEqual(admin.errors, []);
    } finally {
      await admin.context.close();
    }

    // For this organization only: the environment keeps its theme.
    await page.locator('#color-light-primary').fill('#5b2a86');
    await page.locator('[data-target="organization"]').check();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('[data-publish-status]', { hasText: 'Design Org only' }).waitFor();
    const own = await portico.api('GET', `/api/v1/organizations/${org.json.id}/theme`);
    assert.equal(own.json.inherited, false, own.text);
    assert.equal(own.json.theme.light.primary, '#5b2a86');
    assert.equal((await portico.api('GET', '/api/v1/theme')).json.light.primary, '#0b5d3b');
    await page.locator('[data-org-override]').waitFor();
    await page.locator('[data-remove-org-theme]').click();
    await page.locator('[data-org-override]').waitFor({ state: 'detached' });
    assert.equal((await portico.api('GET', `/api/v1/organizations/${org.json.id}/theme`)).json.inherited, true);

    // An invalid colour is refused next to its control.
    await page.locator('#color-light-primary').fill('#12345z');
    await page.locator('#color-light-primary-error').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
