//! ## What it fixes
//! Step Functions state machines that send logs to CloudWatch Logs but leave out
//! the execution data (`includeExecutionData` missing) or log no level at all.
//!
//! ## Why
//! Without execution data a log event says that a state failed but not with which
//! input, output or error details, so a failed execution cannot be diagnosed from
//! the logs once its history is gone (90 days for standard workflows, never kept
//! for express workflows, whose logs are all there is). CloudFormation and
//! Terraform default the level to `OFF`: a logging configuration without a level
//! logs nothing.
//!
//! ## Before → after
//! CDK TypeScript, `StateMachine` (every import style; `LogLevel` is named through
//! the file's own import of aws-stepfunctions, added if missing):
//! ```ts
//! logs: { destination: logGroup },
//! // becomes
//! logs: { destination: logGroup, includeExecutionData: true, level: sfn.LogLevel.ALL },
//! ```
//! CDK `CfnStateMachine` and CDKTF `SfnStateMachine`: `loggingConfiguration` gets
//! `includeExecutionData: true` and, when it has none, `level: 'ALL'`.
//!
//! CloudFormation YAML (JSON alike), `AWS::StepFunctions::StateMachine`
//! `LoggingConfiguration` and SAM `AWS::Serverless::StateMachine` `Logging`:
//! ```yaml
//! LoggingConfiguration:
//!   Destinations:
//!     - CloudWatchLogsLogGroup:
//!         LogGroupArn: !GetAtt MachineLogs.Arn
//!   IncludeExecutionData: true   # added
//!   Level: ALL                   # added when there is no Level
//! ```
//! An explicit level (`ERROR`, `FATAL`) is kept. A machine whose level is `OFF` is
//! left alone (logging is switched off on purpose). A machine without a logging
//! configuration, or whose configuration names no destination, is reported without
//! a fix: creating a log group (name, retention, encryption) is a decision for its
//! owner. Props passed as a variable or with a `...spread` are left alone.
//!
//! ## Applicability
//! safe: adding `includeExecutionData` and a level to a configuration that already
//! sends logs to a log group.
//! review: a literal `includeExecutionData: false` turned to `true` (often chosen to
//! keep personal data out of the logs).
//!
//! ## Equivalent checks
//! checkov CKV_AWS_285 (execution history logging); cdk-nag AwsSolutions-SF1 (log
//! `ALL` events).

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{insert_entries, switch, turn_on, Switch};
use crate::value::Value;

pub struct StepfunctionsLogExecutionData;
pub static TRANSFORM: StepfunctionsLogExecutionData = StepfunctionsLogExecutionData;

static META: Meta = Meta {
    id: "stepfunctions-log-execution-data",
    title: "Log Step Functions execution data (and all events) to CloudWatch Logs",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["CKV_AWS_285", "AwsSolutions-SF1"],
    options: &[],
};

const SFN_MODULE: &str = "aws-cdk-lib/aws-stepfunctions";
const CDK_STATE_MACHINE: &str = "aws-cdk-lib/aws-stepfunctions.StateMachine";
const CDK_CFN_STATE_MACHINE: &str = "aws-cdk-lib/aws-stepfunctions.CfnStateMachine";
const CDKTF_STATE_MACHINE: &str = "@cdktf/provider-aws/lib/sfn-state-machine.SfnStateMachine";

/// How one kind of state machine spells its logging settings.
struct Keys {
    config: &'static str,
    destination: &'static str,
    include: &'static str,
    level: &'static str,
}

const CDK_L2: Keys = Keys { config: "logs", destination: "destination", include: "includeExecutionData", level: "level" };
const CDK_L1: Keys = Keys { config: "loggingConfiguration", destination: "destinations", include: "includeExecutionData", level: "level" };
const CDKTF: Keys = Keys { config: "loggingConfiguration", destination: "logDestination", include: "includeExecutionData", level: "level" };
const CFN: Keys = Keys { config: "LoggingConfiguration", destination: "Destinations", include: "IncludeExecutionData", level: "Level" };
const SAM: Keys = Keys { config: "Logging", ..CFN };

