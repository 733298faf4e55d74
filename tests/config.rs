//! Hierarchical configuration (issue 18): the nearest `iac-fix.toml` governs each file,
//! `extend` shares settings field by field, `--config` forces one file for all, and
//! errors name the file (exit 2).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn iac_fix(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iac-fix"));
    c.current_dir(dir);
    c
}

fn runtime_template() -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/lambda-runtime-upgrade/cfn-runtime.json"),
    )
    .unwrap()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A repository holding a root project and two sub-projects with their own files:
/// `team-a` extends the root (one option overridden), `team-b` stands alone.
fn monorepo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let t = runtime_template();
    for f in [
        "fn.json",
        "team-a/fn.json",
        "team-b/fn.json",
        "team-a/gen/fn.json",
    ] {
        write(&repo.join(f), &t);
    }
    write(
        &repo.join("iac-fix.toml"),
        "[transforms]\nselect = [\"lambda-runtime-upgrade\"]\nunsafe = true\nexclude = [\"**/gen/**\"]\n\
         [transform.lambda-runtime-upgrade]\nnodejs = \"nodejs22.x\"\npython = \"python3.13\"\n",
    );
    write(
        &repo.join("team-a/iac-fix.toml"),
        "extend = \"../iac-fix.toml\"\n[transform.lambda-runtime-upgrade]\nnodejs = \"nodejs24.x\"\n",
    );
    write(
        &repo.join("team-b/iac-fix.toml"),
        "[transforms]\nselect = [\"athena-result-configuration\"]\n",
    );
    (tmp, repo)
}

/// The JSON report's diff per file (relative to the working folder).
fn diffs(dir: &Path, args: &[&str]) -> (serde_json::Value, std::process::Output) {
    let out = iac_fix(dir)
        .args(["--dry-run", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (report, out)
}

fn diff_of<'r>(report: &'r serde_json::Value, path: &str) -> Option<&'r str> {
    report["files"]
        .as_array()?
        .iter()
        .find(|f| f["path"] == path)
        .and_then(|f| f["diff"].as_str())
}

#[test]
fn each_file_is_fixed_with_its_nearest_configuration() {
    let (tmp, _repo) = monorepo();
    // Run from outside the repository: the search starts at each file.
    let (report, out) = diffs(tmp.path(), &["repo"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let root = diff_of(&report, "repo/fn.json").expect(&stderr);
    assert!(
        root.contains("+        \"Runtime\": \"nodejs22.x\""),
        "{root}"
    );
    // team-a extends the root: its own nodejs, the root's select and unsafe.
    let a = diff_of(&report, "repo/team-a/fn.json").expect(&stderr);
    assert!(a.contains("+        \"Runtime\": \"nodejs24.x\""), "{a}");
    // team-b selects another transform only: its template is not touched.
    assert_eq!(diff_of(&report, "repo/team-b/fn.json"), None, "{report}");
    // The root's exclude (inherited by team-a through extend) leaves gen/ out.
    assert!(diff_of(&report, "repo/team-a/gen/fn.json").is_none());
    assert_eq!(report["summary"]["files_scanned"], 3, "{report}");

    // A file named directly, from inside a sub-project, gets the same settings.
    let (report, _) = diffs(&tmp.path().join("repo/team-a"), &["fn.json"]);
    assert!(diff_of(&report, "fn.json").unwrap().contains("nodejs24.x"));

    // --config forces one file for every path.
    let (report, _) = diffs(tmp.path(), &["--config", "repo/iac-fix.toml", "repo"]);
    for f in ["repo/fn.json", "repo/team-a/fn.json", "repo/team-b/fn.json"] {
        let d = diff_of(&report, f).unwrap_or_else(|| panic!("{f}: {report}"));
        assert!(
            d.contains("+        \"Runtime\": \"nodejs22.x\""),
            "{f}: {d}"
        );
    }
}

#[test]
fn project_facts_span_sub_projects() {
    // Facts are gathered over the whole run, whatever configuration governs a file:
    // the scan indexes every file once (a smoke test through the library).
    let (_tmp, repo) = monorepo();
    let resolver = iac_fix::config::Resolver::nearest(iac_fix::transforms::REGISTRY);
    let (processed, errors) = iac_fix::cli::scan(
        std::slice::from_ref(&repo),
        &resolver,
        &iac_fix::fixer::Settings::default(),
        false,
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(processed.len(), 3);
    let a = processed
        .iter()
        .find(|p| p.path.ends_with("team-a/fn.json"))
        .unwrap();
    assert!(a.outcome.fixed.contains("nodejs24.x"));
}

#[test]
fn extend_cycles_and_bad_nested_files_are_errors_naming_the_files() {
    let (tmp, repo) = monorepo();
    write(
        &repo.join("team-b/iac-fix.toml"),
        "extend = \"../team-c/iac-fix.toml\"\n",
    );
    write(
        &repo.join("team-c/iac-fix.toml"),
        "extend = \"../team-b/iac-fix.toml\"\n",
    );
    let (report, out) = diffs(tmp.path(), &["repo"]);
    assert_eq!(out.status.code(), Some(2));
    let errors = report["errors"].to_string();
    assert!(
        errors.contains("cycle")
            && errors.contains("team-b/iac-fix.toml")
            && errors.contains("team-c/iac-fix.toml"),
        "{errors}"
    );
    // Reported once, and the other sub-projects are still fixed.
    assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{errors}");
    assert!(diff_of(&report, "repo/team-a/fn.json").is_some());

    // An option value the transform cannot use: the key and the file.
    write(
        &repo.join("team-b/iac-fix.toml"),
        "[transform.lambda-runtime-upgrade]\nnodejs = \"nodejs24\"\n",
    );
    let out = iac_fix(&repo.join("team-b"))
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("iac-fix.toml")
            && stderr.contains("transform.lambda-runtime-upgrade.nodejs"),
        "{stderr}"
    );
}
