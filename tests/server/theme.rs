//! Themes through the vendor API, the versioned stylesheet, its link in the page, the
//! organization override, and `portico theme export/import`.

use super::*;

/// An app serving a minimal built portal from a folder, so the page's `<head>` can be checked.
async fn app() -> App {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><html><head><link rel=\"stylesheet\" href=\"/tokens.css\"></head><body></body></html>").unwrap();
    let path = dist.keep();
    App::with(move |s| s.dist = Some(path)).await
}

async fn page(app: &App, cookie: Option<&str>) -> String {
    let mut b = Request::get("/sso");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    let r = app.raw(b.body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.text
}

fn theme_link(html: &str) -> String {
    let start = html
        .find("data-portico-theme")
        .map(|i| html[..i].rfind("href=\"").unwrap() + 6)
        .expect("a theme link");
    let end = html[start..].find('"').unwrap();
    let link = html[start..start + end].to_owned();
    assert!(
        html.find(&link).unwrap() > html.find("/tokens.css").unwrap(),
        "the theme comes after the default tokens: {html}"
    );
    assert!(html.find(&link).unwrap() < html.find("</head>").unwrap());
    link
}

async fn css(app: &App, url: &str) -> Resp {
    app.raw(Request::get(url).body(Body::empty()).unwrap())
        .await
}

fn branded(primary: &str) -> Value {
    let mut t = serde_json::to_value(portico::core::theme::default_theme()).unwrap();
    t["light"]["primary"] = json!(primary);
    t["display_name"] = json!("Vendor Co");
    t
}

#[tokio::test]
async fn the_environment_theme_is_validated_versioned_and_linked_before_the_app() {
    let app = app().await;
    let r = app.vendor(Method::GET, "/api/v1/theme", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["light"]["primary"], "#2848c7",
        "the default theme is the built-in tokens"
    );

    let default_link = theme_link(&page(&app, None).await);
    let default_css = css(&app, &default_link).await;
    assert_eq!(
        default_css.headers[header::CONTENT_TYPE],
        "text/css; charset=utf-8"
    );
    assert_eq!(
        default_css.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(
        default_css.text.contains("--color-primary") && default_css.text.contains("#2848c7"),
        "{}",
        default_css.text
    );

    // Invalid values are refused field by field, nothing saved.
    let mut bad = branded("#12345z");
    bad["dark"]["text"] = json!("rgba(0, 0, 0, 0.5)");
    let r = app
        .vendor(Method::PUT, "/api/v1/theme", Some(json!({ "theme": bad })))
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["light.primary"].is_string() && e["fields"]["dark.text"].is_string(),
        "{e}"
    );

    // Low contrast needs an explicit yes.
    let mut low = branded("#f0f0f0");
    low["light"]["on_primary"] = json!("#ffffff");
    let r = app
        .vendor(Method::PUT, "/api/v1/theme", Some(json!({ "theme": low })))
        .await;
    let e = assert_error(&r, 422, "low_contrast");
    assert!(
        e["fields"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.contains("on_primary") || k.contains("primary")),
        "{e}"
    );
    assert_eq!(
        app.vendor(Method::GET, "/api/v1/theme", None).await.body["light"]["primary"],
        "#2848c7",
        "nothing saved"
    );
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/theme",
            Some(json!({ "theme": low, "accept_low_contrast": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A good theme: a new stylesheet URL; the old one still answers, but uncached.
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/theme",
            Some(json!({ "theme": branded("#0b5d3b") })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let link = theme_link(&page(&app, None).await);
    assert_ne!(link, default_link);
    let b = app
        .raw(
            Request::get("/portal/api/branding")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(b.body["display_name"], "Vendor Co", "{}", b.text);
    let c = css(&app, &link).await;
    assert!(c.text.contains("#0b5d3b"), "{}", c.text);
    assert_eq!(
        c.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let old = css(&app, &default_link).await;
    assert_eq!(old.headers[header::CACHE_CONTROL], "no-cache");
    assert!(
        old.text.contains("#0b5d3b"),
        "an old URL gets today's theme"
    );
    assert_eq!(
        css(&app, "/theme/env_nope/abc.css").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_organization_override_is_what_its_admins_get() {
    let app = app().await;
    let org = app.org("Acme").await;
    let r = app
        .vendor(
            Method::GET,
            &format!("/api/v1/organizations/{org}/theme"),
            None,
        )
        .await;
    assert_eq!(r.body["inherited"], true, "{}", r.text);
    let r = app
        .vendor(
            Method::PUT,
            &format!("/api/v1/organizations/{org}/theme"),
            Some(json!({ "theme": branded("#5b2a86") })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["inherited"], false);

    // Before the session: the environment's theme. With it: the organization's, in the page and
    // in the session info (the page swaps its link after the link is redeemed).
    let env_link = theme_link(&page(&app, None).await);
    let admin = app.admin(&org, "sso").await;
    let org_link = theme_link(&page(&app, Some(&admin.cookie)).await);
    assert!(
        org_link.starts_with(&format!("/theme/{org}/")),
        "{org_link}"
    );
    assert_ne!(org_link, env_link);
    assert!(css(&app, &org_link).await.text.contains("#5b2a86"));
    let info = admin.call(Method::GET, "/portal/api/session", None).await;
    assert_eq!(info.body["theme_url"], org_link.as_str(), "{}", info.text);

    // Another organization still gets the environment's.
    let other = app.org("Other").await;
    let other_admin = app.admin(&other, "sso").await;
    assert_eq!(
        theme_link(&page(&app, Some(&other_admin.cookie)).await),
        env_link
    );

    let r = app
        .vendor(
            Method::DELETE,
            &format!("/api/v1/organizations/{org}/theme"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(theme_link(&page(&app, Some(&admin.cookie)).await), env_link);
}

#[test]
fn themes_round_trip_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| portico_cli(dir.path(), args);
    let (ok, exported, err) = run(&["theme", "export"]);
    assert!(ok, "{err}");
    let mut t: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(t["light"]["primary"], "#2848c7");

    // Every problem is reported, and nothing is saved.
    t["light"]["primary"] = json!("not a colour");
    t["dark"]["background"] = json!("#zzz");
    let file = dir.path().join("theme.json");
    std::fs::write(&file, t.to_string()).unwrap();
    let (ok, _, err) = run(&["theme", "import", file.to_str().unwrap()]);
    assert!(!ok, "{err}");
    assert!(
        err.contains("light.primary") && err.contains("dark.background"),
        "{err}"
    );

    t["light"]["primary"] = json!("#0b5d3b");
    t["dark"]["background"] = json!("#111418");
    std::fs::write(&file, t.to_string()).unwrap();
    let (ok, out, err) = run(&["theme", "import", file.to_str().unwrap()]);
    assert!(ok && out.contains("saved"), "{out}{err}");
    let (_, exported, _) = run(&["theme", "export"]);
    assert_eq!(
        serde_json::from_str::<Value>(&exported).unwrap()["light"]["primary"],
        "#0b5d3b"
    );
}

async fn upload(app: &App, kind: &str, bytes: &[u8]) -> Resp {
    let req = Request::post(format!("/api/v1/theme/assets?kind={kind}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.key))
        .header(header::CONTENT_TYPE, "image/png")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    app.raw(req).await
}

#[tokio::test]
async fn logos_and_favicons_are_checked_by_content_and_served_safely() {
    let app = app().await;
    // Sent as image/png, but really HTML: refused by what it is.
    let r = upload(&app, "logo", b"<!doctype html><script>alert(1)</script>").await;
    assert!(assert_error(&r, 422, "validation_failed")["fields"]["file"]
        .as_str()
        .unwrap()
        .contains("whatever its name says"));
    let r = upload(
        &app,
        "logo",
        br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#,
    )
    .await;
    assert!(assert_error(&r, 422, "validation_failed")["fields"]["file"]
        .as_str()
        .unwrap()
        .contains("event handler"));
    let r = upload(
        &app,
        "logo",
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
    )
    .await;
    assert!(assert_error(&r, 422, "validation_failed")["fields"]["file"]
        .as_str()
        .unwrap()
        .contains("<script>"));
    assert!(assert_error(
        &upload(&app, "banner", b"\x89PNG\r\n\x1a\n").await,
        422,
        "validation_failed"
    )["fields"]["kind"]
        .is_string());

    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#0b5d3b"/></svg>"##;
    let logo = upload(&app, "logo", svg).await;
    assert_eq!(logo.status, StatusCode::CREATED, "{}", logo.text);
    assert_eq!(logo.body["content_type"], "image/svg+xml");
    let logo_id = logo.body["id"].as_str().unwrap().to_owned();
    let icon = upload(&app, "favicon", b"\x89PNG\r\n\x1a\nfake-but-png-signed").await;
    assert_eq!(icon.status, StatusCode::CREATED, "{}", icon.text);
    let icon_id = icon.body["id"].as_str().unwrap().to_owned();

    let served = app
        .raw(
            Request::get(logo.body["url"].as_str().unwrap())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/svg+xml");
    assert_eq!(
        served.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(served.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert_eq!(served.text.as_bytes(), svg);

    // A theme may only name files uploaded to this environment, as the right kind.
    let mut t = branded("#0b5d3b");
    t["logo_light"] = json!("nope.svg");
    t["favicon"] = json!(logo_id.clone());
    let r = app
        .vendor(Method::PUT, "/api/v1/theme", Some(json!({ "theme": t })))
        .await;
    let e = assert_error(&r, 422, "validation_failed");
    assert!(
        e["fields"]["logo_light"]
            .as_str()
            .unwrap()
            .contains("No uploaded file"),
        "{e}"
    );
    assert!(
        e["fields"]["favicon"]
            .as_str()
            .unwrap()
            .contains("kind=favicon"),
        "{e}"
    );
    t["logo_light"] = json!(logo_id.clone());
    t["favicon"] = json!(icon_id.clone());
    let r = app
        .vendor(Method::PUT, "/api/v1/theme", Some(json!({ "theme": t })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A WOFF2 font becomes the first family of the stack.
    let mut font = vec![0u8; 64];
    font[0..4].copy_from_slice(b"wOF2");
    font[8..12].copy_from_slice(&64u32.to_be_bytes());
    let f = upload(&app, "font", &font).await;
    assert_eq!(f.body["content_type"], "font/woff2", "{}", f.text);
    assert!(assert_error(
        &upload(&app, "font", b"\x89PNG\r\n\x1a\n").await,
        422,
        "validation_failed"
    )["fields"]["file"]
        .as_str()
        .unwrap()
        .contains("WOFF2"));
    t["font_file"] = f.body["id"].clone();
    let r = app
        .vendor(Method::PUT, "/api/v1/theme", Some(json!({ "theme": t })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sheet = css(&app, &theme_link(&page(&app, None).await)).await.text;
    assert!(
        sheet.contains(&format!(
            "url(/theme-assets/{})",
            f.body["id"].as_str().unwrap()
        )) && sheet.contains("--font-body: \"Portico Brand\""),
        "{sheet}"
    );

    let b = app
        .raw(
            Request::get("/portal/api/branding")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(b.body["logo_light_url"], format!("/theme-assets/{logo_id}"));
    assert_eq!(
        b.body["logo_dark_url"],
        format!("/theme-assets/{logo_id}"),
        "the light logo stands in for a missing dark one"
    );
    assert!(page(&app, None).await.contains(&format!(
        "<link rel=\"icon\" href=\"/theme-assets/{icon_id}\">"
    )));
}

/// Colours live in the theme tokens only (`style/tokens.css` and the theme stylesheet): a colour
/// written anywhere else in the client's CSS would ignore the vendor's theme.
#[test]
fn no_colour_is_written_outside_the_tokens() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("rs" | "css")) {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("src/client"), &mut all);
    files(&root.join("style"), &mut all);
    let named = [
        "white", "black", "red", "blue", "green", "gray", "grey", "silver", "navy", "orange",
        "yellow", "purple",
    ];
    let mut found = Vec::new();
    for path in all.iter().filter(|p| !p.ends_with("style/tokens.css")) {
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            let b = lower.as_bytes();
            let hex = (0..b.len()).any(|i| {
                b[i] == b'#' && {
                    let run = b[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_hexdigit())
                        .count();
                    let ends = b
                        .get(i + 1 + run)
                        .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'-' && *c != b'_');
                    matches!(run, 3 | 4 | 6 | 8) && ends
                }
            });
            let func = ["rgb(", "rgba(", "hsl(", "hsla(", "oklch(", "lab("]
                .iter()
                .any(|f| lower.contains(f));
            let word = named.iter().any(|w| {
                [": ", ":"].iter().any(|sep| {
                    lower.contains(&format!("{sep}{w};")) || lower.contains(&format!("{sep}{w} "))
                })
            });
            if hex || func || word {
                found.push(format!(
                    "{}:{}: {}",
                    path.strip_prefix(root).unwrap().display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "colours outside the tokens; use a var(--color-…) token:\n{}",
        found.join("\n")
    );
    assert!(all.len() > 20, "the scan found the client's sources");
}
