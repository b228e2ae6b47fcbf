// The designer's theme editor in a real browser: a theme link lands on /theme; changing the
// light primary colour changes the preview's button at once; the contrast panel follows;
// bad JSON is refused; "Publish" saves the theme for the environment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, openAdminPage, checkA11y, rgb } from './lib/browser.mjs';

let portico, browser;

before(async () => {
  portico = await startPortico();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portico?.stop();
});

const previewPrimary = (page) => page.evaluate(() =>
  getComputedStyle(document.querySelector('[data-preview-primary]')).backgroundColor);

test('a designer edits the primary colour, sees it in the preview, and publishes it', async () => {
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Design Org' });
  assert.equal(org.status, 201, org.text);
  const { page, context, errors } = await openAdminPage(portico, browser, org.json.id, { intent: 'theme', landing: '/theme' });
  try {
    await page.getByRole('heading', { name: 'Theme editor' }).waitFor();
    await page.getByRole('button', { name: 'Light', exact: true }).click();
    const primary = page.locator('#color-light-primary');
    await page.waitForFunction(() => document.querySelector('#color-light-primary')?.value === '#2848c7');
    assert.equal(await previewPrimary(page), rgb('#2848c7'));

    await primary.fill('#0b5d3b');
    await page.waitForFunction((c) => getComputedStyle(document.querySelector('[data-preview-primary]')).backgroundColor === c, rgb('#0b5d3b'));
    await checkA11y(page, 'theme editor');

    // The samples narrow to a phone's width and come back.
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-theme-preview]').getBoundingClientRect().width <= 384);
    await page.getByRole('button', { name: 'Desktop', exact: true }).click();

    // Dark mode previews the dark palette, the light one comes back.
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    await page.waitForFunction((c) => getComputedStyle(document.querySelector('[data-preview-primary]')).backgroundColor === c, rgb('#8aa4ff'));
    await page.getByRole('button', { name: 'Light', exact: true }).click();

    // A pale text on primary shows in the contrast panel as it is typed.
    await page.locator('#color-light-on_primary').fill('#88aa99');
    await page.locator('[data-contrast-failing] li', { hasText: 'light mode: on_primary on primary' }).waitFor();
    await page.locator('#color-light-on_primary').fill('#ffffff');

    // Unreadable JSON is refused with a message, the form unchanged.
    await page.locator('#theme-json').fill('{"light": 1}');
    await page.getByRole('button', { name: 'Import JSON' }).click();
    await page.locator('#theme-json-error').waitFor();
    assert.equal(await primary.inputValue(), '#0b5d3b');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('[data-publish-status]', { hasText: 'Published' }).waitFor();
    const saved = await portico.api('GET', '/api/v1/theme');
    assert.equal(saved.json.light.primary, '#0b5d3b', saved.text);

    // An invalid colour is refused next to its control.
    await primary.fill('#12345z');
    await page.locator('#color-light-primary-error').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
