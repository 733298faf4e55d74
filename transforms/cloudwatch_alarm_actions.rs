//! ## What it fixes
//! CloudWatch alarms (metric and composite) that have no alarm action, in a stack that
//! has one alerting SNS topic: the alarm is made to notify that topic.
//!
//! The alerting topic is the one SNS topic of the file whose variable, construct id /
//! logical id or topic name contains `alert`, `alarm`, `notif`, `monitor`, `oncall` or
//! `incident` (any case, `-`/`_` ignored), or is named nothing more than "topic"
//! (`SnsTopic`, `topic`, `Topic-${Env}`). A lone topic with an application name
//! (`OrderEvents`, `AppointmentReminders`) is not used: its subscribers would receive
//! alarms. With no such topic, or more than one, the alarm is reported without a
//! fix, saying why.
//!
//! ## Why
//! An alarm without an action changes state in the console and nobody hears about
//! it: the outage it was written to catch goes unnoticed (AWS Config
//! `cloudwatch-alarm-action-check`, Security Hub CloudWatch.15).
//!
//! ## Before → after
//! CDK TypeScript (`new cloudwatch.Alarm`, `metric.createAlarm(this, …)`,
//! `fn.metricErrors().createAlarm(…)`, `CompositeAlarm`):
//! ```ts
//! const errors = fn.metricErrors().createAlarm(this, 'Errors', { threshold: 1, evaluationPeriods: 1 });
//! // becomes
//! const errors = fn.metricErrors().createAlarm(this, 'Errors', { threshold: 1, evaluationPeriods: 1 });
//! errors.addAlarmAction(new cw_actions.SnsAction(alertTopic));
//! ```
//! `SnsAction` is imported from `aws-cdk-lib/aws-cloudwatch-actions` in the file's
//! import style. An alarm that is not bound (`new cloudwatch.Alarm(…);` alone) is
//! first bound to a `const` named after its construct id. When the topic is declared
//! after the alarm in the same block, the statement goes after the topic. L1
//! `CfnAlarm`/`CfnCompositeAlarm` get `alarmActions: [alertTopic.topicArn]`.
//!
//! CDKTF TypeScript (`CloudwatchMetricAlarm`, `CloudwatchCompositeAlarm`, topic `SnsTopic`):
//! ```ts
//! new CloudwatchMetricAlarm(this, 'cpu', { alarmName: 'cpu', /* … */ alarmActions: [alerts.arn] });
//! ```
//! CloudFormation (`AWS::CloudWatch::Alarm`, `AWS::CloudWatch::CompositeAlarm`, topic
//! `AWS::SNS::Topic`):
//! ```yaml
//! HighCpu:
//!   Type: AWS::CloudWatch::Alarm
//!   Properties:
//!     # …
//!     AlarmActions:
//!       - !Ref AlertTopic        # JSON: {"Ref": "AlertTopic"}
//! ```
//!
//! Left alone: alarms with any alarm action already (`alarmActions`/`AlarmActions`,
//! or an `addAlarmAction` call on the alarm — also through a loop over an array that
//! holds it), with `actionsEnabled` set to `false` or to an expression, props with a
//! `...spread`, and alarms whose topic is declared later in another scope (or with
//! another CloudFormation `Condition`) — those are reported without a fix. In a file
//! that declares a composite alarm, the metric alarms are reported without a fix: a
//! composite alarm's children usually stay silent on purpose, and only the composite
//! notifies.
//!
//! ## Applicability
//! review: the topic's subscribers start receiving notifications (e-mail, chat,
//! paging), and the choice of topic is a guess from its name.
//!
//! ## Equivalent checks
//! cdk-nag NIST.800.53.R5-CloudWatchAlarmAction (also in the HIPAA and PCI packs); AWS
//! Config `cloudwatch-alarm-action-check`; no cfn-lint or checkov rule.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position};
use crate::lang::ts::{MethodCall, TsFile};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;
use tree_sitter::Node;

pub struct CloudwatchAlarmActions;
pub static TRANSFORM: CloudwatchAlarmActions = CloudwatchAlarmActions;

