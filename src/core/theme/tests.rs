use std::collections::BTreeMap;

use super::*;
use crate::api::theme::{FooterLink, ThemeInput};

const TOKENS_CSS: &str = include_str!("../../../style/tokens.css");

/// The `--name: value` declarations of the block that opens at the first `{` after `from`.
fn declarations(css: &str, from: &str) -> BTreeMap<String, String> {
    let start = css
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in stylesheet"));
    let open = start + css[start..].find('{').unwrap() + 1;
    let close = open + css[open..].find('}').unwrap();
    css[open..close]
        .split(';')
        .filter_map(|d| d.trim().split_once(':'))
        .filter(|(name, _)| name.starts_with("--"))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect()
}

fn tokens_light() -> BTreeMap<String, String> {
    declarations(TOKENS_CSS, ":root")
}

fn tokens_dark() -> BTreeMap<String, String> {
    let media = TOKENS_CSS
        .find("@media (prefers-color-scheme: dark)")
        .unwrap();
    declarations(&TOKENS_CSS[media..], ":root")
}

/// Palette field → token, for the default-equals-tokens check.
const FIELD_TOKENS: [(&str, &str); 11] = [
    ("background", "--color-bg"),
    ("surface", "--color-surface"),
    ("text", "--color-text"),
    ("muted_text", "--color-text-muted"),
    ("primary", "--color-primary"),
    ("on_primary", "--color-on-primary"),
    ("border", "--color-border"),
    ("focus_ring", "--color-focus"),
    ("success", "--color-success"),
    ("warning", "--color-warning"),
    ("danger", "--color-danger"),
];

/// Tokens of tokens.css a theme does not change; every other token must be in the stylesheet.
const NOT_THEMED: [&str; 9] = [
    "--font-mono",
    "--font-size-sm",
    "--font-size-md",
    "--font-size-lg",
    "--font-size-xl",
    "--line-height",
    "--border-width",
    "--content-width",
    "--transition-fast",
];

#[test]
fn default_palettes_equal_tokens_css() {
    let theme = default_theme();
    for (palette, tokens) in [(&theme.light, tokens_light()), (&theme.dark, tokens_dark())] {
        let fields = palette_fields(palette);
        for (field, token) in FIELD_TOKENS {
            let value = fields.iter().find(|(f, _)| *f == field).unwrap().1;
            assert_eq!(
                Some(value),
                tokens.get(token).map(String::as_str),
                "{field} vs {token}"
            );
        }
    }
    // Every color token of tokens.css is either a palette field or derived: none is forgotten.
    let derived = [
        "--color-surface-alt",
        "--color-primary-hover",
        "--color-success-bg",
        "--color-warning-bg",
        "--color-danger-bg",
    ];
    for token in tokens_light().keys().filter(|t| t.starts_with("--color-")) {
        assert!(
            FIELD_TOKENS.iter().any(|(_, t)| t == token) || derived.contains(&token.as_str()),
            "{token} is neither a palette field nor derived"
        );
    }
}

#[test]
fn default_stylesheet_reproduces_tokens_css() {
    let css = stylesheet(&default_theme());
    let root = declarations(&css, ":root {");
    for (token, value) in tokens_light() {
        if NOT_THEMED.contains(&token.as_str()) {
            assert!(
                !root.contains_key(&token),
                "{token} is not themed but the stylesheet sets it"
            );
            continue;
        }
        assert_eq!(root.get(&token), Some(&value), "light {token}");
    }
    for token in root.keys() {
        assert!(
            tokens_light().contains_key(token),
            "{token} is not a token of tokens.css"
        );
    }
    assert_eq!(declarations(&css, ":root[data-theme=light]"), {
        let mut colors = root.clone();
        colors.retain(|k, _| k.starts_with("--color-") || k == "--shadow-card");
        colors
    });
    let dark = tokens_dark();
    for block in [":root:not([data-theme=light])", ":root[data-theme=dark]"] {
        assert_eq!(declarations(&css, block), dark, "{block}");
    }
}

#[test]
fn default_theme_has_no_problems() {
    assert_eq!(check(&default_theme()), vec![]);
    for pair in contrast_pairs(&default_theme()) {
        assert!(pair.ratio >= pair.required, "{pair:?}");
    }
    assert_eq!(contrast_pairs(&default_theme()).len(), 2 * PAIRS.len());
}

