// A vendor's webhook receiver, as a vendor would write it: every request is verified with the
// Standard Webhooks reference library (npm `standardwebhooks`, not Portico's code), duplicates are
// dropped by `webhook-id`, and the first `failFirst` verified requests are answered 500 so that
// Portico's retries are exercised.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const BODY_MAX = 1024 * 1024;

/**
 * Starts the receiver on 127.0.0.1. The signing secret is only known once the endpoint exists,
 * so it is given later with `setSecrets` (several while a rotation overlaps).
 */
export async function startWebhookReceiver({ failFirst = 0 } = {}) {
  let verifiers = [];
  let failuresLeft = failFirst;
  const attempts = []; // every request: { id, status, verified }
  const seen = new Set();
  const events = []; // verified, deduplicated, in arrival order
  const waiters = new Set();

  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_MAX) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': req.headers['webhook-id'] ?? '',
        'webhook-timestamp': req.headers['webhook-timestamp'] ?? '',
        'webhook-signature': req.headers['webhook-signature'] ?? '',
      };
      let payload = null;
      for (const wh of verifiers) {
        try { payload = wh.verify(body, headers); break; } catch { /* try the next secret */ }
      }
      const answer = (status) => {
        attempts.push({ id: headers['webhook-id'], status, verified: payload !== null, at: Date.now() });
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : 'no');
      };
      if (req.method !== 'POST' || payload === null) return answer(401);
      if (failuresLeft > 0) { failuresLeft -= 1; return answer(500); }
      if (!seen.has(headers['webhook-id'])) {
        seen.add(headers['webhook-id']);
        events.push(payload);
      }
      answer(200);
      for (const w of waiters) w();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/webhooks`;
  return {
    url,
    /** Secrets (`whsec_…`) the receiver accepts. */
    setSecrets: (secrets) => { verifiers = secrets.map((s) => new Webhook(s)); },
    /** Makes the next `n` verified requests fail with 500. */
    failNext: (n) => { failuresLeft = n; },
    events,
    attempts,
    /** Resolves with the events once `predicate(events)` holds; rejects after `timeoutMs`. */
    waitFor: (predicate, timeoutMs = 30000) => new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(events)) { waiters.delete(check); clearTimeout(timer); resolve(events); }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`webhook receiver: condition not met in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    }),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