static META: Meta = Meta {
    id: "cloudwatch-alarm-actions",
    title: "Make CloudWatch alarms without an action notify the stack's alerting SNS topic",
    flavors: &[
        Flavor::CdkTs,
        Flavor::CdktfTs,
        Flavor::CfnJson,
        Flavor::CfnYaml,
    ],
    applicability: Applicability::Review,
    equivalents: &["NIST.800.53.R5-CloudWatchAlarmAction", "HIPAA.Security-CloudWatchAlarmAction", "NIST.800.53.R4-CloudWatchAlarmAction"],
    options: &[],
};

const CDK_ALARM: &str = "aws-cdk-lib/aws-cloudwatch.Alarm";
const CDK_COMPOSITE: &str = "aws-cdk-lib/aws-cloudwatch.CompositeAlarm";
const CDK_CFN_ALARM: &str = "aws-cdk-lib/aws-cloudwatch.CfnAlarm";
const CDK_CFN_COMPOSITE: &str = "aws-cdk-lib/aws-cloudwatch.CfnCompositeAlarm";
const CDK_TOPIC: &str = "aws-cdk-lib/aws-sns.Topic";
const TF_ALARM: &str = "@cdktf/provider-aws/lib/cloudwatch-metric-alarm.CloudwatchMetricAlarm";
const TF_COMPOSITE: &str =
    "@cdktf/provider-aws/lib/cloudwatch-composite-alarm.CloudwatchCompositeAlarm";
const TF_TOPIC: &str = "@cdktf/provider-aws/lib/sns-topic.SnsTopic";
const CFN_ALARM: &str = "AWS::CloudWatch::Alarm";
const CFN_COMPOSITE: &str = "AWS::CloudWatch::CompositeAlarm";
const CFN_TOPIC: &str = "AWS::SNS::Topic";

impl Transform for CloudwatchAlarmActions {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc),
            Flavor::CdktfTs => check_cdktf(doc),
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
        }
    }
}

/// An SNS topic an alarm could notify.
#[derive(Debug)]
struct Topic<'a> {
    /// How the alarm refers to it: a variable, `this.x`, or a logical id.
    reference: String,
    /// Names that may say what it is for (variable, construct/logical id, topic name).
    names: Vec<String>,
    /// TS: the statement declaring it.
    statement: Option<Node<'a>>,
    /// CFN: the resource's `Condition`.
    condition: Option<String>,
    /// Evidence that the application publishes to it (or a user-facing endpoint reads
    /// it), with where: such a topic is never an alarm target, whatever its name.
    app: Option<String>,
    /// Another alarm of the file already notifies it: known to be for operations.
    ops: bool,
}

/// The alerting topic, or why there is none to choose. Application topics (code
/// publishes to them) are never chosen; a topic that other alarms already notify is
/// known to be for operations and wins over names.
fn alerting<'t, 'a>(all: &'t [Topic<'a>]) -> Result<&'t Topic<'a>, String> {
    let topics: Vec<&Topic> = all.iter().filter(|t| t.app.is_none()).collect();
    let apps: Vec<String> = all
        .iter()
        .filter_map(|t| Some(format!("`{}` is an application topic: {}", t.reference, t.app.as_deref()?)))
        .collect();
    let with_apps = |why: String| {
        if apps.is_empty() {
            why
        } else {
            format!("{why}; {}; alarms must not reach its subscribers", apps.join("; "))
        }
    };
    let ops: Vec<&&Topic> = topics.iter().filter(|t| t.ops).collect();
    if let [one] = ops.as_slice() {
        return Ok(one);
    }
    let named: Vec<&&Topic> = topics.iter().filter(|t| is_alerting(t)).collect();
    match (named.as_slice(), topics.len()) {
        ([one], _) => Ok(one),
        ([], 0) if !apps.is_empty() => Err(with_apps("no operations topic is known".into())),
        ([], 0) => Err("the file declares no SNS topic to notify".into()),
        ([], n) => Err(with_apps(format!(
            "{n} SNS topic(s), none named like an alerting topic ({})",
            ALERTING_WORDS.join("/")
        ))),
        (several, _) => Err(format!(
            "{} SNS topics named like an alerting topic; choose one",
            several.len()
        )),
    }
}

const ALERTING_WORDS: &[&str] = &["alert", "alarm", "notif", "monitor", "oncall", "incident"];

