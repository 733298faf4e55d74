//! The workflow around the fixes: `iac-fix pr` against a real bare repository,
//! SARIF output, `iac-fix.toml`, completions.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(rel),
    )
    .unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Commit `files` (path in the work tree, contents) in `work`, a fresh clone or
/// repository, on a new branch `main`.
fn commit_files(work: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let path = work.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    git(work, &["checkout", "--quiet", "-b", "main"]);
    git(work, &["add", "."]);
    git(work, &["commit", "--quiet", "-m", "init"]);
}

/// A bare `remote.git` and a clone `work` holding two templates, committed and pushed.
fn repo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tmp.path().join("remote.git");
    let work = tmp.path().join("work");
    git(tmp.path(), &["init", "--quiet", "--bare", "remote.git"]);
    git(tmp.path(), &["clone", "--quiet", "remote.git", "work"]);
    commit_files(
        &work,
        &[
            (
                "templates/fn.json",
                fixture("lambda-runtime-upgrade/cfn-runtime.json"),
            ),
            (
                "templates/keys.yaml",
                fixture("kms-alias-split/cfn-alias-name.yaml"),
            ),
            ("README.md", "demo\n".to_string()),
        ],
    );
    git(&work, &["push", "--quiet", "-u", "origin", "main"]);
    (tmp, remote, work)
}

