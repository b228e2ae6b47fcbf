// Webhook delivery, end to end: the real binary POSTs the event log to a vendor's receiver on
// 127.0.0.1 that verifies every request with the Standard Webhooks library (npm
// `standardwebhooks`), drops duplicates by `webhook-id`, and fails its first requests. Every
// event arrives, in order, exactly once after deduplication, also across a crash of Portico
// with deliveries still pending. PORTICO_WEBHOOK_RETRY_SCALE shrinks the retry schedule to
// seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico } from './lib/portico.mjs';
import { startWebhookReceiver } from './lib/webhook-receiver.mjs';

const ENV = { PORTICO_WEBHOOK_RETRY_SCALE: '0.001' };
let portico, receiver, dataDir;
const expected = []; // [type, organization_id], in the order the changes were made

before(async () => {
  receiver = await startWebhookReceiver({ failFirst: 3 });
  portico = await startPortico({ env: ENV });
  dataDir = portico.dataDir;
});

after(async () => {
  await portico?.stop();
  await receiver?.stop();
});

async function call(method, path, body, status) {
  const res = await portico.api(method, path, body);
  assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
  return res.json;
}

async function changes(prefix, n) {
  for (let i = 0; i < n; i += 1) {
    const org = await call('POST', '/api/v1/organizations', { name: `${prefix} ${i}` }, 201);
    expected.push(['organization.created', org.id]);
    if (i % 2 === 0) {
      await call('PATCH', `/api/v1/organizations/${org.id}`, { name: `${prefix} ${i} Inc` }, 200);
      expected.push(['organization.updated', org.id]);
    }
  }
}

const received = () => receiver.events.map((e) => [e.type, e.organization_id]);

let endpointId;

test('an endpoint gets every event in order, once, through failures', async () => {
  const created = await call('POST', '/api/v1/webhook_endpoints',
    { url: receiver.url, events: ['organization.created', 'organization.updated'], description: 'e2e' }, 201);
  assert.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  endpointId = created.id;
  receiver.setSecrets([created.secret]);

  await changes('Acme', 4);
  await receiver.waitFor((events) => events.length >= expected.length, 60_000);
  assert.deepEqual(received(), expected);
  // Every request verified; the first three failed, and each was retried until it got through.
  assert.ok(receiver.attempts.every((a) => a.verified), JSON.stringify(receiver.attempts));
  assert.deepEqual(receiver.attempts.slice(0, 3).map((a) => a.status), [500, 500, 500]);
  assert.equal(new Set(receiver.attempts.slice(0, 4).map((a) => a.id)).size, 1,
    'the first event was retried before any later one went');

  const deliveries = await call('GET', `/api/v1/webhook_endpoints/${endpointId}/deliveries`, undefined, 200);
  const first = deliveries.data.at(-1);
  assert.equal(first.status, 'delivered');
  assert.equal(first.attempts, 4);
  assert.deepEqual(first.attempt_log.map((a) => a.status_code), [500, 500, 500, 200]);
});

test('a crash with deliveries pending loses nothing', async () => {
  const before = receiver.events.length;
  const mark = receiver.attempts.length;
  receiver.failNext(1_000_000);
  await changes('Globex', 3);
  // Portico is retrying the first new event when it dies.
  const firstNew = () => receiver.attempts.slice(mark).filter((a) => a.status === 500).length;
  const deadline = Date.now() + 30_000;
  while (firstNew() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(firstNew() >= 2, 'the receiver saw no retries');
  assert.equal(receiver.events.length, before);
  await portico.stop({ signal: 'SIGKILL', keepData: true });

  receiver.failNext(0);
  portico = await startPortico({ env: ENV, dataDir });
  await receiver.waitFor((events) => events.length >= expected.length, 120_000);
  assert.deepEqual(received(), expected);

  // And new events still flow after the restart.
  await changes('Initech', 1);
  await receiver.waitFor((events) => events.length >= expected.length, 60_000);
  assert.deepEqual(received(), expected);
});

test('the command line lists and tests the endpoint', async () => {
  const list = portico.run(['webhook', 'list']);
  assert.match(list, new RegExp(`${endpointId}\\tenabled\\t${receiver.url.replace(/[.]/g, '\\.')}`));
  const tested = await portico.runAsync(['webhook', 'test', endpointId]);
  assert.match(tested, /^delivered: HTTP 200/m);
  assert.equal(receiver.events.at(-1).type, 'webhook.test');
  portico.run(['webhook', 'disable', endpointId]);
  const one = await call('GET', `/api/v1/webhook_endpoints/${endpointId}`, undefined, 200);
  assert.equal(one.enabled, false);
});
