//! Report formats (`--format FORMAT[=FILE]`), exit codes, `--statistics` and
//! `--stdin-filename` (issue 18). Each format is checked against its published schema
//! (`tests/schemas/`) or parsed back the way its consumer does.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A safe fix (Athena), two review fixes (runtime, after a non-ASCII character on its
/// line, so UTF-8 byte columns differ from character columns; a dead-letter queue).
const TEMPLATE: &str = "Resources:\n  WG:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        ResultConfigurationUpdates:\n          OutputLocation: s3://b/\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: { Description: \"café ✓\", Runtime: nodejs16.x }\n";
const ATHENA: &str = "Resources:\n  WG:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        ResultConfigurationUpdates:\n          OutputLocation: s3://b/\n";
const CLEAN: &str = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n";

/// The transforms whose findings on [`TEMPLATE`] these tests expect; new transforms
/// that also fire on it (Athena work-group enforcement, encryption) are left out so
/// each test keeps counting what it was written for.
const TRANSFORMS: &str =
    "athena-result-configuration,lambda-runtime-upgrade,lambda-dead-letter-queue";

fn iac_fix(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("iac-fix").unwrap();
    c.current_dir(dir);
    c.env("NO_COLOR", "1");
    c.args(["-t", TRANSFORMS]);
    c
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name);
    let mut text = fs::read_to_string(path).unwrap();
    if name.starts_with("sarif") {
        // The OASIS schema's `run.language` pattern ends in a lone `]`, a literal in
        // ECMA-262 regular expressions (Annex B) but an error for Rust's regex engines,
        // which then reject the schema; escaped here, same meaning, vendored file intact.
        text = text.replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
        );
    }
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The report of `format` on stdout for a dry run with review fixes on.
fn report(dir: &Path, format: &str, extra: &[&str]) -> (String, std::process::Output) {
    let out = iac_fix(dir)
        .args(["--dry-run", "--unsafe", "--format", format])
        .args(extra)
        .arg(".")
        .output()
        .unwrap();
    (stdout(&out), out)
}

#[test]
fn sarif_matches_the_sarif_2_1_0_schema() {
    let dir = dir_with(&[("t.yaml", TEMPLATE), ("broken.yaml", "Resources: [\n")]);
    let (text, out) = report(dir.path(), "sarif", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&schema("sarif-schema-2.1.0.json"), &doc);
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 3);
    // The file that does not parse is the invocation's error notification.
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{invocation:#}");
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{invocation:#}");
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken.yaml"
    );
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("does not parse"));
    // Without a failing file the invocation succeeded and has no notifications.
    let clean = dir_with(&[("t.yaml", TEMPLATE)]);
    let (text, _) = report(clean.path(), "sarif", &[]);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert!(doc["runs"][0]["invocations"][0]["toolExecutionNotifications"].is_null());
}

