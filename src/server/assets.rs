//! The built portal: from the copy inside the binary, or from a `dist/` folder in development.
//! Serving it over HTTP is `http::assets`.

use std::borrow::Cow;
use std::path::PathBuf;

/// The portal as built by `trunk build --release` when the server was compiled.
#[derive(rust_embed::RustEmbed)]
#[folder = "dist"]
#[allow_missing = true]
struct Embedded;

/// Where the portal's files come from.
pub enum Assets {
    /// Inside the binary.
    Embedded,
    /// A folder on disk.
    Folder(PathBuf),
}

impl Assets {
    /// A file's bytes by its path inside the build, if it exists.
    pub fn get(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            Assets::Embedded => Embedded::get(path).map(|f| f.data),
            Assets::Folder(dir) => {
                if path
                    .split('/')
                    .any(|seg| seg == ".." || seg.starts_with('.'))
                {
                    return None;
                }
                std::fs::read(dir.join(path)).ok().map(Cow::Owned)
            }
        }
    }

    /// Whether an `index.html` is available at all.
    pub fn has_index(&self) -> bool {
        self.get("index.html").is_some()
    }
}
