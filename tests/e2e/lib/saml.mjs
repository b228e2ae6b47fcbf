// A real SAML 2.0 identity provider (the npm package saml-idp) for end-to-end tests.
//
// It runs as a child process bound to 127.0.0.1 and signs with the test
// certificate that ships in the package (test/test-public-cert.pem). Its
// sign-in page (GET/POST /saml/sso, both bindings) shows the profile from
// saml-idp/config.js (saml.jackson@example.com) and a "Sign in" button
// (#btn-sign-in); the SAMLResponse is then auto-POSTed to the ACS URL, or to
// the AuthnRequest's AssertionConsumerServiceURL if it gives one.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './portico.mjs';

const PKG = dirname(createRequire(import.meta.url).resolve('saml-idp/package.json'));
const CERT = join(PKG, 'test/test-public-cert.pem');
const KEY = join(PKG, 'test/test-private-key.pem');
const STARTUP_TIMEOUT_MS = 20_000;

export async function startSamlIdp({ acsUrl, audience, issuer = 'urn:example:idp' }) {
  if (!acsUrl || !audience) throw new TypeError('startSamlIdp needs acsUrl and audience');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const metadataUrl = `${baseUrl}/metadata`;
  // saml-idp lets $HOST and $PORT override --host/--port, so drop them.
  const { HOST, PORT, ...env } = process.env;
  const child = spawn(process.execPath, [join(PKG, 'bin/run.js'),
    '--host', '127.0.0.1', '--port', String(port), '--cert', CERT, '--key', KEY,
    '--issuer', issuer, '--acsUrl', acsUrl, '--audience', audience],
  { cwd: PKG, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-64_000); };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let dead = null;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(dead = { code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function stop() {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }

  // Wait for the metadata to answer, giving up early if the process dies.
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const reason = dead ? `exited during startup (${JSON.stringify(dead)})`
      : Date.now() > deadline ? `did not answer ${metadataUrl} within ${STARTUP_TIMEOUT_MS / 1000} s` : null;
    if (reason) {
      await stop();
      throw new Error(`saml-idp ${reason}\n--- saml-idp output ---\n${output}`);
    }
    if (await fetch(metadataUrl).then((r) => r.status === 200, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    metadataUrl,
    entityId: issuer,
    ssoUrl: `${baseUrl}/saml/sso`,
    certificatePem: readFileSync(CERT, 'utf8'),
    output: () => output,
    stop,
  };
}

/** Fetches IdP metadata and writes it to `toFile` (for uploading in the browser). */
export async function downloadMetadata(metadataUrl, toFile) {
  const res = await fetch(metadataUrl);
  if (!res.ok) throw new Error(`GET ${metadataUrl}: HTTP ${res.status}`);
  const xml = await res.text();
  writeFileSync(toFile, xml);
  return xml;
}
