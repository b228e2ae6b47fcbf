//! Where things live in each identity provider's admin console: the screens and fields a
//! diagnosis points to. One row per IdP family (the catalog key before its `-`), shared by its
//! SAML and OIDC entries, so the names match the setup guides in `public/guides/`.
//!
//! Text is data. Two kinds of entries:
//! - *places* (`*_place`) are clauses such as "open the app's General tab → … → Audience URI
//!   (SP Entity ID)"; the diagnosis wraps them as "In Okta, {place}, paste the value below, and
//!   save." so a copy box can sit right under the step;
//! - every other entry is a whole sentence.
//!
//! `{idp}` stands for the IdP's name in sentences ("Okta", "your identity provider"); the
//! generic rows use it so their advice reads right for any IdP without a row of its own.

/// How to fix SAML problems in one IdP's console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamlConsole {
    /// Place of the field holding our entity ID (the audience).
    pub audience_place: &'static str,
    /// That field's name, used as the copy box's label.
    pub audience_label: &'static str,
    /// Place of the field holding our ACS URL (recipient and destination).
    pub acs_place: &'static str,
    /// That field's name, used as the copy box's label.
    pub acs_label: &'static str,
    /// A second thing to do when pasting the ACS URL, when the IdP has more than one field.
    pub acs_note: Option<&'static str>,
    /// Where the IdP shows the issuer (its entity ID) it sends, and when that value changes.
    pub issuer: &'static str,
    /// Where to get the IdP's current metadata.
    pub metadata: &'static str,
    /// Where to see which signing certificate is in use and get the current one.
    pub certificate: &'static str,
    /// How to make the IdP sign the assertion (or response).
    pub signing: &'static str,
    /// How to make the IdP sign with SHA-256.
    pub sha256: &'static str,
    /// How to make the IdP send the user's email as the NameID.
    pub name_id: &'static str,
    /// Where the attribute statements are edited.
    pub attributes: &'static str,
    /// Where users are given access to the app.
    pub assignment: &'static str,
    /// Where assertion encryption is set, when we know.
    pub encryption: Option<&'static str>,
    /// A setting that tolerates a small clock difference, when the IdP has one.
    pub clock: Option<&'static str>,
}

/// How to fix OpenID Connect problems in one IdP's console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OidcConsole {
    /// Where the client ID and client secret are shown, and how to get a new secret.
    pub client: &'static str,
    /// Place of the redirect URI list.
    pub redirect_place: &'static str,
    /// That field's name, used as the copy box's label.
    pub redirect_label: &'static str,
    /// How to allow the authorization code flow for a confidential (web) client.
    pub grant: &'static str,
    /// Where the `openid`, `email` and `profile` scopes and the ID token claims are set.
    pub claims: &'static str,
    /// Where users are given access to the app.
    pub assignment: &'static str,
    /// Where admin consent is granted, when the IdP asks users for consent.
    pub consent: Option<&'static str>,
    /// What the IdP's issuer URL looks like, exactly.
    pub issuer: &'static str,
    /// How to make the IdP sign ID tokens with RS256.
    pub signing_algorithm: &'static str,
}

/// One IdP family's console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Console {
    /// The catalog key's prefix (`okta` for `okta-saml` and `okta-oidc`); `generic` for the
    /// fallback row.
    pub family: &'static str,
    /// How sentences name the IdP: the catalog's name, or "your identity provider".
    pub name: &'static str,
    /// True when the IdP runs on the customer's own servers, so its clock and network are
    /// theirs to check.
    pub self_hosted: bool,
    /// Where the IdP logs why it refused a sign-in, when we know.
    pub log: Option<&'static str>,
    /// What to do after a change before it takes effect, when more than saving.
    pub settle: Option<&'static str>,
    /// SAML settings; `None` when the IdP has no SAML entry (the generic row answers).
    pub saml: Option<SamlConsole>,
    /// OIDC settings; `None` when the IdP has no OIDC entry (the generic row answers).
    pub oidc: Option<OidcConsole>,
}

impl Console {
    /// The SAML settings, falling back to the generic row's.
    pub fn saml(&self) -> &SamlConsole {
        self.saml.as_ref().unwrap_or(&GENERIC_SAML)
    }

    /// The OIDC settings, falling back to the generic row's.
    pub fn oidc(&self) -> &OidcConsole {
        self.oidc.as_ref().unwrap_or(&GENERIC_OIDC)
    }

    /// True for the fallback row.
    pub fn is_generic(&self) -> bool {
        self.family == GENERIC.family
    }
}

/// The console row for a catalog key (`okta-saml` → Okta), or the generic row.
pub fn console(idp_key: &str) -> &'static Console {
    let family = idp_key.split('-').next().unwrap_or_default();
    CONSOLES
        .iter()
        .find(|c| c.family == family)
        .unwrap_or(&GENERIC)
}

