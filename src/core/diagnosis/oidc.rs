//! Explanations of OpenID Connect failures: the provider's errors, the token exchange, the ID token.

use super::*;

// ---- OpenID Connect ---------------------------------------------------------------------

/// "the error "x" ("description")", from the `error` and `error_description` facts.
pub(super) fn oidc_error_words(c: &Ctx) -> String {
    let error = c
        .fact("error")
        .map(|e| format!("the error \"{e}\""))
        .unwrap_or_else(|| "an error".to_owned());
    match c.fact("error_description") {
        Some(d) => format!("{error} (\"{d}\")"),
        None => error,
    }
}

pub(super) fn oidc_idp_error(c: &Ctx) -> Text {
    let error = c.fact("error").unwrap_or_default();
    let description = c
        .fact("error_description")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let answered = c.say(&format!("{{idp}} answered with {}.", oidc_error_words(c)));
    let redirect = error == "redirect_uri_mismatch"
        || description.contains("redirect")
        || description.contains("aadsts50011");
    let mut fix = Vec::new();
    let mut copy = Vec::new();
    let (title, meaning) = if error == "access_denied" {
        fix.push(c.say(c.oidc().assignment));
        if let Some(consent) = c.oidc().consent {
            fix.push(c.say(consent));
        }
        (
            format!("{} denied access", c.subject()),
            "The user is not assigned to the app, or someone declined the consent prompt.",
        )
    } else if redirect || error == "invalid_request" {
        fix.push(c.paste(c.oidc().redirect_place));
        copy.push(c.copy_redirect());
        (
            format!("{} does not accept our redirect URI", c.subject()),
            "Most often our redirect URI is missing from the app's list, or differs by a character \
                (a slash, http instead of https).",
        )
    } else {
        match error {
            "unauthorized_client" | "unsupported_response_type" => {
                fix.push(c.say(c.oidc().grant));
                (
                    format!("{} does not let the app use this sign-in flow", c.subject()),
                    "The app is not allowed the authorization code flow.",
                )
            }
            "invalid_scope" => {
                fix.push(c.say(c.oidc().claims));
                (
                    format!("{} refused the scopes we asked for", c.subject()),
                    "We ask for openid, email and profile; the app must allow all three.",
                )
            }
            "invalid_client" | "unauthorized" => {
                fix.push(c.say(c.oidc().client));
                fix.push(
                    "In the portal, choose \"Edit your values\" below and paste the client ID \
                    of the app you set up for us."
                        .to_owned(),
                );
                (
                    format!("{} does not know our client ID", c.subject()),
                    "The client ID in the portal does not match an app it knows.",
                )
            }
            "login_required"
            | "interaction_required"
            | "consent_required"
            | "account_selection_required" => {
                if let Some(consent) = c.oidc().consent {
                    fix.push(c.say(consent));
                }
                fix.push(
                    "Sign in and accept any consent prompt when the identity provider asks."
                        .to_owned(),
                );
                (
                    format!("{} needs the user to sign in or consent", c.subject()),
                    "The user must sign in or agree to share their profile first.",
                )
            }
            "server_error" | "temporarily_unavailable" => {
                fix.push(
                    "Wait a few minutes, then try again; check the provider's status page if \
                    it keeps failing."
                        .to_owned(),
                );
                (
                    format!("{} had a problem on its side", c.subject()),
                    "This is an error inside the identity provider, not in your settings.",
                )
            }
            _ => {
                fix.push(c.paste(c.oidc().redirect_place));
                copy.push(c.copy_redirect());
                fix.push(c.say(c.oidc().grant));
                (
                    format!("{} refused the sign-in", c.subject()),
                    "Check the app's redirect URI and sign-in flow first.",
                )
            }
        }
    };
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title,
        message: join(&[answered, meaning.to_owned()]),
        fix,
        copy,
    }
}

pub(super) fn lost_test(c: &Ctx, what: &str) -> Text {
    Text {
        title: "The sign-in came back to a different test".to_owned(),
        message: format!(
            "The answer carries {what} of another test. The test was probably started again in \
                another tab or browser, or an old sign-in page was reused."
        ),
        fix: vec![
            c.say("Close other tabs showing {idp}'s sign-in page."),
            "Run the test again from the portal, and finish it in the same browser tab.".to_owned(),
        ],
        copy: Vec::new(),
    }
}

/// "(HTTP 401)" from the `status` fact.
pub(super) fn http_status(c: &Ctx) -> String {
    c.fact("status")
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default()
}

pub(super) fn token_exchange(c: &Ctx) -> Text {
    let error = c.fact("error").unwrap_or_default();
    let answered = c.say(&format!(
        "{{idp}}'s token endpoint refused our request{} with {}.",
        http_status(c),
        oidc_error_words(c)
    ));
    let mut fix = Vec::new();
    let mut copy = Vec::new();
    let meaning = match error {
        "invalid_client" | "unauthorized_client" => {
            fix.push(c.say(c.oidc().client));
            fix.push(
                "In the portal, choose \"Edit your values\" below and paste the client ID and \
                a current client secret."
                    .to_owned(),
            );
            "It did not accept our client ID or secret."
        }
        "invalid_grant" => {
            fix.push(c.paste(c.oidc().redirect_place));
            copy.push(c.copy_redirect());
            "The sign-in code was refused: it expired, was already used, or the redirect URI \
                registered in the app differs from ours."
        }
        _ => {
            fix.push(c.say(c.oidc().client));
            fix.push(c.paste(c.oidc().redirect_place));
            copy.push(c.copy_redirect());
            fix.push(c.say(c.oidc().grant));
            "The client secret, the redirect URI or the app's allowed flow is usually the cause."
        }
    };
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} refused to exchange the sign-in code", c.subject()),
        message: join(&[answered, meaning.to_owned()]),
        fix,
        copy,
    }
}