#[test]
fn rdjson_matches_its_schema_and_its_suggestions_rebuild_the_fixed_file() {
    let dir = dir_with(&[("t.yaml", TEMPLATE)]);
    let (text, out) = report(dir.path(), "rdjson", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&schema("rdjson-DiagnosticResult.json"), &doc);
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 3, "{doc:#}");
    for d in diagnostics {
        assert_eq!(d["location"]["path"], "t.yaml");
        assert!(d["code"]["value"].is_string());
        assert!(!d["suggestions"].as_array().unwrap().is_empty(), "{d:#}");
    }
    // reviewdog's reading of a suggestion: lines from 1, columns from 1 in UTF-8 bytes,
    // end exclusive. Applying every suggestion to the file gives what a fix run writes.
    let mut edits: Vec<(usize, usize, String)> = diagnostics
        .iter()
        .flat_map(|d| d["suggestions"].as_array().unwrap().iter())
        .map(|s| {
            let at = |p: &Value| {
                offset(
                    TEMPLATE,
                    p["line"].as_u64().unwrap(),
                    p["column"].as_u64().unwrap(),
                )
            };
            (
                at(&s["range"]["start"]),
                at(&s["range"]["end"]),
                s["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort();
    let mut rebuilt = TEMPLATE.to_string();
    for (start, end, text) in edits.iter().rev() {
        rebuilt.replace_range(start..end, text);
    }
    iac_fix(dir.path())
        .args(["--unsafe", "t.yaml"])
        .assert()
        .code(0);
    assert_eq!(
        rebuilt,
        fs::read_to_string(dir.path().join("t.yaml")).unwrap()
    );
    // The runtime finding sits after `café ✓` on its line: its column counts bytes.
    let runtime = diagnostics
        .iter()
        .find(|d| d["code"]["value"] == "lambda-runtime-upgrade")
        .unwrap();
    let line = TEMPLATE.lines().nth(9).unwrap();
    let start = &runtime["location"]["range"]["start"];
    assert_eq!(start["line"], 10);
    let col = start["column"].as_u64().unwrap() as usize;
    assert!(
        line[col - 1..].starts_with("nodejs16.x") || line[col - 1..].starts_with("Runtime"),
        "{line} @ {col}"
    );
}

/// Byte offset of an rdjson position in `text`.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    start + column as usize - 1
}

#[test]
fn gitlab_matches_the_documented_format_with_unique_stable_fingerprints() {
    let twice = format!("{TEMPLATE}  Fn2:\n    Type: AWS::Lambda::Function\n    Properties: {{ Description: \"café ✓\", Runtime: nodejs16.x }}\n");
    let dir = dir_with(&[("t.yaml", &twice), ("broken.json", "{\"Resources\": ")]);
    let (text, out) = report(dir.path(), "gitlab", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&schema("gitlab-codequality.schema.json"), &doc);
    let issues = doc.as_array().unwrap();
    assert_eq!(issues.len(), 6, "{doc:#}");
    let prints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), issues.len(), "fingerprints must be unique");
    assert!(issues
        .iter()
        .any(|i| i["severity"] == "critical" && i["location"]["path"] == "broken.json"));
    // Stable across runs, and when lines are added above a finding.
    let (again, _) = report(dir.path(), "gitlab", &[]);
    assert_eq!(again, text);
    fs::write(dir.path().join("t.yaml"), format!("# a comment\n\n{twice}")).unwrap();
    let (shifted, _) = report(dir.path(), "gitlab", &[]);
    let shifted: Value = serde_json::from_str(&shifted).unwrap();
    let begin = |i: &Value| i["location"]["lines"]["begin"].as_u64().unwrap();
    let shifted = shifted.as_array().unwrap();
    assert_eq!(shifted.len(), issues.len());
    for (before, after) in issues.iter().zip(shifted) {
        assert_eq!(before["fingerprint"], after["fingerprint"]);
        if before["location"]["path"] == "t.yaml" {
            assert_eq!(begin(after), begin(before) + 2);
        }
    }
}

/// A GitHub workflow command parsed the way the runner does (`@actions/core`'s
/// `command.ts` escapes, the runner's `ActionCommand.TryParseV2` reads back).
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a command starts with ::");
    let (head, message) = rest.split_once("::").expect("command::message");
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let unescape = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    let message = message
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%");
    (name.to_string(), props, message)
}

