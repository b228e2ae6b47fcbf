// A real SAML 2.0 identity provider (the npm package saml-idp) for end-to-end tests.
//
// It runs as a child process bound to 127.0.0.1 and signs with a key pair made
// by `openssl` for this run (the package's own test certificate expires, and
// tests need several distinct keys). Its
// sign-in page (GET/POST /saml/sso, both bindings) shows the profile from
// saml-idp/config.js (saml.jackson@example.com) and a "Sign in" button
// (#btn-sign-in); the SAMLResponse is then auto-POSTed to the ACS URL, or to
// the AuthnRequest's AssertionConsumerServiceURL if it gives one.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './portico.mjs';

const PKG = dirname(createRequire(import.meta.url).resolve('saml-idp/package.json'));
// Generous: the first start on a fresh machine reads node_modules from a cold disk cache.
const STARTUP_TIMEOUT_MS = 60_000;
const SHIFT_CLOCK = new URL('./shift-clock.cjs', import.meta.url).pathname;

/**
 * A fresh RSA key (PKCS#1 PEM, which saml-idp insists on) and a self-signed certificate valid
 * for 30 days, in a temporary folder. Returns { keyFile, certFile, certificatePem }.
 */
export function makeKeyPair(commonName = 'Portico e2e IdP') {
  const dir = mkdtempSync(join(tmpdir(), 'saml-idp-key-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['genrsa', '-traditional', '-out', keyFile, '2048'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=${commonName}`, '-days', '30', '-out', certFile], { stdio: 'ignore' });
  return { keyFile, certFile, certificatePem: readFileSync(certFile, 'utf8') };
}

/**
 * Starts saml-idp. Options beyond the ACS URL and audience: `signResponse` (false signs only
 * the assertion), `encryptionCertPem` (encrypts the assertion for that SP certificate),
 * `keyPair` (from makeKeyPair; a new one by default), `clockShiftSeconds` (the IdP's clock is
 * that far off, to produce assertions that are expired or not yet valid), `user` and
 * `attributes` (the profile and the attribute list saml-idp sends instead of its config.js:
 * `attributes: []` with an email `user.userName` sends the email only as the NameID).
 */
export async function startSamlIdp({ acsUrl, audience, issuer = 'urn:example:idp', signResponse = true, encryptionCertPem, keyPair = makeKeyPair(), clockShiftSeconds = 0, user, attributes }) {
  if (!acsUrl || !audience) throw new TypeError('startSamlIdp needs acsUrl and audience');
  const { keyFile: KEY, certFile: CERT } = keyPair;
  const extra = ['--signResponse', String(signResponse)];
  if (user || attributes) {
    const configFile = join(mkdtempSync(join(tmpdir(), 'saml-idp-config-')), 'config.cjs');
    const stock = createRequire(import.meta.url)('saml-idp/config.js');
    writeFileSync(configFile, `module.exports = ${JSON.stringify({ user: user ?? stock.user, metadata: attributes ?? stock.metadata })};\n`);
    extra.push('--configFile', configFile);
  }
  if (encryptionCertPem) {
    const encDir = mkdtempSync(join(tmpdir(), 'saml-idp-enc-'));
    const encFile = join(encDir, 'sp-cert.pem');
    const keyFile = join(encDir, 'sp-public-key.pem');
    writeFileSync(encFile, encryptionCertPem);
    // saml-idp wants the certificate and its public key separately.
    execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', encFile, '-out', keyFile], { stdio: 'ignore' });
    extra.push('--encryptAssertion', '--encryptionCert', encFile, '--encryptionPublicKey', keyFile);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const metadataUrl = `${baseUrl}/metadata`;
  // saml-idp lets $HOST and $PORT override --host/--port, so drop them.
  const { HOST, PORT, ...env } = process.env;
  if (clockShiftSeconds) env.FAKE_CLOCK_SHIFT_MS = String(clockShiftSeconds * 1000);
  const child = spawn(process.execPath, ['--require', SHIFT_CLOCK, join(PKG, 'bin/run.js'),
    '--host', '127.0.0.1', '--port', String(port), '--cert', CERT, '--key', KEY,
    '--issuer', issuer, '--acsUrl', acsUrl, '--audience', audience, ...extra],
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
