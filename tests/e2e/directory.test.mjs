// Directory sync, end to end: a vendor declares its roles and a webhook endpoint, mints a `dsync`
// link; the IT admin follows the generic guide in Chromium and copies the SCIM base URL and token
// with the page's own copy buttons; a scripted SCIM client then provisions users and groups the
// way Okta does, and then the way Microsoft Entra ID does, while the open page shows them arrive
// without a reload. The admin maps a group to a role, seeing the preview count first, and the
// app's custom attributes to the SCIM attributes that arrived. The vendor's
// receiver (verifying with the Standard Webhooks library) hears every `dsync.*` event, and hears
// the deactivation when a user is switched off. Every screen passes axe-core and is
// photographed at desktop width and at 360 px.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { startWebhookReceiver } from './lib/webhook-receiver.mjs';
import { launchBrowser, checkScreen, openAdminPage } from './lib/browser.mjs';

let portico, receiver, browser, orgId;

before(async () => {
  receiver = await startWebhookReceiver();
  portico = await startPortico();
  browser = await launchBrowser();
  const org = await portico.api('POST', '/api/v1/organizations', { name: 'Acme Corp' });
  assert.equal(org.status, 201, org.text);
  orgId = org.json.id;
  const roles = await portico.api('PUT', '/api/v1/roles', {
    roles: [{ slug: 'admin', name: 'Admin' }, { slug: 'member', name: 'Member' }],
    default_role: 'member',
  });
  assert.equal(roles.status, 200, roles.text);
  const custom = await portico.api('PUT', '/api/v1/custom_attributes', { data: [
    { name: 'department', description: 'Where the person works' },
    { name: 'badge', required: true, description: 'The number on their badge' },
  ] });
  assert.equal(custom.status, 200, custom.text);
  const endpoint = await portico.api('POST', '/api/v1/webhook_endpoints', { url: receiver.url, events: ['*'] });
  assert.equal(endpoint.status, 201, endpoint.text);
  receiver.setSecrets([endpoint.json.secret]);
});

after(async () => {
  await browser?.close();
  await portico?.stop();
  await receiver?.stop();
});

/** A SCIM client holding what the admin copied, as the identity provider would. */
function scimClient(baseUrl, token, userAgent) {
  return async function scim(method, path, body, status) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/scim+json',
        'user-agent': userAgent,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json; charset=utf-8' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, status, `${method} ${path}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Okta's sequence: look the user up by userName, create it, push a group, then send its members in full. */
async function provisionLikeOkta(scim) {
  const ids = {};
  for (const [given, family, login] of [['Ada', 'Lovelace', 'ada'], ['Alan', 'Turing', 'alan'], ['Edsger', 'Dijkstra', 'edsger']]) {
    const email = `${login}@acme.test`;
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`, undefined, 200);
    assert.equal(found.totalResults, 0);
    const created = await scim('POST', '/Users', {
      schemas: [USER], userName: email, name: { givenName: given, familyName: family },
      emails: [{ primary: true, value: email, type: 'work' }], displayName: `${given} ${family}`,
      locale: 'en-US', externalId: `00u${login}`, groups: [], password: 'never-stored-1!', active: true,
    }, 201);
    ids[login] = created.id;
  }
  // Okta refuses to create a second user with the same userName: it reads the 409's scimType.
  const twice = await scim('POST', '/Users', { schemas: [USER], userName: 'ada@acme.test', active: true }, 409);
  assert.equal(twice.scimType, 'uniqueness');
  const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [] }, 201);
  await scim('PUT', `/Groups/${group.id}`, {
    schemas: [GROUP], id: group.id, displayName: 'Engineering',
    members: [{ value: ids.ada, display: 'ada@acme.test' }, { value: ids.alan, display: 'alan@acme.test' }],
  }, 200);
  return { ids, group: group.id };
}

/** Entra ID's sequence: capitalised operations, booleans as strings, a PATCH without a path. */
async function provisionLikeEntra(scim) {
  const email = 'grace@acme.test';
  const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`, undefined, 200);
  assert.equal(found.totalResults, 0);
  const user = await scim('POST', '/Users', {
    schemas: [USER, ENTERPRISE], externalId: 'f1e2d3', userName: email, active: true,
    displayName: 'Grace Hopper', emails: [{ primary: true, type: 'work', value: email }],
    name: { givenName: 'Grace', familyName: 'Hopper' },
    [ENTERPRISE]: { department: 'Research', employeeNumber: '1906' },
  }, 201);
  await scim('PATCH', `/Users/${user.id}`, {
    schemas: [PATCH], Operations: [{ op: 'Replace', value: { displayName: 'Rear Admiral Grace Hopper', active: 'True' } }],
  }, 200);
  const group = await scim('POST', '/Groups', { schemas: [GROUP], externalId: 'g-sales', displayName: 'Sales', members: [] }, 201);
  await scim('PATCH', `/Groups/${group.id}`, {
    schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: user.id }] }],
  }, 200);
  return { user: user.id, group: group.id };
}