#[test]
fn parse_color_accepts() {
    assert_eq!(parse_color("#2848c7"), Ok(Rgb::new(0x28, 0x48, 0xc7)));
    assert_eq!(parse_color(" #2848C7 "), Ok(Rgb::new(0x28, 0x48, 0xc7)));
    assert_eq!(parse_color("#fa0"), Ok(Rgb::new(0xff, 0xaa, 0x00)));
    assert_eq!(parse_color("rgb(40, 72, 199)"), Ok(Rgb::new(40, 72, 199)));
    assert_eq!(parse_color("RGB(40 72 199)"), Ok(Rgb::new(40, 72, 199)));
    assert_eq!(parse_color("rgb(0,0,0)"), Ok(Rgb::new(0, 0, 0)));
}

#[test]
fn parse_color_refuses() {
    for alpha in [
        "#2848c780",
        "#28c8",
        "rgba(0, 0, 0, 0.5)",
        "rgb(0 0 0 / 50%)",
        "rgb(1, 2, 3, 0.5)",
        "transparent",
    ] {
        let err = parse_color(alpha).unwrap_err();
        assert!(err.contains("opaque"), "{alpha}: {err}");
    }
    for bad in [
        "",
        "red",
        "#12",
        "#12345",
        "#ggg",
        "rgb(256, 0, 0)",
        "rgb(1, 2)",
        "rgb(1.5, 2, 3)",
        "rgb(1, 2, 3",
        "hsl(0 0% 0%)",
    ] {
        assert!(parse_color(bad).is_err(), "{bad} accepted");
    }
    assert!(parse_color("rgb(256, 0, 0)")
        .unwrap_err()
        .contains("0 to 255"));
}

#[test]
fn known_contrast_ratios() {
    let (black, white) = (Rgb::new(0, 0, 0), Rgb::new(255, 255, 255));
    assert!((contrast_ratio(black, white) - 21.0).abs() < 1e-9);
    assert!((contrast_ratio(white, black) - 21.0).abs() < 1e-9);
    assert!((contrast_ratio(white, white) - 1.0).abs() < 1e-9);
    let grey = parse_color("#777").unwrap();
    assert!(
        (contrast_ratio(grey, white) - 4.48).abs() < 0.005,
        "{}",
        contrast_ratio(grey, white)
    );
    // The classic AA boundary: #767676 on white just passes.
    assert!(contrast_ratio(parse_color("#767676").unwrap(), white) >= 4.5);
}

#[test]
fn low_contrast_button_is_flagged_on_its_fields() {
    let mut theme = default_theme();
    theme.light.primary = "#7f9cf5".into(); // pale blue under white text
    let problems = check(&theme);
    let on_primary = problems
        .iter()
        .find(|p| p.field == "light.on_primary")
        .expect("on_primary flagged");
    assert_eq!(on_primary.kind, ProblemKind::LowContrast);
    assert!(
        on_primary.message.contains("on_primary") && on_primary.message.contains("primary"),
        "{}",
        on_primary.message
    );
    assert!(on_primary.message.contains("light mode"));
    assert!(
        problems.iter().all(|p| p.kind == ProblemKind::LowContrast),
        "{problems:?}"
    );
    assert!(
        problems.iter().all(|p| p.field.starts_with("light.")),
        "dark untouched: {problems:?}"
    );
}

#[test]
fn invalid_color_is_flagged_on_its_field() {
    let mut theme = default_theme();
    theme.dark.danger = "tomato".into();
    theme.light.text = "rgba(0,0,0,.9)".into();
    let problems = check(&theme);
    let invalid: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Invalid)
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(invalid, ["light.text", "dark.danger"]);
    // Pairs with a color that does not parse are left out, not measured against a guess.
    assert!(!contrast_pairs(&theme)
        .iter()
        .any(|p| p.mode == "dark" && p.foreground == "danger"));
    // And the stylesheet still comes out whole, with the default in its place.
    assert!(stylesheet(&theme).contains("--color-danger: #ff8a80;"));
}

fn fields_of(theme: &Theme) -> Vec<String> {
    check(theme).into_iter().map(|p| p.field).collect()
}

