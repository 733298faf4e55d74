//! What the disk looks like after a run is stopped by a signal in the middle of its
//! writes (every file old or new, never partial, no temp file left), and that a
//! symlink leading outside the given paths is never read or written.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  WG:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        ResultConfigurationUpdates:\n          OutputLocation: s3://b/\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x # old\n      Handler: index.handler\n";

fn fixed_text() -> String {
    let settings = iac_fix::fixer::Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let (_, outcome) = iac_fix::files::process_text(
        Path::new("t.yaml"),
        iac_fix::lang::Syntax::Yaml,
        TEMPLATE,
        iac_fix::transforms::REGISTRY,
        &settings,
    )
    .unwrap()
    .unwrap();
    assert_ne!(outcome.fixed, TEMPLATE);
    outcome.fixed
}

/// Start a writing run over `n` copies, send `signal` once the first file in write
/// order changed, and check the folder afterwards.
fn interrupted_run(signal: &str, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let sub = dir.path().join(format!("d{:02}", i % 50));
        fs::create_dir_all(&sub).unwrap();
        fs::write(sub.join(format!("t{i:05}.yaml")), TEMPLATE).unwrap();
    }
    let expected = fixed_text();
    // Writes go in sorted path order: the first written file is d00/t00000.yaml.
    let first = dir.path().join("d00/t00000.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_iac-fix"))
        .args(["--unsafe", "--quiet", "."])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fs::read_to_string(&first).unwrap() == TEMPLATE
        && started.elapsed() < Duration::from_secs(120)
        && child.try_wait().unwrap().is_none()
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success() || child.try_wait().unwrap().is_some());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (mut old, mut new) = (0, 0);
    let mut stray = Vec::new();
    for sub in fs::read_dir(dir.path()).unwrap() {
        for f in fs::read_dir(sub.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if !name.ends_with(".yaml") {
                stray.push(name);
                continue;
            }
            let text = fs::read_to_string(&p).unwrap();
            if text == TEMPLATE {
                old += 1;
            } else if text == expected {
                new += 1;
            } else {
                panic!("{} is neither old nor new:\n{text}", p.display());
            }
        }
    }
    assert_eq!(old + new, n);
    eprintln!(
        "{signal}: exit {:?}, {new} fixed, {old} untouched",
        out.status.code()
    );
    assert!(stray.is_empty(), "temp files left behind: {stray:?}");
    match out.status.code() {
        // Stopped by the signal: it says so and what it did not write.
        Some(130) => {
            assert!(stderr.contains("interrupted"), "{stderr}");
            assert!(new >= 1);
        }
        // Finished before the signal arrived.
        Some(0) => assert_eq!(new, n, "{stderr}"),
        other => panic!("unexpected exit {other:?}: {stderr}"),
    }
}

#[test]
fn sigint_mid_write_leaves_every_file_old_or_new() {
    interrupted_run("-INT", 2000);
}

#[test]
fn sigterm_mid_write_leaves_every_file_old_or_new() {
    interrupted_run("-TERM", 2000);
}

#[test]
fn a_symlink_leading_outside_the_roots_is_reported_and_not_written() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let target = outside.path().join("shared.yaml");
    fs::write(&target, TEMPLATE).unwrap();
    // Inside the root: a link to the outside file, a link to a file inside, the file itself.
    symlink(&target, root.path().join("out.yaml")).unwrap();
    fs::write(root.path().join("in.yaml"), TEMPLATE).unwrap();
    symlink(
        root.path().join("in.yaml"),
        root.path().join("in-link.yaml"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iac-fix"))
        .args(["--unsafe", "."])
        .current_dir(root.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("out.yaml: symlink to") && stderr.contains("outside the given paths"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), TEMPLATE);
    // The file inside was fixed once; the link to it is still a link.
    assert_eq!(
        fs::read_to_string(root.path().join("in.yaml")).unwrap(),
        fixed_text()
    );
    assert!(fs::symlink_metadata(root.path().join("in-link.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::symlink_metadata(root.path().join("out.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    // Naming the link itself is naming that file: it is written through, as before.
    let out = Command::new(env!("CARGO_BIN_EXE_iac-fix"))
        .args(["--unsafe", "out.yaml"])
        .current_dir(root.path())
        .output()
        .unwrap();
    // 1: findings without a fix remain (ruff's convention); what matters is no error.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert_eq!(fs::read_to_string(&target).unwrap(), fixed_text());
}
