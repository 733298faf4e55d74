//! Guarantee: the tool never reaches the network, never runs another program, and
//! opens nothing outside the given paths but the config file and the handler code a
//! construct references inside the repository. Checked on the real binary under
//! `strace` (`.ci/run` installs it; skipped, loudly, when it is absent or the machine
//! forbids tracing).

#![cfg(target_os = "linux")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// System files the dynamic loader and the standard library read (CPU quota for the
/// thread pool, the loader cache), never project files.
const SYSTEM: &[&str] = &["/proc/", "/sys/", "/etc/ld.so", "/lib", "/usr/lib", "/dev/"];

fn strace_works() -> bool {
    let ok = Command::new("strace")
        .args(["-qq", "-e", "trace=none", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: strace missing or not allowed to trace here (.ci/run installs it)");
    }
    ok
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A small repository: fixtures with handler code, plus a stack whose asset path
/// climbs out of the repository (it must be reported, not read).
fn repo(root: &Path) {
    fs::create_dir_all(root).unwrap();
    fs::write(root.join("package.json"), "{}\n").unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for id in ["least-privilege-grants", "lambda-dead-letter-queue"] {
        copy_dir(&fixtures.join(id), &root.join(id));
    }
    fs::write(
        root.join("escape.ts"),
        "import * as cdk from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\n\nexport class S extends cdk.Stack {\n  constructor(scope: cdk.App, id: string) {\n    super(scope, id);\n    const fn = new lambda.Function(this, 'Fn', {\n      runtime: lambda.Runtime.NODEJS_22_X,\n      handler: 'passwd.handler',\n      code: lambda.Code.fromAsset('../../../../../../../../etc'),\n    });\n    new s3.Bucket(this, 'B').grantReadWrite(fn);\n  }\n}\n",
    )
    .unwrap();
}

/// Run the binary under strace; return the trace lines.
fn traced(dir: &Path, args: &[&str]) -> Vec<String> {
    let log = dir.join("strace.log");
    let status = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=%network,%process,openat,open,creat,rename,renameat,renameat2,unlink,unlinkat",
            "-o",
        ])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_iac-fix"))
        .args(args)
        .arg(dir.join("repo"))
        .current_dir(dir)
        .output()
        .unwrap()
        .status;
    assert!(matches!(status.code(), Some(0..=2)), "{status}");
    let text = fs::read_to_string(&log).unwrap();
    fs::remove_file(&log).unwrap();
    text.lines().map(str::to_string).collect()
}

/// The first quoted path of a syscall line that succeeded (`= N`, not `= -1`).
fn opened_path(line: &str) -> Option<PathBuf> {
    if line.contains("= -1 ") || line.contains("<unfinished") {
        return None;
    }
    let start = line.find('"')? + 1;
    let end = start + line[start..].find('"')?;
    Some(PathBuf::from(&line[start..end]))
}

fn check(lines: &[String], roots: &[PathBuf]) {
    let syscall = |l: &String| l.split_once(' ').map_or("", |(_, rest)| rest).to_string();
    for l in lines.iter().map(syscall) {
        for forbidden in ["socket(", "connect(", "sendto(", "bind(", "fork(", "vfork("] {
            assert!(!l.starts_with(forbidden), "network or process call: {l}");
        }
        if l.starts_with("execve(") {
            assert!(l.contains("iac-fix"), "ran another program: {l}");
        }
        if l.starts_with("clone") {
            // Threads only (rayon, the interrupt handler): a child process would not share memory.
            assert!(
                l.contains("CLONE_VM") && l.contains("CLONE_THREAD"),
                "spawned a process: {l}"
            );
        }
        let file_call = ["openat(", "open(", "creat(", "rename", "unlink"]
            .iter()
            .any(|c| l.starts_with(c));
        if let Some(path) = opened_path(&l).filter(|_| file_call) {
            let inside = roots.iter().any(|r| path.starts_with(r)) || path.is_relative();
            let system = SYSTEM.iter().any(|s| path.to_string_lossy().starts_with(s));
            let config = path.file_name().is_some_and(|n| n == "iac-fix.toml");
            assert!(
                inside || system || config,
                "touched a path outside the repository: {l}"
            );
            if !inside {
                let writes = ["O_WRONLY", "O_RDWR", "O_CREAT"]
                    .iter()
                    .any(|f| l.contains(f))
                    || l.starts_with("rename")
                    || l.starts_with("unlink");
                assert!(!writes, "wrote outside the repository: {l}");
            }
        }
    }
}