const GENERIC_SAML: SamlConsole = SamlConsole {
    audience_place:
        "open the app's SAML settings and find the SP entity ID or audience field (it \
        may be called Audience, Audience URI, Identifier, SP Entity ID or Relying party identifier)",
    audience_label: "SP Entity ID (audience)",
    acs_place:
        "open the app's SAML settings and find the ACS URL field (it may be called Assertion \
        Consumer Service URL, Reply URL, Single sign-on URL, Callback URL or Recipient)",
    acs_label: "ACS URL",
    acs_note: Some(
        "If {idp} has separate Recipient or Destination fields, paste the same URL there too.",
    ),
    issuer:
        "In {idp}, find the issuer or IdP entity ID of the app you set up for us; it is in the \
        app's SAML settings or in its metadata.",
    metadata:
        "In {idp}, download the SAML metadata of the app you set up for us (often called IdP \
        metadata or federation metadata).",
    certificate: "In {idp}, open the app's SAML settings, check which signing certificate is \
        active, and download the app's metadata or that certificate again.",
    signing:
        "In {idp}, open the app's SAML settings and turn on signing of the assertion (signing \
        the response too is fine).",
    sha256: "In {idp}, open the app's SAML settings and set the signature algorithm to RSA-SHA256 \
        (and the digest algorithm to SHA-256).",
    name_id: "In {idp}, open the app's SAML settings and set the NameID to the user's email \
        address, with the format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress.",
    attributes: "In {idp}, open the app's attribute, claim or mapping settings.",
    assignment: "In {idp}, check the user is assigned to the app, directly or through a group (it \
        may be called assignment, access, entitlement or permission).",
    encryption: None,
    clock: None,
};

const GENERIC_OIDC: OidcConsole = OidcConsole {
    client: "In {idp}, open the app you set up for us and find its client ID and client secret; \
        create a new secret if the old one expired or was never copied.",
    redirect_place: "open the app's settings and find the redirect URI list (it may be called \
        redirect URI, callback URL, sign-in redirect URI or reply URL)",
    redirect_label: "Redirect URI",
    grant:
        "In {idp}, make the app a web (confidential) client that may use the authorization code \
        grant with a client secret.",
    claims:
        "In {idp}, allow the openid, email and profile scopes for the app, and make sure the ID \
        token or userinfo carries email, given_name and family_name.",
    assignment: "In {idp}, check the user is assigned to the app, directly or through a group.",
    consent: None,
    issuer:
        "The issuer URL must be exactly the issuer in {idp}'s /.well-known/openid-configuration \
        document, including any trailing slash.",
    signing_algorithm: "In {idp}, set the app's ID token signing algorithm to RS256 (or another \
        public-key algorithm such as ES256).",
};

/// The fallback row, for the generic catalog entries and unknown keys.
pub const GENERIC: Console = Console {
    family: "generic",
    name: "your identity provider",
    self_hosted: false,
    log: None,
    settle: None,
    saml: Some(GENERIC_SAML),
    oidc: Some(GENERIC_OIDC),
};

