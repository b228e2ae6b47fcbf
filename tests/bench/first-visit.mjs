// Benchmark (prints figures, asserts nothing): an IT admin on a slow laptop and a slow network
// opens a fresh SSO setup link in Chromium. CPU slowed 4×, 1.6 Mbps down / 750 kbps up, 150 ms
// round trip, empty cache; median of 5 runs of:
//   bytes on the wire   everything the page fetched until the provider picker took a click
//   first text          first contentful paint
//   overview usable     "Set up a new connection" can be clicked
//   picker usable       after that click, a provider tile can be clicked (from the link's start)
//   PORTICO_BIN=… PORTICO_DIST=dist node tests/bench/first-visit.mjs [runs]
import { startPortico } from '../e2e/lib/portico.mjs';
import { launchBrowser } from '../e2e/lib/browser.mjs';

const RUNS = Number(process.argv[2] || 5);
const NETWORK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

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
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let wire = 0;
    cdp.on('Network.loadingFinished', (e) => { wire += e.encodedDataLength; });

    const start = Date.now();
    await page.goto(link.json.url, { waitUntil: 'commit' });
    const setUp = page.getByRole('link', { name: 'Set up a new connection' });
    await setUp.waitFor();
    const overview = Date.now() - start;
    await setUp.click();
    const tile = page.locator('[data-idp]:not([disabled])').first();
    await tile.waitFor();
    await tile.click({ trial: true });
    const picker = Date.now() - start;
    const firstText = await page.evaluate(() =>
      performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')?.startTime ?? NaN);
    samples.push({ wire, firstText, overview, picker });
    await context.close();
    console.log(`run ${i + 1}: ${wire} bytes, first text ${firstText.toFixed(0)} ms, overview ${overview} ms, picker ${picker} ms`);
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
console.log(`  overview usable    ${median('overview')} ms`);
console.log(`  picker usable      ${median('picker')} ms`);
