//! The `portico` binary: the browser app under `csr`, the server and its command line under `server`.

#[cfg(feature = "csr")]
fn main() {
    portico::client::mount();
}

#[cfg(feature = "server")]
fn main() -> std::process::ExitCode {
    portico::server::cli::main(portico::server::http::serve)
}

#[cfg(not(any(feature = "csr", feature = "server")))]
fn main() {
    eprintln!("build with `--features server` (the server) or through Trunk (`--features csr`)");
}