#[test]
fn other_fields_are_validated() {
    let mut t = default_theme();
    t.display_name = Some("x".repeat(61));
    t.font_family = Some("Inter; } body { color: red".into());
    t.radius_px = Some(25);
    t.support_email = Some("help at example.com".into());
    t.support_url = Some("http://example.com/help".into());
    t.footer_links = (0..6)
        .map(|i| FooterLink {
            label: format!("Link {i}"),
            url: "/terms".into(),
        })
        .collect();
    t.footer_links[1].label = "y".repeat(41);
    t.footer_links[2].url = "javascript:alert(1)".into();
    t.logo_light = Some("has space".into());
    assert_eq!(
        fields_of(&t),
        [
            "display_name",
            "font_family",
            "radius_px",
            "support_email",
            "support_url",
            "footer_links",
            "footer_links.1.label",
            "footer_links.2.url",
            "logo_light"
        ]
    );

    let mut ok = default_theme();
    ok.display_name = Some("x".repeat(60));
    ok.font_family = Some("\"Inter Variable\", 'Noto Sans', system-ui, sans-serif".into());
    ok.radius_px = Some(24);
    ok.support_email = Some("it-help@acme.example.com".into());
    ok.support_url = Some("https://acme.example.com/help".into());
    ok.footer_links = (0..5)
        .map(|i| FooterLink {
            label: "y".repeat(40),
            url: format!("/page/{i}"),
        })
        .collect();
    ok.logo_light = Some("asset_01HZX".into());
    ok.custom_css = Some(".card { border-width: 2px }".into());
    assert_eq!(check(&ok), vec![]);

    for bad in [
        "\"Inter",
        "Inter\"",
        "'Inter\"",
        "Inter,,Arial",
        "url(x)",
        "a{b}",
    ] {
        let mut t = default_theme();
        t.font_family = Some(bad.into());
        assert_eq!(fields_of(&t), ["font_family"], "{bad}");
    }
    for bad in ["//evil.example/x", "ftp://x.example", "https://", "/a b"] {
        let mut t = default_theme();
        t.support_url = Some(bad.into());
        assert_eq!(fields_of(&t), ["support_url"], "{bad}");
    }
    let mut t = default_theme();
    t.custom_css = Some("@import url(https://evil.example/x.css);".into());
    assert_eq!(fields_of(&t), ["custom_css"]);
}

#[test]
fn blank_optional_fields_count_as_absent() {
    let mut t = default_theme();
    t.display_name = Some("  ".into());
    t.support_email = Some(String::new());
    t.custom_css = Some("\n".into());
    assert_eq!(check(&t), vec![]);
    assert_eq!(stylesheet(&t), stylesheet(&default_theme()));
}

#[test]
fn custom_css_refuses_remote_and_dangerous_things() {
    let cases = [
        ("@import url(/theme-assets/x.css);", "@import"),
        ("@import 'https://evil.example/x.css';", "@import"),
        ("@IMPORT 'x.css';", "@import"),
        ("@charset \"utf-8\";", "@charset"),
        (
            "@namespace svg url(http://www.w3.org/2000/svg);",
            "@namespace",
        ),
        ("@property --x { syntax: '*'; inherits: true }", "@property"),
        (".a { background: url(https://evil.example/x.png) }", "url("),
        (
            ".a { background: url( \"https://evil.example/x.png\" ) }",
            "url(",
        ),
        (".a { background: url(//evil.example/x.png) }", "url("),
        (
            ".a { background: url(/theme-assets//evil.example/x.png) }",
            "url(",
        ),
        (".a { background: url(data:image/png;base64,AAAA) }", "url("),
        (".a { background: url(/api/v1/secrets) }", "url("),
        (".a { background: url(/theme-assets/../api/x) }", "url("),
        (".a { background: URL(https://evil.example/x.png) }", "url("),
        (
            ".a { background: image-set(\"https://evil.example/x.png\" 1x) }",
            "image-set",
        ),
        (".a { width: expression(alert(1)) }", "expression"),
        (
            ".a { background: u\\72l(https://evil.example/x.png) }",
            "backslash",
        ),
        (
            ".a { content: \"</style><script>alert(1)</script>\" }",
            "</",
        ),
        ("</style><script>alert(1)</script>", "</"),
        (".a { background: javascript:alert(1) }", "javascript:"),
        (".a { color: red", "never closed"),
        (".a { color: red } }", "Unbalanced"),
        (".a { color: red( } body { color: red ) }", "Unbalanced"),
        (".a { color: red } /* unclosed", "comment"),
        (".a { color: red } */", "*/"),
        (".a { content: \"open }", "quoted"),
        ("color: red;", "inside a rule"),
        ("{ color: red }", "no selector"),
        (".a, { color: red }", "empty selector"),
        ("body + .x { color: red }", "beside the portal"),
        ("~ .x { color: red }", "beside the portal"),
        ("@media print;", "block"),
    ];
    for (css, expect) in cases {
        match scope_custom_css(css) {
            Ok(out) => panic!("{css:?} accepted as {out:?}"),
            Err(e) => assert!(e.contains(expect), "{css:?}: {e}"),
        }
    }
    let big = format!(".a {{ content: \"{}\" }}", "x".repeat(CUSTOM_CSS_MAX));
    assert!(scope_custom_css(&big).unwrap_err().contains("20 KB"));
    assert!(
        scope_custom_css(".a { color: red }\n\n.b { background: url(https://x.example/a) }")
            .unwrap_err()
            .starts_with("Line 3: ")
    );
}

