// What the first visit of each kind of setup link downloads, measured in Chromium against the
// real binary: a fresh browser opens a fresh link and goes as far as the "first screen"
// (for an SSO link, until the provider picker takes a click). Every file the page fetched from
// the portal is then sized from dist/ as the server sends it (its brotli and gzip copies), so
// the figure is deterministic; the page itself, made per request, counts its bytes on the wire. Files never fetched by any first visit are listed as chunks
// loaded later. Exits 1 when a first visit is over its budget (below), or when an audience fetched the
// other audience's module. Run by .ci/size; needs PORTICO_BIN and PORTICO_DIST.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startPortico } from '../tests/e2e/lib/portico.mjs';
import { launchBrowser } from '../tests/e2e/lib/browser.mjs';

const dist = process.env.PORTICO_DIST;
/**
 * Where every admin's first visit is headed, in brotli bytes (issue 18). Each visit's own
 * `budget` is what it may download today, a ratchet: lower it as the download shrinks, never
 * raise it without saying why in the commit.
 */
const AIM = 200_000;

/** The links, and what "the first screen is usable" means for each. */
const VISITS = [
  {
    name: 'sso link: overview, then the provider picker',
    intent: 'sso',
    budget: 201_000,
    ready: async (page, base) => {
      await page.waitForURL(`${base}/sso`);
      await page.getByRole('link', { name: 'Set up a new connection' }).click();
      await page.locator('[data-idp]').first().waitFor();
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    },
  },
  {
    name: 'dsync link: the directory page',
    intent: 'dsync',
    budget: 198_000,
    ready: async (page, base) => {
      await page.waitForURL(`${base}/directory`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('link', { name: /set up/i }).first().waitFor();
    },
  },
  {
    name: 'domain_verification link: the domains page',
    intent: 'domain_verification',
    budget: 242_000,
    ready: async (page, base) => {
      await page.waitForURL(`${base}/domains`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('textbox').first().waitFor();
    },
  },
  {
    name: 'theme link: the theme editor',
    intent: 'theme',
    designer: true,
    budget: 547_000,
    ready: async (page, base) => {
      await page.waitForURL(`${base}/theme`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      // The editor's first screen includes its preview, with the sample's logos.
      const frame = await (await page.locator('iframe[data-theme-preview]').elementHandle()).contentFrame();
      await frame.locator('[data-sample]').first().waitFor();
      await frame.waitForFunction(() => [...document.images].every((i) => i.complete));
    },
  },
];

const size = (f) => (statSync(f, { throwIfNoEntry: false })?.size ?? null);
/** raw, gzip and brotli bytes of a dist file (the precompressed copies the server sends). */
function sizes(name) {
  const raw = size(join(dist, name));
  return { raw, gz: size(join(dist, `${name}.gz`)) ?? raw, br: size(join(dist, `${name}.br`)) ?? raw };
}
const row = (a, b, c, d) => console.log(`${String(a).padEnd(58)} ${String(b).padStart(9)} ${String(c).padStart(9)} ${String(d).padStart(9)}`);
const isModule = (f) => /\.(wasm|js)$/.test(f);
const isAdminModule = (f) => /^(portico-|split_|chunk_|__wasm_split)/.test(f);
const isDesignerModule = (f) => /^designer(_bg)?\./.test(f);

const portico = await startPortico();
const browser = await launchBrowser();
const problems = [];
const everFetched = new Set();
/** What each visit's page itself weighed, by its row name. */
const documents = new Map();
try {
  for (const visit of VISITS) {
    const org = await portico.api('POST', '/api/v1/organizations', { name: 'Acme', external_id: `size-${visit.intent}` });
    const link = await portico.api('POST', '/api/v1/portal_links', {
      organization_id: org.json.id, intent: visit.intent, return_url: 'https://app.vendor.test/settings',
    });
    if (link.status !== 201) throw new Error(`link for ${visit.intent}: ${link.status} ${link.text}`);
    const context = await browser.newContext();
    const page = await context.newPage();
    // Every request started before the first screen was usable, by the browser's own clock:
    // a prefetch after it (the wizard's, two seconds later) is not part of the first visit.
    // Data (API answers, the vendor's theme stylesheet) is not counted.
    const requests = [];
    page.on('request', (r) => requests.push(r));
    // When the provider picker's tiles appear, by the page's clock.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('[data-idp]')) return;
        window.__pickerAt = performance.timeOrigin + performance.now();
        observer.disconnect();
      }).observe(document, { subtree: true, childList: true });
    });
    await page.goto(link.json.url);
    await visit.ready(page, portico.baseUrl);
    let readyAt = await page.evaluate(() => performance.timeOrigin + performance.now());
    // The wizard prefetches its next steps two seconds after the picker appears
    // (PREFETCH_AFTER): on a slow or busy machine the driver may see the picker ready later
    // than that, but the prefetch is never part of the first visit. The logos start with the
    // tiles.
    const pickerAt = await page.evaluate(() => window.__pickerAt);
    if (pickerAt) readyAt = Math.min(readyAt, pickerAt + 1000);
    await page.waitForLoadState('networkidle');
    const files = [];
    for (const r of requests) {
      const url = new URL(r.url());
      if (url.origin !== portico.baseUrl || r.timing().startTime > readyAt) continue;
      if (r.resourceType() === 'document') {
        // The page is made per request (the vendor's theme is linked into it) and compressed
        // as it is sent: its bytes are those on the wire.
        const body = await (await r.response()).body();
        documents.set(`index.html (${visit.intent})`, {
          raw: body.length, gz: gzipSync(body).length, br: (await r.sizes()).responseBodySize,
        });
        files.push(`index.html (${visit.intent})`);
        continue;
      }
      const name = url.pathname.slice(1);
      if (name.startsWith('api/') || name.startsWith('portal/api/') || name.startsWith('theme/')) continue;
      if (!files.includes(name)) files.push(name);
    }
    await context.close();

    console.log();
    row(`first visit: ${visit.name}`, 'raw', 'gzip', 'brotli');
    const total = { raw: 0, gz: 0, br: 0 };
    for (const f of files) {
      const s = documents.get(f) ?? sizes(f);
      if (s.raw === null) { row(`  ${f} (not in dist)`, '', '', ''); continue; }
      everFetched.add(f);
      row(`  ${f}`, s.raw, s.gz, s.br);
      for (const k of Object.keys(total)) total[k] += s[k];
    }
    row(`  total (${files.length} files; brotli budget ${visit.budget}, aim ${AIM})`, total.raw, total.gz, total.br);
    if (total.br > visit.budget) problems.push(`${visit.name}: ${total.br} brotli bytes, over its budget of ${visit.budget}`);
    const foreign = files.filter(visit.designer ? isAdminModule : isDesignerModule);
    if (foreign.length) problems.push(`${visit.name}: fetched the other audience's module: ${foreign.join(', ')}`);
  }

  console.log();
  row('loaded when first needed (in no first visit above)', 'raw', 'gzip', 'brotli');
  const later = readdirSync(dist).filter((f) => isModule(f) && !everFetched.has(f) && !f.endsWith('.br') && !f.endsWith('.gz'));
  for (const f of later.sort()) { const s = sizes(f); row(`  ${f}`, s.raw, s.gz, s.br); }
} finally {
  await browser.close();
  await portico.stop();
}
if (problems.length) {
  console.error(`\nfirst visit over budget or mixed audiences:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('\nEvery first visit is within its budget.');