/// Every IdP family with a console we know, the generic row last.
pub static CONSOLES: &[Console] = &[
    Console {
        family: "okta",
        name: "Okta",
        self_hosted: false,
        log: Some("In Okta, open Reports → System Log and search for the user to see why Okta refused."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open the app's General tab → SAML Settings → Edit → Audience URI (SP Entity ID)",
            audience_label: "Audience URI (SP Entity ID)",
            acs_place: "open the app's General tab → SAML Settings → Edit → Single sign-on URL",
            acs_label: "Single sign-on URL",
            acs_note: Some("Keep Use this for Recipient URL and Destination URL checked, so Okta \
                puts the same URL in both."),
            issuer: "In Okta, open the app's Sign On tab → View SAML setup instructions: Identity \
                Provider Issuer is the issuer Okta sends. Each Okta app has its own, so metadata \
                from another app will not match.",
            metadata: "In Okta, open the app's Sign On tab and copy the Metadata URL in the SAML 2.0 section.",
            certificate: "In Okta, open the app's Sign On tab → SAML Signing Certificates and check \
                which certificate is Active. Then copy the Metadata URL on the same tab again: it \
                always carries the active certificate.",
            signing: "In Okta, open the app's General tab → SAML Settings → Edit → Next → Show \
                Advanced Settings, and set Assertion Signature to Signed.",
            sha256: "In Okta, open the app's General tab → SAML Settings → Edit → Next → Show \
                Advanced Settings, and set Signature Algorithm to RSA-SHA256 and Digest Algorithm to SHA256.",
            name_id: "In Okta, open the app's General tab → SAML Settings → Edit → Next, and set \
                Name ID format to EmailAddress and Application username to Email.",
            attributes: "In Okta, open the app's General tab → SAML Settings → Edit → Next → \
                Attribute Statements (Name format Unspecified).",
            assignment: "In Okta, open the app's Assignments tab and check the user is assigned, \
                directly or through a group.",
            encryption: Some("In Okta, open the app's General tab → SAML Settings → Edit → Next → \
                Show Advanced Settings → Assertion Encryption."),
            clock: None,
        }),
        oidc: Some(OidcConsole {
            client: "In Okta, open the app's General tab → Client Credentials: copy the Client ID, \
                and the Client secret (click the eye icon). Keep Client authentication on Client secret.",
            redirect_place: "open the app's General tab → General Settings → Edit → Sign-in redirect URIs",
            redirect_label: "Sign-in redirect URIs",
            grant: "In Okta, open the app's General tab → General Settings → Edit, and check \
                Authorization Code under Grant type.",
            claims: "In Okta, the openid, email and profile scopes need no setup on the org \
                authorization server. With a custom authorization server, open Security → API → \
                Authorization Servers → your server → Access Policies and check a rule covers this \
                app and those scopes.",
            assignment: "In Okta, open the app's Assignments tab and check the user is assigned, \
                directly or through a group.",
            consent: None,
            issuer: "For Okta, the issuer is your Okta domain (https://yourcompany.okta.com), or, \
                for a custom authorization server, the Issuer URI under Security → API → \
                Authorization Servers (such as https://yourcompany.okta.com/oauth2/default).",
            signing_algorithm: "Okta signs ID tokens with RS256 and has no setting for it; check \
                the issuer URL in the portal is your Okta domain.",
        }),
    },
    Console {
        family: "entra",
        name: "Microsoft Entra ID",
        self_hosted: false,
        log: Some("In Microsoft Entra ID, open Enterprise applications → your app → Sign-in logs \
            and open the failed attempt: its Failure reason names the cause."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open Enterprise applications → your app → Single sign-on → Basic SAML \
                Configuration → Edit → Identifier (Entity ID)",
            audience_label: "Identifier (Entity ID)",
            acs_place: "open Enterprise applications → your app → Single sign-on → Basic SAML \
                Configuration → Edit → Reply URL (Assertion Consumer Service URL)",
            acs_label: "Reply URL (Assertion Consumer Service URL)",
            acs_note: Some("If several reply URLs are listed, tick Default next to ours."),
            issuer: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on: the Set up box shows the Microsoft Entra Identifier, which is the issuer. \
                It is the same for every app in a tenant, so a different one means metadata from another tenant.",
            metadata: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on → SAML Certificates and download Federation Metadata XML.",
            certificate: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on → SAML Certificates → Edit and check which certificate is Active. Then \
                download Federation Metadata XML from the SAML Certificates box.",
            signing: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on → SAML Certificates → Edit, and set Signing Option to Sign SAML response and assertion.",
            sha256: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on → SAML Certificates → Edit, and set Signing Algorithm to SHA-256.",
            name_id: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on → Attributes & Claims → Edit → Unique User Identifier (Name ID), and set \
                Name identifier format to Email address and Source attribute to user.mail.",
            attributes: "In Microsoft Entra ID, open Enterprise applications → your app → Single \
                sign-on → Attributes & Claims → Edit.",
            assignment: "In Microsoft Entra ID, open Enterprise applications → your app → Users and \
                groups and check the user is assigned, directly or through a group.",
            encryption: Some("In Microsoft Entra ID, open Enterprise applications → your app → Token encryption."),
            clock: None,
        }),
        oidc: Some(OidcConsole {
            client: "In Microsoft Entra ID, open App registrations → your app: Overview shows the \
                Application (client) ID, and Certificates & secrets → Client secrets lists each \
                secret with its expiry. Create a new secret if the old one expired, and copy its \
                Value, not its Secret ID.",
            redirect_place: "open App registrations → your app → Authentication → Web → Redirect URIs",
            redirect_label: "Redirect URI",
            grant: "In Microsoft Entra ID, open App registrations → your app → Authentication and \
                check our redirect URI is listed under the Web platform, not Single-page \
                application or Mobile and desktop applications.",
            claims: "In Microsoft Entra ID, open App registrations → your app → API permissions and \
                check openid, email and profile are granted. Under Token configuration, add the \
                optional claims email, given_name and family_name to the ID token.",
            assignment: "In Microsoft Entra ID, open Enterprise applications → your app → Users and \
                groups and check the user is assigned. This matters when Properties → Assignment required? is Yes.",
            consent: Some("In Microsoft Entra ID, open App registrations → your app → API \
                permissions and click Grant admin consent for your organization."),
            issuer: "For Microsoft Entra ID, the issuer is \
                https://login.microsoftonline.com/<Directory (tenant) ID>/v2.0, with the tenant ID \
                from App registrations → your app → Overview. An issuer on sts.windows.net is the older v1 form.",
            signing_algorithm: "Microsoft Entra ID signs ID tokens with RS256 and has no setting \
                for it; check the issuer URL in the portal points at your tenant.",
        }),
    },
    Console {
        family: "google",
        name: "Google Workspace",
        self_hosted: false,
        log: Some("In the Google Admin console, open Reporting → Audit and investigation → SAML log \
            events and find the attempt."),
        settle: Some("Google can take a few minutes, sometimes up to 24 hours, to apply a change."),
        saml: Some(SamlConsole {
            audience_place: "open the Google Admin console → Apps → Web and mobile apps → your app \
                → Service provider details → Entity ID",
            audience_label: "Entity ID",
            acs_place: "open the Google Admin console → Apps → Web and mobile apps → your app → \
                Service provider details → ACS URL",
            acs_label: "ACS URL",
            acs_note: None,
            issuer: "In the Google Admin console, open Apps → Web and mobile apps → your app and \
                click Download metadata: the Entity ID shown there is the issuer Google sends. It \
                is shared by the SAML apps of your account.",
            metadata: "In the Google Admin console, open Apps → Web and mobile apps → your app and \
                click Download metadata.",
            certificate: "In the Google Admin console, open Apps → Web and mobile apps → your app \
                and click Download metadata: check the certificate and its expiry date, and \
                download the metadata again.",
            signing: "In the Google Admin console, open Apps → Web and mobile apps → your app → \
                Service provider details and check Signed response. Google signs the assertion either way.",
            sha256: "Google Workspace signs with SHA-256 and has no setting for it. A SHA-1 \
                signature means the response did not come from the Google app you set up; check the \
                metadata you gave us.",
            name_id: "In the Google Admin console, open Apps → Web and mobile apps → your app → \
                Service provider details, and set Name ID format to EMAIL and Name ID to Basic \
                Information → Primary email.",
            attributes: "In the Google Admin console, open Apps → Web and mobile apps → your app → Attribute mapping.",
            assignment: "In the Google Admin console, open Apps → Web and mobile apps → your app → \
                User access and check the app is ON for the user's organizational unit or group.",
            encryption: Some("Google Workspace does not encrypt assertions, so an encrypted one did \
                not come from the Google app you set up; check the metadata you gave us."),
            clock: None,
        }),
        // Not in the catalog yet; kept so a Google OIDC entry only needs a catalog row.
        oidc: Some(OidcConsole {
            client: "In the Google Cloud console, open APIs & Services → Credentials → OAuth 2.0 \
                Client IDs → your client: it shows the Client ID and its client secrets. Add a new \
                secret if the old one was lost.",
            redirect_place: "open the Google Cloud console → APIs & Services → Credentials → OAuth \
                2.0 Client IDs → your client → Authorized redirect URIs",
            redirect_label: "Authorized redirect URIs",
            grant: "In the Google Cloud console, check the OAuth client's Application type is Web application.",
            claims: "In the Google Cloud console, open APIs & Services → OAuth consent screen and \
                check the openid, email and profile scopes are listed.",
            assignment: "In the Google Cloud console, open APIs & Services → OAuth consent screen \
                and set User type to Internal, so only your Google Workspace users can sign in.",
            consent: Some("In the Google Cloud console, open APIs & Services → OAuth consent screen \
                and check it is set up (Internal for your own users)."),
            issuer: "For Google, the issuer is https://accounts.google.com.",
            signing_algorithm: "Google signs ID tokens with RS256 and has no setting for it; check \
                the issuer URL in the portal is https://accounts.google.com.",
        }),
    },
    Console {
        family: "onelogin",
        name: "OneLogin",
        self_hosted: false,
        log: Some("In OneLogin, open Activity → Events and filter on the user."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open Applications → your app → Configuration tab → Audience (EntityID)",
            audience_label: "Audience (EntityID)",
            acs_place: "open Applications → your app → Configuration tab → ACS (Consumer) URL",
            acs_label: "ACS (Consumer) URL",
            acs_note: Some("Paste the same URL in Recipient, and set ACS (Consumer) URL Validator \
                to it with ^ in front and $ at the end."),
            issuer: "In OneLogin, open Applications → your app → SSO tab: the Issuer URL there is \
                the issuer OneLogin sends. Each app has its own unless Configuration → SAML issuer type is Generic.",
            metadata: "In OneLogin, open Applications → your app → SSO tab and copy the Issuer URL: \
                it serves the app's metadata. Or use More Actions → SAML Metadata to download it.",
            certificate: "In OneLogin, open Applications → your app → SSO tab → X.509 Certificate → \
                View Details to see the certificate in use. Then copy the Issuer URL again for fresh metadata.",
            signing: "In OneLogin, open Applications → your app → Configuration tab, and set SAML \
                signature element to Assertion or Both.",
            sha256: "In OneLogin, open Applications → your app → SSO tab, and set SAML Signature Algorithm to SHA-256.",
            name_id: "In OneLogin, open Applications → your app → Configuration tab and set SAML \
                nameID format to Email. On the Parameters tab, set NameID value to Email.",
            attributes: "In OneLogin, open Applications → your app → Parameters tab; each parameter \
                needs Include in SAML assertion checked.",
            assignment: "In OneLogin, open Applications → your app → Access tab and check a role of \
                the user is turned on, or add the app under Users → the user → Applications.",
            encryption: Some("In OneLogin, open Applications → your app → Configuration tab and \
                check SAML encryption method and the SP certificate."),
            clock: None,
        }),
        oidc: Some(OidcConsole {
            client: "In OneLogin, open Applications → your app → SSO tab: copy the Client ID, and \
                click Show client secret for the secret.",
            redirect_place: "open Applications → your app → Configuration tab → Redirect URI's",
            redirect_label: "Redirect URI's",
            grant: "In OneLogin, open Applications → your app → SSO tab, set Application Type to \
                Web, and Token Endpoint → Authentication Method to Basic or POST.",
            claims: "In OneLogin, the openid, email and profile scopes are on by default; check the \
                user's profile has an email address.",
            assignment: "In OneLogin, open Applications → your app → Access tab and check a role of \
                the user is turned on.",
            consent: None,
            issuer: "For OneLogin, the issuer is https://<your subdomain>.onelogin.com/oidc/2.",
            signing_algorithm: "In OneLogin, open Applications → your app → SSO tab and check the \
                token signing algorithm is RS256.",
        }),
    },
    Console {
        family: "jumpcloud",
        name: "JumpCloud",
        self_hosted: false,
        log: None,
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open SSO Applications → your app → SSO tab → SP Entity ID",
            audience_label: "SP Entity ID",
            acs_place: "open SSO Applications → your app → SSO tab → ACS URLs → Default URL",
            acs_label: "ACS URLs",
            acs_note: None,
            issuer: "In JumpCloud, open SSO Applications → your app → SSO tab: IdP Entity ID is the \
                issuer JumpCloud sends. It is whatever was typed there, so editing it breaks the connection.",
            metadata: "In JumpCloud, open SSO Applications → your app → SSO tab and click Export Metadata.",
            certificate: "In JumpCloud, open SSO Applications → your app → SSO tab, check the IdP \
                Certificate, and click Export Metadata for a file with the current one.",
            signing: "In JumpCloud, open SSO Applications → your app → SSO tab and check Sign Assertion.",
            sha256: "In JumpCloud, open SSO Applications → your app → SSO tab, and set Signature \
                Algorithm to RSA-SHA256.",
            name_id: "In JumpCloud, open SSO Applications → your app → SSO tab, set SAMLSubject \
                NameID to email and SAMLSubject NameID Format to \
                urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress.",
            attributes: "In JumpCloud, open SSO Applications → your app → SSO tab → Attributes → User Attributes.",
            assignment: "In JumpCloud, open SSO Applications → your app → User Groups tab and check \
                a group the user belongs to.",
            encryption: None,
            clock: None,
        }),
        oidc: None,
    },
    Console {
        family: "pingone",
        name: "PingOne",
        self_hosted: false,
        log: Some("In PingOne, open Monitoring → Audit and find the user's sign-on event."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open Applications → your app → Configuration tab → edit (pencil) → Entity ID",
            audience_label: "Entity ID",
            acs_place: "open Applications → your app → Configuration tab → edit (pencil) → ACS URLs",
            acs_label: "ACS URLs",
            acs_note: None,
            issuer: "In PingOne, open Applications → your app → Configuration tab → Connection \
                Details: Issuer ID is the issuer PingOne sends. It is the same for every app in the \
                environment, so a different one means metadata from another environment.",
            metadata: "In PingOne, open Applications → your app → Configuration tab → Connection \
                Details and copy the IDP Metadata URL.",
            certificate: "In PingOne, open Applications → your app → Configuration tab, check which \
                Signing Key the app uses, and download the signing certificate or the metadata from \
                Connection Details.",
            signing: "In PingOne, open Applications → your app → Configuration tab → edit (pencil), \
                and set signing to Sign Assertion (or Sign Assertion & Response).",
            sha256: "In PingOne, open Applications → your app → Configuration tab → edit (pencil), \
                and set Signing Algorithm to RSA_SHA256.",
            name_id: "In PingOne, open Applications → your app → Configuration tab → edit (pencil) \
                and set Subject NameID Format to \
                urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress. On the Attribute Mappings \
                tab, map saml_subject to Email Address.",
            attributes: "In PingOne, open Applications → your app → Attribute Mappings tab → edit (pencil).",
            assignment: "In PingOne, open Applications → your app → Access tab and check a group of \
                the user is allowed, and that the app's toggle is on.",
            encryption: Some("In PingOne, open Applications → your app → Configuration tab → edit \
                (pencil) and check the encryption settings."),
            clock: None,
        }),
        oidc: Some(OidcConsole {
            client: "In PingOne, open Applications → your app → Configuration tab: it shows the \
                Client ID and the Client Secret (click the eye icon).",
            redirect_place: "open Applications → your app → Configuration tab → edit (pencil) → Redirect URIs",
            redirect_label: "Redirect URIs",
            grant: "In PingOne, open Applications → your app → Configuration tab → edit (pencil), \
                and set Response Type to Code, Grant Type to Authorization Code, and Token Endpoint \
                Authentication Method to Client Secret Basic.",
            claims: "In PingOne, open Applications → your app → Resources tab → edit (pencil) and \
                allow the email and profile scopes.",
            assignment: "In PingOne, open Applications → your app → Access tab and check a group of \
                the user is allowed, and that the app's toggle is on.",
            consent: None,
            issuer: "For PingOne, the issuer is https://auth.pingone.com/<environment ID>/as (the \
                domain ends in .eu, .ca or .asia in those regions), as shown on the app's Configuration tab.",
            signing_algorithm: "In PingOne, open Applications → your app → Configuration tab and \
                check the ID token is signed with an RS256 signing key.",
        }),
    },
    Console {
        family: "pingfederate",
        name: "PingFederate",
        self_hosted: true,
        log: Some("On the PingFederate server, read log/server.log around the time of the test."),
        settle: Some("In PingFederate, save the connection on Activation & Summary, so the change \
            reaches the runtime."),
        saml: Some(SamlConsole {
            audience_place: "open Applications → Integration → SP Connections → your connection → \
                General Info → Partner's Entity ID (Connection ID)",
            audience_label: "Partner's Entity ID (Connection ID)",
            acs_place: "open Applications → Integration → SP Connections → your connection → \
                Browser SSO → Protocol Settings → Assertion Consumer Service URL → Endpoint URL (binding POST)",
            acs_label: "Endpoint URL",
            acs_note: None,
            issuer: "In PingFederate, open System → Server → Protocol Settings → Federation Info: \
                SAML 2 Entity ID is the issuer PingFederate sends, unless the connection sets a \
                Virtual Server ID on General Info.",
            metadata: "PingFederate publishes this connection's metadata at https://<runtime \
                host>/pf/federation_metadata.ping?PartnerSpId=<our entity ID>; or use Select Action \
                → Export Metadata on the connection.",
            certificate: "In PingFederate, open the connection → Credentials → Digital Signature \
                Settings to see which signing certificate it uses (they are listed under Security → \
                Signing & Decryption Keys & Certificates). Then export the connection's metadata again.",
            signing: "In PingFederate, open the connection → Browser SSO → Protocol Settings → \
                Signature Policy, and check Always sign assertion.",
            sha256: "In PingFederate, open the connection → Credentials → Digital Signature \
                Settings, and set Signing Algorithm to RSA SHA256.",
            name_id: "In PingFederate, open the connection → Browser SSO → Assertion Creation → \
                Attribute Contract and set the SAML_SUBJECT format to emailAddress. Then map \
                SAML_SUBJECT to the user's mail attribute under Attribute Contract Fulfillment.",
            attributes: "In PingFederate, open the connection → Browser SSO → Assertion Creation → \
                Attribute Contract, and fill each attribute under Authentication Source Mapping → \
                Attribute Contract Fulfillment.",
            assignment: "In PingFederate, check the Issuance Criteria of the connection's \
                Authentication Source Mapping: a rule there may exclude the user.",
            encryption: Some("In PingFederate, open the connection → Browser SSO → Protocol \
                Settings → Encryption Policy, and the encryption certificate under Credentials."),
            clock: None,
        }),
        oidc: None,
    },
    Console {
        family: "adfs",
        name: "ADFS",
        self_hosted: true,
        log: Some("On the ADFS server, open Event Viewer → Applications and Services Logs → AD FS → \
            Admin and find the error at the time of the test."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open AD FS Management → Relying Party Trusts → your trust → Properties \
                → Identifiers → Relying party identifier",
            audience_label: "Relying party identifier",
            acs_place: "open AD FS Management → Relying Party Trusts → your trust → Properties → \
                Endpoints, and edit the SAML Assertion Consumer Endpoint (binding POST) → Trusted URL",
            acs_label: "Trusted URL",
            acs_note: Some("If you created the trust from our SP metadata URL, you can instead \
                right-click the trust and pick Update from Federation Metadata."),
            issuer: "In AD FS Management, right-click Service → Edit Federation Service Properties: \
                Federation Service identifier is the issuer ADFS sends.",
            metadata: "ADFS publishes its metadata at https://<your AD FS \
                host>/FederationMetadata/2007-06/FederationMetadata.xml; check the path in AD FS \
                Management → Service → Endpoints, under Metadata.",
            certificate: "In AD FS Management, open Service → Certificates and check which \
                Token-signing certificate is Primary. With automatic rollover, ADFS switches on its \
                own; the federation metadata always carries the current one.",
            signing: "ADFS signs the assertion by default. To sign the whole response too, run this \
                in PowerShell on the ADFS server: Set-AdfsRelyingPartyTrust -TargetName \"<trust name>\" \
                    -SamlResponseSignature MessageAndAssertion",
            sha256: "In AD FS Management, open Relying Party Trusts → your trust → Properties → \
                Advanced, and set Secure hash algorithm to SHA-256.",
            name_id: "In AD FS Management, open Relying Party Trusts → your trust → Edit Claim \
                Issuance Policy, and add a Transform an Incoming Claim rule from E-Mail Address to \
                Name ID with the format Email.",
            attributes: "In AD FS Management, open Relying Party Trusts → your trust → Edit Claim \
                Issuance Policy, and check the Send LDAP Attributes as Claims rule.",
            assignment: "In AD FS Management, open Relying Party Trusts → your trust → Edit Access \
                Control Policy, and check the policy permits the user.",
            encryption: Some("In AD FS Management, open Relying Party Trusts → your trust → \
                Properties → Encryption, and replace or remove the certificate."),
            clock: Some("ADFS can stamp its assertions as valid a little earlier: in PowerShell on \
                the ADFS server, run Set-AdfsRelyingPartyTrust -TargetName \"<trust name>\" \
                    -NotBeforeSkew 2 (minutes)."),
        }),
        oidc: None,
    },
    Console {
        family: "keycloak",
        name: "Keycloak",
        self_hosted: true,
        log: Some("In Keycloak, open Events (turn on saving user events under Realm settings → \
            Events first) and find the failed login."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open Clients → your client → Settings → Client ID",
            audience_label: "Client ID",
            acs_place: "open Clients → your client → Settings → Valid redirect URIs and Master SAML Processing URL",
            acs_label: "Valid redirect URIs",
            acs_note: Some("Also paste it on the client's Advanced tab → Fine Grain SAML Endpoint \
                Configuration → Assertion Consumer Service POST Binding URL."),
            issuer: "In Keycloak, the issuer is the realm's address, https://<keycloak \
                host>/realms/<realm> (with /auth before /realms on old versions). It changes when \
                the realm is renamed or the server's hostname changes.",
            metadata: "In Keycloak, open Realm settings → General → Endpoints → SAML 2.0 Identity \
                Provider Metadata, or go to https://<keycloak host>/realms/<realm>/protocol/saml/descriptor.",
            certificate: "In Keycloak, open Realm settings → Keys and check which RS256 key is \
                active. Then fetch the realm's SAML metadata again.",
            signing: "In Keycloak, open Clients → your client → Settings → Signature and \
                Encryption, and turn on Sign documents and Sign assertions.",
            sha256: "In Keycloak, open Clients → your client → Settings → Signature and Encryption, \
                and set Signature algorithm to RSA_SHA256.",
            name_id: "In Keycloak, open Clients → your client → Settings, set Name ID format to \
                email, and turn on Force name ID format.",
            attributes: "In Keycloak, open Clients → your client → Client scopes → the client's \
                dedicated scope (its name ends in -dedicated) → Mappers.",
            assignment: "Keycloak lets every user of the realm sign in unless a custom \
                authentication flow checks a role or group; if you added one, check the user passes it.",
            encryption: Some("In Keycloak, open Clients → your client → Keys, and check Encrypt \
                assertions and the encryption certificate."),
            clock: None,
        }),
        oidc: Some(OidcConsole {
            client: "In Keycloak, open Clients → your client: Settings shows the Client ID, and the \
                Credentials tab shows the Client secret (with Regenerate). Client authentication \
                must be on under Capability config.",
            redirect_place: "open Clients → your client → Settings → Valid redirect URIs",
            redirect_label: "Valid redirect URIs",
            grant: "In Keycloak, open Clients → your client → Settings → Capability config, turn on \
                Client authentication, and check Standard flow.",
            claims: "In Keycloak, open Clients → your client → Client scopes and check email and \
                profile are assigned as Default.",
            assignment: "Keycloak lets every user of the realm sign in unless a custom \
                authentication flow checks a role or group; if you added one, check the user passes it.",
            consent: Some("In Keycloak, open Clients → your client → Settings → Login settings; if \
                Consent required is on, the user must accept the consent screen."),
            issuer: "For Keycloak, the issuer is https://<keycloak host>/realms/<realm> (with /auth \
                before /realms on old versions), exactly as the realm's OpenID Endpoint Configuration shows it.",
            signing_algorithm: "In Keycloak, open Clients → your client → Advanced → Fine grain \
                OpenID Connect configuration, and set ID token signature algorithm to RS256.",
        }),
    },
    Console {
        family: "auth0",
        name: "Auth0",
        self_hosted: false,
        log: Some("In the Auth0 Dashboard, open Monitoring → Logs and find the failed login."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open Applications → your app → Addons → SAML2 Web App → Settings, and \
                set the audience key in the Settings JSON",
            audience_label: "audience",
            acs_place: "open Applications → your app → Addons → SAML2 Web App → Settings → Application Callback URL",
            acs_label: "Application Callback URL",
            acs_note: Some("If the Settings JSON has recipient or destination keys, set them to the \
                same URL or remove them. Also add the URL to the app's Settings → Allowed Callback URLs."),
            issuer: "In Auth0, the issuer is urn: followed by your tenant domain (for example \
                urn:yourcompany.us.auth0.com), unless the SAML2 Web App addon's Settings JSON sets an issuer key.",
            metadata: "In Auth0, open Applications → your app → Addons → SAML2 Web App → Usage, and \
                copy the Identity Provider Metadata download link.",
            certificate: "In the Auth0 Dashboard, open Settings → Signing Keys to see if the key \
                was rotated. Then open Applications → your app → Addons → SAML2 Web App → Usage and \
                get the Identity Provider Metadata again.",
            signing: "Auth0 signs the assertion by default. Open Applications → your app → Addons → \
                SAML2 Web App → Settings, and set \"signResponse\": true in the Settings JSON to \
                    sign the response too.",
            sha256: "In Auth0, open Applications → your app → Addons → SAML2 Web App → Settings, \
                and set \"signatureAlgorithm\": \"rsa-sha256\" and \"digestAlgorithm\": \"sha256\" \
                    in the Settings JSON.",
            name_id: "In Auth0, open Applications → your app → Addons → SAML2 Web App → Settings, \
                and set nameIdentifierFormat to \
                urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress and nameIdentifierProbes to \
                [\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress\"] in the Settings JSON.",
            attributes: "In Auth0, open Applications → your app → Addons → SAML2 Web App → \
                Settings, and edit the mappings key in the Settings JSON.",
            assignment: "In Auth0, open Applications → your app → Connections and check the user's \
                connection is turned on. A login Action may also block the user.",
            encryption: Some("In Auth0, open Applications → your app → Addons → SAML2 Web App → \
                Settings, and check the encryptionCert and encryptionPublicKey keys in the Settings \
                JSON; remove them to stop encrypting."),
            clock: None,
        }),
        oidc: Some(OidcConsole {
            client: "In Auth0, open Applications → your app → Settings → Basic Information: it \
                shows the Client ID and the Client Secret (click the eye icon). The Credentials tab \
                sets the Authentication Method.",
            redirect_place: "open Applications → your app → Settings → Application URIs → Allowed Callback URLs",
            redirect_label: "Allowed Callback URLs",
            grant: "In Auth0, open Applications → your app → Settings → Advanced Settings → Grant \
                Types, and check Authorization Code.",
            claims: "In Auth0, the openid, email and profile scopes need no setup; check the user's \
                profile has an email, and that no Action removes claims.",
            assignment: "In Auth0, open Applications → your app → Connections and check the user's \
                connection is turned on. A login Action may also block the user.",
            consent: None,
            issuer: "For Auth0, the issuer is your Domain with https:// in front and / at the end, \
                for example https://yourcompany.us.auth0.com/ (or your custom domain).",
            signing_algorithm: "In Auth0, open Applications → your app → Settings → Advanced \
                Settings → OAuth, and set JSON Web Token (JWT) Signature Algorithm to RS256.",
        }),
    },
    Console {
        family: "rippling",
        name: "Rippling",
        self_hosted: false,
        log: None,
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open the app you installed for us → its SSO settings → the service \
                provider Entity ID field",
            audience_label: "Entity ID",
            acs_place: "open the app you installed for us → its SSO settings → the ACS URL field",
            acs_label: "ACS URL",
            acs_note: None,
            issuer: "In Rippling, open the app's SSO settings: the IdP details there show the \
                issuer (entity ID) Rippling sends for this app.",
            metadata: "In Rippling, open the app's SSO settings and download Rippling's IdP metadata XML again.",
            certificate: "In Rippling, open the app's SSO settings, check the IdP certificate shown \
                there, and download the IdP metadata XML again.",
            signing: "In Rippling, open the app's SSO settings and check the assertion or the response is signed.",
            sha256: "In Rippling, open the app's SSO settings and pick SHA-256 if it offers a \
                signature algorithm; otherwise ask Rippling support to sign with SHA-256.",
            name_id: "In Rippling, open the app's SAML settings and set the NameID (subject) to the \
                user's work email, in the email address format.",
            attributes: "In Rippling, open the app's SAML settings and check its SAML attributes.",
            assignment: "In Rippling, open the app's access settings and check the user matches its \
                access rules or was added by hand.",
            encryption: None,
            clock: None,
        }),
        oidc: None,
    },
    Console {
        family: "duo",
        name: "Duo",
        self_hosted: false,
        log: Some("In the Duo Admin Panel, open Reports → Authentication Log and find the attempt."),
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open the Duo Admin Panel → Applications → your app → Service Provider → Entity ID",
            audience_label: "Entity ID",
            acs_place: "open the Duo Admin Panel → Applications → your app → Service Provider → \
                Assertion Consumer Service (ACS) URL",
            acs_label: "Assertion Consumer Service (ACS) URL",
            acs_note: None,
            issuer: "In the Duo Admin Panel, open Applications → your app → Metadata: Entity ID \
                there is the issuer Duo sends.",
            metadata: "In the Duo Admin Panel, open Applications → your app → Metadata and click Download XML.",
            certificate: "In the Duo Admin Panel, open Applications → your app → Metadata, and \
                download the certificate or the XML again.",
            signing: "In the Duo Admin Panel, open Applications → your app → SAML Response, and \
                check Sign assertion under the signing options.",
            sha256: "In the Duo Admin Panel, open Applications → your app → SAML Response, and set \
                Signature algorithm to SHA256.",
            name_id: "In the Duo Admin Panel, open Applications → your app → SAML Response, and set \
                NameID format to urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress and NameID \
                attribute to <Email Address>.",
            attributes: "In the Duo Admin Panel, open Applications → your app → SAML Response → Map attributes.",
            assignment: "In the Duo Admin Panel, open Applications → your app → Settings, and check \
                the user's group is permitted.",
            encryption: None,
            clock: None,
        }),
        oidc: None,
    },
    Console {
        family: "cyberark",
        name: "CyberArk Identity",
        self_hosted: false,
        log: None,
        settle: None,
        saml: Some(SamlConsole {
            audience_place: "open Apps & Widgets → Web Apps → your app → Trust → Service Provider \
                Configuration → SP Entity ID / Issuer / Audience",
            audience_label: "SP Entity ID / Issuer / Audience",
            acs_place: "open Apps & Widgets → Web Apps → your app → Trust → Service Provider \
                Configuration → Assertion Consumer Service (ACS) URL",
            acs_label: "Assertion Consumer Service (ACS) URL",
            acs_note: Some("Paste the same URL in Recipient."),
            issuer: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → Trust → \
                Identity Provider Configuration: the IdP entity ID (issuer) there is what CyberArk sends.",
            metadata: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → Trust → \
                Identity Provider Configuration → Metadata, and click Download Metadata File.",
            certificate: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → Trust → \
                Identity Provider Configuration, check the signing certificate, and download the metadata file again.",
            signing: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → Trust → \
                Service Provider Configuration, and set Sign Response or Assertion? to Assertion.",
            sha256: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → Trust, and \
                pick a signing certificate and signature algorithm that use SHA-256.",
            name_id: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → Trust and \
                set NameID Format to emailAddress. If the login name is not the email, add \
                setSubjectName(LoginUser.Email); to the custom logic script on SAML Response.",
            attributes: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → SAML Response → Attributes.",
            assignment: "In CyberArk Identity, open Apps & Widgets → Web Apps → your app → \
                Permissions, and check the user, or a group or role of theirs, has the Run permission.",
            encryption: None,
            clock: None,
        }),
        oidc: None,
    },
    Console {
        family: "shibboleth",
        name: "Shibboleth",
        self_hosted: true,
        log: Some("On the Shibboleth server, read logs/idp-process.log around the time of the test."),
        settle: Some("Restart the Shibboleth IdP, or reload its metadata and relying-party services."),
        saml: Some(SamlConsole {
            audience_place: "open conf/relying-party.xml (our override's c:relyingPartyIds) and the \
                copy of our metadata that conf/metadata-providers.xml loads (its entityID)",
            audience_label: "entityID",
            acs_place: "open the copy of our metadata that conf/metadata-providers.xml loads, and \
                find AssertionConsumerService Location",
            acs_label: "AssertionConsumerService Location",
            acs_note: Some("If the provider fetches our metadata URL, reload it instead of editing a copy."),
            issuer: "In Shibboleth, the issuer is idp.entityID in conf/idp.properties (https://<idp \
                host>/idp/shibboleth by default); it must match the entityID in metadata/idp-metadata.xml.",
            metadata: "Shibboleth publishes its metadata at its entity ID, https://<idp \
                host>/idp/shibboleth by default, served from %{idp.home}/metadata/idp-metadata.xml.",
            certificate: "In Shibboleth, the signing certificate is credentials/idp-signing.crt \
                (see idp.signing.cert in conf/idp.properties); check that metadata/idp-metadata.xml \
                carries the same certificate.",
            signing: "In Shibboleth, open conf/relying-party.xml and set p:signAssertions=\"true\" \
                on the SAML2.SSO profile of our relying-party override.",
            sha256: "Shibboleth signs with SHA-256 by default since version 3; check \
                conf/relying-party.xml for a SHA-1 security configuration applied to us, and remove it.",
            name_id: "In Shibboleth, enable the emailAddress generator in conf/saml-nameid.xml \
                (sourced from mail), and set p:nameIDFormatPrecedence on our relying-party override.",
            attributes: "In Shibboleth, check the attribute definitions in \
                conf/attribute-resolver.xml (and their rules under conf/attributes/) and the \
                release policy for our entity ID in conf/attribute-filter.xml.",
            assignment: "In Shibboleth, check the context-check intercept flow or the attribute \
                filter applied to our relying party, if you limited access.",
            encryption: Some("In Shibboleth, set p:encryptAssertions=\"false\" on the SAML2.SSO \
                profile of our relying-party override in conf/relying-party.xml."),
            clock: None,
        }),
        oidc: None,
    },
    GENERIC,
];