test('an IT admin connects a directory; users, groups, roles and deactivation reach the vendor', async () => {
  const { page, context, errors } = await openAdminPage(portico, browser, orgId, { intent: 'dsync', landing: '/directory' });
  await page.getByRole('heading', { level: 1, name: 'Directory sync' }).waitFor();
  assert.equal(await page.locator('[data-product]').textContent(), 'Directory sync setup');
  await checkScreen(page, '90-directory-empty');

  // Step 1: pick the provider. Google Workspace explains itself instead of going on.
  await page.locator('[data-start-directory]').click();
  await page.getByRole('heading', { level: 1, name: /Which directory/ }).waitFor();
  await checkScreen(page, '91-directory-provider');
  await page.getByLabel('Search directory providers').fill('google');
  await page.locator('[data-directory-provider="google_workspace"]').click();
  await page.locator('[data-no-scim]').waitFor();
  await checkScreen(page, '92-directory-google-no-scim');
  await page.getByLabel('Search directory providers').fill('');
  await page.locator('[data-directory-provider="generic"]').click();

  // Step 2: the guide, our base URL and a token shown once, copied with the page's buttons.
  await page.waitForURL(/\/directory\/setup\/instructions/);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('[data-scim-token] textarea').first().waitFor();
  await checkScreen(page, '93-directory-instructions');
  await page.getByRole('button', { name: 'Copy SCIM base URL' }).first().click();
  const baseUrl = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(baseUrl, new RegExp(`^${portico.baseUrl.replace(/[.]/g, '\\.')}/scim/v2/[A-Za-z0-9_]+$`));
  await page.getByRole('button', { name: 'Copy Bearer token' }).first().click();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(token.length >= 32, `token ${token}`);
  const directories = await portico.api('GET', `/api/v1/directories?organization_id=${orgId}`);
  assert.equal(directories.status, 200, directories.text);
  assert.equal(directories.json.data.length, 1);
  const directory = directories.json.data[0];
  assert.equal(directory.state, 'pending');
  assert.equal(directory.scim_base_url, baseUrl);

  // Step 3: the page waits, and shows the provider's requests arrive without a reload.
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.waitForURL(/\/directory\/setup\/connect/);
  const live = page.locator('[data-directory-live]');
  await live.filter({ hasText: /Waiting for the first request/ }).waitFor();
  await checkScreen(page, '94-directory-waiting');
  const okta = await provisionLikeOkta(scimClient(baseUrl, token, 'Okta SCIM Client 1.0.0'));
  await live.filter({ hasText: /3 users and 1 groups/ }).waitFor({ timeout: 15_000 });
  const entra = await provisionLikeEntra(scimClient(baseUrl, token, 'Microsoft.AspNetCore.Mvc'));
  await live.filter({ hasText: /4 users and 2 groups/ }).waitFor({ timeout: 15_000 });
  await page.getByRole('heading', { level: 1, name: 'Connected to your directory' }).waitFor();
  await checkScreen(page, '95-directory-connected');

  // Step 4: map Engineering to Admin; the preview counts before anything is saved.
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Give your groups their roles' }).waitFor();
  const preview = page.locator('[data-role-preview]');
  await preview.filter({ hasText: 'Member: 4 users' }).waitFor();
  await page.getByLabel('Engineering').selectOption('admin');
  await preview.filter({ hasText: 'Admin: 2 users' }).waitFor();
  await preview.filter({ hasText: 'Member: 2 users' }).waitFor();
  await checkScreen(page, '96-directory-roles');
  assert.equal((await portico.api('GET', `/api/v1/directory_users/${okta.ids.ada}`)).json.role, 'member',
    'the preview saved nothing');
  await page.locator('[data-save-roles]').click();

  // Step 5: the app's own attributes. `department` is found by itself; the admin picks the
  // enterprise employee number, which only Grace has, for `badge`.
  await page.getByRole('heading', { level: 1, name: "Fill in the app's user attributes" }).waitFor();
  assert.equal(await page.locator('#attribute-department').inputValue(), `${ENTERPRISE}:department`);
  await page.locator('[data-required-unmapped]').waitFor();
  await page.locator('#attribute-badge').selectOption(`${ENTERPRISE}:employeeNumber`);
  assert.equal(await page.locator('[data-required-unmapped]').count(), 0);
  await checkScreen(page, '97-directory-attributes');
  await page.locator('[data-save-attributes]').click();
  await page.getByRole('heading', { level: 1, name: 'Directory sync is set up' }).waitFor();
  await checkScreen(page, '98-directory-done');

  // The vendor's API reads what the admin and the provider did.
  const ada = await portico.api('GET', `/api/v1/directory_users/${okta.ids.ada}`);
  assert.equal(ada.json.role, 'admin');
  assert.deepEqual(ada.json.groups.map((g) => g.name), ['Engineering']);
  const grace = await portico.api('GET', `/api/v1/directory_users/${entra.user}`);
  assert.equal(grace.json.first_name, 'Grace');
  assert.equal(grace.json.state, 'active');
  assert.equal(grace.json.role, 'member');
  assert.equal(grace.json.custom_attributes.department, 'Research');
  assert.equal(grace.json.custom_attributes.badge, '1906');
  assert.equal(ada.json.custom_attributes.badge, undefined, 'Ada has no employee number');
  assert.equal((await portico.api('GET', `/api/v1/directories/${directory.id}`)).json.state, 'active');

  // The receiver heard it all, each once.
  const dsync = () => receiver.events.filter((e) => e.type.startsWith('dsync.'));
  await receiver.waitFor(() => dsync().filter((e) => e.type === 'dsync.role_changed').length >= 2, 30_000);
  const count = (type) => dsync().filter((e) => e.type === type).length;
  assert.equal(count('dsync.activated'), 1);
  assert.equal(count('dsync.user.created'), 4);
  assert.equal(count('dsync.group.created'), 2);
  assert.equal(count('dsync.group.user_added'), 3);
  const roleChanges = dsync().filter((e) => e.type === 'dsync.role_changed').map((e) => [e.data.id, e.data.previous_role, e.data.role]);
  assert.deepEqual(roleChanges.sort(), [[okta.ids.ada, 'member', 'admin'], [okta.ids.alan, 'member', 'admin']].sort());
  assert.ok(dsync().every((e) => e.organization_id === orgId));
  assert.ok(!JSON.stringify(receiver.events).includes('never-stored'), 'a password reached the vendor');

  // Okta deactivates Alan; Entra switches Grace off with a string boolean. Both are heard.
  await scimClient(baseUrl, token, 'Okta SCIM Client 1.0.0')('PATCH', `/Users/${okta.ids.alan}`,
    { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] }, 200);
  await scimClient(baseUrl, token, 'Microsoft.AspNetCore.Mvc')('PATCH', `/Users/${entra.user}`,
    { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, 200);
  const inactive = (id) => (events) => events.some((e) => e.type === 'dsync.user.updated' && e.data.id === id && e.data.state === 'inactive');
  await receiver.waitFor(inactive(okta.ids.alan), 30_000);
  await receiver.waitFor(inactive(entra.user), 30_000);
  const removed = dsync().filter((e) => e.type === 'dsync.group.user_removed').map((e) => [e.data.user.id, e.data.group.id]);
  assert.deepEqual(removed.sort(), [[okta.ids.alan, okta.group], [entra.user, entra.group]].sort());
  const users = await portico.api('GET', `/api/v1/directories/${directory.id}/users?state=inactive`);
  assert.deepEqual(users.json.data.map((u) => u.id).sort(), [okta.ids.alan, entra.user].sort());

  // Back home, the directory card and its sync log say what happened, in words.
  await page.getByRole('link', { name: 'Done' }).click();
  await page.getByRole('heading', { level: 1, name: 'Directory sync' }).waitFor();
  await page.locator(`[data-directory="${directory.id}"][data-state="active"]`).waitFor();
  await page.getByText('Sync log', { exact: true }).click();
  await page.getByText(/deactivated user alan@acme\.test/).first().waitFor();
  await checkScreen(page, '99-directory-home');
  assert.deepEqual(errors, []);
  await context.close();
});
