//! The fixer's checks still catch a broken fix when they run less often: the final
//! strict verification of a CloudFormation YAML text is taken from the write guard's
//! reading of the same text when that reading passed it (`src/fixer.rs`, `WriteGuard`),
//! and a fix in a later pass whose output is invalid (a duplicate key, a syntax error)
//! must still be found, dropped and reported, with the other fixes kept. The text as
//! read is checked by the reading that gives the guard its first template
//! (`files::prepare`): bad input is refused with the strict check's own reason, and the
//! guard still catches a bad first-pass fix.

use iac_fix::edit::{Applicability, Edit, Finding, Fix};
use iac_fix::flavor::Flavor;
use iac_fix::transform::{Meta, Options, Registered, Transform};
use std::path::Path;

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env:\n    Type: String\n    Default: dev\nResources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      TableClass: STANDARD\n";

/// A transform that edits by text: `fire(source)` gives its one edit, if any.
struct ByText {
    meta: &'static Meta,
    fire: fn(&str) -> Option<Edit>,
}

impl Transform for ByText {
    fn meta(&self) -> &'static Meta {
        self.meta
    }
    fn check(&self, doc: &iac_fix::model::Document, _: &Options) -> Vec<Finding> {
        (self.fire)(doc.source())
            .map(|edit| Finding {
                transform: self.meta.id,
                message: format!("{} fires", self.meta.id),
                offset: edit.range.start,
                fix: Some(Fix::new(Applicability::Safe, vec![edit])),
            })
            .into_iter()
            .collect()
    }
}

const fn meta(id: &'static str) -> Meta {
    Meta {
        id,
        title: "test transform",
        flavors: &[Flavor::CfnYaml],
        applicability: Applicability::Safe,
        equivalents: &[],
        options: &[],
    }
}

static GOOD_META: Meta = meta("good");
static DUPLICATE_META: Meta = meta("duplicate");
static UNCLOSED_META: Meta = meta("unclosed");

/// Pass 1: `Default: dev` becomes `Default: prod` (valid).
fn good(source: &str) -> Option<Edit> {
    let at = source.find("Default: dev")? + "Default: ".len();
    Some(Edit::replace(at..at + 3, "prod"))
}

/// Pass 2 (after `good`): a second `BillingMode` key in the same mapping.
fn duplicate(source: &str) -> Option<Edit> {
    if !source.contains("prod") || source.matches("BillingMode").count() > 1 {
        return None;
    }
    let at = source.find("      TableClass")?;
    Some(Edit::insert(at, "      BillingMode: PROVISIONED\n"))
}

/// Pass 2 (after `good`): a flow sequence that is never closed.
fn unclosed(source: &str) -> Option<Edit> {
    if !source.contains("prod") || source.contains("[PAY") {
        return None;
    }
    let at = source.find("PAY_PER_REQUEST")?;
    Some(Edit::insert(at, "["))
}

static GOOD: ByText = ByText {
    meta: &GOOD_META,
    fire: good,
};
static DUPLICATE: ByText = ByText {
    meta: &DUPLICATE_META,
    fire: duplicate,
};
static UNCLOSED: ByText = ByText {
    meta: &UNCLOSED_META,
    fire: unclosed,
};

fn run(broken: &'static ByText) -> iac_fix::fixer::Outcome {
    let registry = [
        Registered {
            transform: &GOOD,
            source: "",
        },
        Registered {
            transform: broken,
            source: "",
        },
    ];
    iac_fix::fixer::fix(
        Path::new("t.yaml"),
        Flavor::CfnYaml,
        TEMPLATE,
        &registry,
        &Default::default(),
    )
}

/// `broken`'s later-pass fix was dropped with an internal error containing `reason`,
/// and the first pass's `good` fix is kept.
fn assert_dropped(broken: &'static ByText, reason: &str) {
    let id = broken.meta.id;
    let outcome = run(broken);
    assert_eq!(
        outcome.fixed,
        TEMPLATE.replace("Default: dev", "Default: prod")
    );
    assert!(
        outcome
            .internal_errors
            .iter()
            .any(|e| e.contains(&format!("{id} produced invalid output")) && e.contains(reason)),
        "{:?}",
        outcome.internal_errors
    );
    assert!(outcome
        .fixes
        .iter()
        .any(|f| f.transform == "good" && f.applied));
    assert!(!outcome.fixes.iter().any(|f| f.transform == id && f.applied));
}

