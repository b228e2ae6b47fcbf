// A real OpenID Provider (panva/oidc-provider) for end-to-end tests.
//
// Login uses oidc-provider's built-in development pages: any login name and
// any password are accepted, then a "Continue" consent page follows. Every
// login gets the claims of `account` (the login name becomes the subject).
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

export const DEFAULT_ACCOUNT = {
  email: 'ada@example.test',
  given_name: 'Ada',
  family_name: 'Lovelace',
};

export async function startOidcProvider({
  redirectUris = ['http://127.0.0.1/placeholder'],
  account = DEFAULT_ACCOUNT,
} = {}) {
  // Listen first so the issuer URL can carry the real port.
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const clientId = 'portico-e2e';
  const clientSecret = randomBytes(24).toString('hex');

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [{ ...signingKey, kid: 'e2e', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // Put the scope's claims (email, names) into the ID token too, not only userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email_verified: true,
            name: `${account.given_name} ${account.family_name}`,
            ...account,
          };
        },
      };
    },
  });
  server.on('request', provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    provider,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
