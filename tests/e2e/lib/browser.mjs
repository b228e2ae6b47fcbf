// Headless Chromium (the system's, driven by playwright-core) plus
// accessibility checks (axe-core) and screenshots.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/**
 * A fresh browser: Playwright gives every launch its own temporary profile. `args` adds
 * Chromium flags, such as `--host-resolver-rules=MAP *.test 127.0.0.1` to reach hostnames
 * without real DNS.
 */
export function launchBrowser({ args = [] } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync',
      ...args,
    ],
  });
}

/**
 * Runs axe-core on the current page and throws if any violation is serious or
 * critical. page.evaluate goes through DevTools, so a strict
 * Content-Security-Policy on the page does not block the injected source.
 * Returns all violations (including minor/moderate ones) for optional use.
 */
export async function checkA11y(page, label = page.url()) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map(({ id, impact, help, helpUrl, nodes }) =>
      ({ id, impact, help, helpUrl, targets: nodes.map((n) => n.target.join(' ')) })));
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (blocking.length > 0) {
    const list = blocking.map((v) =>
      `  - [${v.impact}] ${v.id}: ${v.help}\n      at ${v.targets.join('\n      at ')}\n      see ${v.helpUrl}`);
    throw new Error(`Accessibility violations on ${label}:\n${list.join('\n')}`);
  }
  return violations;
}

/** Full-page screenshot at the current viewport, saved as screenshots/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Like screenshot() but 360 px wide (a small phone), saved as <name>-360.png. */
export async function mobileScreenshot(page, name) {
  const previous = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    return await screenshot(page, `${name}-360`);
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}

/**
 * The checks every screen gets: axe-core, desktop and phone screenshots, no sideways
 * scrolling at 360 px (naming the widest elements when there is), and no text squeezed into a
 * column a few characters wide.
 */
export async function checkScreen(page, name) {
  await checkA11y(page, name);
  await screenshot(page, name);
  await mobileScreenshot(page, name);
  const previous = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) {
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .map((e) => [e, e.getBoundingClientRect()])
        .filter(([, r]) => r.width > window.innerWidth)
        .sort(([, a], [, b]) => a.width - b.width)
        .slice(0, 4).map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.width)}px`));
      throw new Error(`${name} scrolls sideways at 360 px by ${overflow} px ${wide.join('; ')}`);
    }
    // Text squeezed into a sliver (a fingerprint printed one character per line) does not
    // scroll sideways, so it is measured: no element holding text may be narrower than about
    // four characters while it wraps onto more than three lines.
    const slivers = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim().length > 8))
      .map((e) => [e, e.getBoundingClientRect(), parseFloat(getComputedStyle(e).lineHeight) || 20])
      .filter(([, r, line]) => r.width > 0 && r.width < 40 && r.height > 3 * line)
      .slice(0, 4).map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.width)}x${Math.round(r.height)}px`));
    if (slivers.length > 0) {
      throw new Error(`${name} squeezes text into a sliver at 360 px: ${slivers.join('; ')}`);
    }
    // A value to copy that is cut off (a long URL in a one-line box) cannot be checked by eye:
    // read-only boxes must show all of their text.
    const cut = await page.evaluate(() => [...document.querySelectorAll('textarea[readonly], input[readonly]')]
      .filter((e) => e.getClientRects().length > 0)
      .filter((e) => e.scrollWidth > e.clientWidth + 2 || e.scrollHeight > e.clientHeight + 2)
      .slice(0, 4).map((e) => `#${e.id} shows ${e.clientWidth}x${e.clientHeight} of ${e.scrollWidth}x${e.scrollHeight}px`));
    if (cut.length > 0) {
      throw new Error(`${name} cuts off a value to copy at 360 px: ${cut.join('; ')}`);
    }
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}

/** Drops a file on `selector` the way a browser does on a real drag and drop. */
export async function dropFile(page, selector, name, text) {
  const dataTransfer = await page.evaluateHandle(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: 'text/xml' }));
    return dt;
  }, [name, text]);
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/**
 * An IT admin's browser tab, signed in through a fresh portal link: the vendor API mints the
 * link (`intent`, optional `success_url`), the page redeems it and lands on `landing`. Uncaught
 * page errors are collected in `errors`, with the panic message a wasm crash logs first, and so
 * is anything the page's Content-Security-Policy blocked.
 * `contextOptions` go to browser.newContext (e.g. `{ colorScheme: 'dark' }`).
 */
export async function openAdminPage(portico, browser, orgId, { intent = 'sso', landing = '/sso', successUrl, contextOptions = {} } = {}) {
  const body = { organization_id: orgId, intent };
  if (successUrl) body.success_url = successUrl;
  const res = await portico.api('POST', '/api/v1/portal_links', body);
  if (res.status !== 201) throw new Error(`minting a link failed: ${res.text}`);
  const context = await browser.newContext(contextOptions);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portico.baseUrl });
  const page = await context.newPage();
  const errors = [];
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    consoleErrors.push(m.text());
    // Anything the page's Content-Security-Policy blocked is a failure too: the policy allows
    // exactly what the portal needs, so a report means the portal or the policy is wrong.
    if (/Content Security Policy/i.test(m.text())) errors.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${e.message} (console: ${consoleErrors.join(' | ')})`));
  await page.goto(res.json.url);
  await page.waitForURL(`${portico.baseUrl}${landing}`);
  return { page, context, errors };
}

/** `#rrggbb` as the `rgb(r, g, b)` text `getComputedStyle` reports. */
export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
