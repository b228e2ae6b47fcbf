// Two real OpenID Providers (panva/oidc-provider) on 127.0.0.1 for the relying-party tests in
// oidc_rp.rs. Prints one JSON line describing both, then serves until killed.
//
// - `basic`: advertises client_secret_basic and client_secret_post, puts email and names in the
//   ID token, and has a second client (`other`) registered with the same redirect URI.
// - `post`: advertises only client_secret_post and keeps the ID token to `sub` (the default
//   conformance), so email and names are only available from userinfo.
//
// oidc-provider itself accepts either method whatever a client registered, so each provider
// refuses token requests authenticated the other way (`expectAuth`): the relying party must
// choose basic when both are offered and post when only post is.
//
// Login uses oidc-provider's development pages: any login name and password are accepted, the
// login name becomes the subject, then a consent page follows.
//
// Usage: node oidc_provider.mjs <redirect_uri> [node_modules directory]
import http from 'node:http';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const redirectUri = process.argv[2];
const modules = process.argv[3] ?? path.join(here, '..', 'e2e', 'node_modules');
const { default: Provider } = await import(pathToFileURL(path.join(modules, 'oidc-provider', 'lib', 'index.js')).href);

const ACCOUNT = { email: 'ada@example.test', given_name: 'Ada', family_name: 'Lovelace' };

async function start({ authMethods, expectAuth, idTokenHasProfile, clients }) {
  // Listen first so the issuer URL carries the real port.
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethods[0],
    })),
    clientAuthMethods: authMethods,
    jwks: { keys: [{ ...signingKey, kid: 'rp-test', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    conformIdTokenClaims: !idTokenHasProfile,
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email_verified: true, name: `${ACCOUNT.given_name} ${ACCOUNT.family_name}`, ...ACCOUNT };
        },
      };
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/token') {
      const basic = ctx.get('authorization').toLowerCase().startsWith('basic ');
      if (basic !== (expectAuth === 'client_secret_basic')) {
        ctx.status = 401;
        ctx.body = { error: 'invalid_client', error_description: `this test provider expects ${expectAuth}` };
        return;
      }
    }
    await next();
  });
  server.on('request', provider.callback());
  return issuer;
}

const secret = () => randomBytes(24).toString('hex');
const main = { client_id: 'portico-rp', client_secret: secret() };
const other = { client_id: 'portico-other', client_secret: secret() };
const post = { client_id: 'portico-post', client_secret: secret() };

const basicIssuer = await start({
  authMethods: ['client_secret_basic', 'client_secret_post'],
  expectAuth: 'client_secret_basic',
  idTokenHasProfile: true,
  clients: [main, other],
});
const postIssuer = await start({
  authMethods: ['client_secret_post'],
  expectAuth: 'client_secret_post',
  idTokenHasProfile: false,
  clients: [post],
});

process.stdout.write(`${JSON.stringify({
  basic: { issuer: basicIssuer, ...main, other },
  post: { issuer: postIssuer, ...post },
})}\n`);

// Stop when the test process goes away (its end of stdin closes), not only on SIGTERM.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
