//! The fixer's checks still catch a broken fix when they run less often: the final
//! strict verification of a CloudFormation YAML text is taken from the write guard's
//! reading of the same text when that reading passed it (`src/fixer.rs`, `WriteGuard`),
//! and a fix in a later pass whose output is invalid (a duplicate key, a syntax error)
//! must still be found, dropped and reported, with the other fixes kept.

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

#[test]
fn a_later_pass_that_duplicates_a_key_is_dropped() {
    let outcome = run(&DUPLICATE);
    assert_eq!(
        outcome.fixed,
        TEMPLATE.replace("Default: dev", "Default: prod")
    );
    assert!(
        outcome
            .internal_errors
            .iter()
            .any(|e| e.contains("duplicate produced invalid output") && e.contains("duplicate key")),
        "{:?}",
        outcome.internal_errors
    );
    assert!(outcome
        .fixes
        .iter()
        .any(|f| f.transform == "good" && f.applied));
    assert!(!outcome
        .fixes
        .iter()
        .any(|f| f.transform == "duplicate" && f.applied));
}

#[test]
fn a_later_pass_with_a_syntax_error_is_dropped() {
    let outcome = run(&UNCLOSED);
    assert_eq!(
        outcome.fixed,
        TEMPLATE.replace("Default: dev", "Default: prod")
    );
    assert!(
        outcome
            .internal_errors
            .iter()
            .any(|e| e.contains("unclosed produced invalid output")),
        "{:?}",
        outcome.internal_errors
    );
    assert!(!outcome
        .fixes
        .iter()
        .any(|f| f.transform == "unclosed" && f.applied));
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
