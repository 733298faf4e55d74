//! The command line contract: exit codes, dry-run writing nothing, errors that
//! name the file while the other files are still processed, JSON output.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

const OLD_RUNTIME: &str = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\n";
const ATHENA: &str = "Resources:\n  WG:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        EnforceWorkGroupConfiguration: true\n        ResultConfigurationUpdates:\n          OutputLocation: s3://b/\n";

fn iac_fix(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("iac-fix").unwrap();
    c.current_dir(dir);
    c
}

#[test]
fn dry_run_prints_a_diff_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), ATHENA).unwrap();
    let out = iac_fix(dir.path())
        .args(["--dry-run", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("--- a/t.yaml\n+++ b/t.yaml\n"), "{stdout}");
    assert!(
        stdout.contains("+        ResultConfiguration:\n"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("t.yaml")).unwrap(),
        ATHENA
    );
}

#[test]
fn write_mode_applies_safe_fixes_only_unless_unsafe() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, format!("{OLD_RUNTIME}  WG:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        EnforceWorkGroupConfiguration: true\n        ResultConfigurationUpdates: {{}}\n")).unwrap();
    // The review fix (runtime) is left: a finding remains, exit 1 (ruff's convention).
    iac_fix(dir.path()).arg("t.yaml").assert().code(1);
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("nodejs16.x") && text.contains("ResultConfiguration: {}"),
        "{text}"
    );
    // The function names no role: lambda-tracing reports it without a fix (Lambda rejects
    // active tracing unless the role allows the X-Ray writes), which would keep exit 1.
    iac_fix(dir.path())
        .args(["--unsafe", "--skip", "lambda-tracing", "t.yaml"])
        .assert()
        .code(0);
    assert!(fs::read_to_string(&path)
        .unwrap()
        .contains("Runtime: nodejs24.x"));
    // A second run finds nothing left to change.
    iac_fix(dir.path())
        .args([
            "--dry-run",
            "--unsafe",
            "--skip",
            "lambda-tracing",
            "t.yaml",
        ])
        .assert()
        .code(0);
}

#[test]
fn transform_and_skip_select_transforms() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("t.yaml"),
        format!("{OLD_RUNTIME}{}", &ATHENA["Resources:\n".len()..]),
    )
    .unwrap();
    let out = iac_fix(dir.path())
        .args(["--dry-run", "--unsafe", "-t", "lambda-runtime-upgrade", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("+      Runtime: nodejs24.x")
            && !stdout.contains("+        ResultConfiguration:"),
        "{stdout}"
    );
    let out = iac_fix(dir.path())
        .args([
            "--dry-run",
            "--unsafe",
            "--skip",
            "lambda-runtime-upgrade",
            ".",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("nodejs24.x") && stdout.contains("+        ResultConfiguration:"),
        "{stdout}"
    );
    iac_fix(dir.path())
        .args(["-t", "no-such-transform", "."])
        .assert()
        .code(2);
}

#[test]
fn broken_and_non_utf8_files_are_reported_and_the_rest_still_fixed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("broken.json"), "{\"Resources\": {\"A\": ").unwrap();
    fs::write(
        dir.path().join("latin1.yaml"),
        b"Resources:\n  A:\n    Type: \xe9t\xe9\n",
    )
    .unwrap();
    fs::write(dir.path().join("good.yaml"), ATHENA).unwrap();
    let out = iac_fix(dir.path()).arg(".").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error: broken.json: does not parse: JSON syntax error"),
        "{stderr}"
    );
    assert!(stderr.contains("error: latin1.yaml: not UTF-8"), "{stderr}");
    assert_eq!(
        fs::read(dir.path().join("latin1.yaml")).unwrap(),
        b"Resources:\n  A:\n    Type: \xe9t\xe9\n"
    );
    assert!(fs::read_to_string(dir.path().join("good.yaml"))
        .unwrap()
        .contains("ResultConfiguration:"));
}

