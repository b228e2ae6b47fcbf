// Runs the real Portico binary for end-to-end tests.
//
// PORTICO_BIN  the server binary (default: $CARGO_TARGET_DIR/debug/portico)
// PORTICO_DIST the built client, i.e. Trunk's dist/ (default: <repo>/dist)
// .ci/test sets both.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = process.env.PORTICO_BIN
  || join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/portico-target'), 'debug/portico');
const DIST = process.env.PORTICO_DIST || join(REPO, 'dist');
const STARTUP_TIMEOUT_MS = 30_000;

export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Portico on a fresh data directory, or on `dataDir` (a restart: that directory is then
 * the caller's and is kept when this instance stops).
 */
export async function startPortico({ env = {}, dataDir: reuse } = {}) {
  for (const [what, path] of [['PORTICO_BIN', BIN], ['PORTICO_DIST', DIST]]) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path} (run .ci/test, or build it and set ${what})`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  // The public URL is configured, as in production: other hostnames are then not served.
  const childEnv = { ...process.env, PORTICO_FETCH_ALLOWLIST: '127.0.0.1,localhost', PORTICO_WEBHOOK_ALLOWLIST: '127.0.0.1,localhost', PORTICO_PUBLIC_URL: baseUrl, ...env };

  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--dist', DIST],
    { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-64_000); };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  /** Stops the process (`signal`: SIGKILL for a crash) and, unless `keepData`, removes its data. */
  async function stop({ signal = 'SIGTERM', keepData = false } = {}) {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepData && !reuse) rmSync(dataDir, { recursive: true, force: true });
  }

  async function fail(reason) {
    await stop();
    throw new Error(`Portico ${reason}\n--- portico output ---\n${output}`);
  }

  // Wait for /healthz, giving up early if the process dies.
  let dead = null;
  exited.then((status) => { dead = status; });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (dead) await fail(`exited during startup (${JSON.stringify(dead)})`);
    if (Date.now() > deadline) await fail(`did not answer ${baseUrl}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s`);
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Runs a CLI command against this instance's data directory; returns stdout. */
  function run(args) {
    try {
      return execFileSync(BIN, [...args, '--data-dir', dataDir],
        { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new Error(`portico ${args.join(' ')} failed (${err.status ?? err.signal}):\n${err.stderr}${err.stdout}`);
    }
  }

  /**
   * Like `run`, without blocking this process meanwhile (for a command that calls back into a
   * server the test runs, such as `portico webhook test`).
   */
  function runAsync(args) {
    return new Promise((resolve, reject) => {
      execFile(BIN, [...args, '--data-dir', dataDir], { env: childEnv, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`portico ${args.join(' ')} failed (${err.code ?? err.signal}):\n${stderr}${stdout}`));
        else resolve(stdout);
      });
    });
  }

  let apiKey;
  try {
    const created = run(['api-key', 'create', '--name', 'e2e']);
    apiKey = created.split('\n').map((line) => line.trim()).find((line) => line.startsWith('pk_'));
    if (!apiKey) throw new Error(`no line starting with pk_ in:\n${created}`);
  } catch (err) {
    await fail(`api-key create failed: ${err.message}`);
  }

  /** JSON API call with the e2e API key; json is null when the body is not JSON. */
  async function api(method, path, body) {
    const headers = { authorization: `Bearer ${apiKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text };
  }

  return { baseUrl, dataDir, run, runAsync, apiKey, api, stop, output: () => output };
}
