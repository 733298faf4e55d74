//! `--add-ignore[=REASON]` (issue 18, ruff's `--add-noqa`): no fix is applied; every
//! finding gets the flavor's own suppression with the reason, in the file's style, and a
//! second run reports none of them (they count as suppressed).

use iac_fix::files::process_text;
use iac_fix::fixer::{Outcome, Settings};
use iac_fix::flavor::syntax_for_path;
use iac_fix::transforms::REGISTRY;
use std::path::Path;

fn run(name: &str, source: &str, add_ignore: Option<&str>, select: &[&str]) -> Outcome {
    let path = Path::new(name);
    let settings = Settings {
        select: select.iter().map(|s| s.to_string()).collect(),
        unsafe_fixes: true,
        add_ignore: add_ignore.map(str::to_string),
        ..Default::default()
    };
    process_text(
        path,
        syntax_for_path(path).unwrap(),
        source,
        REGISTRY,
        &settings,
    )
    .unwrap()
    .expect("recognised flavor")
    .1
}

/// Adds the suppressions, then checks a normal second run (all transforms of `select`,
/// review fixes on) changes nothing and reports every finding as suppressed.
fn round_trip(name: &str, source: &str, select: &[&str]) -> String {
    let before = run(name, source, None, select);
    assert!(!before.fixes.is_empty(), "{name}: nothing to suppress");
    let added = run(name, source, Some("legacy"), select);
    assert!(
        added.fixes.is_empty(),
        "{name}: left {:?}\n{}",
        added.fixes,
        added.fixed
    );
    assert!(
        added.internal_errors.is_empty(),
        "{:?}",
        added.internal_errors
    );
    let second = run(name, &added.fixed, None, select);
    assert_eq!(
        second.fixed, added.fixed,
        "{name}: a second run still fixes"
    );
    assert!(second.fixes.is_empty(), "{name}: {:?}", second.fixes);
    assert_eq!(second.suppressed.len(), before.fixes.len(), "{name}");
    assert!(
        second.unused_suppressions.is_empty(),
        "{:?}",
        second.unused_suppressions
    );
    added.fixed
}

const TS: &str = "import * as cdk from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\n\nexport class S extends cdk.Stack {\n    constructor(scope: cdk.App) {\n        super(scope, 'S');\n        const fn = new lambda.Function(this, 'Fn', {\n            runtime: lambda.Runtime.NODEJS_16_X,\n            handler: 'index.handler',\n            code: lambda.Code.fromInline('x'),\n        });\n        new s3.Bucket(this, 'B');\n    }\n}\n";

#[test]
fn typescript_comment_above_each_statement_in_the_file_style() {
    let out = round_trip(
        "stack.ts",
        TS,
        &["lambda-runtime-upgrade", "s3-versioning", "s3-enforce-ssl"],
    );
    assert!(
        out.contains("        // iac-fix-ignore: lambda-runtime-upgrade -- legacy\n        const fn = new lambda.Function"),
        "{out}"
    );
    assert!(
        out.contains("        // iac-fix-ignore: s3-versioning, s3-enforce-ssl -- legacy\n        new s3.Bucket(this, 'B');")
            || out.contains("        // iac-fix-ignore: s3-enforce-ssl, s3-versioning -- legacy\n        new s3.Bucket(this, 'B');"),
        "{out}"
    );
    // CRLF files get CRLF lines.
    let crlf = TS.replace('\n', "\r\n");
    let out = round_trip("stack.ts", &crlf, &["lambda-runtime-upgrade"]);
    assert!(
        out.contains("// iac-fix-ignore: lambda-runtime-upgrade -- legacy\r\n"),
        "{out:?}"
    );
    // Without a reason: no ` -- `.
    let out = run("stack.ts", TS, Some(""), &["lambda-runtime-upgrade"]).fixed;
    assert!(
        out.contains("// iac-fix-ignore: lambda-runtime-upgrade\n"),
        "{out}"
    );
}

const YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n      Code:\n        ZipFile: x\n  Bucket:\n    Type: AWS::S3::Bucket\n";

#[test]
fn yaml_comment_above_each_resource() {
    let out = round_trip("t.yaml", YAML, &["lambda-runtime-upgrade", "s3-versioning"]);
    assert!(
        out.contains("  # iac-fix-ignore: lambda-runtime-upgrade -- legacy\n  Fn:\n"),
        "{out}"
    );
    assert!(
        out.contains("  # iac-fix-ignore: s3-versioning -- legacy\n  Bucket:\n"),
        "{out}"
    );
}

const JSON: &str = "{\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {\n        \"Runtime\": \"nodejs16.x\",\n        \"Handler\": \"index.handler\",\n        \"Role\": \"arn:aws:iam::123456789012:role/r\",\n        \"Code\": { \"ZipFile\": \"x\" }\n      }\n    },\n    \"Bucket\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Metadata\": { \"iac-fix\": { \"ignore\": [\"kms-alias-split\"] } }\n    }\n  }\n}\n";

#[test]
fn json_resource_metadata_new_or_extended() {
    let out = round_trip(
        "t.json",
        JSON,
        &["lambda-runtime-upgrade", "s3-versioning", "s3-enforce-ssl"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fn_meta = &v["Resources"]["Fn"]["Metadata"]["iac-fix"];
    assert_eq!(
        fn_meta["ignore"],
        serde_json::json!(["lambda-runtime-upgrade"]),
        "{out}"
    );
    assert_eq!(fn_meta["reason"], "legacy");
    let bucket = v["Resources"]["Bucket"]["Metadata"]["iac-fix"]["ignore"]
        .as_array()
        .unwrap();
    assert_eq!(bucket.len(), 3, "{out}");
    assert_eq!(bucket[0], "kms-alias-split");
    // The file's two-space indentation.
    assert!(
        out.contains("\n      \"Metadata\": {\n        \"iac-fix\": {"),
        "{out}"
    );
}

#[test]
fn cli_add_ignore_then_dry_run_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.ts"), TS).unwrap();
    std::fs::write(dir.path().join("t.yaml"), YAML).unwrap();
    std::fs::write(dir.path().join("t.json"), JSON).unwrap();
    let bin = env!("CARGO_BIN_EXE_iac-fix");
    let out = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args(["--add-ignore=legacy", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["fixes_applied"], 0, "{report}");
    assert_eq!(report["summary"]["fixes_pending"], 0, "{report}");
    assert_eq!(report["summary"]["files_changed"], 3, "{report}");
    let out = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args(["--dry-run", "--unsafe", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["fixes_applied"], 0, "{report}");
    assert_eq!(report["summary"]["fixes_pending"], 0, "{report}");
    assert!(
        report["summary"]["fixes_suppressed"].as_u64().unwrap() >= 3,
        "{report}"
    );
    assert_eq!(out.status.code(), Some(0), "{report}");
}
