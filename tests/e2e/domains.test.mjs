// Domain verification, end to end: a DNS server on 127.0.0.1 whose TXT records the test
// changes as an admin would at their DNS host, the real portico binary asking it, and Chromium
// on the portal's domains screen: add a domain, copy the record, and check it while it is
// missing, wrong, and right.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { launchBrowser, checkScreen, openAdminPage } from './lib/browser.mjs';
import { startDnsServer } from './lib/dns.mjs';
import { startWebhookReceiver } from './lib/webhook-receiver.mjs';

let portico, browser, dns;

before(async () => {
  dns = await startDnsServer({ zones: ['acme-e2e.test', 'second-e2e.test'] });
  portico = await startPortico({ env: { PORTICO_DNS_SERVERS: dns.address } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portico?.stop();
  await dns?.close();
});

async function organization(name) {
  const org = await portico.api('POST', '/api/v1/organizations', { name });
  assert.equal(org.status, 201, org.text);
  return org.json.id;
}

/** An admin's page opened from a fresh link with `intent`, landed where the portal sends it. */
const adminPage = (orgId, intent, landing) => openAdminPage(portico, browser, orgId, { intent, landing });

async function vendorDomains(orgId) {
  const res = await portico.api('GET', `/api/v1/organizations/${orgId}/domains`);
  assert.equal(res.status, 200, res.text);
  return res.json.data;
}

/** Presses the card's check button and waits until the card shows `outcome`. */
async function checkNow(card, outcome, button = 'Check now') {
  await card.getByRole('button', { name: button }).click();
  await card.locator(`[data-last-outcome="${outcome}"]`).waitFor({ timeout: 20_000 });
  // The button is back once the check finished.
  await card.locator('[data-check-status]').filter({ hasText: /^Checked/ }).waitFor();
}

test('an admin adds a domain, sees what DNS says while the record is missing and wrong, and verifies it', async () => {
  const orgId = await organization('Acme E2E');
  // The vendor's app listens for domain events (issue 16), verifying them with Standard Webhooks.
  const receiver = await startWebhookReceiver();
  const endpoint = await portico.api('POST', '/api/v1/webhook_endpoints', { url: receiver.url, events: ['domain.created', 'domain.verified'] });
  assert.equal(endpoint.status, 201, endpoint.text);
  receiver.setSecrets([endpoint.json.secret]);
  const { page, context, errors } = await adminPage(orgId, 'domain_verification', '/domains');
  try {
    await page.getByRole('heading', { level: 1, name: 'Verify your domains' }).waitFor();
    // A link for domains only does not offer the SSO screens.
    assert.equal(await page.getByRole('link', { name: 'Back to single sign-on' }).count(), 0);

    // A public suffix is refused, next to the field.
    const input = page.getByRole('textbox', { name: 'Domain' });
    await input.fill('co.uk');
    await page.getByRole('button', { name: 'Add domain' }).click();
    const fieldError = page.locator('#domain-input-error');
    await fieldError.waitFor();
    assert.ok((await fieldError.textContent()).length > 0);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('article[data-domain]').count(), 0);

    await input.fill('acme-e2e.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    const card = page.locator('article[data-domain="acme-e2e.test"]');
    await card.waitFor();
    await fieldError.waitFor({ state: 'detached' });
    assert.equal(await card.getAttribute('data-state'), 'pending');
    assert.match(await card.locator('[data-domain-state]').textContent(), /Pending/);
    // Focus moves to the new card, where the record to create is.
    await page.waitForFunction(() => document.activeElement?.id?.endsWith('-heading'));

    // The record, as the vendor API has it too.
    const recordType = await card.getByRole('textbox', { name: 'Type', exact: true }).inputValue();
    const recordName = await card.getByRole('textbox', { name: 'Name', exact: true }).inputValue();
    const recordValue = await card.getByRole('textbox', { name: 'Value', exact: true }).inputValue();
    assert.equal(recordType, 'TXT');
    assert.ok(recordName.endsWith('.acme-e2e.test'), recordName);
    const [listed] = await vendorDomains(orgId);
    assert.equal(listed.domain, 'acme-e2e.test');
    assert.equal(listed.state, 'pending');
    assert.equal(listed.record_name, recordName);
    assert.equal(listed.record_value, recordValue);
    await card.getByRole('button', { name: 'Copy Value' }).click();
    await card.getByText('Copied').first().waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), recordValue);

    // The how-to for a chosen host, with this record filled in.
    const hostPart = recordName.slice(0, -'.acme-e2e.test'.length);
    await card.getByText('How do I add a TXT record?').click();
    await card.getByRole('combobox', { name: 'Your DNS host' }).selectOption({ label: 'Cloudflare' });
    const guide = card.locator('[data-dns-guide]');
    await guide.waitFor();
    const guideText = await guide.textContent();
    assert.match(guideText, /Add record/);
    assert.ok(guideText.includes(hostPart) && guideText.includes(recordValue), guideText);
    assert.ok(!guideText.includes('{{'), guideText);

    // Nothing published yet: NXDOMAIN, explained.
    await checkNow(card, 'no_such_name');
    assert.equal(await card.locator('[data-seen]').textContent(), 'No such name yet (NXDOMAIN) — records can take a few minutes to appear.');
    await checkScreen(page, '50-domains-pending');

    // A wrong value is shown as it was found.
    const wrong = 'portico-verification=0000-typo';
    dns.setTxt(recordName, [wrong]);
    await checkNow(card, 'wrong_value');
    assert.equal(await card.locator('[data-seen]').textContent(), 'Found TXT values that do not match:');
    assert.match(await card.locator('[data-seen-values]').textContent(), new RegExp(wrong));
    assert.equal(await card.getAttribute('data-state'), 'pending');

    // The right value, beside another TXT record at the name: verified.
    dns.setTxt(recordName, ['some-other-service=abc', recordValue]);
    await checkNow(card, 'found');
    await page.locator('article[data-domain="acme-e2e.test"][data-state="verified"]').waitFor();
    assert.match(await card.locator('[data-domain-state]').textContent(), /Verified/);
    assert.equal(await card.locator('[data-seen]').textContent(), 'Found — verified.');
    assert.match(await card.locator('[data-verified]').textContent(), /through its DNS record/);
    assert.equal(await card.getByRole('button', { name: 'Check now' }).count(), 0);
    await checkScreen(page, '51-domains-verified');

    const [verified] = await vendorDomains(orgId);
    assert.equal(verified.state, 'verified');
    assert.equal(verified.verification_method, 'dns');
    // Instants travel as RFC 3339 in UTC; the parsed value is what is compared.
    assert.match(verified.verified_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(verified.verified_at) > 0);

    // The vendor's app heard it: the domain was added, then verified, for this organization.
    const mine = (events) => events.filter((e) => e.data?.id === verified.id);
    await receiver.waitFor((events) => mine(events).some((e) => e.type === 'domain.verified'));
    assert.deepEqual(mine(receiver.events).map((e) => [e.type, e.organization_id, e.data.state]),
      [['domain.created', orgId, 'pending'], ['domain.verified', orgId, 'verified']]);

    // Reload: the screen comes back from the server as it was, with the same facts as activity.
    await page.reload();
    await page.locator('article[data-domain="acme-e2e.test"][data-state="verified"]').waitFor();
    await card.getByText('Recent activity').click();
    await card.locator('[data-activity="domain.verified"]').waitFor();
    assert.match(await card.locator('[data-activity="domain.verified"]').textContent(), /Ownership verified/);
    assert.equal(await card.locator('[data-activity="domain.created"]').count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await portico.api('DELETE', `/api/v1/webhook_endpoints/${endpoint.json.id}`);
    await receiver.stop();
  }
});

test('an SSO admin reaches the domains from the overview; duplicates, internationalized names, vendor-verified domains, and removal after confirming', async () => {
  const orgId = await organization('Second E2E');
  const { page, context, errors } = await adminPage(orgId, 'sso', '/sso');
  try {
    await page.getByRole('link', { name: 'Verify your email domains' }).click();
    await page.getByRole('heading', { level: 1, name: 'Verify your domains' }).waitFor();
    await page.getByRole('textbox', { name: 'Domain' }).fill('second-e2e.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    const card = page.locator('article[data-domain="second-e2e.test"]');
    await card.waitFor();

    // Adding it again is refused next to the field.
    await page.getByRole('textbox', { name: 'Domain' }).fill('second-e2e.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.locator('#domain-input-error').waitFor();
    assert.equal(await page.locator('article[data-domain]').count(), 1);

    // An internationalized name is shown as written, with the name DNS uses beside it; the
    // vendor can vouch for a domain, and the admin sees who did.
    await page.getByRole('textbox', { name: 'Domain' }).fill('bücher-e2e.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    const idn = page.locator('article[data-domain^="xn--"]');
    await idn.waitFor();
    assert.equal(await idn.getByRole('heading', { level: 2 }).textContent(), 'bücher-e2e.test');
    const ascii = await idn.getAttribute('data-domain');
    assert.match(await idn.textContent(), new RegExp(`In DNS: ${ascii}`));
    const idnId = (await vendorDomains(orgId)).find((d) => d.domain === ascii).id;
    const vouched = await portico.api('POST', `/api/v1/domains/${idnId}/verify`, { verified_by: 'support@vendor.test' });
    assert.equal(vouched.status, 200, vouched.text);
    await page.reload();
    await page.locator('article[data-domain^="xn--"][data-state="verified"]').waitFor();
    assert.match(await idn.locator('[data-verified]').textContent(), /marked as verified by your vendor \(support@vendor\.test\)/);
    await idn.getByRole('button', { name: 'Remove bücher-e2e.test' }).click();
    await idn.locator('[data-confirm-remove]').click();
    await idn.waitFor({ state: 'detached' });

    await card.getByRole('button', { name: 'Remove second-e2e.test' }).click();
    // Nothing is removed until the admin confirms.
    await card.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await vendorDomains(orgId)).length, 1);
    await card.getByRole('button', { name: 'Remove second-e2e.test' }).click();
    await card.locator('[data-confirm-remove]').click();
    await card.waitFor({ state: 'detached' });
    await page.getByText('No domain yet').waitFor();
    assert.equal((await vendorDomains(orgId)).length, 0);
    await page.getByRole('link', { name: 'Back to single sign-on' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