impl Transform for StepfunctionsLogExecutionData {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        let string_all = |_: &Document| (Value::str("ALL"), None);
        match doc.flavor {
            Flavor::CdkTs => {
                for r in doc.of_type(CDK_STATE_MACHINE) {
                    out.extend(check_machine(doc, r, &CDK_L2, &cdk_level_all));
                }
                for r in doc.of_type(CDK_CFN_STATE_MACHINE) {
                    out.extend(check_machine(doc, r, &CDK_L1, &string_all));
                }
            }
            Flavor::CdktfTs => {
                for r in doc.of_type(CDKTF_STATE_MACHINE) {
                    out.extend(check_machine(doc, r, &CDKTF, &string_all));
                }
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                for r in doc.of_type("AWS::StepFunctions::StateMachine") {
                    out.extend(check_machine(doc, r, &CFN, &string_all));
                }
                for r in doc.of_type("AWS::Serverless::StateMachine") {
                    out.extend(check_machine(doc, r, &SAM, &string_all));
                }
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([CDK_STATE_MACHINE, CDK_CFN_STATE_MACHINE, CDKTF_STATE_MACHINE, "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"])
    }
}

/// `sfn.LogLevel.ALL` through the file's import of aws-stepfunctions (and the import
/// edit when the file has none that reaches `LogLevel`).
fn cdk_level_all(doc: &Document) -> (Value, Option<crate::edit::Edit>) {
    let Some(ts) = &doc.ts else { return (Value::str("ALL"), None) };
    let (log_level, import) = ts.reference(SFN_MODULE, "LogLevel", "sfn");
    (Value::code(format!("{log_level}.ALL")), import)
}

type LevelAll = dyn Fn(&Document) -> (Value, Option<crate::edit::Edit>);

fn check_machine(doc: &Document, r: &Resource, keys: &Keys, level_all: &LevelAll) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    let what = r.logical_id.as_deref().map_or_else(|| "Step Functions state machine".to_string(), |id| format!("Step Functions state machine `{id}`"));
    let at = r.node.start_byte();
    let Some(config) = props.get(keys.config) else {
        if props.has_spread() || props.has(keys.config) {
            return vec![];
        }
        let message = format!("{what} has no logging configuration: add `{}` with a log group destination, level ALL and execution data (not done automatically: the log group is its owner's decision)", keys.config);
        return vec![META.finding(at, message, None)];
    };
    let Some(config) = config.as_map() else { return vec![] };
    if config.has_spread() {
        return vec![];
    }
    let level = config.get(keys.level);
    if level.is_some_and(|l| is_off(doc, &l)) {
        return vec![];
    }
    if !config.has(keys.destination) {
        let message = format!("{what}: `{}` names no destination, so nothing is logged: add a log group (not done automatically)", keys.config);
        return vec![META.finding(at, message, None)];
    }
    let mut out = Vec::new();
    let mut entries: Vec<(&str, Value)> = Vec::new();
    let mut import = None;
    match switch(&config, keys.include) {
        Switch::Missing => entries.push((keys.include, Value::Bool(true))),
        Switch::Off(v) => {
            let head = format!("{what} sets `{}: false`", keys.include);
            out.push(turn_on(doc, &META, Applicability::Review, &v, &head, "turned it on (review: execution data can hold personal data or secrets)"));
        }
        Switch::Left => {}
    }
    if level.is_none() {
        let (value, edit) = level_all(doc);
        entries.push((keys.level, value));
        import = edit;
    }
    if !entries.is_empty() {
        let lacks: Vec<&str> = entries.iter().map(|(k, _)| if *k == keys.level { "a level" } else { "execution data" }).collect();
        let added: Vec<String> = entries.iter().map(|(k, _)| if *k == keys.level { format!("`{k}` ALL") } else { format!("`{k}: true`") }).collect();
        let mut edits = insert_entries(config, &entries);
        edits.extend(import);
        let message = format!("{what} logs to CloudWatch Logs without {}; added {}", lacks.join(" and "), added.join(" and "));
        out.insert(0, META.finding(at, message, Some(edits)));
    }
    out
}

/// A level of `OFF`: `'OFF'`, `OFF`, `sfn.LogLevel.OFF` (any import style).
fn is_off(doc: &Document, level: &ValueNode) -> bool {
    if let Some(s) = level.as_str() {
        return s.trim().eq_ignore_ascii_case("OFF");
    }
    match &doc.ts {
        Some(ts) => ts.resolve(level.node).is_some_and(|name| name == format!("{SFN_MODULE}.LogLevel.OFF")),
        None => false,
    }
}
