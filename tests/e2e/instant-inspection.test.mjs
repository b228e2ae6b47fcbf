// Instant feedback on the SAML details step: the metadata inspector runs in a Web Worker in the
// browser, so a wrong document is explained before anything is sent to the server, and a right
// one is summarized. Also measures the worker's round trip on the 940 KB SWAMID federation file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { portalSuite } from './lib/suite.mjs';
import { checkA11y, checkScreen, dropFile } from './lib/browser.mjs';

const CORPUS = fileURLToPath(new URL('../../../shared/fixtures/saml/', import.meta.url));
const SP_ONLY = 'edge-metadata-sp-descriptor-only.xml';
const OKTA = 'okta-idp-metadata.xml';
const SWAMID = 'entities-swamid-1.0-federation-large.xml';
const missing = [SP_ONLY, OKTA].filter((f) => !existsSync(CORPUS + f));

let portico, browser;
portalSuite((p, b) => { portico = p; browser = b; });

async function openDetails(page) {
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Instant Co' });
  const link = await portico.api('POST', '/api/v1/portal_links', { organization_id: org.json.id, intent: 'sso' });
  await page.goto(link.json.url);
  await page.getByRole('link', { name: 'Set up a new connection' }).click();
  await page.locator('[data-idp="entra-saml"]').click();
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.locator('.drop').waitFor();
}

test('a dropped document is inspected in the browser before any upload', { skip: missing.length > 0 && `missing fixtures: ${missing.join(', ')}` }, async () => {
  const page = await browser.newPage();
  const samlPosts = [];
  const workerFiles = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (/^\/portal\/api\/connections\/[^/]+\/saml$/.test(path)) samlPosts.push(`${req.method()} ${path}`);
    if (path.startsWith('/inspector')) workerFiles.push(path);
  });
  await openDetails(page);
  assert.deepEqual(workerFiles, [], 'the inspector worker is not loaded before a document is given');

  await dropFile(page, '.drop', SP_ONLY, readFileSync(CORPUS + SP_ONLY, 'utf8'));
  const message = page.locator('#saml-metadata-xml-error');
  await message.filter({ hasText: /service-provider|application/i }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#saml-metadata-xml').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(samlPosts, [], 'the problem was found without asking the server');
  assert.ok(workerFiles.includes('/inspector_bg.wasm'), `the worker module was loaded: ${workerFiles}`);
  await checkScreen(page, '40-instant-wrong-document');

  await dropFile(page, '.drop', OKTA, readFileSync(CORPUS + OKTA, 'utf8'));
  const summary = page.locator('#saml-inspection');
  await summary.filter({ hasText: 'http://www.okta.com/exkdoocxa1VmjpXmX697' }).waitFor({ timeout: 15000 });
  assert.equal(await summary.getAttribute('role'), 'status');
  assert.match(await summary.textContent(), /1 signing certificate\b/);
  assert.equal(await message.count(), 0, 'the earlier problem is gone');
  assert.deepEqual(samlPosts, [], 'still nothing sent to the server');
  await checkA11y(page, 'instant inspection');
  await checkScreen(page, '41-instant-summary');

  // The server stays the authority: submitting still sends the document.
  await page.getByRole('button', { name: 'Check and continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Review and save' }).waitFor();
  assert.equal(samlPosts.length, 1, `one upload on submit: ${samlPosts}`);

  if (existsSync(CORPUS + SWAMID)) {
    const xml = readFileSync(CORPUS + SWAMID, 'utf8');
    const timings = await page.evaluate(async (xml) => {
      const worker = new Worker('/inspector_loader.js');
      const next = () => new Promise((resolve) => worker.addEventListener('message', (e) => resolve(e.data), { once: true }));
      const t0 = performance.now();
      if ((await next()) !== 'ready') throw new Error('worker did not say ready');
      const startMs = performance.now() - t0;
      const roundTrip = async (msg) => {
        const t = performance.now();
        worker.postMessage(msg);
        const reply = JSON.parse(await next());
        return { ms: performance.now() - t, reply };
      };
      const now = Math.floor(Date.now() / 1000);
      const first = await roundTrip({ xml, now });
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push((await roundTrip({ xml, now })).ms);
      const entity = first.reply.error?.entities?.[0]?.entity_id;
      const chosen = entity ? await roundTrip({ xml, now, entity }) : null;
      const chosenRuns = [];
      for (let i = 0; chosen && i < 5; i++) chosenRuns.push((await roundTrip({ xml, now, entity })).ms);
      worker.terminate();
      const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
      return {
        startMs, firstMs: first.ms, medianMs: median(runs), code: first.reply.error?.code,
        entities: first.reply.error?.entities?.length, entity, chosenOk: !!chosen?.reply.ok,
        chosenMedianMs: chosenRuns.length ? median(chosenRuns) : null,
      };
    }, xml);
    console.log(`SWAMID ${(xml.length / 1024).toFixed(0)} KB in the inspector worker (round trip, performance.now()): ` +
      `worker start ${timings.startMs.toFixed(1)} ms; no entity chosen (${timings.code}, ${timings.entities} IdPs): ` +
      `first ${timings.firstMs.toFixed(1)} ms, median of 5 ${timings.medianMs.toFixed(1)} ms; ` +
      `entity ${timings.entity} chosen (ok=${timings.chosenOk}): median of 5 ${timings.chosenMedianMs?.toFixed(1)} ms`);
    assert.equal(timings.code, 'metadata_choose_entity');
  }
  await page.close();
});
