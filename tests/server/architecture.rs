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

/// The module a file is (`src/server/http/sso.rs` → `server::http::sso`; `mod.rs` names its
/// folder).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .skip(1) // src
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The files each file under `dirs` refers to by `crate::…`, `super::…` or `self::…` paths in
/// its code (not its comments, not its `#[cfg(test)] mod tests` block), as module paths.
fn file_graph(dirs: &[&str]) -> std::collections::BTreeMap<Vec<String>, Vec<Vec<String>>> {
    use std::collections::{BTreeMap, BTreeSet};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeMap::new();
    for dir in dirs {
        for path in rust_files(&root.join(dir)) {
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text
                .split("#[cfg(test)]\nmod tests {")
                .next()
                .unwrap_or("")
                .to_owned();
            files.insert(module_of(&rel), text);
        }
    }
    let known: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, text) in &files {
        let mut deps = BTreeSet::new();
        let code: String = text.lines().map(|l| format!("{}\n", code(l))).collect();
        // Every path that starts at crate, super or self, with `{a, b::c}` groups expanded.
        let bytes: Vec<char> = code.chars().collect();
        let mut i = 0;
        while i < bytes.len() {
            let rest: String = bytes[i..bytes.len().min(i + 6)].iter().collect();
            let boundary = i == 0
                || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
            if boundary
                && (rest.starts_with("crate:")
                    || rest.starts_with("super:")
                    || rest.starts_with("self::"))
            {
                let mut j = i;
                while j < bytes.len()
                    && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
                {
                    j += 1;
                }
                let head: String = bytes[i..j].iter().collect();
                let mut paths = vec![head.trim_end_matches(':').to_owned()];
                if head.ends_with("::") && bytes.get(j) == Some(&'{') {
                    let close = bytes[j..]
                        .iter()
                        .position(|c| *c == '}')
                        .map_or(bytes.len(), |p| j + p);
                    let group: String = bytes[j + 1..close].iter().collect();
                    for item in group.split(',') {
                        let item = item.split(" as ").next().unwrap_or("").trim();
                        if !item.is_empty() {
                            paths.push(format!("{head}{item}"));
                        }
                    }
                    j = close;
                }
                for p in paths {
                    let mut segments: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
                    let mut base: Vec<String> = Vec::new();
                    match segments.first().copied() {
                        Some("crate") => {
                            segments.remove(0);
                        }
                        Some("self") => {
                            base = module.clone();
                            segments.remove(0);
                        }
                        Some("super") => {
                            base = module.clone();
                            while segments.first() == Some(&"super") {
                                base.pop();
                                segments.remove(0);
                            }
                        }
                        _ => continue,
                    }
                    // The longest prefix that is a file of ours.
                    for n in (1..=segments.len()).rev() {
                        let mut target = base.clone();
                        target.extend(segments[..n].iter().map(|s| s.to_string()));
                        if known.contains(&target) {
                            if &target != module {
                                deps.insert(target);
                            }
                            break;
                        }
                    }
                }
                i = j.max(i + 1);
            } else {
                i += 1;
            }
        }
        graph.insert(module.clone(), deps.into_iter().collect());
    }
    graph
}

/// Groups of files that import each other, directly or around a loop (Tarjan's algorithm).
fn cycles(graph: &std::collections::BTreeMap<Vec<String>, Vec<Vec<String>>>) -> Vec<Vec<String>> {
    use std::collections::BTreeMap;
    struct Walk<'a> {
        graph: &'a BTreeMap<Vec<String>, Vec<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a Vec<String>) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for d in w.graph.get(v).into_iter().flatten() {
            let Some((d, _)) = w.graph.get_key_value(d) else {
                continue;
            };
            if !w.index.contains_key(d) {
                visit(w, d);
                let l = w.low[d].min(w.low[v]);
                w.low.insert(v, l);
            } else if w.stack.contains(&d) {
                let l = w.index[d].min(w.low[v]);
                w.low.insert(v, l);
            }
        }
        if w.low[v] == w.index[v] {
            let mut group = Vec::new();
            while let Some(x) = w.stack.pop() {
                group.push(x.join("::"));
                if x == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                w.found.push(group);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.found
}

#[test]
fn no_file_of_the_server_the_wire_types_or_the_client_imports_itself_around_a_loop() {
    for dirs in [&["src/server"][..], &["src/api"][..], &["src/client"][..]] {
        let graph = file_graph(dirs);
        assert!(
            graph.len() > 10,
            "{dirs:?}: only {} files read",
            graph.len()
        );
        let found = cycles(&graph);
        assert!(found.is_empty(), "import cycles in {dirs:?}: {found:?}");
    }
}

#[test]
fn the_cycle_check_finds_a_loop_and_passes_a_line() {
    use std::collections::BTreeMap;
    let m = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
    let mut g = BTreeMap::new();
    g.insert(m("server::a"), vec![m("server::b")]);
    g.insert(m("server::b"), vec![m("server::c")]);
    g.insert(m("server::c"), vec![m("server::a")]);
    g.insert(m("server::d"), vec![m("server::a")]);
    assert_eq!(
        cycles(&g),
        vec![vec![
            "server::a".to_owned(),
            "server::b".to_owned(),
            "server::c".to_owned()
        ]]
    );
    g.insert(m("server::c"), vec![]);
    assert!(cycles(&g).is_empty());
    // The graph reader sees `super::` and grouped paths, as the server's files write them.
    let graph = file_graph(&["src/server"]);
    let sso = graph
        .get(&m("server::http::sso"))
        .expect("http/sso.rs is read");
    assert!(!sso.is_empty(), "http/sso.rs imports nothing? {sso:?}");
}