/// A topic named for alerting, or named nothing more than "topic" (`SnsTopic`,
/// `topic`): an application topic (`OrderEvents`) must not receive alarms.
fn is_alerting(topic: &Topic) -> bool {
    let words = |n: &String| n.to_ascii_lowercase().replace(['-', '_'], "");
    topic.names.iter().any(|n| ALERTING_WORDS.iter().any(|w| words(n).contains(w)))
        || topic.names.iter().all(|n| is_generic_name(n))
}

/// Nothing but "sns"/"topic", digits, separators and `${…}` substitutions.
fn is_generic_name(name: &str) -> bool {
    let literal: String = name
        .split("${")
        .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
        .collect();
    let rest = literal.to_ascii_lowercase().replace("sns", "").replace("topic", "");
    !rest.chars().any(|c| c.is_ascii_alphabetic())
}

/// `actionsEnabled` absent or a literal `true`: actions would run.
fn actions_on(props: &MapNode, key: &str) -> bool {
    props
        .get(key)
        .is_none_or(|v| super::literal_bool(&v) == Some(true))
}

fn no_fix(offset: usize, what: &str, why: &str) -> Finding {
    META.finding(
        offset,
        format!("CloudWatch alarm {what} has no alarm action (not fixed: {why})"),
        None,
    )
}

// ---------------------------------------------------------------- TypeScript

/// TS topics of one class that are bound to a name the alarm can use.
fn ts_topics<'a>(doc: &Document<'a>, class: &str, name_prop: &str) -> Vec<Topic<'a>> {
    doc.of_type(class)
        .filter_map(|r| {
            let binding = r.binding.as_deref()?.to_string();
            let mut names = vec![binding.clone()];
            names.extend(r.logical_id.as_deref().map(str::to_string));
            names.extend(r.props.and_then(|p| p.get(name_prop)?.as_str()));
            let (app, ops) = ts_topic_use(doc, &binding, r.node);
            Some(Topic {
                reference: binding,
                names,
                statement: r.statement,
                condition: None,
                app,
                ops,
            })
        })
        .collect()
}

