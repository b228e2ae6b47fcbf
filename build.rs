//! Renders the per-IdP setup guides (`public/guides/<catalog key>.md`) to HTML at build time,
//! so the browser never ships a Markdown parser. Only the server build needs them.
//!
//! A guide is `# Title`, an intro, then `## Step` sections. Lines `{{copy VALUE "LABEL"}}`
//! become live copy boxes at that place in the step; one `{{bring METHOD "LABEL"}}` line in the
//! last step says what the admin brings back.
//!
//! The directory-sync guides (`public/directory-guides/<directory catalog key>.md`) have the
//! same shape without a `{{bring ...}}` line; their copy boxes are `scim_base_url` and
//! `scim_token`, both or neither (a provider without SCIM, whose guide says so).
//!
//! The DNS-host how-tos (`public/dns-hosts/<key>.md`, for domain verification) are rendered
//! the same way: `# Host name`, then short steps in which `{{host}}`, `{{name}}`, `{{value}}`
//! and `{{domain}}` stand for the admin's own record, filled in by the browser.

fn main() {
    println!("cargo:rerun-if-changed=public/guides");
    println!("cargo:rerun-if-changed=public/directory-guides");
    println!("cargo:rerun-if-changed=public/dns-hosts");
    println!("cargo:rerun-if-changed=build.rs");
    // The admin's module is cut into chunks after linking (.ci/wasm-split), which reads the
    // linker's relocations. Only that binary keeps them: in the others they are dead weight.
    if std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32")) {
        println!("cargo:rustc-link-arg-bin=portico=--emit-relocs");
    }
    #[cfg(feature = "server")]
    {
        guides::build();
        guides::build_directory();
        dns_hosts::build();
    }
}

/// Markdown to HTML; raw HTML in our content is shown as text, never passed through.
#[cfg(feature = "server")]
fn html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new(markdown).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        e => e,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// The `.md` files of a content folder, in name order.
#[cfg(feature = "server")]
fn markdown_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|e| e == "md"));
    entries.sort();
    entries
}

/// Writes `OUT_DIR/<name>`.
#[cfg(feature = "server")]
fn write_out(name: &str, value: serde_json::Value) {
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join(name);
    if let Err(e) = std::fs::write(&out, value.to_string()) {
        panic!("could not write {}: {e}", out.display());
    }
}

#[cfg(feature = "server")]
mod guides {
    use super::html;
    use serde_json::{json, Value};

    const VALUES: [&str; 4] = ["acs_url", "entity_id", "metadata_url", "redirect_uri"];
    const METHODS: [&str; 4] = ["metadata_url", "metadata_file", "manual", "issuer"];
    /// `api::guide::GuideTopic`'s tags an SSO guide may use.
    const TOPICS: [&str; 4] = ["values", "attributes", "assign", "bring"];
    /// What a directory guide's copy boxes may name.
    const DIRECTORY_VALUES: [&str; 2] = ["scim_base_url", "scim_token"];
    /// `api::guide::GuideTopic`'s tags a directory guide may use (nothing is brought back).
    const DIRECTORY_TOPICS: [&str; 4] = ["values", "attributes", "assign", "start"];

