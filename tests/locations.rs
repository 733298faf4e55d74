//! Every reported location refers to the file as read, also for findings of later
//! fixer passes (cases report-line-drift and unfixed-finding-line-shift): text, JSON
//! and SARIF agree with the line each transform reports when run alone, and SARIF
//! keeps the fix of a later pass as replacements against the original file.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// Run iac-fix on a copy of `tests/locations/<name>` with `args`; stdout (text
/// format: stdout and stderr, where the finding lines go).
fn run(name: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/locations")
        .join(name);
    std::fs::copy(&src, dir.path().join(name)).unwrap();
    let out = Command::cargo_bin("iac-fix")
        .unwrap()
        .current_dir(dir.path())
        .args(args)
        .arg(name)
        .output()
        .unwrap();
    let text = args.iter().all(|a| *a != "--format");
    let mut s = String::from_utf8(out.stdout).unwrap();
    if text {
        s.push_str(&String::from_utf8(out.stderr).unwrap());
    }
    s
}

/// `(transform, line, column)` of each text-format finding line `path:line:col: id …`.
fn text_locations(out: &str, name: &str) -> Vec<(String, usize, usize)> {
    out.lines()
        .filter_map(|l| l.strip_prefix(&format!("{name}:")))
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let line = parts.next()?.parse().ok()?;
            let col = parts.next()?.parse().ok()?;
            let id = parts.next()?.split_whitespace().next()?.to_string();
            Some((id, line, col))
        })
        .collect()
}

const DRIFT: &str = "report-line-drift.yaml";
const DRIFT_TRANSFORMS: &str = "lambda-dead-letter-queue,cfn-property-name,s3-versioning";

#[test]
fn later_pass_findings_keep_their_original_lines_in_text() {
    let all = text_locations(
        &run(DRIFT, &["--dry-run", "--unsafe", "-t", DRIFT_TRANSFORMS]),
        DRIFT,
    );
    for (id, line, col) in &all {
        let alone = text_locations(&run(DRIFT, &["--dry-run", "--unsafe", "-t", id]), DRIFT);
        assert_eq!(alone, vec![(id.clone(), *line, *col)], "{all:?}");
        assert!(*line <= 18, "{all:?}");
    }
    assert!(all.contains(&("s3-versioning".into(), 13, 3)), "{all:?}");
    // Findings without a fix, reported after a fix above them moved the text.
    let ts = "unfixed-finding-line-shift.ts";
    let out = text_locations(&run(ts, &["--dry-run"]), ts);
    assert!(
        out.contains(&("cloudwatch-alarm-actions".into(), 23, 5)),
        "{out:?}"
    );
}

#[test]
fn later_pass_findings_keep_their_original_lines_in_json() {
    let out = run(
        DRIFT,
        &[
            "--dry-run",
            "--unsafe",
            "--format",
            "json",
            "-t",
            DRIFT_TRANSFORMS,
        ],
    );
    let json: Value = serde_json::from_str(&out).unwrap();
    let text = json.to_string();
    assert!(text.contains("s3-versioning"), "{out}");
    // Every finding object with a `line` lies inside the 18-line file; the bucket's at 13.
    let mut found = Vec::new();
    collect(&json, &mut found);
    assert!(found.iter().all(|(_, l)| *l <= 18), "{found:?}");
    assert!(found.contains(&("s3-versioning".into(), 13)), "{found:?}");
}

fn collect(v: &Value, out: &mut Vec<(String, u64)>) {
    match v {
        Value::Object(m) => {
            if let (Some(t), Some(l)) = (
                m.get("transform").and_then(Value::as_str),
                m.get("line").and_then(Value::as_u64),
            ) {
                out.push((t.to_string(), l));
            }
            m.values().for_each(|x| collect(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

#[test]
fn later_pass_fixes_stay_in_sarif() {
    let out = run(
        DRIFT,
        &[
            "--dry-run",
            "--unsafe",
            "--format",
            "sarif",
            "-t",
            DRIFT_TRANSFORMS,
        ],
    );
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let versioning = results
        .iter()
        .find(|r| r["ruleId"] == "s3-versioning")
        .expect("s3-versioning result");
    let region = &versioning["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(13), Some(3))
    );
    // The fix applied in a later pass is there, as an insertion into the original file.
    let replacement = &versioning["fixes"][0]["artifactChanges"][0]["replacements"][0];
    let deleted = &replacement["deletedRegion"];
    assert_eq!(deleted["startLine"], deleted["endLine"]);
    assert!(
        deleted["startLine"].as_u64().unwrap() <= 18,
        "{replacement}"
    );
    assert!(replacement["insertedContent"]["text"]
        .as_str()
        .unwrap()
        .contains("VersioningConfiguration"));
    // All three applied fixes carry their replacements.
    assert_eq!(
        results.iter().filter(|r| r.get("fixes").is_some()).count(),
        3,
        "{out}"
    );
    let ts = "unfixed-finding-line-shift.ts";
    let out: Value = serde_json::from_str(&run(ts, &["--dry-run", "--format", "sarif"])).unwrap();
    let alarm = out["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "cloudwatch-alarm-actions")
        .unwrap()
        .clone();
    assert_eq!(
        alarm["locations"][0]["physicalLocation"]["region"]["startLine"],
        23
    );
}