#[test]
fn custom_css_is_scoped_to_the_root() {
    let scope = |css: &str| scope_custom_css(css).unwrap();
    assert_eq!(
        scope("body { background: navy }"),
        "body #portico-root{background: navy}\n"
    );
    assert_eq!(
        scope(":root { --color-primary: #123456 }"),
        ":root #portico-root{--color-primary: #123456}\n"
    );
    assert_eq!(scope("html{margin:0}"), "html #portico-root{margin:0}\n");
    assert_eq!(
        scope(".button { font-weight: 700 }"),
        "#portico-root .button{font-weight: 700}\n"
    );
    assert_eq!(
        scope("body .card, h1>a , a:not(.x, .y) { color: red }"),
        "body #portico-root .card, #portico-root h1 > a, #portico-root a:not(.x, .y){color: red}\n"
    );
    assert_eq!(
        scope(":root[data-theme=dark] .card { border-color: #fff }"),
        ":root[data-theme=dark] #portico-root .card{border-color: #fff}\n"
    );
    assert_eq!(
        scope("body > main { gap: 0 }"),
        "body #portico-root > main{gap: 0}\n"
    );
    assert_eq!(scope("> .x { gap: 0 }"), "#portico-root > .x{gap: 0}\n");
    assert_eq!(
        scope("body::before { content: 'x' }"),
        "body #portico-root::before{content: 'x'}\n"
    );
    assert_eq!(
        scope("body[title=\"a::b\"] { x: y }"),
        "body[title=\"a::b\"] #portico-root{x: y}\n"
    );
    assert_eq!(
        scope("body:hover::after { x: y }"),
        "body:hover #portico-root::after{x: y}\n"
    );
    assert_eq!(
        scope("li + li, [data-a~=\"b c\"] {x:y}"),
        "#portico-root li + li, #portico-root [data-a~=\"b c\"]{x:y}\n"
    );
    assert_eq!(
        scope("/* brand */ .a { color: red } /* end */"),
        "#portico-root .a{color: red}\n"
    );
    assert_eq!(
        scope(".a { content: \"} body {\" }"),
        "#portico-root .a{content: \"} body {\"}\n"
    );
    assert_eq!(
        scope(".a { &:hover { color: red } .b { color: blue } }"),
        "#portico-root .a{&:hover { color: red } .b { color: blue }}\n"
    );
    assert_eq!(
        scope("@media (max-width: 600px) { body { padding: 0 } .a, .b { gap: 0 } }"),
        "@media (max-width: 600px){\nbody #portico-root{padding: 0}\n#portico-root .a, #portico-root .b{gap: 0}\n}\n"
    );
    assert_eq!(scope("@layer brand;"), "@layer brand;\n");
    assert_eq!(
        scope("@keyframes pulse { from { opacity: 1 } to { opacity: .5 } }"),
        "@keyframes pulse{from { opacity: 1 } to { opacity: .5 }}\n"
    );
    assert_eq!(
        scope("@font-face { font-family: Brand; src: url(/theme-assets/brand.woff2) format('woff2') }"),
        "@font-face{font-family: Brand; src: url(/theme-assets/brand.woff2) format('woff2')}\n"
    );
    assert_eq!(
        scope(".hero { background: url('/theme-assets/hero.webp') }"),
        "#portico-root .hero{background: url('/theme-assets/hero.webp')}\n"
    );
    assert_eq!(scope(""), "");
}