    /// What a kind of guide may contain.
    struct Kind {
        values: &'static [&'static str],
        topics: &'static [&'static str],
        /// Whether a `{{bring ...}}` line is allowed (and then required).
        bring: bool,
    }

    const SSO: Kind = Kind {
        values: &VALUES,
        topics: &TOPICS,
        bring: true,
    };
    const DIRECTORY: Kind = Kind {
        values: &DIRECTORY_VALUES,
        topics: &DIRECTORY_TOPICS,
        bring: false,
    };

    /// `{{verb NAME "LABEL"}}` → (verb, name, label).
    fn placeholder(line: &str) -> Option<(String, String, String)> {
        let inner = line.trim().strip_prefix("{{")?.strip_suffix("}}")?;
        let (verb, rest) = inner.split_once(' ')?;
        let (name, label) = rest.split_once(' ')?;
        let label = label.trim().strip_prefix('"')?.strip_suffix('"')?;
        Some((verb.to_owned(), name.to_owned(), label.to_owned()))
    }

    /// `Title {#topic}` → (title, topic); the topic says which failures this step fixes
    /// (`api::guide::GuideTopic`).
    fn heading(text: &str, topics: &[&str]) -> Result<(String, Option<String>), String> {
        let text = text.trim();
        let Some((title, tag)) = text.strip_suffix('}').and_then(|t| t.rsplit_once("{#")) else {
            return Ok((text.to_owned(), None));
        };
        if !topics.contains(&tag) {
            return Err(format!("unknown topic {{#{tag}}} in: {text}"));
        }
        Ok((title.trim().to_owned(), Some(tag.to_owned())))
    }

    fn parse(key: &str, text: &str, kind: &Kind) -> Result<Value, String> {
        let mut lines = text.lines();
        let title = lines
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .ok_or("the first line must be `# Title`")?;
        let mut intro = String::new();
        let mut steps: Vec<(String, Option<String>, Vec<Value>, String)> = Vec::new();
        let mut bring = None;
        for line in lines {
            if let Some(step) = line.strip_prefix("## ") {
                let (title, topic) = heading(step, kind.topics)?;
                if topic.is_some() && steps.iter().any(|(_, t, _, _)| *t == topic) {
                    return Err(format!("topic tagged twice: {line}"));
                }
                steps.push((title, topic, Vec::new(), String::new()));
                continue;
            }
            let Some((_, _, blocks, pending)) = steps.last_mut() else {
                intro.push_str(line);
                intro.push('\n');
                continue;
            };
            if line.trim_start().starts_with("{{") {
                let (verb, name, label) =
                    placeholder(line).ok_or_else(|| format!("malformed placeholder: {line}"))?;
                if !pending.trim().is_empty() {
                    blocks.push(json!({ "html": html(pending) }));
                }
                pending.clear();
                match verb.as_str() {
                    "copy" if kind.values.contains(&name.as_str()) => {
                        blocks.push(json!({ "copy": { "value": name, "label": label } }))
                    }
                    "bring"
                        if kind.bring && METHODS.contains(&name.as_str()) && bring.is_none() =>
                    {
                        bring = Some(json!({ "method": name, "label": label }))
                    }
                    _ => return Err(format!("unknown or repeated placeholder: {line}")),
                }
            } else {
                pending.push_str(line);
                pending.push('\n');
            }
        }
        let steps: Vec<Value> = steps
            .into_iter()
            .map(|(title, topic, mut blocks, pending)| {
                if !pending.trim().is_empty() {
                    blocks.push(json!({ "html": html(&pending) }));
                }
                json!({ "title": title, "topic": topic, "blocks": blocks })
            })
            .collect();
        if steps.is_empty() {
            return Err("no `## ` steps".into());
        }
        let mut guide =
            json!({ "key": key, "title": title, "intro_html": html(&intro), "steps": steps });
        if kind.bring {
            guide["bring"] = bring.ok_or("no {{bring ...}} line")?;
        } else {
            // A SCIM guide hands over both values; a guide with neither is for a provider
            // without SCIM. One without the other is a mistake in the guide.
            let copies: Vec<&str> = guide["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| s["blocks"].as_array().into_iter().flatten())
                .filter_map(|b| b["copy"]["value"].as_str())
                .collect();
            let has = |v: &str| copies.contains(&v);
            if has("scim_base_url") != has("scim_token") {
                return Err(
                    "a directory guide copies both scim_base_url and scim_token, or neither".into(),
                );
            }
            guide["scim"] = Value::Bool(has("scim_base_url"));
        }
        Ok(guide)
    }

    /// Parses every guide of a folder, stopping the build on the first mistake.
    fn build_folder(dir: &str, kind: &Kind, out: &str) {
        let mut guides = Vec::new();
        for path in super::markdown_files(dir) {
            let key = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            match parse(key, &text, kind) {
                Ok(g) => guides.push(g),
                Err(e) => panic!("guide {}: {e}", path.display()),
            }
        }
        super::write_out(out, Value::Array(guides));
    }

    /// The SSO guides, `OUT_DIR/guides.json`.
    pub fn build() {
        build_folder("public/guides", &SSO, "guides.json");
    }

    /// The directory-sync guides, `OUT_DIR/directory_guides.json`.
    pub fn build_directory() {
        build_folder(
            "public/directory-guides",
            &DIRECTORY,
            "directory_guides.json",
        );
    }
}

#[cfg(feature = "server")]
mod dns_hosts {
    use super::html;
    use serde_json::{json, Value};

    /// What the browser fills in; anything else between `{{` and `}}` is a typo.
    const PLACEHOLDERS: [&str; 4] = ["host", "name", "value", "domain"];

    fn parse(key: &str, text: &str) -> Result<Value, String> {
        let (first, body) = text.split_once('\n').unwrap_or((text, ""));
        let name = first
            .strip_prefix("# ")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or("the first line must be `# Host name`")?;
        let mut rest = body;
        while let Some(start) = rest.find("{{") {
            let end = rest[start..].find("}}").ok_or("an unclosed `{{`")?;
            let inner = &rest[start + 2..start + end];
            if !PLACEHOLDERS.contains(&inner) {
                return Err(format!("unknown placeholder {{{{{inner}}}}}"));
            }
            rest = &rest[start + end + 2..];
        }
        if body.trim().is_empty() {
            return Err("no steps".into());
        }
        Ok(json!({ "key": key, "name": name, "html": html(body) }))
    }

    pub fn build() {
        let mut hosts = Vec::new();
        for path in super::markdown_files("public/dns-hosts") {
            let key = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            match parse(key, &text) {
                Ok(h) => hosts.push(h),
                Err(e) => panic!("DNS host guide {}: {e}", path.display()),
            }
        }
        // Listed by the name people know the host by, not by file name.
        hosts.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        super::write_out("dns_hosts.json", Value::Array(hosts));
    }
}