/// `out` exited 0 (its stderr shown when not).
fn assert_success(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn iac_fix(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("iac-fix").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1");
    c
}

#[test]
fn pr_commits_per_transform_pushes_and_returns_clean() {
    let (tmp, remote, work) = repo();
    let body = tmp.path().join("body.md");
    let out = iac_fix(&work)
        // removal-policy would give the key of keys.yaml a `DeletionPolicy`, lambda-tracing
        // the functions X-Ray and sns-sqs-enforce-ssl the new dead-letter queues a policy:
        // the expectations below are about the other transforms' commits.
        .args([
            "pr",
            "--unsafe",
            "--skip",
            "removal-policy,lambda-tracing,sns-sqs-enforce-ssl",
            "--branch",
            "iac-fix/test",
            "--push",
            "origin",
            "--body-file",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert_success(&out);
    // Back on main, clean, untouched.
    assert_eq!(
        git(&work, &["symbolic-ref", "--short", "HEAD"]).trim(),
        "main"
    );
    assert_eq!(git(&work, &["status", "--porcelain"]), "");
    assert_eq!(
        fs::read_to_string(work.join("templates/fn.json")).unwrap(),
        fixture("lambda-runtime-upgrade/cfn-runtime.json")
    );
    // The remote has the branch: one commit per transform on top of init.
    let log = git(&remote, &["log", "--format=%s", "iac-fix/test"]);
    let subjects: Vec<&str> = log.lines().collect();
    assert_eq!(subjects.len(), 4, "init + three transforms: {log}");
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("iac-fix(lambda-dead-letter-queue): ")),
        "{log}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("iac-fix(kms-alias-split): ") && s.ends_with("(3 fixes)")),
        "{log}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("iac-fix(lambda-runtime-upgrade): ")),
        "{log}"
    );
    // The branch holds the fixed files.
    let fixed = git(&remote, &["show", "iac-fix/test:templates/keys.yaml"]);
    assert_eq!(
        fixed,
        fixture("kms-alias-split/cfn-alias-name.expected.yaml")
    );
    let body = fs::read_to_string(body).unwrap();
    assert!(
        body.contains("| `kms-alias-split` | review | 3 | 1 |"),
        "{body}"
    );
    assert!(
        body.contains("`templates/keys.yaml:16` **(review)**"),
        "{body}"
    );
}

#[test]
fn pr_refuses_a_dirty_tree_and_does_nothing_when_clean() {
    let (_tmp, _remote, work) = repo();
    fs::write(work.join("README.md"), "edited\n").unwrap();
    let out = iac_fix(&work).args(["pr"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("uncommitted changes"));
    assert_eq!(git(&work, &["branch", "--list", "iac-fix/*"]), "");
    git(&work, &["checkout", "--quiet", "--", "README.md"]);
    // Only safe fixes and none apply to README / these templates' safe set: no branch.
    let out = iac_fix(&work)
        .args(["pr", "-t", "athena-result-configuration"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing to fix"));
    assert_eq!(git(&work, &["branch", "--list", "iac-fix/*"]), "");
}

#[test]
fn pr_runs_transforms_again_on_what_later_commits_added() {
    // `removal-policy` runs before `s3-access-logging`, whose commit adds an access-log
    // bucket without a removal policy: a second round gives it one, so the branch holds
    // nothing left to fix.
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    git(tmp.path(), &["init", "--quiet", "work"]);
    commit_files(
        &work,
        &[("lib/stack.ts", fixture("s3-access-logging/cdk-buckets.ts"))],
    );
    let body = tmp.path().join("body.md");
    let out = iac_fix(&work)
        .args([
            "pr",
            "--unsafe",
            "-t",
            "removal-policy,s3-access-logging",
            "--branch",
            "iac-fix/rounds",
            "--body-file",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert_success(&out);
    let log = git(&work, &["log", "--format=%s", "main..iac-fix/rounds"]);
    let subjects: Vec<&str> = log.lines().rev().collect();
    assert_eq!(subjects.len(), 3, "{log}");
    assert!(
        subjects[0].starts_with("iac-fix(removal-policy): "),
        "{log}"
    );
    assert!(
        subjects[1].starts_with("iac-fix(s3-access-logging): "),
        "{log}"
    );
    assert!(
        subjects[2].starts_with("iac-fix(removal-policy): ") && subjects[2].ends_with("(1 fix)"),
        "{log}"
    );
    // The description has one row and one section per transform.
    let body = fs::read_to_string(body).unwrap();
    assert_eq!(body.matches("| `removal-policy` |").count(), 1, "{body}");
    assert_eq!(body.matches("### `removal-policy`").count(), 1, "{body}");
    assert!(body.contains("one per transform and round"), "{body}");
    assert!(
        body.contains("Round 2, after the other transforms' commits"),
        "{body}"
    );
    // On the branch, the same selection finds nothing more to fix.
    git(&work, &["checkout", "--quiet", "iac-fix/rounds"]);
    let again = iac_fix(&work)
        .args(["--unsafe", "-t", "removal-policy,s3-access-logging", "."])
        .output()
        .unwrap();
    assert_success(&again);
    assert_eq!(git(&work, &["status", "--porcelain"]), "");
}

#[test]
fn sarif_has_rules_results_fixes_and_suppressions() {
    let tmp = tempfile::tempdir().unwrap();
    let template = fixture("kms-alias-split/cfn-alias-name.yaml").replace(
        "  SubAlias:\n",
        "  # iac-fix-ignore: kms-alias-split\n  SubAlias:\n",
    );
    fs::write(tmp.path().join("t.yaml"), template).unwrap();
    let out = iac_fix(tmp.path())
        // removal-policy (the template's key has no `DeletionPolicy`) is not the subject here.
        .args([
            "--dry-run",
            "--format",
            "sarif",
            "--skip",
            "removal-policy",
            "t.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "review fixes are not applied without --unsafe, and their findings remain"
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "iac-fix");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .all(|r| r["id"].is_string() && r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        assert_eq!(r["ruleId"], "kms-alias-split");
        assert!(r["message"]["text"].is_string());
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "kms-alias-split");
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    // With --unsafe the applied fixes carry their replacements.
    let out = iac_fix(tmp.path())
        .args([
            "--dry-run",
            "--unsafe",
            "--format",
            "sarif",
            "--skip",
            "removal-policy",
            "t.yaml",
        ])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixed = &log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(fixed["artifactLocation"]["uri"], "t.yaml");
    assert_eq!(
        fixed["replacements"][0]["insertedContent"]["text"],
        "alias/"
    );
    assert_eq!(fixed["replacements"][0]["deletedRegion"]["startLine"], 16);
}

#[test]
fn config_file_selects_skips_sets_options_and_excludes() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("gen")).unwrap();
    let runtime = fixture("lambda-runtime-upgrade/cfn-runtime.json");
    fs::write(tmp.path().join("fn.json"), &runtime).unwrap();
    fs::write(tmp.path().join("gen/fn.json"), &runtime).unwrap();
    fs::write(
        tmp.path().join("iac-fix.toml"),
        "[transforms]\nunsafe = true\nexclude = [\"gen/**\"]\n[transform.lambda-runtime-upgrade]\nnodejs = \"nodejs22.x\"\n",
    )
    .unwrap();
    let out = iac_fix(tmp.path())
        .args(["--dry-run", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files_scanned"], 1, "gen/ is excluded");
    let diff = report["files"][0]["diff"].as_str().unwrap();
    assert!(
        diff.contains("nodejs22.x") && !diff.contains("nodejs24.x"),
        "{diff}"
    );
    // A subfolder finds the file upward; --config names another one.
    fs::write(
        tmp.path().join("skip.toml"),
        "[transforms]\nskip = [\"lambda-runtime-upgrade\", \"lambda-dead-letter-queue\", \"lambda-tracing\"]\n",
    )
    .unwrap();
    let out = iac_fix(tmp.path())
        .args(["--dry-run", "--config", "skip.toml", "fn.json"])
        .output()
        .unwrap();
    assert_success(&out);
}

#[test]
fn config_errors_name_the_key_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("iac-fix.toml"),
        "[transform.lambda-runtime-upgrade]\nnode = \"nodejs22.x\"\n",
    )
    .unwrap();
    let out = iac_fix(tmp.path())
        .args(["--dry-run", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("iac-fix.toml") && err.contains("transform.lambda-runtime-upgrade.node"),
        "{err}"
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = iac_fix(Path::new("."))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("dry-run"),
            "{shell}"
        );
    }
}

#[test]
fn shipped_hook_and_action_files_parse_and_call_the_tool() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, needle) in [
        (".pre-commit-hooks.yaml", "entry: iac-fix"),
        ("pre-commit-mirror/.pre-commit-hooks.yaml", "entry: iac-fix"),
        ("action.yml", "iac-fix pr "),
        ("examples/github-action-pr.yml", "uses: iac-fix/iac-fix@"),
        ("examples/github-action-check.yml", "uses: iac-fix/iac-fix@"),
    ] {
        let text = fs::read_to_string(root.join(file)).unwrap();
        iac_fix::lang::verify::check(iac_fix::lang::Syntax::Yaml, &text)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains(needle), "{file}");
    }
}

#[test]
fn removal_policy_mode_comes_from_the_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let template = fixture("removal-policy/cfn-stateful.yaml");
    fs::write(tmp.path().join("storage.yaml"), &template).unwrap();
    let diff = |config: &str| {
        fs::write(tmp.path().join("iac-fix.toml"), config).unwrap();
        let out = iac_fix(tmp.path())
            .args([
                "--dry-run",
                "--unsafe",
                "-t",
                "removal-policy",
                "storage.yaml",
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // The default mode never loses data: `retain`.
    let default = diff("");
    assert!(
        default.contains("+    DeletionPolicy: Retain\n+    UpdateReplacePolicy: Retain"),
        "{default}"
    );
    assert!(!default.contains("Delete\n"), "{default}");
    let destroy = diff("[transform.removal-policy]\nmode = \"destroy\"\n");
    assert!(
        destroy.contains("+    DeletionPolicy: Delete\n+    UpdateReplacePolicy: Delete"),
        "{destroy}"
    );
    let unknown = diff("[transform.removal-policy]\nkeep = true\n");
    assert!(
        unknown.is_empty(),
        "an unknown option is a configuration error: {unknown}"
    );
}