/// Issue 13: nested rules (CSS nesting) are emitted as written, so each is checked to stay
/// inside its parent; the message names the line and the selector.
#[test]
fn a_comment_separates_tokens_as_in_a_browser() {
    // A browser reads `u/**/rl(` as `u` then `rl(`, not as `url(`: so does the scoper.
    let out =
        scope_custom_css(".a {\n  background: u/**/rl(https://evil.example/x.png)\n}").unwrap();
    assert!(!out.contains("url("), "{out}");
}

#[test]
fn removing_a_comment_never_opens_a_new_one() {
    // `/` + `/**/` + `*` must not become `/*`: the browser would then read the rest as a
    // comment where the scoper saw rules, and `body{…}` would escape #portico-root.
    let css = r#".a{--x://**/*;--y:"*/}body{display:none}.z{"}"#;
    if let Ok(out) = scope_custom_css(css) {
        assert!(!out.contains("/*"), "{out}");
    }
}

#[test]
fn nested_rules_that_could_leave_the_portal_are_refused() {
    let cases = [
        (
            "body { & ~ * { display: none } }",
            "Line 1: \"& ~ *\" would reach elements beside the portal",
        ),
        (
            "body {\n  & + * { display: none }\n}",
            "Line 2: \"& + *\" would reach elements beside the portal",
        ),
        (
            "html { ~ * { display: none } }",
            "\"~ *\" would reach elements beside the portal",
        ),
        (
            ":root { color: red; + div { display: none } }",
            "\"+ div\" would reach",
        ),
        (
            "body { &:hover { & ~ * { display: none } } }",
            "\"& ~ *\" would reach",
        ),
        (
            "body { .x &, & ~ p { display: none } }",
            "\"& ~ p\" would reach",
        ),
        (
            "body { @media print { & ~ * { display: none } } }",
            "\"& ~ *\" would reach",
        ),
        (
            "@media print { body { @supports (display: grid) { ~ * { display: none } } } }",
            "\"~ *\" would reach",
        ),
        (".a { :not(&) { display: none } }", "& inside :is(), :not()"),
        (
            ".a { :is(&) ~ * { display: none } }",
            "& inside :is(), :not()",
        ),
        (".a { .b:has(&) { display: none } }", "& inside"),
        (
            "& ~ * { display: none }",
            "\"& ~ *\": & stands for the selector of the rule it is nested in",
        ),
        (".a, :is(&) { color: red }", "& stands for"),
        (
            ".a { @font-face { font-family: x } }",
            "Move @font-face out",
        ),
        (
            ".a { @keyframes k { from { opacity: 0 } } }",
            "Move @keyframes out",
        ),
        (
            "@font-face { font-family: x; .a { color: red } }",
            "@font-face holds only declarations",
        ),
        (
            "@keyframes k { from { .a { color: red } } }",
            "@keyframes holds only keyframes",
        ),
        (".a { , .b { color: red } }", "empty selector"),
    ];
    for (css, expect) in cases {
        match scope_custom_css(css) {
            Ok(out) => panic!("{css:?} accepted as {out:?}"),
            Err(e) => assert!(e.contains(expect), "{css:?}: {e}"),
        }
    }
}

/// Nesting that stays inside the parent keeps working, including siblings of a parent that
/// is itself inside the portal (they share its parent, which is inside the portal).
#[test]
fn nested_rules_that_stay_inside_their_parent_are_kept() {
    for css in [
        ".a { &:hover { color: red } .b { color: blue } > .c { gap: 0 } }",
        ".item { & + & { margin-top: 8px } & ~ .more { color: red } ~ .x { color: red } }",
        "body { &:hover { color: red } .card { & ~ .card { margin: 0 } } }",
        "body { .dark & { color: white } &.wide > main { gap: 0 } }",
        "body { @media (max-width: 600px) { & { padding: 0 } .a { gap: 0 } } }",
        ".a { --shadow: { x: y }; color: red }",
        ".a[title=\"&\"] { content: \"& ~ *\" }",
    ] {
        let out = scope_custom_css(css).unwrap_or_else(|e| panic!("{css:?}: {e}"));
        assert!(out.contains(ROOT_SELECTOR), "{out}");
    }
}

