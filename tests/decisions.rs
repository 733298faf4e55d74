//! Decisions the code records are honoured the same way by every transform.
//!
//! - A suppression (`iac-fix-ignore: <id>`) placed above a resource (its logical id, its
//!   statement), as the first line inside its body, or trailing its first line keeps every
//!   transform away from that resource. The test is table-driven over the registry and
//!   its fixtures: each firing YAML / TypeScript fixture of every registered transform is
//!   rewritten with a suppression in each placement on every resource, and no finding may
//!   remain inside a resource (a new transform is covered by its fixtures automatically).
//! - Lines in messages name the file as the user wrote it, also for findings of a later
//!   fixer pass, after earlier fixes inserted lines above them.

use iac_fix::edit::{apply_edits, Edit};
use iac_fix::files::process_text;
use iac_fix::fixer::{Outcome, Settings};
use iac_fix::flavor::{syntax_for_path, Flavor};
use iac_fix::lang::{Parsed, Syntax};
use iac_fix::model::Document;
use iac_fix::transforms::REGISTRY;
use std::path::{Path, PathBuf};

fn run(path: &Path, text: &str, settings: &Settings) -> Option<(Flavor, Outcome)> {
    process_text(path, syntax_for_path(path)?, text, REGISTRY, settings).ok()?
}

fn settings(id: &str) -> Settings {
    Settings {
        select: vec![id.to_string()],
        unsafe_fixes: true,
        ..Default::default()
    }
}

#[derive(Clone, Copy, Debug)]
enum Placement {
    /// A comment line above the resource's logical id (YAML) or statement (TS).
    Above,
    /// A comment as the first line inside the resource's body (YAML mapping, TS props).
    FirstInBody,
    /// A comment at the end of the resource's first line.
    Trailing,
}

/// `text` with a suppression of `id` in `placement` on every resource, and the line ranges
/// (1-based, inclusive) of the resources in the result. `None` when no resource can take
/// the placement.
fn with_suppressions(
    path: &Path,
    flavor: Flavor,
    text: &str,
    id: &str,
    placement: Placement,
) -> Option<(String, Vec<(usize, usize)>)> {
    let syntax = flavor.syntax();
    let marker = match syntax {
        Syntax::Yaml => "#",
        Syntax::TypeScript => "//",
        Syntax::Json => return None,
    };
    let parsed = Parsed::new(syntax, text.to_string());
    let doc = Document::new(path, flavor, &parsed);
    let comment = format!("{marker} iac-fix-ignore: {id}");
    let mut edits = Vec::new();
    // Indices of the resources that got a suppression.
    let mut got = Vec::new();
    for (i, r) in doc.resources.iter().enumerate() {
        let before = edits.len();
        let whole = if flavor.is_cfn() {
            r.node.parent()?
        } else {
            r.statement.unwrap_or(r.node)
        };
        let start = whole.start_byte();
        let line_start = parsed.line_start(start);
        let own_line = text[line_start..start].trim().is_empty();
        match placement {
            Placement::Above if own_line => {
                let indent = parsed.line_indent(start);
                edits.push(Edit::insert(line_start, format!("{indent}{comment}\n")));
            }
            Placement::FirstInBody => {
                if flavor.is_cfn() {
                    let body = r.body?;
                    if body.node.kind() != "block_mapping" {
                        continue;
                    }
                    let at = parsed.line_start(body.node.start_byte());
                    if at <= line_start {
                        continue;
                    }
                    let indent = parsed.line_indent(body.node.start_byte());
                    edits.push(Edit::insert(at, format!("{indent}{comment}\n")));
                } else {
                    let Some(props) = r.props else { continue };
                    if props.node.kind() != "object" {
                        continue;
                    }
                    let open = props.node.start_byte() + 1;
                    let indent = format!("{}  ", parsed.line_indent(props.node.start_byte()));
                    edits.push(Edit::insert(open, format!("\n{indent}{comment}\n{indent}")));
                }
            }
            Placement::Trailing => {
                let end = parsed.line_end(r.node.start_byte());
                let line = &text[parsed.line_start(end)..end];
                // Not inside a template literal or a string that goes on.
                // Nor after a comment already trailing the line (`}); // cost`): the
                // suppression would be part of that comment's text.
                if line.contains('`')
                    || line.contains("//")
                    || line.contains(" #")
                    || line.trim_end().ends_with(['\'', '"', '+'])
                {
                    continue;
                }
                edits.push(Edit::insert(end, format!(" {comment}")));
            }
            _ => {}
        }
        if edits.len() > before {
            got.push(i);
        }
    }
    if edits.is_empty() {
        return None;
    }
    let out = apply_edits(text, &edits.iter().collect::<Vec<_>>());
    let parsed = Parsed::new(syntax, out.clone());
    let doc = Document::new(path, flavor, &parsed);
    let ranges = doc
        .resources
        .iter()
        .enumerate()
        .filter(|(i, _)| got.contains(i))
        .filter_map(|(_, r)| {
            let whole = if flavor.is_cfn() {
                r.node.parent()?
            } else {
                r.statement.unwrap_or(r.node)
            };
            Some((
                doc.line_of(whole.start_byte()),
                doc.line_of(whole.end_byte().saturating_sub(1)),
            ))
        })
        .collect();
    Some((out, ranges))
}

