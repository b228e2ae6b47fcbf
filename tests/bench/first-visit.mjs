// Benchmark (prints figures, asserts nothing): an IT admin on a slow laptop and a slow network
// opens a fresh SSO setup link in Chromium. CPU slowed 4×, 1.6 Mbps down / 750 kbps up, 150 ms
// round trip, empty cache; median of 5 runs of:
//   bytes on the wire   everything the page fetched until the provider picker took a click
//   first text          first contentful paint
//   overview usable     "Set up a new connection" is on the page (the app is client-rendered:
//                       on the page is clickable)
//   picker usable       the overview's time plus, from the admin's click on that link, until a
//                       provider tile is on the page and enabled
// Times are the page's own clock (performance.now(), from the start of the navigation), taken
// by a MutationObserver, so the test driver's own waits are not counted.
//   PORTICO_BIN=… PORTICO_DIST=dist node tests/bench/first-visit.mjs [runs]
import { startPortico } from '../e2e/lib/portico.mjs';
import { launchBrowser } from '../e2e/lib/browser.mjs';

const RUNS = Number(process.argv[2] || 5);
const NETWORK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

/** Runs in the page before its own scripts: records when each milestone first appears. */
function watchMilestones() {
  const marks = {};
  window.__marks = marks;
  const mark = (name, reached) => {
    if (marks[name] === undefined && reached) marks[name] = performance.now();
  };
  addEventListener('click', () => mark('clicked', true), { capture: true });
  new MutationObserver(() => {
    mark('overview', [...document.querySelectorAll('a')].some((a) => a.textContent.includes('Set up a new connection')));
    mark('picker', marks.clicked !== undefined && document.querySelector('[data-idp]:not([disabled])'));
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

const portico = await startPortico();
const browser = await launchBrowser();
const samples = [];
try {
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Acme', external_id: 'bench-first-visit' });
  for (let i = 0; i < RUNS; i++) {
    const link = await portico.api('POST', '/api/v1/portal_links', {
      organization_id: org.json.id, intent: 'sso', return_url: 'https://app.vendor.test/settings',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(watchMilestones);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let wire = 0;
    cdp.on('Network.loadingFinished', (e) => { wire += e.encodedDataLength; });

    await page.goto(link.json.url, { waitUntil: 'commit' });
    await page.getByRole('link', { name: 'Set up a new connection' }).click();
    await page.locator('[data-idp]:not([disabled])').first().waitFor();
    const m = await page.evaluate(() => window.__marks);
    const firstText = await page.evaluate(() =>
      performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')?.startTime ?? NaN);
    const sample = { wire, firstText, overview: m.overview, picker: m.overview + (m.picker - m.clicked) };
    samples.push(sample);
    await context.close();
    console.log(`run ${i + 1}: ${wire} bytes, first text ${firstText.toFixed(0)} ms, overview ${sample.overview.toFixed(0)} ms, picker ${sample.picker.toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  await portico.stop();
}
const median = (k) => {
  const v = samples.map((s) => s[k]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(`\nfirst visit of an SSO link, CPU ×4, 1.6 Mbps, 150 ms RTT, median of ${samples.length}:`);
console.log(`  bytes on the wire  ${median('wire')}`);
console.log(`  first text         ${median('firstText').toFixed(0)} ms`);
console.log(`  overview usable    ${median('overview').toFixed(0)} ms`);
console.log(`  picker usable      ${median('picker').toFixed(0)} ms`);
