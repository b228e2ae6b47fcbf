// The set-up most browser test files share: one Portico and one Chromium for the whole file,
// started before its first test and stopped after its last.
import { after, before } from 'node:test';
import { startPortico } from './portico.mjs';
import { launchBrowser } from './browser.mjs';

/**
 * Registers the file's before/after hooks; `use(portico, browser)` receives both once started
 * (the file keeps them in its own variables).
 */
export function portalSuite(use, { portico: porticoOptions } = {}) {
  let portico, browser;
  before(async () => {
    portico = await startPortico(porticoOptions);
    browser = await launchBrowser();
    use(portico, browser);
  });
  after(async () => {
    await browser?.close();
    await portico?.stop();
  });
}