fn fixture_cases(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && !p.to_string_lossy().contains(".expected.")
                && matches!(
                    syntax_for_path(p),
                    Some(Syntax::Yaml) | Some(Syntax::TypeScript)
                )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_suppression_in_every_placement_keeps_every_transform_away() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut failures = Vec::new();
    let mut checked = 0;
    for reg in REGISTRY {
        let id = reg.meta().id;
        for case in fixture_cases(&root.join(id)) {
            let text = std::fs::read_to_string(&case).unwrap();
            let Some((flavor, plain)) = run(&case, &text, &settings(id)) else {
                continue;
            };
            if plain.fixes.is_empty() {
                continue; // nothing fires: nothing to suppress
            }
            for placement in [
                Placement::Above,
                Placement::FirstInBody,
                Placement::Trailing,
            ] {
                let Some((variant, ranges)) =
                    with_suppressions(&case, flavor, &text, id, placement)
                else {
                    continue;
                };
                let path = case.as_path();
                let outcome =
                    match process_text(path, flavor.syntax(), &variant, REGISTRY, &settings(id)) {
                        Ok(Some((_, o))) => o,
                        other => {
                            let why = other.err().map(|e| e.to_string()).unwrap_or_default();
                            failures.push(format!(
                                "{}: {placement:?}: variant not processed {why}\n{variant}",
                                case.display()
                            ));
                            continue;
                        }
                    };
                checked += 1;
                for f in &outcome.fixes {
                    if ranges.iter().any(|(a, b)| (*a..=*b).contains(&f.line)) {
                        failures.push(format!(
                            "{} ({placement:?}): line {}: {}",
                            case.display(),
                            f.line,
                            f.message
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} variants checked");
    assert!(
        failures.is_empty(),
        "findings inside suppressed resources:\n{}",
        failures.join("\n")
    );
}

/// `log-group-retention` inserts a line into the first log group; the queue below keeps an
/// explicit, commented `SqsManagedSseEnabled: false`, which `encryption-at-rest` reports
/// in a later pass: the message names the comment's and the value's lines as written.
#[test]
fn messages_of_later_passes_name_original_lines() {
    let src = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /app
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      # a legacy consumer cannot read encrypted messages
      SqsManagedSseEnabled: false
";
    let settings = Settings {
        select: vec!["log-group-retention".into(), "encryption-at-rest".into()],
        unsafe_fixes: true,
        ..Default::default()
    };
    let (_, o) = run(Path::new("t.yaml"), src, &settings).unwrap();
    assert_ne!(o.fixed, src, "the log group got a retention");
    let queue = o
        .fixes
        .iter()
        .find(|f| f.transform == "encryption-at-rest")
        .expect("the queue is reported");
    assert_eq!(queue.line, 11, "{queue:?}");
    assert!(
        queue.message.contains("at line 11") && queue.message.contains("comment at line 10"),
        "{}",
        queue.message
    );
}

/// `encryption-at-rest` makes a Kinesis stream `review` only when a resource policy of the
/// file shares that stream (its `ResourceArn`, or `addToResourcePolicy` on its own
/// binding); the other streams of the file stay `safe` (fixtures
/// `encryption-at-rest/kinesis-policy-for-another-stream.{yaml,ts}`).
#[test]
fn kinesis_review_follows_the_streams_own_policy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/encryption-at-rest");
    for (file, shared, private) in [
        (
            "kinesis-policy-for-another-stream.yaml",
            "`Shared`",
            "`Private`",
        ),
        (
            "kinesis-policy-for-another-stream.ts",
            "`Shared`",
            "`Events`",
        ),
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let safe_only = Settings {
            select: vec!["encryption-at-rest".into()],
            ..Default::default()
        };
        let (_, o) = run(&path, &text, &safe_only).unwrap();
        let of = |name: &str| {
            o.fixes
                .iter()
                .find(|f| f.message.contains(name))
                .unwrap_or_else(|| panic!("{file}: no finding for {name}: {:?}", o.fixes))
        };
        assert!(of(private).applied, "{file}: {private} is safe");
        assert!(!of(shared).applied, "{file}: {shared} is review");
        assert!(of(shared).message.contains("shares this stream"), "{file}");
    }
}

/// An explicit opposite value is a decision (`explicit_value`'s rule, shared by the
/// settings engine, the encryption engine and the hand-written transforms): without
/// `--unsafe` nothing changes, and a value with a comment that records why is reported
/// without a fix (fixtures `<id>/explicit-values.yaml`).
#[test]
fn explicit_opposite_values_are_never_safe_fixes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for id in [
        "ecr-repository-hardening",
        "kms-key-rotation",
        "encryption-at-rest",
        "tracing-and-log-exports",
    ] {
        let path = root.join(id).join("explicit-values.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let safe_only = Settings {
            select: vec![id.to_string()],
            ..Default::default()
        };
        let (_, o) = run(&path, &text, &safe_only).unwrap();
        assert_eq!(o.fixed, text, "{id}: a safe fix changed an explicit value");
        assert!(
            o.fixes.iter().any(|f| f.fixable && !f.applied),
            "{id}: the unexplained explicit value gets a review fix: {:?}",
            o.fixes
        );
        assert!(
            o.fixes
                .iter()
                .any(|f| !f.fixable && f.message.contains("records the decision")),
            "{id}: {:?}",
            o.fixes
        );
    }
}

/// A suppression trailing an explicit value's line suppresses the finding about that value
/// in the encryption engines too (their findings stand at the value, as the settings
/// engine's do): fixtures `encryption-at-rest/suppressed-explicit-value.yaml`,
/// `encryption-in-transit/suppressed-explicit-value.yaml`.
#[test]
fn a_suppression_trailing_an_explicit_value_covers_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for id in ["encryption-at-rest", "encryption-in-transit"] {
        let path = root.join(id).join("suppressed-explicit-value.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, o) = run(&path, &text, &settings(id)).unwrap();
        assert!(o.fixes.is_empty(), "{id}: {:?}", o.fixes);
        assert_eq!(o.suppressed.len(), 1, "{id}: {:?}", o.suppressed);
    }
}

/// lambda-tracing: Lambda rejects active tracing when the execution role lacks the X-Ray
/// writes, so a role the run cannot give them is reported without a fix (naming the role
/// and the actions), and so is a function whose comment says tracing is off on purpose.
#[test]
fn lambda_tracing_reports_roles_it_cannot_edit_and_recorded_decisions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lambda-tracing");
    for (file, count, needle) in [
        (
            "role-not-editable.yaml",
            4,
            "xray:PutTraceSegments and xray:PutTelemetryRecords",
        ),
        ("cdktf-role-without-xray.ts", 1, "role `role`"),
        (
            "cdk-immutable-import.ts",
            1,
            "InvalidParameterValueException",
        ),
        (
            "cdk-role-not-editable.ts",
            2,
            "InvalidParameterValueException",
        ),
        ("off-comment-placements.yaml", 3, "on purpose"),
        ("off-comment-placements.ts", 2, "on purpose"),
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, o) = run(&path, &text, &settings("lambda-tracing")).unwrap();
        assert_eq!(o.fixes.len(), count, "{file}: {:?}", o.fixes);
        for f in &o.fixes {
            assert!(!f.fixable, "{file}: {}", f.message);
            assert!(f.message.contains(needle), "{file}: {}", f.message);
        }
    }
}
