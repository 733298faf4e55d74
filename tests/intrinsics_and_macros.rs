//! What the fixtures cannot show: the findings reported without a fix (and why) for
//! templates whose intrinsics, macros and loops hide what a fix would need to know
//! (issue 14, "Intrinsics and macros"; cases in `../shared/cases/`).

use iac_fix::files::process_text;
use iac_fix::fixer::{Reported, Settings};
use iac_fix::flavor::syntax_for_path;
use iac_fix::transforms::REGISTRY;
use std::path::Path;

/// The findings of one transform on a fixture input, after a run with review fixes on.
fn findings(transform: &str, fixture: &str) -> Vec<Reported> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap();
    let settings = Settings {
        select: vec![transform.to_string()],
        unsafe_fixes: true,
        ..Default::default()
    };
    let syntax = syntax_for_path(&path).unwrap();
    let (_, outcome) = process_text(&path, syntax, &text, REGISTRY, &settings)
        .unwrap()
        .unwrap();
    assert!(
        outcome.internal_errors.is_empty(),
        "{fixture}: {:?}",
        outcome.internal_errors
    );
    outcome.fixes
}

/// (message contains, fixable) per finding.
fn assert_reports(found: &[Reported], expected: &[(&str, bool)]) {
    let got: Vec<(String, bool)> = found
        .iter()
        .map(|r| (r.message.clone(), r.fixable))
        .collect();
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (text, fixable) in expected {
        assert!(
            got.iter().any(|(m, f)| m.contains(text) && f == fixable),
            "no finding with {text:?} (fixable: {fixable}) in {got:#?}"
        );
    }
}

#[test]
fn fn_transform_include_keeps_parameters() {
    let found = findings(
        "cfn-unused-parameter",
        "cfn-unused-parameter/w2001-fn-transform-include.yaml",
    );
    assert_reports(
        &found,
        &[
            ("`BackendFunctionArn` is not used where the template can be read, but `Fn::Transform` (`AWS::Include`) at line 19", false),
            ("`AuthorizerPoolArn`", false),
        ],
    );
    let found = findings(
        "cfn-unused-parameter",
        "cfn-unused-parameter/w2001-fn-transform-macro.json",
    );
    assert_reports(&found, &[("`Fn::Transform` (`AddTags`)", false)]);
}

#[test]
fn opaque_sub_and_pre_processor_tags_keep_parameters() {
    for fixture in [
        "cfn-unused-parameter/unused-parameter-opaque-sub.json",
        "cfn-unused-parameter/unused-parameter-opaque-sub.yaml",
    ] {
        let found = findings("cfn-unused-parameter", fixture);
        assert!(
            !found.is_empty()
                && found.iter().all(|r| !r.fixable
                    && r.message
                        .contains("an `Fn::Sub` whose text is not a plain string")),
            "{fixture}: {found:#?}"
        );
    }
    let found = findings(
        "cfn-unused-parameter",
        "cfn-unused-parameter/pre-processor-tag.yaml",
    );
    assert_reports(&found, &[("the pre-processor tag `!Rain::Module`", false)]);
}

#[test]
fn needless_sub_leaves_non_string_arguments() {
    for fixture in [
        "cfn-needless-sub/needless-sub-non-string-argument.yaml",
        "cfn-needless-sub/needless-sub-non-string-argument.json",
    ] {
        assert!(
            findings("cfn-needless-sub", fixture).is_empty(),
            "{fixture}"
        );
    }
}

#[test]
fn metadata_mentions_are_reported_not_removed() {
    let found = findings(
        "cfn-unused-parameter",
        "cfn-unused-parameter/w2001-metadata-mention.yaml",
    );
    assert_reports(
        &found,
        &[
            (
                "`SubnetPoolFilter` is not used by the template, but `Metadata` names it at line",
                false,
            ),
            ("`Leftover` is not used anywhere", true),
        ],
    );
    let found = findings(
        "cfn-unused-parameter",
        "cfn-unused-parameter/w2001-metadata-mention.json",
    );
    assert_reports(&found, &[("`Resources.Topic.Metadata` names it", false)]);
}

#[test]
fn resources_under_parameters_are_errors_not_removals() {
    let found = findings(
        "cfn-unused-parameter",
        "cfn-unused-parameter/unused-parameter-deletes-resources.yaml",
    );
    assert_reports(
        &found,
        &[
            ("`Legacy` is not used anywhere", true),
            ("template error: `ProcessorFunction` under `Parameters` is not a parameter: it has `Properties`", false),
            ("`Queue` under `Parameters` is not a parameter: its `Type: AWS::SQS::Queue` is a resource type", false),
            ("`Outputs` under `Parameters` is not a parameter: it is the template's `Outputs` section", false),
        ],
    );
}

