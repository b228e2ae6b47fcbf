// Every screen of the connection wizard under three themes (the default, a dark-heavy brand and
// a high-contrast brand) in light and dark: what the page computes for the page background, the
// primary button, the keyboard focus ring and error text must be the theme's tokens, axe-core
// must find nothing serious or critical, and a screenshot of each screen lands in
// tests/e2e/screenshots/ (git-ignored) as theme-<theme>-<mode>-<step>.png for a person to review.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkA11y, checkScreen, screenshot, openAdminPage, rgb } from './lib/browser.mjs';
import { startSamlIdp, makeKeyPair } from './lib/saml.mjs';

let portico, browser, defaultTheme, keyPair;

before(async () => {
  portico = await startPortico();
  browser = await launchBrowser();
  // The built-in theme, before any test changes it; the brands start from it too.
  const current = await portico.api('GET', '/api/v1/theme');
  assert.equal(current.status, 200, current.text);
  defaultTheme = current.json;
  // One signing key for every IdP of this file (making one takes a moment).
  keyPair = makeKeyPair('Theme matrix IdP');
});

after(async () => {
  await browser?.close();
  await portico?.stop();
});

/**
 * The themes, as changes to the default one. Both brands pass WCAG AA (they save without
 * accept_low_contrast): the dark-heavy one is near-black in light mode too, with a saturated
 * pink accent and a yellow focus ring; the high-contrast one is pure black and white with a
 * blue (light) or yellow (dark) focus ring.
 */
const BRANDS = {
  'dark-heavy': {
    display_name: 'Nightfall',
    support_email: 'help@nightfall.test',
    footer_links: [{ label: 'Privacy', url: 'https://nightfall.test/privacy' }],
    light: {
      background: '#0e0b14', surface: '#1a1524', text: '#f4f0fa', muted_text: '#bfb6cf',
      primary: '#ff3d9a', on_primary: '#1a0010', border: '#4a3f5c', focus_ring: '#ffd23f',
      success: '#4ee08a', warning: '#ffc447', danger: '#ff7070',
    },
    dark: {
      background: '#050308', surface: '#120e19', text: '#ece6f5', muted_text: '#b3a9c4',
      primary: '#ff5aa8', on_primary: '#1a0010', border: '#3b3248', focus_ring: '#ffe066',
      success: '#5ee89a', warning: '#ffcf5c', danger: '#ff8080',
    },
  },
  'high-contrast': {
    display_name: 'Contrast Co',
    support_url: 'https://contrast.test/help',
    radius_px: 0,
    light: {
      background: '#ffffff', surface: '#ffffff', text: '#000000', muted_text: '#2b2b2b',
      primary: '#000000', on_primary: '#ffffff', border: '#000000', focus_ring: '#0000ff',
      success: '#006b1f', warning: '#7a4100', danger: '#b00000',
    },
    dark: {
      background: '#000000', surface: '#000000', text: '#ffffff', muted_text: '#e0e0e0',
      primary: '#ffffff', on_primary: '#000000', border: '#ffffff', focus_ring: '#ffff00',
      success: '#00e060', warning: '#ffc400', danger: '#ff6666',
    },
  },
};

function themeNamed(name) {
  if (name === 'default') return structuredClone(defaultTheme);
  const { light, dark, ...fields } = BRANDS[name];
  const t = structuredClone(defaultTheme);
  Object.assign(t, fields);
  Object.assign(t.light, light);
  Object.assign(t.dark, dark);
  return t;
}

/** Sets the vendor theme (no accept_low_contrast: it must pass WCAG AA as it is). */
async function useTheme(name) {
  const theme = themeNamed(name);
  const put = await portico.api('PUT', '/api/v1/theme', { theme });
  assert.equal(put.status, 200, `the ${name} theme saves without accepting low contrast: ${put.text}`);
  return theme;
}

/** Waits until `fn(arg)` is true in the page (colours fade in), but never fails by itself. */
const settle = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: 2000 }).catch(() => {});