/// How TS code uses a topic bound to `binding`: evidence that the application publishes
/// to it (`grantPublish`, its ARN in a function's environment, an `sns:Publish`
/// statement, a Step Functions `SnsPublish` task or an EventBridge `SnsTopic` target), and
/// whether an alarm action already notifies it.
fn ts_topic_use(doc: &Document, binding: &str, declared: Node) -> (Option<String>, bool) {
    let Some(ts) = doc.ts.as_ref() else { return (None, false) };
    let mut app = None;
    let mut ops = false;
    for u in &crate::transforms::references_from(doc, binding, declared) {
        if contains(declared, *u) {
            continue;
        }
        let line = doc.line_of(u.start_byte());
        let mut cur = *u;
        while let Some(p) = ts.parent(cur) {
            let text = |n: Node| doc.text(n);
            let evidence = match p.kind() {
                "member_expression" if p.child_by_field_name("object").map(|o| o.id()) == Some(cur.id()) => p
                    .child_by_field_name("property")
                    .filter(|m| text(*m) == "grantPublish")
                    .map(|_| format!("`{binding}.grantPublish(…)` at line {line} lets code publish to it")),
                "pair" => match p.child_by_field_name("key").map(|k| text(k).trim_matches(['\'', '"'])) {
                    Some("environment" | "variables" | "environmentVariables") => {
                        Some(format!("its ARN or name is in a function's environment at line {line}"))
                    }
                    Some("alarmActions" | "okActions" | "insufficientDataActions") => {
                        ops = true;
                        break;
                    }
                    _ => None,
                },
                "object" if text(p).contains("sns:Publish") || text(p).contains("sns:*") => {
                    Some(format!("a policy statement at line {line} allows `sns:Publish` on it"))
                }
                "call_expression" => p
                    .child_by_field_name("function")
                    .filter(|f| text(*f).ends_with(".addEnvironment"))
                    .map(|_| format!("its ARN or name is in a function's environment at line {line}")),
                "new_expression" => {
                    let class = p.child_by_field_name("constructor").map(text).unwrap_or_default();
                    let class = class.rsplit('.').next().unwrap_or_default();
                    if class == "SnsAction" {
                        ops = true;
                        break;
                    }
                    match class {
                        "SnsPublish" => Some(format!("a Step Functions task at line {line} publishes to it")),
                        "SnsTopic" | "CloudwatchEventTarget" => Some(format!("an EventBridge target at line {line} publishes to it")),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(e) = evidence {
                app.get_or_insert(e);
                break;
            }
            // `cur` is a statement of its own (what `ts.statement_of(cur) == cur` says,
            // without climbing from `cur` again for every step of this climb).
            if crate::lang::ts::holds_statements(p) {
                break;
            }
            cur = p;
        }
    }
    (app, ops)
}

/// True when `inner` lies inside `outer`.
fn contains(outer: Node, inner: Node) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// The topic's variable is in scope and assigned at `stmt` (the topic is declared
/// earlier, in a block that holds `stmt`).
fn visible_at(topic: &Topic, stmt: Node) -> bool {
    let Some(t) = topic.statement else {
        return false;
    };
    t.end_byte() <= stmt.start_byte() && t.parent().is_some_and(|block| contains(block, stmt))
}

/// A `props` edit for an L1 or CDKTF alarm: `alarmActions: [<topic>.<attr>]`.
fn ts_props_fix(
    topics: &[Topic],
    r: &Resource,
    what: &str,
    attr: &str,
    composite_in_file: bool,
    composite: bool,
) -> Option<Finding> {
    let props = r.props?;
    if props.has("alarmActions") || props.has_spread() || !actions_on(&props, "actionsEnabled") {
        return None;
    }
    let at = r.node.start_byte();
    if composite_in_file && !composite {
        return Some(no_fix(at, what, "the file has a composite alarm, whose children usually stay silent"));
    }
    let topic = match alerting(topics) {
        Ok(t) => t,
        Err(why) => return Some(no_fix(at, what, &why)),
    };
    let stmt = r.statement?;
    if !visible_at(topic, stmt) {
        return Some(no_fix(at, what, &format!("topic `{}` is declared after it or out of its scope", topic.reference)));
    }
    let value = Value::List(vec![Value::code(format!("{}.{attr}", topic.reference))]);
    let edits = props.insert("alarmActions", &value, Position::End);
    let message = format!("CloudWatch alarm {what} has no alarm action: notifies SNS topic `{}`", topic.reference);
    Some(META.finding(at, message, Some(edits)))
}

fn id_text(r_id: Option<&str>) -> String {
    r_id.map_or_else(|| "(unnamed)".to_string(), |id| format!("`{id}`"))
}

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    let topics = ts_topics(doc, TF_TOPIC, "name");
    let composite_in_file = doc.of_type(TF_COMPOSITE).next().is_some();
    doc.of_types(&[TF_ALARM, TF_COMPOSITE])
        .into_iter()
        .filter_map(|r| {
            let what = id_text(r.logical_id.as_deref());
            let composite = r.type_name == TF_COMPOSITE;
            ts_props_fix(&topics, r, &what, "arn", composite_in_file, composite)
        })
        .collect()
}

/// A CDK L2 alarm: a `new Alarm(…)`/`new CompositeAlarm(…)` or a `createAlarm(…)` call.
struct L2<'a> {
    node: Node<'a>,
    id: Option<String>,
    binding: Option<String>,
    props: Option<MapNode<'a>>,
    composite: bool,
}

fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = doc.ts.as_ref() else {
        return vec![];
    };
    let topics = ts_topics(doc, CDK_TOPIC, "topicName");
    let composite_in_file = !doc.of_types(&[CDK_COMPOSITE, CDK_CFN_COMPOSITE]).is_empty();
    let mut alarms: Vec<L2> = doc
        .of_types(&[CDK_ALARM, CDK_COMPOSITE])
        .into_iter()
        .map(|r| L2 {
            node: r.node,
            id: r.node.child_by_field_name("arguments").and_then(|a| construct_id(ts, a)),
            binding: r.binding.as_deref().map(str::to_string),
            props: r.props,
            composite: r.type_name == CDK_COMPOSITE,
        })
        .collect();
    alarms.extend(ts.calls.iter().filter(|c| is_metric_create_alarm(ts, c)).map(|c| L2 {
        node: c.node,
        id: construct_id(ts, c.arguments),
        binding: ts.binding_of(c.node),
        props: ts.object_arg(c.arguments, 2),
        composite: false,
    }));
    let bound: Vec<String> = alarms.iter().filter_map(|a| a.binding.clone()).collect();
    let mut out: Vec<Finding> = alarms
        .iter()
        .filter_map(|a| l2_fix(doc, ts, &topics, a, composite_in_file, &bound))
        .collect();
    for r in doc.of_types(&[CDK_CFN_ALARM, CDK_CFN_COMPOSITE]) {
        let what = id_text(r.logical_id.as_deref());
        let composite = r.type_name == CDK_CFN_COMPOSITE;
        out.extend(ts_props_fix(&topics, r, &what, "topicArn", composite_in_file, composite));
    }
    out
}

