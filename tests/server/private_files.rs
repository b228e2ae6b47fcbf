//! The data directory, the database with its WAL files and the key file are private to
//! Portico's user.

use super::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The permission bits, in octal as `ls` and `chmod` say them.
fn mode(p: &Path) -> String {
    format!(
        "{:o}",
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    )
}

/// Builds the state the way `portico serve` does, on `data` with its own key file.
async fn state_on(data: &Path) -> AppState {
    let mut settings = Settings::for_tests(data.to_path_buf());
    settings.secret_key = None;
    let clock = Arc::new(TestClock(AtomicI64::new(T0)));
    build_state(settings, clock).await.unwrap()
}

/// A write, so SQLite has its WAL and shared-memory files open.
async fn write_something(state: &AppState) {
    portico::server::service::ensure_environment(state.store.as_ref(), "staging", T0)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_data_directory_and_its_database_files_are_owner_only() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("portico-data");
    let state = state_on(&data).await;
    write_something(&state).await;
    assert_eq!(mode(&data), "700", "data directory");
    for name in [
        "portico.db",
        "portico.db-wal",
        "portico.db-shm",
        "secret.key",
    ] {
        assert_eq!(mode(&data.join(name)), "600", "{name}");
    }
}

#[tokio::test]
async fn looser_files_from_before_are_tightened_at_start() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("portico-data");
    // A first run leaves its files (it is still running: the WAL files exist), then someone
    // opened them up, as an older version or a restore from backup would have.
    let first = state_on(&data).await;
    write_something(&first).await;
    for name in [
        "portico.db",
        "portico.db-wal",
        "portico.db-shm",
        "secret.key",
    ] {
        std::fs::set_permissions(data.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let second = state_on(&data).await;
    for name in [
        "portico.db",
        "portico.db-wal",
        "portico.db-shm",
        "secret.key",
    ] {
        assert_eq!(mode(&data.join(name)), "600", "{name}");
    }
    // Same data, same key: nothing but the modes changed.
    assert!(second
        .store
        .environment_by_name("staging")
        .await
        .unwrap()
        .is_some());
    drop(first);
}