#[test]
fn json_report_has_files_errors_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), OLD_RUNTIME).unwrap();
    fs::write(dir.path().join("bad.yaml"), "Resources: [\n").unwrap();
    let out = iac_fix(dir.path())
        .args([
            "--dry-run",
            "--format",
            "json",
            "--skip",
            "lambda-dead-letter-queue,lambda-tracing",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let fix = &v["files"][0]["fixes"][0];
    assert_eq!(v["files"][0]["path"], "t.yaml");
    assert_eq!(v["files"][0]["flavor"], "cfn-yaml");
    assert_eq!(
        (
            fix["transform"].as_str(),
            fix["applicability"].as_str(),
            fix["applied"].as_bool()
        ),
        (Some("lambda-runtime-upgrade"), Some("review"), Some(false))
    );
    assert_eq!(
        (fix["line"].as_u64(), fix["column"].as_u64()),
        (Some(5), Some(16))
    );
    assert_eq!(v["errors"][0]["path"], "bad.yaml");
    assert_eq!(v["summary"]["files_scanned"], 1);
    assert_eq!(v["summary"]["fixes_pending"], 1);
}

#[test]
fn unrelated_empty_and_huge_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}").unwrap();
    fs::write(dir.path().join("empty.yaml"), "").unwrap();
    fs::write(dir.path().join("empty.ts"), "").unwrap();
    fs::create_dir(dir.path().join("node_modules")).unwrap();
    fs::write(dir.path().join("node_modules/t.yaml"), ATHENA).unwrap();
    let mut huge = String::from("Resources:\n");
    for i in 0..3_000 {
        huge.push_str(&format!("  Fn{i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: x # {i}\n"));
    }
    huge.push_str(
        "  Old:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.8\n",
    );
    fs::write(dir.path().join("huge.yaml"), &huge).unwrap();
    let out = iac_fix(dir.path())
        .args([
            "--unsafe",
            "--skip",
            "lambda-dead-letter-queue,lambda-tracing",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = fs::read_to_string(dir.path().join("huge.yaml")).unwrap();
    // python3.8 was deprecated on 2024-10-14 (cfn-lint 1.58.0); its successor is python3.14.
    let want = huge.replace("Runtime: python3.8", "Runtime: python3.14");
    let first_diff = fixed.bytes().zip(want.bytes()).position(|(a, b)| a != b);
    assert!(
        fixed == want,
        "huge.yaml differs at byte {first_diff:?} (len {} vs {})",
        fixed.len(),
        want.len()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("node_modules/t.yaml")).unwrap(),
        ATHENA
    );
}

#[cfg(unix)]
#[test]
fn writes_keep_file_mode_and_symlinks() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    fs::write(&real, ATHENA).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    symlink(&real, dir.path().join("link.yaml")).unwrap();
    iac_fix(dir.path()).arg("link.yaml").assert().code(0);
    assert!(fs::symlink_metadata(dir.path().join("link.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&real)
        .unwrap()
        .contains("ResultConfiguration:"));
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn list_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let out = iac_fix(dir.path())
        .arg("--list-transforms")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("lambda-runtime-upgrade") && stdout.contains("athena-result-configuration")
    );
    let out = iac_fix(dir.path())
        .args(["--explain", "lambda-runtime-upgrade"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("## Why")
            && stdout.contains("W2531")
            && stdout.contains("nodejs = \"successor\"")
            && stdout.contains("as-of = \"today\"")
            && stdout.contains("1.58.0"),
        "{stdout}"
    );
    iac_fix(dir.path())
        .args(["--explain", "nope"])
        .assert()
        .code(2);
}

#[test]
fn explain_cfn_lint_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = iac_fix(dir.path())
        .args(["--explain", "cfn-lint"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("| W3005 | `cfn-redundant-depends-on` |"),
        "{stdout}"
    );
    let out = iac_fix(dir.path())
        .args(["--explain", "W3691"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("cfn-lint W3691 is fixed by: rds-engine-version")
            && stdout.contains("## Why"),
        "{stdout}"
    );
    iac_fix(dir.path())
        .args(["--explain", "W9999"])
        .assert()
        .code(2);
}

/// A logical-id rename goes in a pass of its own: a bucket policy another transform adds
/// in the same run names the new id, not the old one (it named `my_bucket`, which the
/// rename had just removed, and the template failed).
#[test]
fn a_rename_and_a_new_resource_naming_it_do_not_share_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(
        &path,
        "Resources:\n  my_bucket:\n    Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    iac_fix(dir.path())
        .args(["-t", "cfn-logical-id,s3-enforce-ssl", "t.yaml"])
        .assert()
        .code(0);
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("my_bucket"), "{text}");
    assert!(
        text.contains("  MyBucket:\n") && text.contains("Ref: MyBucket"),
        "{text}"
    );
    assert_eq!(text.matches("AWS::S3::BucketPolicy").count(), 1, "{text}");
}

/// Encryption a deploy or another account may not survive is never safe: a stream shared
/// by a resource policy, domains on the Elasticsearch engine (left as review findings).
#[test]
fn encryption_of_shared_streams_and_old_domains_is_review() {
    let dir = tempfile::tempdir().unwrap();
    let input = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/encryption-at-rest/cfn-review-kinesis-es.yaml"),
    )
    .unwrap();
    fs::write(dir.path().join("t.yaml"), &input).unwrap();
    iac_fix(dir.path())
        .args(["-t", "encryption-at-rest", "t.yaml"])
        .assert()
        .code(1);
    assert_eq!(
        fs::read_to_string(dir.path().join("t.yaml")).unwrap(),
        input
    );
}