/// `metric.createAlarm(scope, id, { … })`; not a stack's own `this.createAlarm(…)` helper.
fn is_metric_create_alarm(ts: &TsFile, c: &MethodCall) -> bool {
    ts.doc.text(c.method) == "createAlarm"
        && c.receiver.kind() != "this"
        && ts.object_arg(c.arguments, 2).is_some()
}

/// The construct id argument; a template literal without its substitutions
/// (`` `alarm-${env}-errors` `` → `alarm--errors`), enough to name a variable after.
fn construct_id(ts: &TsFile, arguments: Node) -> Option<String> {
    let id = *ts.args(arguments).get(1)?;
    id.as_str().or_else(|| {
        (id.node.kind() == "template_string").then(|| {
            let text = id.text().trim_matches('`');
            text.split("${")
                .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
                .collect()
        })
    })
}

/// True when the alarm already gets an action: `alarm.addAlarmAction(…)`, or it sits
/// in an array literal and the file adds actions to alarms it does not name.
fn has_action(ts: &TsFile, binding: &str, bound: &[String]) -> bool {
    if ts.calls_on(binding, "addAlarmAction").next().is_some() {
        return true;
    }
    let unnamed_receivers = ts
        .calls
        .iter()
        .filter(|c| ts.doc.text(c.method) == "addAlarmAction")
        .any(|c| !bound.iter().any(|b| b == ts.doc.text(c.receiver)));
    unnamed_receivers
        && ts
            .usages(binding)
            .iter()
            .any(|u| u.parent().is_some_and(|p| p.kind() == "array"))
}

/// `new Alarm(…).addAlarmAction(…)`: the action is added on the spot.
fn chained_action(doc: &Document, alarm: Node) -> bool {
    let mut node = alarm;
    while let Some(p) = node.parent().filter(|p| p.kind() == "parenthesized_expression") {
        node = p;
    }
    node.parent()
        .filter(|p| p.kind() == "member_expression")
        .and_then(|p| p.child_by_field_name("property"))
        .is_some_and(|m| doc.text(m) == "addAlarmAction")
}

fn l2_fix(
    doc: &Document,
    ts: &TsFile,
    topics: &[Topic],
    alarm: &L2,
    composite_in_file: bool,
    bound: &[String],
) -> Option<Finding> {
    if let Some(props) = alarm.props {
        if props.has_spread() || !actions_on(&props, "actionsEnabled") {
            return None;
        }
    }
    if chained_action(doc, alarm.node) || alarm.binding.as_deref().is_some_and(|b| has_action(ts, b, bound)) {
        return None;
    }
    let what = id_text(alarm.id.as_deref());
    let at = alarm.node.start_byte();
    if composite_in_file && !alarm.composite {
        return Some(no_fix(at, &what, "the file has a composite alarm, whose children usually stay silent"));
    }
    let topic = match alerting(topics) {
        Ok(t) => t,
        Err(why) => return Some(no_fix(at, &what, &why)),
    };
    let stmt = ts.statement_of(alarm.node)?;
    if stmt.parent().is_some_and(|p| p.kind() == "class_body") {
        return Some(no_fix(at, &what, "it is a class field; add the action in the constructor"));
    }
    let mut edits = vec![];
    let name = match &alarm.binding {
        Some(b) => b.clone(),
        None if alarm.node.parent().is_some_and(|p| p.id() == stmt.id() && p.kind() == "expression_statement") => {
            let name = fresh_name(doc, at, alarm.id.as_deref());
            edits.push(Edit::insert(at, format!("const {name} = ")));
            name
        }
        None => return Some(no_fix(at, &what, "it is not bound to a variable")),
    };
    let Some(after) = insertion_point(topic, stmt) else {
        return Some(no_fix(at, &what, &format!("topic `{}` is declared out of its scope", topic.reference)));
    };
    let (action, import) = ts.reference("aws-cdk-lib/aws-cloudwatch-actions", "SnsAction", "cw_actions");
    let call = ts.statement_text(&format!("{name}.addAlarmAction(new {action}({}))", topic.reference));
    edits.push(ts.insert_after(after, &call));
    edits.extend(import.map(|e| if is_cdk_v1(ts) { to_v1(e) } else { e }));
    let message = format!("CloudWatch alarm {what} has no alarm action: notifies SNS topic `{}`", topic.reference);
    Some(META.finding(at, message, Some(edits)))
}