#[test]
fn no_network_no_processes_no_reads_outside_the_repository() {
    if !strace_works() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo_path = dir.path().join("repo");
    repo(&repo_path);
    let roots = [fs::canonicalize(&repo_path).unwrap(), repo_path];
    for args in [&["--dry-run", "--unsafe"][..], &["--unsafe", "--quiet"][..]] {
        let lines = traced(dir.path(), args);
        assert!(
            lines.iter().any(|l| l.contains("handlers/")),
            "no handler code was read"
        );
        check(&lines, &roots);
    }
    // The writing run changed files, all inside.
    let fixed = fs::read_to_string(dir.path().join("repo/escape.ts")).unwrap();
    assert!(fixed.contains("deadLetterQueue"), "{fixed}");
}

fn git_in(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(ok.status.success(), "git {args:?}: {ok:?}");
}

/// `iac-fix pr` runs git and nothing else, and git runs nothing of the repository:
/// no hook (`.git/hooks`, a committed `core.hooksPath` folder), no fsmonitor command
/// (case pr-runs-repository-hooks), not even when it pushes (`pre-push`).
#[test]
fn pr_runs_git_and_git_runs_nothing_of_the_repository() {
    if !strace_works() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join(".githooks")).unwrap();
    git_in(&repo, &["init", "-q", "-b", "main"]);
    let marker = dir.path().join("markers");
    let hook = format!("#!/bin/sh\necho \"$0\" >> {}\n", marker.display());
    for name in [
        "pre-commit",
        "commit-msg",
        "post-commit",
        "post-checkout",
        "reference-transaction",
        "prepare-commit-msg",
        "pre-push",
        "push-to-checkout",
    ] {
        for folder in [repo.join(".git/hooks"), repo.join(".githooks")] {
            let path = folder.join(name);
            fs::write(&path, &hook).unwrap();
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    fs::write(
        repo.join("app.yaml"),
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n      Code:\n        ZipFile: x\n  B:\n    Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    git_in(&repo, &["add", "-A"]);
    git_in(&repo, &["commit", "-q", "--no-verify", "-m", "init"]);
    // A remote to push to (`pr --push`): `pre-push` must not run either.
    git_in(dir.path(), &["init", "-q", "--bare", "remote.git"]);
    git_in(
        &repo,
        &[
            "remote",
            "add",
            "origin",
            dir.path().join("remote.git").to_str().unwrap(),
        ],
    );
    git_in(&repo, &["config", "core.hooksPath", ".githooks"]);
    git_in(
        &repo,
        &[
            "config",
            "core.fsmonitor",
            &format!("echo fsmonitor >> {}; false", marker.display()),
        ],
    );
    // The setup's own commit ran the hooks; only what `pr` does counts.
    let _ = fs::remove_file(&marker);
    let log = dir.path().join("strace.log");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=execve,execveat", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_iac-fix"))
        .args(["pr", "--unsafe", "--push", "origin"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = fs::read_to_string(&log).unwrap();
    let mut gits = 0;
    for line in trace.lines().filter(|l| l.contains("execve")) {
        let Some(program) = opened_path(line) else {
            continue;
        };
        let name = program.file_name().unwrap().to_string_lossy().into_owned();
        // git's own transport to a local-path remote: `sh -c "git-receive-pack '<path>'"`
        // (on a real remote this side runs on the server).
        let transport = |l: &str| {
            ["git-upload-pack '", "git-receive-pack '"]
                .iter()
                .any(|t| l.contains(&format!("\"-c\", \"{t}")))
        };
        assert!(
            name == "iac-fix"
                || name == "git"
                || name == "git-upload-pack"
                || name == "git-receive-pack"
                || (name == "sh" && transport(line)),
            "ran something else than git: {line}"
        );
        gits += usize::from(name == "git");
    }
    assert!(gits > 3, "{trace}");
    assert!(!marker.exists(), "{}", fs::read_to_string(&marker).unwrap());
    // Back on main, clean, the branch holds the fixes.
    let status = Command::new("git")
        .args(["status", "--porcelain", "--branch"])
        .current_dir(&repo)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.trim(), "## main", "{status}");
    let pushed = Command::new("git")
        .args(["branch", "--list", "iac-fix/*"])
        .current_dir(dir.path().join("remote.git"))
        .output()
        .unwrap();
    assert!(!pushed.stdout.is_empty(), "the branch was pushed");
}
