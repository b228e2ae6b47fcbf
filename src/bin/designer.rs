//! The designer's app: the theme editor and its preview's sample screens, as their own wasm
//! module, so that no admin downloads them (index.html builds it; the page's loader in
//! Trunk.toml starts it for `/theme` and `/theme/preview`).

#[cfg(target_arch = "wasm32")]
fn main() {
    portico::client::mount_designer();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the designer's app is built for the browser by Trunk (index.html)");
}