#[test]
fn github_commands_parse_back_with_escaped_properties() {
    let name = "a,b:c%25.yaml";
    let dir = dir_with(&[(name, TEMPLATE)]);
    let (text, out) = report(dir.path(), "github", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for line in lines {
        let (cmd, props, message) = parse_command(line);
        assert_eq!(cmd, "error");
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("file"), Some(name), "{line}");
        assert!(get("line").unwrap().parse::<usize>().unwrap() >= 1);
        assert!(get("col").unwrap().parse::<usize>().unwrap() >= 1);
        assert!(get("title").unwrap().starts_with("iac-fix ("));
        assert!(message.contains("[fixable]"), "{message}");
    }
    // After a fix run, fixes written are notices; nothing remains.
    let out = iac_fix(dir.path())
        .args(["--unsafe", "--format", "github", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .all(|l| l.starts_with("::notice file=")),
        "{}",
        stdout(&out)
    );
}

/// Validate a JUnit report against Jenkins' xunit-plugin schema with `xmllint` (apt
/// `libxml2-utils`; `.ci/run` installs it). Skipped when absent unless
/// `IAC_FIX_REQUIRE_ORACLES` is set.
fn assert_junit_schema(xml: &str) {
    let Ok(probe) = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
    else {
        assert!(
            std::env::var_os("IAC_FIX_REQUIRE_ORACLES").is_none(),
            "xmllint is required (apt-get install libxml2-utils)"
        );
        eprintln!("skipped: xmllint not installed");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.xml");
    fs::write(&report, xml).unwrap();
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit-10.xsd");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{xml}", stderr(&out));
}

#[test]
fn junit_is_well_formed_with_one_suite_per_file() {
    let dir = dir_with(&[
        ("x&<y>.yaml", TEMPLATE),
        ("clean.yaml", CLEAN),
        ("broken.yaml", "Resources: [\n"),
    ]);
    let (text, out) = report(dir.path(), "junit", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_junit_schema(&text);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 2, "{text}");
    let mut total = 0;
    let mut failures = 0;
    for s in &suites {
        assert_eq!(s.tag_name().name(), "testsuite");
        let cases: Vec<_> = s.children().filter(|n| n.is_element()).collect();
        assert_eq!(
            s.attribute("tests").unwrap().parse::<usize>().unwrap(),
            cases.len()
        );
        for c in &cases {
            assert_eq!(c.tag_name().name(), "testcase");
            assert!(c.attribute("name").is_some() && c.attribute("classname").is_some());
            let bad: Vec<_> = c.children().filter(|n| n.is_element()).collect();
            assert!(bad.len() <= 1);
            for b in bad {
                assert!(matches!(b.tag_name().name(), "failure" | "error"));
                assert!(b.attribute("message").is_some());
                failures += usize::from(b.tag_name().name() == "failure");
            }
        }
        total += cases.len();
    }
    assert_eq!(suites[0].attribute("name"), Some("x&<y>.yaml"));
    assert_eq!(
        root.attribute("tests").unwrap().parse::<usize>().unwrap(),
        total
    );
    assert_eq!(
        root.attribute("failures")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        failures
    );
    assert_eq!(failures, 3);
    assert_eq!(root.attribute("errors"), Some("1"));
    // Nothing to report: one passing case, so a CI step that needs results finds one.
    let dir = dir_with(&[("clean.yaml", CLEAN)]);
    let (text, out) = report(dir.path(), "junit", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_junit_schema(&text);
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        1
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

#[test]
fn json_lines_and_concise_have_one_line_per_finding() {
    let dir = dir_with(&[("t.yaml", TEMPLATE), ("broken.yaml", "Resources: [\n")]);
    let (text, _) = report(dir.path(), "json-lines", &[]);
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[..3].iter().all(|r| r["path"] == "t.yaml"
        && r["flavor"] == "cfn-yaml"
        && r["remains"] == true
        && r["transform"].is_string()));
    assert_eq!(rows[3]["path"], "broken.yaml");
    assert!(rows[3]["error"].is_string());
    let (text, _) = report(dir.path(), "concise", &[]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("t.yaml:") && lines[0].contains(" [fixable] "),
        "{text}"
    );
    assert!(lines[3].starts_with("error: broken.yaml: "), "{text}");
}

#[test]
fn several_formats_in_one_run_each_to_its_file() {
    let dir = dir_with(&[("t.yaml", TEMPLATE)]);
    let out = iac_fix(dir.path())
        .args([
            "--dry-run",
            "--format",
            "json=out/r.json",
            "--format",
            "sarif=r.sarif",
            "--format",
            "concise",
            "t.yaml",
        ])
        .output()
        .unwrap();
    // `out/` does not exist: that report fails (exit 2), the others are written.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("out/r.json: cannot write the json report"),
        "{}",
        stderr(&out)
    );
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("r.sarif")).unwrap()).unwrap();
    assert_valid(&schema("sarif-schema-2.1.0.json"), &sarif);
    assert!(stdout(&out).starts_with("t.yaml:"), "{}", stdout(&out));
    fs::create_dir(dir.path().join("out")).unwrap();
    let out = iac_fix(dir.path())
        .args(["--dry-run", "--format", "json=out/r.json", "t.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out/r.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    // Every format names a file: the terminal keeps the text report (diff on stdout).
    assert!(stdout(&out).contains("+++ b/t.yaml"), "{}", stdout(&out));
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[test]
fn format_usage_errors_exit_2() {
    let dir = dir_with(&[("t.yaml", TEMPLATE)]);
    for args in [
        &["--format", "json", "--format", "sarif"][..],
        &["--format", "json=a", "--format", "sarif=a"],
        &["--format", "xml"],
        &["--format", "json="],
        &["--exit-zero", "--exit-non-zero-on-fix"],
    ] {
        let out = iac_fix(dir.path())
            .args(args)
            .arg("t.yaml")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(
            fs::read_to_string(dir.path().join("t.yaml")).unwrap(),
            TEMPLATE,
            "{args:?}"
        );
    }
}

#[test]
fn exit_codes_follow_ruff() {
    // A clean file: 0, dry run or not.
    let dir = dir_with(&[("t.yaml", CLEAN)]);
    iac_fix(dir.path())
        .args(["--dry-run", "t.yaml"])
        .assert()
        .code(0);
    iac_fix(dir.path()).arg("t.yaml").assert().code(0);
    // Dry run: any finding is 1; --exit-zero makes it 0.
    let dir = dir_with(&[("t.yaml", ATHENA)]);
    iac_fix(dir.path())
        .args(["--dry-run", "t.yaml"])
        .assert()
        .code(1);
    iac_fix(dir.path())
        .args(["--dry-run", "--exit-zero", "t.yaml"])
        .assert()
        .code(0);
    // Fixing everything: 0; with --exit-non-zero-on-fix: 1; then nothing is left: 0.
    iac_fix(dir.path())
        .args(["--exit-non-zero-on-fix", "t.yaml"])
        .assert()
        .code(1);
    iac_fix(dir.path())
        .args(["--exit-non-zero-on-fix", "t.yaml"])
        .assert()
        .code(0);
    iac_fix(dir.path())
        .args(["--dry-run", "t.yaml"])
        .assert()
        .code(0);
    // A review fix left without --unsafe remains: 1 after the safe fix was written.
    let dir = dir_with(&[("t.yaml", TEMPLATE)]);
    iac_fix(dir.path()).arg("t.yaml").assert().code(1);
    assert!(fs::read_to_string(dir.path().join("t.yaml"))
        .unwrap()
        .contains("ResultConfiguration:\n"));
    iac_fix(dir.path())
        .args(["--exit-zero", "t.yaml"])
        .assert()
        .code(0);
    // A suppressed finding does not count.
    let suppressed = ATHENA.replace(
        "  WG:\n",
        "  # iac-fix-ignore: athena-result-configuration\n  WG:\n",
    );
    let dir = dir_with(&[("t.yaml", &suppressed)]);
    let out = iac_fix(dir.path())
        .args(["--dry-run", "--format", "json", "t.yaml"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["fixes_suppressed"], 1, "{json:#}");
    assert_eq!(out.status.code(), Some(0));
    // An error wins over findings, and --exit-zero does not hide it.
    let dir = dir_with(&[("t.yaml", ATHENA), ("broken.yaml", "Resources: [\n")]);
    iac_fix(dir.path())
        .args(["--dry-run", "."])
        .assert()
        .code(2);
    iac_fix(dir.path())
        .args(["--dry-run", "--exit-zero", "."])
        .assert()
        .code(2);
}

#[test]
fn statistics_table_and_json() {
    let dir = dir_with(&[
        ("a.yaml", TEMPLATE),
        ("b.yaml", ATHENA),
        (
            "c.yaml",
            &ATHENA.replace(
                "  WG:\n",
                "  # iac-fix-ignore: athena-result-configuration\n  WG:\n",
            ),
        ),
    ]);
    let out = iac_fix(dir.path())
        .args(["--dry-run", "--statistics", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].split_whitespace().eq([
            "count",
            "safe",
            "review",
            "report-only",
            "fixable",
            "suppressed",
            "transform"
        ]),
        "{table}"
    );
    assert!(
        lines[1].split_whitespace().eq([
            "2",
            "2",
            "0",
            "0",
            "2",
            "1",
            "athena-result-configuration"
        ]),
        "{table}"
    );
    assert!(
        lines[2]
            .split_whitespace()
            .eq(["1", "0", "1", "0", "0", "0", "lambda-dead-letter-queue"]),
        "{table}"
    );
    assert!(
        lines[3]
            .split_whitespace()
            .eq(["1", "0", "1", "0", "0", "0", "lambda-runtime-upgrade"]),
        "{table}"
    );
    assert!(
        lines[4]
            .split_whitespace()
            .eq(["4", "2", "2", "0", "2", "1", "(total)"]),
        "{table}"
    );
    assert!(
        !table.contains("+++"),
        "statistics replace the diff: {table}"
    );
    let out = iac_fix(dir.path())
        .args([
            "--dry-run",
            "--unsafe",
            "--statistics",
            "--format",
            "json",
            ".",
        ])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["transform"], "athena-result-configuration");
    assert_eq!(rows[0]["count"], 2);
    assert_eq!(rows[0]["suppressed"], 1);
    assert_eq!(rows[2]["transform"], "lambda-runtime-upgrade");
    assert_eq!(rows[2]["review"], 1);
    assert_eq!(rows[2]["applied"], 1);
}

#[test]
fn stdin_filename_fixes_a_buffer() {
    let dir = dir_with(&[]);
    fs::create_dir(dir.path().join("infra")).unwrap();
    // Fixed source on stdout, diagnostics on stderr, the path from --stdin-filename.
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "infra/t.yaml"])
        .write_stdin(ATHENA)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("        ResultConfiguration:\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("infra/t.yaml:6:9: athena-result-configuration [fixed]"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("infra/t.yaml").exists(), "nothing written");
    // --dry-run: the diff instead; exit 1 (the finding remains).
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "infra/t.yaml", "--dry-run"])
        .write_stdin(ATHENA)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("--- a/infra/t.yaml\n+++ b/infra/t.yaml\n"),
        "{}",
        stdout(&out)
    );
    // The review fix is left: exit 1, the source with the safe fix only.
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "infra/t.yaml"])
        .write_stdin(TEMPLATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("nodejs16.x") && stdout(&out).contains("ResultConfiguration:\n"));
    // The configuration of PATH's folder applies.
    fs::write(
        dir.path().join("infra/iac-fix.toml"),
        "[transforms]\nskip = [\"athena-result-configuration\"]\n",
    )
    .unwrap();
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "infra/t.yaml"])
        .write_stdin(ATHENA)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), ATHENA);
    // Not infrastructure code, or not parsing: the buffer comes back unchanged.
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "notes.txt"])
        .write_stdin("hello\n")
        .output()
        .unwrap();
    assert_eq!(
        (out.status.code(), stdout(&out).as_str()),
        (Some(0), "hello\n")
    );
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "b.yaml"])
        .write_stdin("Resources: [\n")
        .output()
        .unwrap();
    assert_eq!(
        (out.status.code(), stdout(&out).as_str()),
        (Some(2), "Resources: [\n")
    );
    assert!(stderr(&out).contains("error: b.yaml: "), "{}", stderr(&out));
    // A report for stdout goes to stderr; stdout stays the source.
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "t.yaml", "--format", "json"])
        .write_stdin(ATHENA)
        .output()
        .unwrap();
    assert!(stdout(&out).contains("ResultConfiguration:\n"));
    let json: Value = serde_json::from_str(&stderr(&out)).unwrap();
    assert_eq!(json["files"][0]["path"], "t.yaml");
    // Paths and stdin together make no sense.
    iac_fix(dir.path())
        .args(["--stdin-filename", "t.yaml", "x.yaml"])
        .write_stdin(ATHENA)
        .assert()
        .code(2);
}