/// After the alarm's statement when the topic is visible there; after the topic's
/// statement when it comes later in the same block.
fn insertion_point<'a>(topic: &Topic<'a>, alarm_stmt: Node<'a>) -> Option<Node<'a>> {
    if visible_at(topic, alarm_stmt) {
        return Some(alarm_stmt);
    }
    let t = topic.statement?;
    let same_block = t.parent().map(|p| p.id()) == alarm_stmt.parent().map(|p| p.id());
    (same_block && t.start_byte() > alarm_stmt.end_byte()).then_some(t)
}

/// A CDK v1 file (only `@aws-cdk/*` imports): the new import uses the v1 module.
fn is_cdk_v1(ts: &TsFile) -> bool {
    let raw: Vec<&str> = ts.imports.iter().map(|i| ts.doc.text(i.node)).collect();
    raw.iter().any(|t| t.contains("@aws-cdk/")) && !raw.iter().any(|t| t.contains("aws-cdk-lib"))
}

fn to_v1(mut e: Edit) -> Edit {
    e.text = e.text.replace("aws-cdk-lib/aws-cloudwatch-actions", "@aws-cdk/aws-cloudwatch-actions");
    e
}

/// `'HighCpu'` → `highCpuAlarm`, `'api-5xx'` → `api5xxAlarm`; numbered when taken.
/// `at`: where the alarm starts; two alarms of one pass never get the same name.
fn fresh_name(doc: &Document, at: usize, id: Option<&str>) -> String {
    let base = super::lower_camel(id.unwrap_or("alarm"));
    let base = match base.as_str() {
        "" => "alarm".to_string(),
        b if b.to_ascii_lowercase().ends_with("alarm") => base,
        _ => format!("{base}Alarm"),
    };
    super::unique_in_pass(doc, &format!("bind {at}"), &base, |n| doc.has_word(n))
}

// ---------------------------------------------------------------- CloudFormation

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let topics: Vec<Topic> = doc
        .of_type(CFN_TOPIC)
        .filter_map(|r| {
            let id = r.logical_id.as_deref()?.to_string();
            let mut names = vec![id.clone()];
            names.extend(r.props.and_then(|p| p.get("TopicName")?.as_str()));
            let (app, ops) = cfn_topic_use(doc, &id);
            Some(Topic {
                reference: id,
                names,
                statement: None,
                condition: condition(r),
                app,
                ops,
            })
        })
        .collect();
    let composite_in_file = doc.of_type(CFN_COMPOSITE).next().is_some();
    doc.of_types(&[CFN_ALARM, CFN_COMPOSITE])
        .into_iter()
        .filter_map(|r| cfn_fix(&topics, r, composite_in_file))
        .collect()
}

