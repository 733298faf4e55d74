//! The write guarantees of `files::write_atomic`: nothing is overwritten that
//! changed since it was read, read-only files are refused, no temp file is left.

use iac_fix::files::{write_atomic, FileError};
use std::fs;

#[test]
fn a_file_changed_since_it_was_read_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, "edited by someone else\n").unwrap();
    let err = write_atomic(&path, "what we read\n", "our fix\n").unwrap_err();
    assert!(
        matches!(err, FileError::Write(ref m) if m.contains("changed on disk")),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "edited by someone else\n"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp file left behind"
    );
}

#[test]
fn a_read_only_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, "old\n").unwrap();
    let mut perms = fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&path, perms).unwrap();
    let err = write_atomic(&path, "old\n", "new\n").unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
}

#[test]
fn a_write_replaces_the_content_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, "old\n").unwrap();
    write_atomic(&path, "old\n", "new\n").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}