#[test]
fn loop_resources_get_fixes_that_stay_in_the_loop_or_a_report() {
    let found = findings(
        "dynamodb-point-in-time-recovery",
        "dynamodb-point-in-time-recovery/foreach-resources-not-seen.yaml",
    );
    assert_reports(
        &found,
        &[
            ("`Table${Name}` has no point-in-time recovery", true),
            ("`PlainTable`", true),
        ],
    );
    let found = findings(
        "dynamodb-customer-managed-key",
        "dynamodb-customer-managed-key/foreach-companion-not-applied.yaml",
    );
    assert_reports(
        &found,
        &[("(not applied: `Table${Name}` stands for one resource per item of `Fn::ForEach::Tables`", false)],
    );
}

#[test]
fn global_databases_move_together_or_are_reported() {
    let found = findings(
        "rds-engine-version",
        "rds-engine-version/rds-version-global-cluster-mismatch.json",
    );
    assert_reports(
        &found,
        &[("global database `Global`, `PrimaryCluster`", true)],
    );
    let found = findings(
        "rds-engine-version",
        "rds-engine-version/rds-version-global-cluster-mismatch.yaml",
    );
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found
        .iter()
        .all(|r| !r.fixable && r.message.contains("`Global`, `Primary`, `Secondary`")));
}

#[test]
fn major_only_versions_are_left_alone() {
    let found = findings(
        "rds-engine-version",
        "rds-engine-version/rds-engine-version-major-only.yaml",
    );
    assert_reports(&found, &[("`LegacyDb`: postgres 13.4 is deprecated", true)]);
}

#[test]
fn case_insensitive_enums_are_left_alone() {
    let found = findings(
        "cfn-enum-value",
        "cfn-enum-value/e3030-case-insensitive-enum.yaml",
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_key_starting_with_a_backtick_is_renamed_once() {
    for fixture in [
        "cfn-property-name/backtick-key-phantom-fix.json",
        "cfn-property-name/backtick-key-phantom-fix.yaml",
    ] {
        let found = findings("cfn-property-name", fixture);
        let managed: Vec<_> = found
            .iter()
            .filter(|r| r.message.contains("anagedPolicyArns"))
            .collect();
        assert_eq!(managed.len(), 1, "{fixture}: {found:#?}");
        assert!(managed[0].applied, "{fixture}");
    }
}

/// A transform whose fix rewrites a key to itself.
struct Noop;
static NOOP_META: iac_fix::transform::Meta = iac_fix::transform::Meta {
    id: "noop-test",
    title: "test",
    flavors: &[iac_fix::flavor::Flavor::CfnYaml],
    applicability: iac_fix::edit::Applicability::Safe,
    equivalents: &[],
    options: &[],
};
impl iac_fix::transform::Transform for Noop {
    fn meta(&self) -> &'static iac_fix::transform::Meta {
        &NOOP_META
    }
    fn check(
        &self,
        doc: &iac_fix::model::Document,
        _: &iac_fix::transform::Options,
    ) -> Vec<iac_fix::edit::Finding> {
        let edit = iac_fix::edit::Edit::replace(0..9, &doc.source()[0..9]);
        vec![NOOP_META.finding(0, "renamed", Some(vec![edit]))]
    }
}
static NOOP: Noop = Noop;

#[test]
fn a_fix_that_changes_nothing_is_a_finding_without_a_fix() {
    let registry = [iac_fix::transform::Registered {
        transform: &NOOP,
        source: "",
    }];
    let text = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n";
    let settings = Settings::default();
    let (_, outcome) = process_text(
        Path::new("t.yaml"),
        syntax_for_path(Path::new("t.yaml")).unwrap(),
        text,
        &registry,
        &settings,
    )
    .unwrap()
    .unwrap();
    assert!(
        outcome.internal_errors.is_empty(),
        "{:?}",
        outcome.internal_errors
    );
    assert_eq!(outcome.fixes.len(), 1);
    assert!(!outcome.fixes[0].applied && !outcome.fixes[0].fixable);
    assert!(outcome.fixes[0]
        .message
        .contains("the fix changes nothing here"));
}