/// How a template uses topic `id`: evidence that the application publishes to it (a
/// function refers to it, e.g. its ARN in `Environment`; an IAM statement allows
/// `sns:Publish` on it; a state machine or an EventBridge rule publishes to it; a mobile
/// push subscription reads it), and whether an alarm's actions already notify it.
fn cfn_topic_use(doc: &Document, id: &str) -> (Option<String>, bool) {
    let mentions = |text: &str| {
        text.match_indices(id).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + id.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    };
    let mut app = None;
    let mut ops = false;
    for r in &doc.resources {
        let Some(body) = r.body else { continue };
        if r.logical_id.as_deref() == Some(id) || !mentions(doc.text(body.node)) {
            continue;
        }
        let text = doc.text(body.node);
        let line = doc.line_of(r.node.start_byte());
        let rid = r.logical_id.as_deref().unwrap_or_default();
        let ty = r.type_name.as_ref();
        let evidence = match ty {
            CFN_ALARM | CFN_COMPOSITE => {
                ops = ops || ["AlarmActions", "OKActions", "InsufficientDataActions"].iter().any(|k| r.props.and_then(|p| p.get(k)).is_some_and(|v| mentions(v.text())));
                None
            }
            // A function subscribed to the topic (SAM `Events`) only reads it: a chat
            // forwarder of an operations topic looks like that.
            "AWS::Lambda::Function" | "AWS::Serverless::Function"
                if ["Environment", "Policies"].iter().any(|k| r.props.and_then(|p| p.get(k)).is_some_and(|v| mentions(v.text()))) =>
            {
                Some(format!("function `{rid}` (line {line}) gets its ARN in its environment or a policy to publish to it"))
            }
            "AWS::IAM::Role" | "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" if text.contains("sns:Publish") || text.contains("sns:*") => {
                Some(format!("`{rid}` (line {line}) allows `sns:Publish` on it"))
            }
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => Some(format!("state machine `{rid}` (line {line}) publishes to it")),
            "AWS::Events::Rule" | "AWS::Scheduler::Schedule" | "AWS::Pipes::Pipe" => Some(format!("EventBridge `{rid}` (line {line}) publishes to it")),
            "AWS::SNS::Subscription" if r.props.and_then(|p| p.get("Protocol")).and_then(|v| v.as_str()).is_some_and(|p| p.eq_ignore_ascii_case("application")) => {
                Some(format!("mobile push subscription `{rid}` (line {line}) delivers it to app users"))
            }
            _ => None,
        };
        if evidence.is_some() && app.is_none() {
            app = evidence;
        }
    }
    (app, ops)
}

fn condition(r: &Resource) -> Option<String> {
    r.body?.get("Condition")?.as_str()
}

fn cfn_fix(topics: &[Topic], r: &Resource, composite_in_file: bool) -> Option<Finding> {
    let props = r.props?;
    if props.has("AlarmActions") || !actions_on(&props, "ActionsEnabled") {
        return None;
    }
    let what = id_text(r.logical_id.as_deref());
    let at = r.node.start_byte();
    if composite_in_file && r.type_name == CFN_ALARM {
        return Some(no_fix(at, &what, "the template has a composite alarm, whose children usually stay silent"));
    }
    let topic = match alerting(topics) {
        Ok(t) => t,
        Err(why) => return Some(no_fix(at, &what, &why)),
    };
    if topic.condition.is_some() && topic.condition != condition(r) {
        return Some(no_fix(at, &what, &format!("topic `{}` is conditional", topic.reference)));
    }
    let value = Value::List(vec![Value::Ref(topic.reference.clone())]);
    let edits = props.insert("AlarmActions", &value, Position::End);
    let message = format!("CloudWatch alarm {what} has no alarm action: notifies SNS topic `{}`", topic.reference);
    Some(META.finding(at, message, Some(edits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(names: &[&str]) -> Topic<'static> {
        Topic {
            reference: names[0].to_string(),
            names: names.iter().map(|n| n.to_string()).collect(),
            statement: None,
            condition: None,
            app: None,
            ops: false,
        }
    }

    #[test]
    fn alerting_topic_choice() {
        assert!(alerting(&[]).unwrap_err().contains("no SNS topic"));
        assert_eq!(alerting(&[topic(&["topic", "SNSTopic"])]).unwrap().reference, "topic");
        assert_eq!(alerting(&[topic(&["snsTopic", "Topic-${Env}"])]).unwrap().reference, "snsTopic");
        let business = [topic(&["topic", "OrderEvents"])];
        assert!(alerting(&business).unwrap_err().contains("none named like"));
        let two = [topic(&["orders"]), topic(&["ops", "OpsNotifications"])];
        assert_eq!(alerting(&two).unwrap().reference, "ops");
        let on_call = [topic(&["orders"]), topic(&["pager", "on-call"])];
        assert_eq!(alerting(&on_call).unwrap().reference, "pager");
        let ambiguous = [topic(&["alarmTopic"]), topic(&["AlertsTopic"])];
        assert!(alerting(&ambiguous).unwrap_err().contains("2 SNS topics named"));
    }
}