/// `--add-ignore` on a buffer writes suppressions, like on a file, and fixes nothing.
#[test]
fn stdin_filename_with_add_ignore_writes_suppressions() {
    let dir = dir_with(&[]);
    let out = iac_fix(dir.path())
        .args(["--stdin-filename", "t.yaml", "--add-ignore=legacy"])
        .write_stdin(TEMPLATE)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("# iac-fix-ignore: ") && text.contains("-- legacy"),
        "{text}"
    );
    assert!(
        text.contains("nodejs16.x") && text.contains("ResultConfigurationUpdates"),
        "{text}"
    );
}

/// A file's findings are listed in file order (line, column, transform id), whatever pass
/// found or fixed them: on this template later passes fix the dead-letter queues that
/// earlier ones added, above findings of the first pass.
#[test]
fn findings_are_listed_in_file_order() {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/lambda-dead-letter-queue/cfn-lambda.yaml"),
    )
    .unwrap();
    let dir = dir_with(&[("t.yaml", &text)]);
    let out = Command::cargo_bin("iac-fix")
        .unwrap()
        .current_dir(dir.path())
        .args(["--dry-run", "--unsafe", "--format", "json", "t.yaml"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let keys: Vec<(u64, u64, String)> = report["files"][0]["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["transform"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(keys.len() >= 10, "{keys:?}");
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}