/// Issue 13: what a browser decodes or joins is judged as the browser reads it.
#[test]
fn disguised_loads_in_custom_css_are_refused_with_what_to_remove() {
    let cases = [
        (
            ".a { background: u\\72l(https://evil.example/x.png) }",
            "Line 1: Remove the backslash escape",
        ),
        (
            "@\\69mport 'https://evil.example/x.css';",
            "Remove the backslash escape",
        ),
        (
            ".a { width: \\65xpression(alert(1)) }",
            "Remove the backslash escape",
        ),
        (
            ".a { background: image-set('https://evil.example/x.png' 1x) }",
            "Remove image-set(…)",
        ),
        (
            ".a { background: src('https://evil.example/x.png') }",
            "Remove src(…)",
        ),
        (
            ".a { background: -webkit-image-set(url(/theme-assets/a.png) 1x) }",
            "Remove -webkit-image-set(…)",
        ),
        (
            "@font-face { font-family: x; src: url(https://evil.example/f.woff2) }",
            "url(https://evil.example/f.woff2) is not allowed",
        ),
        (".a { width: expression(alert(1)) }", "Remove expression(…)"),
        (
            ".a { -moz-binding: url(/theme-assets/x.xml) }",
            "Remove the -moz-binding property",
        ),
        (
            ".a { behavior: url(/theme-assets/x.htc) }",
            "Remove the behavior property",
        ),
        (
            ".a { background: url('/theme-assets/a.png' x) }",
            "Close the url(…) right after its address",
        ),
    ];
    for (css, expect) in cases {
        match scope_custom_css(css) {
            Ok(out) => panic!("{css:?} accepted as {out:?}"),
            Err(e) => assert!(e.contains(expect), "{css:?}: {e}"),
        }
    }
    // Escapes inside quoted text are text, and stay.
    assert_eq!(
        scope_custom_css(".a::before { content: \"\\2014\" }").unwrap(),
        "#portico-root .a::before{content: \"\\2014\"}\n"
    );
}

#[test]
fn every_scoped_selector_starts_inside_the_root() {
    let css = "html, body, :root, *, .a, body.x .y, html body p, a > b, :is(body) .z, #portico-root .q { x: y }";
    let out = scope_custom_css(css).unwrap();
    let selectors = out.split('{').next().unwrap();
    for s in selectors.split(", ") {
        let root = s
            .find(ROOT_SELECTOR)
            .unwrap_or_else(|| panic!("{s} not scoped"));
        // Only page selectors may come before the root, and only descendant or child combinators after it.
        let before = s[..root].trim();
        assert!(
            before
                .split(' ')
                .all(|c| c.is_empty() || names_page_for_test(c)),
            "{s}"
        );
        assert!(
            !s[root..].contains(" + ") && !s[root..].starts_with("#portico-root ~"),
            "{s}"
        );
    }
}

fn names_page_for_test(compound: &str) -> bool {
    ["html", "body", ":root"]
        .iter()
        .any(|p| compound.starts_with(p))
}

#[test]
fn stylesheet_shape() {
    let mut t = default_theme();
    t.radius_px = Some(5);
    t.density = Density::Compact;
    t.font_family = Some("\"Inter\", sans-serif".into());
    t.custom_css = Some("body { letter-spacing: .01em }".into());
    let css = stylesheet(&t);
    for token in FIELD_TOKENS.iter().map(|(_, t)| *t).chain([
        "--color-surface-alt",
        "--color-primary-hover",
        "--color-success-bg",
        "--color-warning-bg",
        "--color-danger-bg",
    ]) {
        assert_eq!(
            css.matches(&format!("{token}:")).count(),
            4,
            "{token}: root, light, dark media, dark toggle"
        );
    }
    for expect in [
        "@media (prefers-color-scheme: dark) {\n  :root:not([data-theme=light]) {",
        ":root[data-theme=dark] {\n  color-scheme: dark;",
        ":root[data-theme=light] {\n  color-scheme: light;",
        "--font-body: \"Inter\", sans-serif;",
        "--radius-sm: 2.5px;",
        "--radius-md: 5px;",
        "--radius-lg: 7.5px;",
        "--space-1: 0.1875rem;",
        "--space-4: 0.75rem;",
        "--space-7: 2.25rem;",
        "body #portico-root{letter-spacing: .01em}",
    ] {
        assert!(css.contains(expect), "missing {expect:?} in\n{css}");
    }
    // The custom CSS comes last, after every token block.
    assert!(css.find("#portico-root{").unwrap() > css.rfind("--color-danger-bg").unwrap());
    assert_eq!(stylesheet(&t), stylesheet(&t.clone()), "deterministic");
}