/**
 * The computed page background and first primary button are the palette's, and so is the
 * `--color-focus` custom property.
 */
async function assertColors(page, palette, label) {
  // The pointer could rest on a button (hover colour) after the click that led here.
  await page.mouse.move(0, 0);
  await settle(page, (want) => getComputedStyle(document.body).backgroundColor === want, rgb(palette.background));
  await settle(page, (want) => {
    const b = document.querySelector('.button.primary');
    return !b || getComputedStyle(b).backgroundColor === want;
  }, rgb(palette.primary));
  const c = await page.evaluate(() => {
    const primary = document.querySelector('.button.primary');
    return {
      background: getComputedStyle(document.body).backgroundColor,
      primary: primary && getComputedStyle(primary).backgroundColor,
      focus: getComputedStyle(document.documentElement).getPropertyValue('--color-focus').trim(),
    };
  });
  assert.equal(c.background, rgb(palette.background), `${label}: page background`);
  if (c.primary !== null) assert.equal(c.primary, rgb(palette.primary), `${label}: primary button`);
  assert.equal(c.focus, palette.focus_ring, `${label}: --color-focus`);
  return c;
}

/**
 * Presses `key` `count` times, from the page's heading unless `fromHeading` is false; every
 * element that gets the keyboard focus must draw a solid outline, at least 2 px wide, in the
 * theme's focus colour. Returns what was focused.
 */
async function assertFocusRing(page, palette, label, { count = 5, key = 'Tab', fromHeading = true } = {}) {
  // The heading (tabindex=-1) is where the portal puts the focus on a new screen.
  if (fromHeading) await page.evaluate(() => document.querySelector('h1')?.focus());
  const stops = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press(key);
    const stop = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const s = getComputedStyle(e);
      const name = (e.getAttribute('aria-label') || e.textContent || e.id || '').trim().slice(0, 30);
      return { what: `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''} "${name}"`, style: s.outlineStyle, color: s.outlineColor, width: s.outlineWidth };
    });
    if (!stop) continue;
    stops.push(stop);
    assert.equal(`${stop.style} ${stop.color}`, `solid ${rgb(palette.focus_ring)}`, `${label}: focus ring of ${stop.what} (${key} ${i + 1})`);
    assert.ok(parseFloat(stop.width) >= 2, `${label}: focus ring of ${stop.what} is ${stop.width} wide`);
  }
  assert.ok(stops.length > 0, `${label}: ${key} reaches a control`);
  return stops;
}

/** The field error under `#id`: it is shown, and its text is in the theme's danger colour. */
async function assertFieldError(page, id, palette, label) {
  const error = page.locator(`#${id}-error`);
  await error.waitFor();
  assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', `${label}: the field is marked invalid`);
  assert.ok((await error.textContent()).trim().length > 0, `${label}: the error says something`);
  const color = await error.evaluate((e) => getComputedStyle(e).color);
  assert.equal(color, rgb(palette.danger), `${label}: error text colour`);
}

/**
 * One combination of theme and mode: an admin of a new organization walks the wizard (SAML,
 * against a real saml-idp, through a successful test sign-in) and the domains screen, and an
 * admin without a session sees the session-ended screen.
 */