pub(super) fn client_auth(c: &Ctx) -> Text {
    let client = c
        .fact("client_id")
        .map(|id| format!(" for client ID \"{id}\""))
        .unwrap_or_default();
    let detail = c
        .fact("error_description")
        .or(c.fact("error"))
        .map(|d| format!("It said: \"{d}\"."))
        .unwrap_or_default();
    let expired = c
        .fact("expires_at")
        .map(|t| format!("The secret expired at {t}."))
        .unwrap_or_default();
    let mut fix = vec![
        c.say(c.oidc().client),
        "In the portal, choose \"Edit your values\" below and paste the client ID and a current \
            client secret."
            .to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("{} did not accept the client secret", c.subject()),
        message: join(&[
            c.say(&format!(
                "{{idp}} rejected our client credentials{client}{}.",
                http_status(c)
            )),
            detail,
            expired,
            "The secret may have been copied incompletely, replaced, or expired.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn id_token_invalid(c: &Ctx) -> Text {
    let mut fix =
        vec![
        c.say("In the portal, choose \"Edit your values\" below and check the issuer URL: we check \
            the token's signature with the keys {idp} publishes there."),
        c.say(c.oidc().issuer),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The ID token from {} failed our checks", c.name),
        message: join(&[
            "The ID token is malformed or its signature does not verify.".to_owned(),
            c.fact("problem")
                .map(|p| format!("What we found: {}.", p.trim_end_matches('.')))
                .unwrap_or_default(),
            "A token signed with a key that is not in the issuer's published key set is refused."
                .to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn oidc_issuer(c: &Ctx) -> Text {
    let received = c.fact("received");
    let mut fix = Vec::new();
    if let Some(r) = received {
        fix.push(format!(
            "If \"{r}\" is your app's issuer, choose \"Edit your values\" below and \
            paste it as the issuer URL."
        ));
    } else {
        fix.push(
            "In the portal, choose \"Edit your values\" below and check the issuer URL.".to_owned(),
        );
    }
    fix.push(c.say(c.oidc().issuer));
    c.finish(&mut fix);
    Text {
        title: format!("{} sent an issuer we do not expect", c.subject()),
        message: join(&[
            format!(
                "The ID token says it was issued by {}, but the issuer URL in the portal is {}.",
                quoted(received, "another issuer"),
                quoted(c.fact("expected"), "a different one"),
            ),
            "They must match exactly, including any trailing slash.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn oidc_audience(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say(c.oidc().client),
        "In the portal, choose \"Edit your values\" below and paste the client ID of the app you \
            set up for us."
            .to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The ID token from {} is meant for another app", c.name),
        message: join(&[
            format!(
                "The token's audience is {}, but our client ID is {}.",
                quoted(c.fact("received"), "another app"),
                quoted(c.fact("expected").or(c.fact("client_id")), "different"),
            ),
            "The client ID in the portal probably belongs to another app.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn oidc_algorithm(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.oidc().signing_algorithm)];
    c.finish(&mut fix);
    Text {
        title: format!(
            "{} signed the ID token with an algorithm we refuse",
            c.subject()
        ),
        message: join(&[
            format!(
                "The ID token is signed with {}.",
                quoted(c.fact("algorithm"), "an algorithm we do not accept")
            ),
            "We accept only public-key signatures such as RS256 or ES256: not \"none\", and not a \
                shared secret (HS256)."
                .to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn userinfo(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.oidc().claims)];
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{}'s userinfo endpoint refused our request", c.subject()),
        message: join(&[
            c.say(&format!(
                "We asked {{idp}} for the user's profile and it answered{} with {}.",
                http_status(c),
                oidc_error_words(c)
            )),
            "The app may not be allowed the openid scope, or the access token was not accepted."
                .to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn unreachable(c: &Ctx) -> Text {
    let mut fix = vec![
        "In the portal, choose \"Edit your values\" below and check the issuer URL.".to_owned(),
        c.say(c.oidc().issuer),
        "Open the issuer URL with /.well-known/openid-configuration added in a browser outside your \
            network: it must show a JSON document.".to_owned(),
    ];
    if c.console.self_hosted {
        fix.push(c.say(
            "{idp} runs on your servers: it must be reachable from the internet over \
            HTTPS, with a certificate from a public authority.",
        ));
    } else if c.console.is_generic() {
        fix.push(c.say(
            "If {idp} runs on your own servers, it must be reachable from the internet \
            over HTTPS, with a certificate from a public authority.",
        ));
    }
    c.finish(&mut fix);
    Text {
        title: format!("We could not reach {}", c.name),
        message: join(&[
            c.say("Our server could not talk to {idp}."),
            c.fact("problem")
                .map(|p| format!("What happened: {}.", p.trim_end_matches('.')))
                .unwrap_or_default(),
        ]),
        fix,
        copy: Vec::new(),
    }
}