#[test]
fn a_later_pass_that_duplicates_a_key_is_dropped() {
    assert_dropped(&DUPLICATE, "duplicate key");
}

#[test]
fn a_later_pass_with_a_syntax_error_is_dropped() {
    assert_dropped(&UNCLOSED, "");
}

#[test]
fn valid_passes_are_kept() {
    let registry = [Registered {
        transform: &GOOD,
        source: "",
    }];
    let outcome = iac_fix::fixer::fix(
        Path::new("t.yaml"),
        Flavor::CfnYaml,
        TEMPLATE,
        &registry,
        &Default::default(),
    );
    assert_eq!(
        outcome.fixed,
        TEMPLATE.replace("Default: dev", "Default: prod")
    );
    assert!(
        outcome.internal_errors.is_empty(),
        "{:?}",
        outcome.internal_errors
    );
}

/// The text as read is checked by the same strict reading that gives the write guard its
/// first template (`files::prepare`): every input `verify::check` refuses is still refused,
/// with `verify::check`'s own reason, and an accepted template's value is the one the
/// guard would have read itself.
#[test]
fn input_is_refused_with_the_strict_check_reason() {
    use iac_fix::lang::{cfn_data, cfn_digest, verify, Syntax};
    let head = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";
    let mut laughs = format!("{head}  A:\n    Type: X\nL0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..8 {
        let p = i - 1;
        laughs.push_str(&format!(
            "L{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    let texts: Vec<(Syntax, String)> = vec![
        // Refused: a duplicate key, a syntax error, an alias bomb, JSON duplicates/syntax.
        (Syntax::Yaml, format!("{head}  A:\n    Type: X\n  A:\n    Type: Y\n")),
        (Syntax::Yaml, format!("{head}  A:\n    Type: [X\n")),
        (Syntax::Yaml, laughs),
        (
            Syntax::Json,
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"A\": {\"Type\": \"X\"}, \"A\": {\"Type\": \"Y\"}}}".into(),
        ),
        (
            Syntax::Json,
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"A\": {\"Type\": \"X\"}}".into(),
        ),
        // Accepted: plain templates, and a flow list closed at its key's indentation
        // (accepted by verify::check's fallback, not by the strict reading).
        (Syntax::Yaml, format!("{head}  A:\n    Type: X\n    Properties:\n      P: !Ref B\n")),
        (
            Syntax::Yaml,
            format!("{head}  A:\n    Type: X\n    Properties:\n      L: [\n        a,\n      ]\n"),
        ),
        (
            Syntax::Json,
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"A\": {\"Type\": \"X\"}}}".into(),
        ),
    ];
    for (syntax, text) in texts {
        let prepared = iac_fix::files::prepare(syntax, &text);
        match verify::check(syntax, &text) {
            Err(reason) => {
                let Err(err) = prepared else {
                    panic!("{text:?} was accepted; verify::check: {reason}");
                };
                assert_eq!(
                    err.to_string(),
                    format!("does not parse: {reason}"),
                    "{text:?}"
                );
            }
            Ok(()) => {
                // The prepared template is the strict reading's value, and there is none
                // exactly when the strict reading refuses (the flow-list fallback case).
                let prepared = prepared.unwrap().expect("a template");
                assert_eq!(
                    prepared.template.map(|d| d.hash()),
                    cfn_data::to_value_as_written(syntax, &text)
                        .ok()
                        .map(|v| cfn_digest::Digest::of_value(&v).hash()),
                    "{text:?}"
                );
            }
        }
    }
}

static TRUNCATE_META: Meta = meta("truncate");

/// Pass 1: `Default: dev` becomes `Default: prod`, and everything after it is lost
/// (valid YAML: only the write guard sees that `Resources/Table` went away).
fn truncate(source: &str) -> Option<Edit> {
    let at = source.find("Default: dev")?;
    Some(Edit::replace(at..source.len(), "Default: prod\n"))
}

static TRUNCATE: ByText = ByText {
    meta: &TRUNCATE_META,
    fire: truncate,
};

/// The write guard starts from the template `files::prepare` read with its strict check
/// (not a reading of its own): a first-pass fix that changes the template outside its
/// edits is still caught, with the guard's message, and nothing is written.
#[test]
fn the_write_guard_catches_a_first_pass_fix_from_the_prepared_template() {
    let registry = [Registered {
        transform: &TRUNCATE,
        source: "",
    }];
    let (flavor, outcome) = iac_fix::files::process_text(
        Path::new("t.yaml"),
        iac_fix::lang::Syntax::Yaml,
        TEMPLATE,
        &registry,
        &Default::default(),
    )
    .unwrap()
    .expect("a template");
    assert_eq!(flavor, Flavor::CfnYaml);
    assert_eq!(outcome.fixed, TEMPLATE, "nothing written");
    assert!(
        outcome.internal_errors.iter().any(|e| e
            == "internal error: truncate changed `Parameters/Env`, which none of its edits lies inside; truncate changed `Resources/Table`, which none of its edits lies inside (CloudFormation write guard); file not written"),
        "{:?}",
        outcome.internal_errors
    );
    assert!(outcome.fixes.iter().all(|f| !f.applied));
}

/// The write guard's digests agree with the template values on every CloudFormation
/// fixture: a digest read in one strict reading is the value's, and between a fixture's
/// input and its expected output the same top-level keys and section entries differ.
#[test]
fn guard_digests_agree_with_values_on_fixtures() {
    use iac_fix::lang::cfn_data::{to_value_as_written, SECTIONS};
    use iac_fix::lang::cfn_digest::Digest;
    use iac_fix::lang::Syntax;
    use serde_json::Value;
    /// `(unit path, value)` of the units the guard compares.
    fn units_of_value(v: &Value) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        if let Some(top) = v.as_object() {
            for (k, x) in top {
                out.push((k.clone(), x.clone()));
                if let (true, Some(entries)) = (SECTIONS.contains(&k.as_str()), x.as_object()) {
                    for (name, e) in entries {
                        out.push((format!("{k}/{name}"), e.clone()));
                    }
                }
            }
        }
        out
    }
    fn unit_digest<'d>(d: &'d Digest, path: &str) -> Option<&'d Digest> {
        match path.split_once('/') {
            Some((k, name)) => d.get(k)?.get(name),
            None => d.get(path),
        }
    }
    let mut checked = 0;
    let mut compared = 0;
    for entry in std::fs::read_dir("fixtures").unwrap() {
        let dir = entry.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let syntax = match path.extension().and_then(|e| e.to_str()) {
                Some("json") => Syntax::Json,
                Some("yaml" | "yml") => Syntax::Yaml,
                _ => continue,
            };
            if name.contains(".expected.") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(before) = Digest::read_checked(syntax, &text) else {
                continue;
            };
            let value = to_value_as_written(syntax, &text).unwrap();
            assert_eq!(before.hash(), Digest::of_value(&value).hash(), "{path:?}");
            checked += 1;
            let expected = path.with_file_name(name.replacen('.', ".expected.", 1));
            let Ok(after_text) = std::fs::read_to_string(&expected) else {
                continue;
            };
            let (Some(after), Ok(after_value)) = (
                Digest::read_checked(syntax, &after_text),
                to_value_as_written(syntax, &after_text),
            ) else {
                continue;
            };
            let after_units = units_of_value(&after_value);
            for (unit, v) in units_of_value(&value) {
                let now = after_units.iter().find(|(u, _)| *u == unit).map(|(_, x)| x);
                let same_value = now == Some(&v);
                let same_digest = match (unit_digest(&before, &unit), unit_digest(&after, &unit)) {
                    (Some(b), Some(a)) => b == a,
                    _ => false,
                };
                assert_eq!(same_value, same_digest, "{path:?} {unit}");
                compared += 1;
            }
        }
    }
    assert!(
        checked > 200 && compared > 1500,
        "{checked} templates, {compared} units"
    );
}