async function walk(themeName, mode) {
  const theme = await useTheme(themeName);
  const palette = theme[mode];
  const prefix = `theme-${themeName}-${mode}`;
  const contextOptions = { colorScheme: mode };

  /** The checks every screen gets, after its heading is on screen. */
  async function screen(page, step, heading, { mobile = false, focus = {} } = {}) {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    const label = `${prefix}-${step}`;
    await assertColors(page, palette, label);
    if (mobile) {
      await checkScreen(page, label); // axe, desktop and 360-px screenshots, no sideways scrolling
    } else {
      await checkA11y(page, label);
      await screenshot(page, label);
    }
    // Last, as it moves the focus (and the blur saves drafts).
    await assertFocusRing(page, palette, label, focus);
  }

  const org = await portico.api('POST', '/api/v1/organizations', { name: `Matrix ${themeName} ${mode}` });
  assert.equal(org.status, 201, org.text);
  const { page, context, errors } = await openAdminPage(portico, browser, org.json.id, { contextOptions });
  let idp;
  try {
    assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), mode === 'dark');

    // The overview; from the top of the page, the header's controls and the skip link too.
    await screen(page, 'sso', 'Single sign-on');
    await assertFocusRing(page, palette, `${prefix}-sso header`, { key: 'Shift+Tab', count: 3 });

    await page.getByRole('link', { name: 'Set up a new connection' }).click();
    await screen(page, 'provider', /Which identity provider/, { mobile: true });
    await page.locator('[data-idp="generic-saml"]').click();

    await page.waitForURL(/\/sso\/setup\/configure\?connection=conn_/);
    const connId = new URL(page.url()).searchParams.get('connection');
    await screen(page, 'configure', /Add this application/);
    const { sp } = (await portico.api('GET', `/api/v1/connections/${connId}`)).json;
    // The admin creates the app in their IdP with our values while reading them.
    idp = startSamlIdp({ acsUrl: sp.acs_url, audience: sp.entity_id, keyPair });
    idp.catch(() => {}); // a failed start is reported where it is awaited
    await page.getByRole('link', { name: 'Continue' }).click();

    await screen(page, 'details', /Enter .* details/);
    // Something that is not metadata: the field says so, in the danger colour.
    await page.locator('#saml-metadata-xml').fill('<not-metadata/>');
    await assertFieldError(page, 'saml-metadata-xml', palette, `${prefix}-details-error`);
    await assertColors(page, palette, `${prefix}-details-error`);
    await checkScreen(page, `${prefix}-details-error`);

    idp = await idp;
    await page.locator('#saml-metadata-xml').fill(await (await fetch(idp.metadataUrl)).text());
    await page.locator('#saml-inspection').getByText('Looks right').waitFor();
    await page.locator('#saml-metadata-xml-error').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Check and continue' }).click();

    await screen(page, 'review', 'Review and save');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByText('Your connection is saved.').waitFor();
    await assertColors(page, palette, `${prefix}-review-saved`);
    await checkA11y(page, `${prefix}-review-saved`);
    await screenshot(page, `${prefix}-review-saved`);
    await page.getByRole('link', { name: 'Next: test sign-in' }).click();

    await screen(page, 'test', 'Test sign-in');
    await page.locator('[data-start-test]').click();
    await page.locator('#btn-sign-in').click();
    await page.locator('[data-test-outcome="success"]').waitFor();
    await screen(page, 'test-result', 'Test sign-in', { mobile: true });

    await page.getByRole('link', { name: 'Next: check the attributes' }).click();
    await screen(page, 'mapping', 'Attributes');

    // Domains, part of SSO setup; an empty domain is an error next to the field.
    await page.goto(`${portico.baseUrl}/domains`);
    await screen(page, 'domains', 'Verify your domains');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await assertFieldError(page, 'domain-input', palette, `${prefix}-domains-error`);
    await checkA11y(page, `${prefix}-domains-error`);
    await screenshot(page, `${prefix}-domains-error`);

    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
    await Promise.resolve(idp).then((i) => i?.stop(), () => {});
  }

  // Without a session (it ended, or the link was never opened here).
  const ended = await browser.newContext(contextOptions);
  try {
    const page = await ended.newPage();
    await page.goto(`${portico.baseUrl}/sso`);
    await screen(page, 'session-ended', 'Your setup session has ended', { focus: { key: 'Shift+Tab', count: 2 } });
  } finally {
    await ended.close();
  }
}

for (const themeName of ['default', 'dark-heavy', 'high-contrast']) {
  for (const mode of ['light', 'dark']) {
    test(`every wizard screen wears the ${themeName} theme in ${mode} mode`, () => walk(themeName, mode));
  }
}
