//! lambda-dead-letter-queue beyond single-file fixtures: invokers found in the other files
//! of a run (project facts), applicability (never `safe` on a guess or an outside role),
//! and the `report-skipped` option.

use iac_fix::cli::scan;
use iac_fix::config::Config;
use iac_fix::edit::Applicability;
use iac_fix::files::process_text;
use iac_fix::fixer::{Reported, Settings};
use iac_fix::flavor::syntax_for_path;
use iac_fix::transform::Options;
use iac_fix::transforms::REGISTRY;
use std::path::{Path, PathBuf};

const ID: &str = "lambda-dead-letter-queue";

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(ID)
        .join(name)
}

fn settings(unsafe_fixes: bool) -> Settings {
    Settings {
        select: vec![ID.into()],
        unsafe_fixes,
        ..Default::default()
    }
}

/// The DLQ findings of a whole folder run as one project: (file name, finding).
fn run_project(name: &str) -> Vec<(String, Reported)> {
    let (processed, errors) = scan(&[dir(name)], &Config::default(), &settings(false), false);
    assert!(errors.is_empty(), "{errors:?}");
    processed
        .into_iter()
        .flat_map(|p| {
            let file = p.path.file_name().unwrap().to_string_lossy().to_string();
            p.outcome.fixes.into_iter().map(move |f| (file.clone(), f))
        })
        .collect()
}

#[test]
fn api_only_function_in_a_sibling_file_gets_no_dlq() {
    // case dlq-for-api-only-function: `LambdaIntegration(props.quoteFunction)` in api-stack.ts
    assert!(run_project("dlq-for-api-only-function").is_empty());
    // held back: the function handed on under another prop name, HTTP API integration
    assert!(run_project("dlq-cross-file-renamed-prop").is_empty());
}

#[test]
fn asynchronous_invoker_in_a_sibling_file_gets_a_safe_dlq() {
    let found = run_project("dlq-cross-file-async");
    assert_eq!(found.len(), 1, "{found:?}");
    let (file, f) = &found[0];
    assert_eq!(file, "functions-stack.ts");
    assert!(f.applied && f.applicability == Applicability::Safe);
    assert!(f.message.contains("SNS subscription at "), "{}", f.message);
    assert!(f.message.contains("topic-stack.ts:15"), "{}", f.message);
}

#[test]
fn the_same_file_alone_is_unknown_and_review() {
    let path = dir("dlq-for-api-only-function/lib/functions-stack.ts");
    let f = single(&path, &settings(false));
    assert_eq!(f.len(), 1);
    assert!(!f[0].applied && f[0].applicability == Applicability::Review);
    assert!(f[0].message.contains("invoker unknown"), "{}", f[0].message);
}

#[test]
fn projects_of_one_run_do_not_share_facts() {
    let (processed, _) = scan(
        &[
            dir("dlq-for-api-only-function"),
            dir("dlq-cross-file-async"),
        ],
        &Config::default(),
        &settings(false),
        false,
    );
    let applied: Vec<String> = processed
        .iter()
        .filter(|p| p.outcome.fixes.iter().any(|f| f.applied))
        .map(|p| p.path.to_string_lossy().to_string())
        .collect();
    assert_eq!(applied.len(), 1, "{applied:?}");
    assert!(applied[0].contains("dlq-cross-file-async"));
}

fn single(path: &Path, settings: &Settings) -> Vec<Reported> {
    let text = std::fs::read_to_string(path).unwrap();
    let (_, outcome) = process_text(
        path,
        syntax_for_path(path).unwrap(),
        &text,
        REGISTRY,
        settings,
    )
    .unwrap()
    .unwrap();
    outcome.fixes
}

#[test]
fn outside_roles_are_review_and_name_the_statement() {
    for case in [
        "dlq-external-role-applied-as-safe.yaml",
        "lambda-dlq-on-failure-and-poller.yaml",
        "dlq-cdktf-external-role.ts",
    ] {
        let found = single(&dir(case), &settings(false));
        assert_eq!(found.len(), 1, "{case}: {found:?}");
        let f = &found[0];
        assert!(
            !f.applied && f.applicability == Applicability::Review,
            "{case}"
        );
        assert!(
            f.message.contains("\"Action\": \"sqs:SendMessage\""),
            "{case}: {}",
            f.message
        );
    }
}

#[test]
fn editable_roles_get_the_permission_in_a_safe_fix() {
    for case in [
        "dlq-cdktf-role-without-sendmessage.ts",
        "dlq-missed-apigw-event-invocation.ts",
        "dlq-missed-apigw-event-invocation-held-back.yaml",
        "dlq-queue-fails-checkov-sqs-encryption.ts",
    ] {
        let found = single(&dir(case), &settings(false));
        assert_eq!(found.len(), 1, "{case}: {found:?}");
        assert!(
            found[0].applied && found[0].applicability == Applicability::Safe,
            "{case}"
        );
    }
}

#[test]
fn report_skipped_names_the_invokers() {
    let mut s = settings(false);
    s.options.insert(
        ID.into(),
        Options([("report-skipped".to_string(), "true".to_string())].into()),
    );
    let expect = [
        (
            "dlq-synchronous-invokers.yaml",
            "only synchronous (CloudFormation macro)",
        ),
        ("lambda-dlq-edge-function.yaml", "Lambda@Edge"),
        (
            "dlq-on-sqs-polled-function-via-variable.ts",
            "only poll-based",
        ),
        (
            "lambda-dlq-on-failure-and-poller.yaml",
            "on-failure destination",
        ),
    ];
    for (case, text) in expect {
        let found = single(&dir(case), &s);
        assert!(
            found.iter().any(|f| !f.fixable && f.message.contains(text)),
            "{case}: {found:?}"
        );
    }
}

/// Two functions on one role, one safe fix (EventBridge invokes it) and one review fix
/// (no visible invoker): without `--unsafe` the role's new statement names only the
/// queue that is created (a shared statement named both, and the template failed).
#[test]
fn a_shared_role_grants_only_the_applied_fixes_queues() {
    let path = dir("dlq-shared-role-mixed.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, outcome) = process_text(
        &path,
        syntax_for_path(&path).unwrap(),
        &text,
        REGISTRY,
        &settings(false),
    )
    .unwrap()
    .unwrap();
    assert!(outcome.fixed.contains("ADLQ:"), "{}", outcome.fixed);
    assert!(!outcome.fixed.contains("BDLQ"), "{}", outcome.fixed);
}
