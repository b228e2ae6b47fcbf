//! The three walls between layers, checked by reading the source: wire types (`src/api`) and
//! pure logic (`src/core`) import neither the client nor the server, and no server module
//! outside `src/server/http/` imports the HTTP layer (domain code returns
//! `server::error::Error`; only `http/` turns it into a response).

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted so failures read the same on every machine.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a line, without its `//` comment (doc comments may name other layers).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Whether a use statement or line starts a `use` (whose groups may span lines).
fn starts_use(code: &str) -> bool {
    let t = code.trim_start();
    t.starts_with("use ") || t.starts_with("pub use ") || t.starts_with("pub(crate) use ")
}

/// `file:line: text` for each line of the files under `dir` (minus `skip`) that `bad` flags.
fn offenders(dir: &str, skip: Option<&str>, bad: impl Fn(&Path, &str) -> bool) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for path in rust_files(&root.join(dir)) {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if skip.is_some_and(|s| rel.starts_with(s)) {
            continue;
        }
        let file = Path::new(&rel);
        let text = std::fs::read_to_string(&path).unwrap();
        // A `use` may span lines (`use crate::server::{\n    http,\n};`): each line is checked,
        // and so is each whole `use` statement joined onto one line.
        let mut statement = String::new();
        let mut start = 0;
        for (n, line) in text.lines().enumerate() {
            let c = code(line);
            let flagged = bad(file, c);
            if flagged {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
            if statement.is_empty() && starts_use(c) {
                start = n;
            }
            if !statement.is_empty() || starts_use(c) {
                statement.push_str(c.trim());
                statement.push(' ');
                if c.contains(';') {
                    if !flagged && n > start && bad(file, &statement) {
                        found.push(format!("{rel}:{}: {}", start + 1, statement.trim()));
                    }
                    statement.clear();
                }
            }
        }
    }
    found
}

/// The text before the `{` of the innermost group still open at the end of `before`, if any.
fn group_prefix(before: &str) -> Option<&str> {
    let mut depth = 0;
    for (i, c) in before.char_indices().rev() {
        match c {
            '}' => depth += 1,
            '{' if depth == 0 => return Some(&before[..i]),
            '{' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Whether `compact` (no whitespace) names the path `root::name` at `name`'s occurrences,
/// directly (`crate::server::...`) or as an item of a group (`crate::{api::X, server::Y}`).
fn names_under(compact: &str, roots: &[&str], name: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    compact.match_indices(name).any(|(i, _)| {
        let before = &compact[..i];
        let after = compact[i + name.len()..].chars().next();
        if after.is_some_and(ident) || before.chars().next_back().is_some_and(ident) {
            return false;
        }
        let under = |prefix: &str| roots.iter().any(|r| prefix.ends_with(r));
        under(before)
            || ((before.ends_with('{') || before.ends_with(','))
                && group_prefix(before).is_some_and(under))
    })
}

/// Whether a line of a server module outside `http/` reaches into the HTTP layer.
fn imports_http_layer(file: &Path, line: &str) -> bool {
    let compact: String = line.split_whitespace().collect();
    let layer = names_under(&compact, &["server::", "super::", "self::"], "http");
    // In `server/mod.rs` a bare `http::` is the child module (elsewhere it is the `http` crate).
    let in_parent = file == Path::new("src/server/mod.rs")
        && compact.match_indices("http::").any(|(i, _)| {
            compact[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
        });
    layer || in_parent
}

/// Whether a line of `src/api` or `src/core` imports the client or the server.
fn imports_a_side(_file: &Path, line: &str) -> bool {
    let compact: String = line.split_whitespace().collect();
    let roots = ["crate::", "portico::", "super::"];
    names_under(&compact, &roots, "client") || names_under(&compact, &roots, "server")
}

#[test]
fn server_modules_below_http_do_not_import_it() {
    let found = offenders("src/server", Some("src/server/http/"), imports_http_layer);
    assert!(
        found.is_empty(),
        "modules outside src/server/http/ import the HTTP layer (return server::error::Error \
         and move handlers into http/):\n{}",
        found.join("\n")
    );
}

#[test]
fn wire_types_and_core_import_neither_client_nor_server() {
    let mut found = offenders("src/api", None, imports_a_side);
    found.extend(offenders("src/core", None, imports_a_side));
    assert!(
        found.is_empty(),
        "src/api and src/core must not depend on the client or the server:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_catch_what_they_guard_against() {
    let domain = Path::new("src/server/theme.rs");
    for line in [
        "use crate::server::http::error::ApiError;",
        "use super::http::site::Site;",
        "    let s = crate::server::http::site::preferred(state, id).await?;",
        "use crate::server::{http, store};",
        "use super::{store, http::session};",
        "use portico::server::http::router;",
    ] {
        assert!(imports_http_layer(domain, line), "missed: {line}");
    }
    assert!(imports_http_layer(
        Path::new("src/server/mod.rs"),
        "pub assets: Arc<http::assets::Assets>,"
    ));
    for line in [
        "use axum::http::{header, HeaderValue};",
        "    req: http::Request<Vec<u8>>,",
        "use crate::server::http_client;",
    ] {
        assert!(!imports_http_layer(domain, line), "false alarm: {line}");
    }
    let wire = Path::new("src/api/theme.rs");
    for line in [
        "use crate::server::store::StoreError;",
        "use crate::client::api::get;",
        "use super::super::server::AppState;",
        "use crate::{api::ErrorCode, server::AppState};",
    ] {
        assert!(imports_a_side(wire, line), "missed: {line}");
    }
    for line in [
        "use crate::core::theme;",
        "use super::ErrorCode;",
        "use crate::api::serverless;",
    ] {
        assert!(!imports_a_side(wire, line), "false alarm: {line}");
    }
}