#[test]
fn stylesheet_falls_back_on_unusable_values() {
    let mut t = default_theme();
    t.font_family = Some("x; } * { display: none".into());
    t.radius_px = Some(200);
    t.custom_css = Some("@import 'https://evil.example/x.css';".into());
    let css = stylesheet(&t);
    assert!(css.contains(&format!("--font-body: {SYSTEM_FONT_STACK};")));
    assert!(css.contains("--radius-md: 24px;"));
    assert!(!css.contains("evil") && !css.contains("display: none"));
}

#[test]
fn derived_colors_follow_a_changed_palette() {
    let mut t = default_theme();
    t.light.primary = "#006400".into();
    t.light.danger = "#aa0000".into();
    let root = declarations(&stylesheet(&t), ":root {");
    // 20% of the way from #006400 to the text color #1b1f24.
    assert_eq!(root["--color-primary-hover"], "#055607");
    // 12% of #aa0000 over the page background #f6f7f9.
    assert_eq!(root["--color-danger-bg"], "#edd9db");
    // Untouched inputs keep the hand-tuned values.
    assert_eq!(root["--color-success-bg"], "#e5f4ea");
    assert_eq!(root["--color-surface-alt"], "#eef1f5");
}

#[test]
fn version_tracks_the_stylesheet() {
    let t = default_theme();
    let v = version(&t);
    assert_eq!(v.len(), 12);
    assert!(v
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(version(&default_theme()), v);
    let mut changed = default_theme();
    changed.dark.primary = "#8aa4fe".into();
    assert_ne!(version(&changed), v);
    // Spelling the same color differently serves the same bytes, so the version holds.
    let mut respelled = default_theme();
    respelled.light.surface = "#FFF".into();
    assert_eq!(version(&respelled), v);
}

#[test]
fn wire_format() {
    let json = serde_json::json!({
        "theme": {
            "light": default_theme().light,
            "dark": default_theme().dark,
            "density": "compact",
            "footer_links": [{ "label": "Privacy", "url": "https://acme.example/privacy" }]
        },
        "accept_low_contrast": true
    });
    let input: ThemeInput = serde_json::from_value(json).unwrap();
    assert!(input.accept_low_contrast);
    assert_eq!(input.theme.density, Density::Compact);
    assert_eq!(input.theme.radius_px, None);

    let minimal = serde_json::json!({ "theme": { "light": default_theme().light, "dark": default_theme().dark } });
    let input: ThemeInput = serde_json::from_value(minimal).unwrap();
    assert!(!input.accept_low_contrast);
    assert_eq!(input.theme, default_theme());

    let unknown = serde_json::json!({ "theme": { "light": default_theme().light, "dark": default_theme().dark, "colour": "red" } });
    assert!(serde_json::from_value::<ThemeInput>(unknown).is_err());
    let problem = ThemeProblem {
        field: "light.primary".into(),
        message: "m".into(),
        kind: ProblemKind::LowContrast,
    };
    assert_eq!(
        serde_json::to_value(&problem).unwrap()["kind"],
        "low_contrast"
    );
}

#[test]
fn a_brand_dark_in_both_modes_asks_for_dark_browser_controls_in_both() {
    let mut t = default_theme();
    t.light.background = "#0d0f14".into();
    t.light.surface = "#161a22".into();
    t.light.text = "#f2f2f2".into();
    let css = stylesheet(&t);
    assert!(css.contains(":root {\n  color-scheme: dark;\n"), "{css}");
    assert!(
        css.contains(":root[data-theme=light] {\n  color-scheme: dark;\n"),
        "{css}"
    );
    // The default keeps both.
    assert!(stylesheet(&default_theme()).contains(":root {\n  color-scheme: light dark;\n"));
}
