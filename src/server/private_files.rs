//! Files only Portico's own user may read: the data directory (0700), the database with its
//! WAL and shared-memory files, and the secret key file (0600).
//!
//! SQLite creates `-wal` and `-shm` with the mode of the database file itself, so creating the
//! database 0600 before SQLite opens it is what keeps all three private. Files left looser by
//! an older version, a copy or a restore are tightened at start, with a log line saying so.

use std::io;
use std::path::Path;

/// Owner read and write only.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;
/// Owner only.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// Creates `dir` (and missing parents) owner-only. An existing directory is left as it is, as
/// the operator may have chosen a shared place on purpose; one that others can read is
/// reported, since the files inside are private anyway but their names are not.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    let existed = dir.is_dir();
    builder.create(dir)?;
    #[cfg(unix)]
    if existed {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(path = %dir.display(), mode = format!("{mode:o}"), "the data directory \
                is open to other users; run `chmod 700` on it");
        }
    }
    Ok(())
}

/// Makes sure `path` exists and is owner-only: created empty with mode 0600 when missing,
/// tightened when looser.
pub fn ensure_file(path: &Path) -> io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, FILE_MODE);
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => tighten(path),
        Err(e) => Err(e),
    }
}

/// Sets an existing file to 0600 when group or others have any access; a missing file is fine.
pub fn tighten(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE))?;
            tracing::warn!(path = %path.display(), was = format!("{mode:o}"), "made a private file \
                readable by its owner only (0600)");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Makes an SQLite database file private before it is opened: the file itself (created when
/// missing) and the `-wal`, `-shm` and `-journal` files a previous run may have left.
pub fn ensure_database(path: &Path) -> io::Result<()> {
    ensure_file(path)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        tighten(Path::new(&side))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_are_created_and_tightened_to_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b");
        ensure_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        let db = data.join("x.db");
        ensure_database(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
        // Looser files from before are tightened; their content is untouched.
        let wal = data.join("x.db-wal");
        std::fs::write(&wal, b"kept").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o664)).unwrap();
        ensure_database(&db).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
        assert_eq!(std::fs::read(&wal).unwrap(), b"kept");
        // Stricter is left alone.
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
        tighten(&db).unwrap();
        assert_eq!(mode(&db), 0o400);
    }
}
