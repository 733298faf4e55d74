//! ## What it fixes
//! Lambda functions that are invoked asynchronously (S3 notifications, SNS
//! subscriptions, EventBridge rules and schedules, CloudWatch Logs subscriptions…)
//! or whose invocation is not visible in the file, and that have neither a
//! dead-letter queue nor an on-failure destination. Each gets an encrypted SQS queue
//! (14 days retention) as its dead-letter queue.
//!
//! ## Why
//! Lambda retries a failed asynchronous event twice and then drops it. Without a
//! dead-letter queue (or an on-failure destination) the event is lost without a
//! trace; with one it can be inspected and replayed.
//!
//! ## Which functions
//! - Asynchronous sources (fire): CDK `new s3n.LambdaDestination(fn)`
//!   (`addEventNotification`, `addObjectCreatedNotification`…), `new subs.LambdaSubscription(fn)`,
//!   `new targets.LambdaFunction(fn)` (in `addTarget` or `targets: [...]`), scheduler
//!   and logs destinations, CloudWatch alarm `LambdaAction`, `fn.addEventSource(new
//!   S3EventSource|SnsEventSource(...))`, `fn.addPermission`/`grantInvoke` for
//!   s3/sns/events/scheduler/logs/iot/ses principals. CloudFormation
//!   `AWS::Lambda::Permission` with such a principal, `AWS::Events::Rule`,
//!   `AWS::Scheduler::Schedule`, `AWS::SNS::Subscription`/`Topic`, `AWS::S3::Bucket`
//!   notifications, `AWS::Logs::SubscriptionFilter`, `AWS::IoT::TopicRule` that reference
//!   the function; SAM `Events` of type S3, SNS, EventBridgeRule, CloudWatchEvent,
//!   Schedule, ScheduleV2, CloudWatchLogs, IoTRule. CDKTF: `LambdaPermission` (by
//!   principal), `SnsTopicSubscription`, `CloudwatchEventTarget`, `S3BucketNotification`,
//!   `SchedulerSchedule`, `CloudwatchLogSubscriptionFilter` that reference the function.
//! - Synchronous only (skip): API Gateway integrations and authorizers (`LambdaIntegration`,
//!   `LambdaRestApi`, `HttpLambdaIntegration`, SAM `Api`/`HttpApi` events, `apigateway`
//!   principals), Step Functions `LambdaInvoke`, ALB targets, function URLs, Cognito
//!   triggers, AppSync data sources, custom-resource providers (`Provider`, custom
//!   resources' `ServiceToken`), and poll-based event-source mappings (SQS, Kinesis,
//!   DynamoDB, Kafka, MQ: the poller invokes synchronously, so the function's DLQ never
//!   sees those failures; they belong to the mapping's `onFailure` or the queue's redrive
//!   policy).
//! - A function with any asynchronous source, or with no visible invocation at all
//!   (it may be invoked from another file or another stack), gets a DLQ.
//! - Already handled (skip): `deadLetterQueue`, `deadLetterQueueEnabled` (also `false`:
//!   a decision was made), `deadLetterTopic`, `onFailure`, `fn.configureAsyncInvoke({ onFailure })`,
//!   `EventInvokeConfig` with `onFailure`; CFN `DeadLetterConfig`, SAM `DeadLetterQueue` or
//!   `EventInvokeConfig.DestinationConfig.OnFailure` (also in `Globals.Function`),
//!   `AWS::Lambda::EventInvokeConfig` with `OnFailure` for the function; CDKTF
//!   `deadLetterConfig` and `LambdaFunctionEventInvokeConfig` with `onFailure`.
//! - Reported without a fix: `SingletonFunction`, functions created in a loop or a
//!   callback, declared as class fields, without a props object, or whose props spread
//!   something other than a const object literal of the file (`...commonProps` bound to
//!   `{…}` is looked into; anything else may already set a DLQ).
//! - References that do not invoke are ignored: a CloudWatch alarm on the function's
//!   metrics, IAM policies, log groups, `grantInvoke` to roles.
//!
//! ## Before → after
//! CDK TypeScript (the queue is bound to a const named after the function's variable,
//! declared just above the function's statement and its comments):
//! ```ts
//! const handler = new lambda.Function(this, 'Handler', { … });
//! // becomes
//! const handlerDlq = new sqs.Queue(this, 'HandlerDLQ', {
//!   retentionPeriod: cdk.Duration.days(14),
//!   enforceSSL: true,
//! });
//! const handler = new lambda.Function(this, 'Handler', { …, deadLetterQueue: handlerDlq });
//! ```
//! `aws-cdk-lib/aws-sqs` and `Duration` are imported in the file's style when missing.
//! A construct id that is not a string literal becomes `` `${id}DLQ` `` (a template
//! literal id gets `DLQ` appended inside it), so helpers called several times keep unique
//! ids. CDK grants the function's role `sqs:SendMessage` on the queue itself. Works for
//! `lambda.Function`, `NodejsFunction`, `PythonFunction` and `DockerImageFunction`.
//!
//! CDKTF TypeScript:
//! ```ts
//! const fnDlq = new SqsQueue(this, 'fn-dlq', {
//!   name: 'orders-dlq',            // when the function has a literal functionName
//!   messageRetentionSeconds: 1209600,
//!   sqsManagedSseEnabled: true,
//! });
//! new LambdaFunction(this, 'fn', { …, deadLetterConfig: { targetArn: fnDlq.arn } });
//! ```
//! Lambda refuses a DLQ its role cannot write to, so when `role:` names an `IamRole` of the
//! file whose policy is visible (`inlinePolicy`, an `IamRolePolicy`, or an `IamPolicy`
//! attached with `IamRolePolicyAttachment`, written as `JSON.stringify({...})` or a
//! `DataAwsIamPolicyDocument`), an `sqs:SendMessage` statement on the queue is added
//! there (the queue is then declared before that policy when the policy comes first);
//! otherwise the message says the role needs it.
//!
//! CloudFormation / SAM (YAML short tags or long form as the file writes them; JSON alike):
//! ```yaml
//! Fn:
//!   Type: AWS::Lambda::Function
//!   Properties:
//!     …
//!     DeadLetterConfig:
//!       TargetArn: !GetAtt FnDLQ.Arn
//! FnDLQ:
//!   Type: AWS::SQS::Queue
//!   Properties:
//!     MessageRetentionPeriod: 1209600
//!     SqsManagedSseEnabled: true
//! ```
//! SAM functions get `DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt FnDLQ.Arn }`; SAM
//! grants `sqs:SendMessage` to the role it generates. When the function's `Role` is
//! `!GetAtt SomeRole.Arn` of an `AWS::IAM::Role` in the template, a policy allowing
//! `sqs:SendMessage` on the queue(s) is added to that role's `Policies` (one policy per
//! role, listing every queue added in the same run); an external role (ARN string,
//! parameter, import) is named in the message instead. A function carrying a `Condition`
//! gives its queue the same `Condition` (and the role policy is wrapped in `Fn::If`
//! when the role is not under that condition).
//!
//! ## Applicability
//! safe: it only adds a queue and points failed asynchronous events at it; successful
//! invocations are unchanged.
//!
//! ## Known gaps
//! `tasks.LambdaInvoke.jsonata(...)`-style static factories are recognised like `new`.
//! Invocations from other files or stacks are not seen (such functions are treated as
//! "unknown" and get a DLQ). CDKTF: when the permission is added to a separate
//! `IamRolePolicy`, the function does not get a `dependsOn` on it.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_116 (Lambda DLQ), cdk-nag (Serverless) `Serverless-LambdaDLQ`,
//! cfn_nag none, cfn-lint none.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{ListNode, MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{blank_line_between_resources, cfn_logical_id, lower_camel, tf_policy_statements, unique};
use crate::value::{quote, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use tree_sitter::Node;

pub struct LambdaDeadLetterQueue;
pub static TRANSFORM: LambdaDeadLetterQueue = LambdaDeadLetterQueue;

static META: Meta = Meta {
    id: "lambda-dead-letter-queue",
    title: "Give asynchronously invoked Lambda functions a dead-letter queue",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["CKV_AWS_116", "Serverless-LambdaDLQ", "LAMBDA_DLQ_CHECK"],
    options: &[],
};

const RETENTION_SECONDS: i64 = 1_209_600;

impl Transform for LambdaDeadLetterQueue {
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

/// How a function is used, as seen from one reference to it (each with why).
#[derive(Clone, Debug)]
#[allow(dead_code)] // only `Async` reasons reach messages; the others document the rule
enum Use {
    Async(String),
    Sync(String),
    Handled(String),
}

/// The verdict over all uses: `Some(reason)` when the function needs a DLQ.
fn verdict(uses: &[Use]) -> Option<String> {
    if uses.iter().any(|u| matches!(u, Use::Handled(_))) {
        return None;
    }
    let asyncs: Vec<&str> = uses
        .iter()
        .filter_map(|u| match u {
            Use::Async(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    if !asyncs.is_empty() {
        let mut seen = Vec::new();
        for a in asyncs {
            if !seen.contains(&a) {
                seen.push(a);
            }
        }
        return Some(format!("is invoked asynchronously ({})", seen.join(", ")));
    }
    if uses.iter().any(|u| matches!(u, Use::Sync(_))) {
        return None;
    }
    Some("has no invocation visible in this file (it may be invoked asynchronously)".into())
}

/// A service principal's kind of invocation.
fn principal_use(text: &str) -> Option<Use> {
    const ASYNC: &[(&str, &str)] = &[
        ("s3.", "S3 notification"),
        ("sns.", "SNS"),
        ("events.", "EventBridge"),
        ("scheduler.", "EventBridge Scheduler"),
        ("logs.", "CloudWatch Logs"),
        ("iot.", "IoT rule"),
        ("ses.", "SES"),
        ("lambda.alarms.cloudwatch.", "CloudWatch alarm"),
    ];
    const SYNC: &[&str] = &[
        "apigateway.",
        "elasticloadbalancing.",
        "cognito-idp.",
        "lex.",
        "states.",
        "appsync.",
        "alexa-appkit.",
        "secretsmanager.",
    ];
    let t = text.to_ascii_lowercase();
    let has = |svc: &str| {
        t.match_indices(svc).any(|(i, _)| {
            i == 0 || !t.as_bytes()[i - 1].is_ascii_alphanumeric() && t.as_bytes()[i - 1] != b'-'
        })
    };
    if let Some((_, what)) = ASYNC.iter().find(|(svc, _)| has(svc)) {
        return Some(Use::Async(format!("{what} permission")));
    }
    SYNC.iter()
        .find(|svc| has(svc))
        .map(|svc| Use::Sync(format!("{}permission", svc)))
}

/// True when `text` mentions `name` as a whole word (not part of a longer name or a member).
fn refers(text: &str, name: &str) -> bool {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let b = text.as_bytes();
    text.match_indices(name).any(|(i, _)| {
        let before = i == 0 || !(ident(b[i - 1]) || b[i - 1] == b'.');
        let j = i + name.len();
        let after = j >= b.len() || !ident(b[j]);
        before && after
    })
}

// ---------------------------------------------------------------- TypeScript (shared)

const FUNCTION_KINDS: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function_declaration",
    "method_definition",
    "generator_function",
    "generator_function_declaration",
];
const LOOP_KINDS: &[&str] = &[
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
];

/// Where a queue statement can go for a construct: before `stmt`, in `scope`.
struct Placement<'a> {
    stmt: Node<'a>,
    scope: String,
    id: Option<ValueNode<'a>>,
}

fn placement<'a>(ts: &TsFile<'a>, r: &Resource<'a>) -> Result<Placement<'a>, &'static str> {
    let stmt = r.statement.ok_or("it is not part of a statement")?;
    if stmt.parent().is_some_and(|p| p.kind() == "class_body") {
        return Err("it is declared as a class field");
    }
    let mut cur = r.node;
    while cur.id() != stmt.id() {
        if FUNCTION_KINDS.contains(&cur.kind()) {
            return Err("it is created inside a callback");
        }
        cur = cur.parent().ok_or("it is not part of a statement")?;
    }
    let mut up = stmt.parent();
    while let Some(n) = up {
        if LOOP_KINDS.contains(&n.kind()) {
            return Err("it is created in a loop");
        }
        if FUNCTION_KINDS.contains(&n.kind()) {
            let callback = matches!(n.kind(), "arrow_function" | "function_expression")
                && n.parent().is_some_and(|p| p.kind() == "arguments");
            if callback {
                return Err("it is created in a callback (e.g. `forEach`)");
            }
            break;
        }
        up = n.parent();
    }
    let arguments = r
        .node
        .child_by_field_name("arguments")
        .ok_or("it has no arguments")?;
    let args = ts.args(arguments);
    let scope = args.first().ok_or("it has no scope argument")?.text();
    Ok(Placement {
        stmt,
        scope: scope.to_string(),
        id: args.get(1).copied(),
    })
}

/// Whether the `...spread`s of `props` set any of `keys`: `None` when a spread is not an
/// object literal bound to a const of this file (`...commonProps`).
fn spreads_set(ts: &TsFile, props: MapNode, keys: &[&str]) -> Option<bool> {
    let mut set = false;
    for spread in crate::lang::named_children(props.node)
        .into_iter()
        .filter(|c| c.kind() == "spread_element")
    {
        let expr = spread.named_child(0)?;
        if expr.kind() != "identifier" {
            return None;
        }
        let name = ts.doc.text(expr);
        let object = ts.usages(name).iter().find_map(|n| {
            let decl = n.parent().filter(|p| p.kind() == "variable_declarator")?;
            (decl.child_by_field_name("name")?.id() == n.id()).then_some(())?;
            ValueNode::new(ts.doc, decl.child_by_field_name("value")?).as_map()
        })?;
        if object.has_spread() {
            return None;
        }
        set |= keys.iter().any(|k| object.has(k));
    }
    Some(set)
}

/// `handler` → `handlerDlq`, `this.processFn` → `processFnDlq`; from the id without a binding.
fn queue_const(doc: &Document, binding: Option<&str>, id: Option<&str>) -> String {
    let base = match (binding, id) {
        (Some(b), _) => b.rsplit('.').next().unwrap_or(b).to_string(),
        (None, Some(id)) => lower_camel(id),
        _ => String::new(),
    };
    let base = if base.is_empty() {
        "function".to_string()
    } else {
        base
    };
    unique(&format!("{base}Dlq"), |c| doc.has_word(c))
}

/// `Handler` → `HandlerDLQ`; kebab-case ids (`order-fn`) → `order-fn-dlq`.
fn dlq_id(id: &str) -> String {
    if !id.chars().any(|c| c.is_ascii_uppercase()) {
        let sep = if id.contains('_') && !id.contains('-') { '_' } else { '-' };
        format!("{id}{sep}dlq")
    } else {
        format!("{id}DLQ")
    }
}

/// The queue's construct id expression, unique among the file's string literals.
fn queue_id_expr(doc: &Document, p: &Placement, binding: Option<&str>) -> String {
    let q = doc.parsed.style.quote;
    let src = doc.source();
    let literal = |s: &str| {
        let s = unique(&dlq_id(s), |c| {
            [format!("'{c}'"), format!("\"{c}\"")]
                .iter()
                .any(|quoted| doc.may_contain(quoted) && src.contains(quoted.as_str()))
        });
        quote(&s, q)
    };
    match p.id {
        Some(v) => match v.as_str() {
            Some(s) => literal(&s),
            None if v.node.kind() == "template_string" => {
                let t = v.text();
                let literal: String = t
                    .split("${")
                    .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
                    .collect();
                let suffix = if !literal.chars().any(|c| c.is_ascii_uppercase())
                    && literal.contains(|c: char| c.is_ascii_lowercase())
                {
                    "-dlq"
                } else {
                    "DLQ"
                };
                format!("{}{suffix}`", &t[..t.len() - 1])
            }
            None => format!("`${{{}}}DLQ`", v.text()),
        },
        None => literal(&upper_camel(binding.unwrap_or("Function"))),
    }
}

fn upper_camel(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut c = last.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The construct id as written (`\`Fn${name}\``), for messages.
fn construct_id_text(doc: &Document, r: &Resource) -> String {
    r.node
        .child_by_field_name("arguments")
        .and_then(|a| crate::lang::named_children(a).get(1).map(|n| doc.text(*n).to_string()))
        .unwrap_or_else(|| "function".into())
}

/// The queue statement text: `const name = new Class(scope, id, {\n  k: v,\n})`.
fn queue_statement(ts: &TsFile, name: &str, class: &str, p_scope: &str, id: &str, props: &[String]) -> String {
    let tc = if ts.doc.style.trailing_comma { "," } else { "" };
    let body = props.join(",\n  ");
    ts.statement_text(&format!(
        "const {name} = new {class}({p_scope}, {id}, {{\n  {body}{tc}\n}})"
    ))
}

// ---------------------------------------------------------------- CDK

const CDK_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.DockerImageFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
    "aws-cdk-lib/aws-lambda-python.PythonFunction",
    "aws-cdk-lib/aws-lambda-go.GoFunction",
    "@aws-cdk/aws-lambda-go-alpha.GoFunction",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
];
const CDK_HANDLED_PROPS: &[&str] = &[
    "deadLetterQueue",
    "deadLetterQueueEnabled",
    "deadLetterTopic",
    "onFailure",
];

fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for r in doc.of_types(CDK_FUNCTIONS) {
        if let Some(props) = r.props {
            if CDK_HANDLED_PROPS.iter().any(|k| props.has(k)) {
                continue;
            }
        }
        let refs: Vec<Node> = match &r.binding {
            Some(b) => ts.usages(b).to_vec(),
            None => vec![r.node],
        };
        let uses: Vec<Use> = refs.iter().filter_map(|n| cdk_use(ts, *n)).collect();
        let Some(reason) = verdict(&uses) else {
            continue;
        };
        let name = r
            .binding
            .as_deref()
            .or(r.logical_id.as_deref())
            .map_or_else(|| construct_id_text(doc, r), str::to_string);
        let head = format!("Lambda function `{name}` {reason} and has no dead-letter queue");
        let at = r.node.start_byte();
        let report = |why: &str| {
            META.finding(
                at,
                format!("{head}: failed events are dropped after two retries; add a dead-letter queue by hand ({why})"),
                None,
            )
        };
        if r.type_name.ends_with(".SingletonFunction") {
            out.push(report("a SingletonFunction is shared across the stack"));
            continue;
        }
        let Some(props) = r.props else {
            out.push(report("it has no props object"));
            continue;
        };
        match spreads_set(ts, props, CDK_HANDLED_PROPS) {
            Some(true) => continue,
            Some(false) => {}
            None => {
                out.push(report("its props use a spread that may already set one"));
                continue;
            }
        }
        let p = match placement(ts, r) {
            Ok(p) => p,
            Err(why) => {
                out.push(report(why));
                continue;
            }
        };
        let const_name = queue_const(doc, r.binding.as_deref(), r.logical_id.as_deref());
        let id = queue_id_expr(doc, &p, r.binding.as_deref());
        let v1 = is_cdk_v1(ts);
        let mut edits = Vec::new();
        let (queue, e1) = ts.reference("aws-cdk-lib/aws-sqs", "Queue", "sqs");
        let (duration, e2) = ts.reference("aws-cdk-lib", "Duration", "cdk");
        for e in [e1, e2].into_iter().flatten() {
            edits.push(if v1 { to_v1(e) } else { e });
        }
        let mut qprops = vec![format!("retentionPeriod: {duration}.days(14)")];
        if !v1 {
            qprops.push("enforceSSL: true".into());
        }
        let code = queue_statement(ts, &const_name, &queue, &p.scope, &id, &qprops);
        edits.push(ts.insert_before(p.stmt, &code));
        edits.extend(props.insert(
            "deadLetterQueue",
            &Value::code(const_name.clone()),
            Position::End,
        ));
        out.push(META.finding(
            at,
            format!("{head}: failed events are dropped after two retries; added SQS queue `{const_name}` (14 days retention, SSL enforced) as its `deadLetterQueue` (CDK grants the role sqs:SendMessage)"),
            Some(edits),
        ));
    }
    out
}

/// A CDK v1 file (only `@aws-cdk/*` imports): new imports use v1 module names.
fn is_cdk_v1(ts: &TsFile) -> bool {
    let raw: Vec<&str> = ts.imports.iter().map(|i| ts.doc.text(i.node)).collect();
    raw.iter().any(|t| t.contains("@aws-cdk/")) && !raw.iter().any(|t| t.contains("aws-cdk-lib"))
}

fn to_v1(mut e: Edit) -> Edit {
    e.text = e
        .text
        .replace("aws-cdk-lib/aws-sqs", "@aws-cdk/aws-sqs")
        .replace("'aws-cdk-lib'", "'@aws-cdk/core'")
        .replace("\"aws-cdk-lib\"", "\"@aws-cdk/core\"");
    e
}

/// What one reference to a CDK function says about how it is invoked.
fn cdk_use(ts: &TsFile, node: Node) -> Option<Use> {
    let mut n = node;
    let mut parent = n.parent()?;
    while matches!(
        parent.kind(),
        "as_expression" | "parenthesized_expression" | "non_null_expression"
    ) {
        n = parent;
        parent = n.parent()?;
    }
    match parent.kind() {
        "arguments" => {
            let call = parent.parent()?;
            match call.kind() {
                "new_expression" => {
                    let ty = ts.resolve(call.child_by_field_name("constructor")?)?;
                    cdk_new_use(ts, &ty, call, None)
                }
                "call_expression" => {
                    let f = call.child_by_field_name("function")?;
                    if let Some(ty) = ts.resolve(f) {
                        return cdk_new_use(ts, &static_factory_class(&ty), call, None);
                    }
                    let method = f.child_by_field_name("property").map(|p| ts.doc.text(p))?;
                    match method {
                        "addLambdaDataSource" => Some(Use::Sync("AppSync data source".into())),
                        "addLambdaAction" => Some(Use::Async("alarm action".into())),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        "pair" if parent.child_by_field_name("value").map(|v| v.id()) == Some(n.id()) => {
            let key = parent
                .child_by_field_name("key")
                .map(|k| ts.doc.text(k).to_string());
            cdk_prop_use(ts, parent.parent()?, key)
        }
        "object" if n.kind() == "shorthand_property_identifier" => {
            cdk_prop_use(ts, parent, Some(ts.doc.text(n).to_string()))
        }
        "member_expression"
            if parent.child_by_field_name("object").map(|o| o.id()) == Some(n.id()) =>
        {
            let method = ts.doc.text(parent.child_by_field_name("property")?);
            let call = parent.parent()?;
            if call.kind() != "call_expression" {
                return None;
            }
            let arguments = call.child_by_field_name("arguments")?;
            let args_text = ts.doc.text(arguments);
            match method {
                "addEventSource" => {
                    let first = *ts.args(arguments).first()?;
                    if first.node.kind() != "new_expression" {
                        return None;
                    }
                    let ty = ts.resolve(first.node.child_by_field_name("constructor")?)?;
                    let class = ty.rsplit('.').next().unwrap_or("");
                    Some(match class {
                        "S3EventSource" | "S3EventSourceV2" => Use::Async("S3 event source".into()),
                        "SnsEventSource" => Use::Async("SNS event source".into()),
                        _ => Use::Sync(format!("{class} event-source mapping")),
                    })
                }
                "addEventSourceMapping" => Some(Use::Sync("event-source mapping".into())),
                "addFunctionUrl" => Some(Use::Sync("function URL".into())),
                "configureAsyncInvoke" if args_text.contains("onFailure") => {
                    Some(Use::Handled("configureAsyncInvoke onFailure".into()))
                }
                "addPermission" | "grantInvoke" => principal_use(args_text),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A function passed as a prop of a construct (possibly nested in objects/arrays).
fn cdk_prop_use(ts: &TsFile, object: Node, key: Option<String>) -> Option<Use> {
    let mut cur = object;
    loop {
        let parent = cur.parent()?;
        match parent.kind() {
            "pair" | "object" | "array" => cur = parent,
            "arguments" => {
                let call = parent.parent()?;
                return match call.kind() {
                    "new_expression" => {
                        let ty = ts.resolve(call.child_by_field_name("constructor")?)?;
                        cdk_new_use(ts, &ty, call, key)
                    }
                    // `tasks.LambdaInvoke.jsonata(this, 'Id', { lambdaFunction: fn })`
                    "call_expression" => {
                        let ty = ts.resolve(call.child_by_field_name("function")?)?;
                        cdk_new_use(ts, &static_factory_class(&ty), call, key)
                    }
                    _ => None,
                };
            }
            _ => return None,
        }
    }
}

/// `…aws-stepfunctions-tasks.LambdaInvoke.jsonata` → `…aws-stepfunctions-tasks.LambdaInvoke`.
fn static_factory_class(ty: &str) -> String {
    match ty.rsplit_once('.') {
        Some((class, method)) if method.starts_with(|c: char| c.is_ascii_lowercase()) => {
            class.to_string()
        }
        _ => ty.to_string(),
    }
}

/// A function given to `new <ty>(…)` (as an argument or as prop `key`).
fn cdk_new_use(ts: &TsFile, ty: &str, call: Node, key: Option<String>) -> Option<Use> {
    let (module, class) = ty.rsplit_once('.')?;
    let module = module.rsplit('/').next().unwrap_or(module);
    let module = module.trim_end_matches("-alpha");
    let a = |s: &str| Some(Use::Async(s.to_string()));
    let s = |s: &str| Some(Use::Sync(s.to_string()));
    match (module, class) {
        ("aws-s3-notifications", "LambdaDestination") => a("S3 notification"),
        ("aws-sns-subscriptions", "LambdaSubscription") => a("SNS subscription"),
        ("aws-events-targets", "LambdaFunction") => a("EventBridge rule target"),
        ("aws-scheduler-targets", "LambdaInvoke") => a("EventBridge Scheduler target"),
        ("aws-logs-destinations", "LambdaDestination") => a("CloudWatch Logs subscription"),
        ("aws-cloudwatch-actions", "LambdaAction") => a("CloudWatch alarm action"),
        ("aws-iot-actions", _) => a("IoT rule action"),
        ("aws-ses-actions", "Lambda") => a("SES receipt rule"),
        ("aws-lambda-event-sources", c) if c.starts_with("S3") || c.starts_with("Sns") => {
            a("event source")
        }
        ("aws-lambda", "EventInvokeConfig") => {
            if ts.doc.text(call).contains("onFailure") {
                Some(Use::Handled("EventInvokeConfig onFailure".into()))
            } else {
                None
            }
        }
        ("aws-lambda", "EventSourceMapping") => s("event-source mapping"),
        ("aws-lambda", "FunctionUrl") => s("function URL"),
        ("aws-lambda", "Alias" | "Version") => None,
        (m, _) if m.starts_with("aws-apigateway") => s("API Gateway"),
        ("aws-stepfunctions-tasks", _) => s("Step Functions task"),
        ("aws-elasticloadbalancingv2-targets", _) => s("load balancer target"),
        ("custom-resources", _) => s("custom resource provider"),
        ("aws-cognito", _) => s("Cognito trigger"),
        ("aws-appsync", _) => s("AppSync resolver"),
        ("aws-cloudfront", _) if key.as_deref() == Some("functionVersion") => s("Lambda@Edge"),
        _ => None,
    }
}

// ---------------------------------------------------------------- CDKTF

const TF_PREFIX: &str = "@cdktf/provider-aws/lib/";
const TF_FUNCTION: &str = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for r in doc.of_type(TF_FUNCTION) {
        if r.props.is_some_and(|p| p.has("deadLetterConfig")) {
            continue;
        }
        let mut uses = Vec::new();
        if let Some(b) = r.binding.as_deref() {
            for o in &doc.resources {
                if o.node.id() == r.node.id() || !refers(doc.text(o.node), b) {
                    continue;
                }
                uses.extend(tf_use(doc, o));
            }
        }
        let Some(reason) = verdict(&uses) else {
            continue;
        };
        let name = r
            .binding
            .as_deref()
            .or(r.logical_id.as_deref())
            .map_or_else(|| construct_id_text(doc, r), str::to_string);
        let head = format!("Lambda function `{name}` {reason} and has no dead-letter queue");
        let at = r.node.start_byte();
        let report = |why: &str| {
            META.finding(
                at,
                format!("{head}: failed events are dropped after two retries; add a dead-letter queue by hand ({why})"),
                None,
            )
        };
        let Some(props) = r.props else {
            out.push(report("it has no props object"));
            continue;
        };
        match spreads_set(ts, props, &["deadLetterConfig"]) {
            Some(true) => continue,
            Some(false) => {}
            None => {
                out.push(report("its props use a spread that may already set one"));
                continue;
            }
        }
        let mut p = match placement(ts, r) {
            Ok(p) => p,
            Err(why) => {
                out.push(report(why));
                continue;
            }
        };
        let const_name = queue_const(doc, r.binding.as_deref(), r.logical_id.as_deref());
        let id = queue_id_expr(doc, &p, r.binding.as_deref());
        let mut edits = Vec::new();
        let ctor = doc.text(r.node.child_by_field_name("constructor").unwrap_or(r.node));
        let class = match ctor.strip_suffix(".lambdaFunction.LambdaFunction") {
            Some(ns) => format!("{ns}.sqsQueue.SqsQueue"),
            None => {
                let (class, e) = ts.reference(&format!("{TF_PREFIX}sqs-queue"), "SqsQueue", "sqsQueue");
                edits.extend(e);
                class
            }
        };
        let mut qprops = Vec::new();
        if let Some(fname) = props.get("functionName") {
            let q = doc.parsed.style.quote;
            if let Some(s) = fname.as_str() {
                qprops.push(format!("name: {}", quote(&format!("{s}-dlq"), q)));
            } else if fname.node.kind() == "template_string" {
                let t = fname.text();
                qprops.push(format!("name: {}-dlq`", &t[..t.len() - 1]));
            }
        }
        qprops.push(format!("messageRetentionSeconds: {RETENTION_SECONDS}"));
        qprops.push("sqsManagedSseEnabled: true".into());
        // The role's permission: add it where the policy is written in this file.
        let role_note = match tf_role_policy(doc, ts, props) {
            RolePolicy::Found { list, json, stmt, role } => {
                let usable = if stmt.start_byte() < p.stmt.start_byte() {
                    if stmt.parent().map(|n| n.id()) == p.stmt.parent().map(|n| n.id()) {
                        p.stmt = stmt;
                        true
                    } else {
                        false
                    }
                } else {
                    true
                };
                if usable {
                    let q = |s: &str| quote(s, doc.parsed.style.quote);
                    let statement = if json {
                        format!(
                            "{{ Effect: {}, Action: {}, Resource: {const_name}.arn }}",
                            q("Allow"),
                            q("sqs:SendMessage")
                        )
                    } else {
                        format!(
                            "{{ effect: {}, actions: [{}], resources: [{const_name}.arn] }}",
                            q("Allow"),
                            q("sqs:SendMessage")
                        )
                    };
                    let statement = Value::code(statement);
                    edits.extend(list.push(&statement));
                    format!("; allowed sqs:SendMessage on it in the policy of role `{role}`")
                } else {
                    format!("; role `{role}` needs sqs:SendMessage on the queue (its policy is declared where the queue cannot be referenced)")
                }
            }
            RolePolicy::Missing(role) => format!(
                "; the function's role {role} needs sqs:SendMessage on the queue or Lambda rejects the configuration"
            ),
        };
        let code = queue_statement(ts, &const_name, &class, &p.scope, &id, &qprops);
        edits.push(ts.insert_before(p.stmt, &code));
        edits.extend(props.insert(
            "deadLetterConfig",
            &Value::map([("targetArn", Value::code(format!("{const_name}.arn")))]),
            Position::End,
        ));
        out.push(META.finding(
            at,
            format!("{head}: failed events are dropped after two retries; added SqsQueue `{const_name}` (14 days retention, SSE) as its `deadLetterConfig`{role_note}"),
            Some(edits),
        ));
    }
    out
}

/// A construct of the file that refers to the function.
fn tf_use(doc: &Document, o: &Resource) -> Option<Use> {
    let ty = o.type_name.strip_prefix(TF_PREFIX)?;
    let class = ty.rsplit('.').next()?;
    let text = doc.text(o.node);
    let a = |s: &str| Some(Use::Async(s.to_string()));
    let s = |s: &str| Some(Use::Sync(s.to_string()));
    match class {
        "LambdaPermission" => principal_use(o.props?.get("principal")?.text()),
        "LambdaEventSourceMapping" => s("event-source mapping"),
        "SnsTopicSubscription" => a("SNS subscription"),
        "CloudwatchEventTarget" => a("EventBridge rule target"),
        "S3BucketNotification" => a("S3 notification"),
        "SchedulerSchedule" => a("EventBridge Scheduler"),
        "CloudwatchLogSubscriptionFilter" => a("CloudWatch Logs subscription"),
        "LambdaFunctionUrl" => s("function URL"),
        "SfnStateMachine" => s("Step Functions"),
        "LbTargetGroupAttachment" => s("load balancer target"),
        "LambdaInvocation" => s("invocation at deploy time"),
        "CognitoUserPool" => s("Cognito trigger"),
        "LambdaFunctionEventInvokeConfig" if text.contains("onFailure") => {
            Some(Use::Handled("event invoke config".into()))
        }
        c if c.starts_with("ApiGateway") || c.starts_with("Apigatewayv2") => s("API Gateway"),
        c if c.starts_with("Appsync") => s("AppSync"),
        _ => None,
    }
}

enum RolePolicy<'a> {
    /// A statement list to push onto; `json`: IAM JSON keys (else a policy document data source).
    Found {
        list: ListNode<'a>,
        json: bool,
        stmt: Node<'a>,
        role: String,
    },
    /// Why not: the role as the message names it.
    Missing(String),
}

fn tf_role_policy<'a>(doc: &Document<'a>, ts: &TsFile<'a>, props: MapNode<'a>) -> RolePolicy<'a> {
    let Some(role_v) = props.get("role") else {
        return RolePolicy::Missing(String::new());
    };
    let role_text = role_v.text();
    let Some(role) = role_text.strip_suffix(".arn") else {
        return RolePolicy::Missing(format!("(`{role_text}`)"));
    };
    let missing = || RolePolicy::Missing(format!("`{role}`"));
    let is = |r: &Resource, class: &str| r.type_name.ends_with(&format!(".{class}")) && r.type_name.starts_with(TF_PREFIX);
    if !doc.resources.iter().any(|r| is(r, "IamRole") && r.binding.as_deref() == Some(role)) {
        return missing();
    }
    let mut candidates: Vec<ValueNode> = Vec::new();
    if let Some(role_res) = doc.resources.iter().find(|r| is(r, "IamRole") && r.binding.as_deref() == Some(role)) {
        if let Some(inline) = role_res.props.and_then(|p| p.get("inlinePolicy")) {
            let items = match inline.as_list() {
                Some(l) => l.items(),
                None => vec![inline],
            };
            candidates.extend(items.iter().filter_map(|i| i.as_map()?.get("policy")));
        }
    }
    for r in &doc.resources {
        let Some(p) = r.props else { continue };
        let role_ref = p.get("role").is_some_and(|v| refers(v.text(), role) || v.text().starts_with(&format!("{role}.")));
        if is(r, "IamRolePolicy") && role_ref {
            candidates.extend(p.get("policy"));
        }
        if is(r, "IamRolePolicyAttachment") && role_ref {
            let Some(policy) = p.get("policyArn").and_then(|v| v.text().strip_suffix(".arn").map(str::to_string)) else {
                continue;
            };
            if let Some(pol) = doc.resources.iter().find(|x| is(x, "IamPolicy") && x.binding.as_deref() == Some(policy.as_str())) {
                candidates.extend(pol.props.and_then(|p| p.get("policy")));
            }
        }
    }
    for c in candidates {
        if let Some((list, json)) = tf_policy_statements(doc, ts, c) {
            if let Some(stmt) = ts.statement_of(list.node) {
                return RolePolicy::Found {
                    list,
                    json,
                    stmt,
                    role: role.to_string(),
                };
            }
        }
    }
    missing()
}

// ---------------------------------------------------------------- CloudFormation

const CFN_LAMBDA: &str = "AWS::Lambda::Function";
const CFN_SAM: &str = "AWS::Serverless::Function";

/// A role that gets `sqs:SendMessage` for the queues of one run.
struct RoleGrant {
    finding: usize,
    queues: Vec<String>,
}

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let Some(template) = doc.template else {
        return vec![];
    };
    let Some(resources) = template.get("Resources").and_then(|v| v.as_map()) else {
        return vec![];
    };
    let globals = template
        .get_path(&["Globals", "Function"])
        .and_then(|v| v.as_map());
    let globals_handled = globals.is_some_and(|g| {
        g.has("DeadLetterQueue") || g.get_path(&["EventInvokeConfig", "DestinationConfig", "OnFailure"]).is_some()
    });
    let entries = resources.entries();
    let keys: Vec<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    let mut taken: HashSet<String> = keys.iter().cloned().collect();
    let key_index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    // Which resources mention which names (`!Ref X`, `!GetAtt X.Arn`, `${X}`), once.
    let mut mentioned_by: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, o) in doc.resources.iter().enumerate() {
        let Some(body) = o.body else { continue };
        let mut words: Vec<&str> = doc
            .text(body.node)
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        words.sort_unstable();
        words.dedup();
        for w in words {
            mentioned_by.entry(w).or_default().push(i);
        }
    }
    let mut out: Vec<Finding> = Vec::new();
    let mut fixes: Vec<Vec<Edit>> = Vec::new();
    let mut grants: BTreeMap<(String, Option<String>), RoleGrant> = BTreeMap::new();
    for r in doc.of_types(&[CFN_LAMBDA, CFN_SAM]) {
        let Some(id) = r.logical_id.as_deref() else { continue };
        let sam = r.type_name == CFN_SAM;
        let props = r.props;
        if let Some(p) = props {
            if p.has("DeadLetterConfig")
                || p.has("DeadLetterQueue")
                || p.get_path(&["EventInvokeConfig", "DestinationConfig", "OnFailure"]).is_some()
            {
                continue;
            }
        }
        if sam && globals_handled {
            continue;
        }
        let mut uses = Vec::new();
        for &i in mentioned_by.get(id).into_iter().flatten() {
            let o = &doc.resources[i];
            if o.node.id() != r.node.id() {
                uses.extend(cfn_use(doc, o));
            }
        }
        if let Some(events) = props.and_then(|p| p.get("Events")).and_then(|v| v.as_map()) {
            for e in events.entries() {
                let ty = e
                    .value
                    .and_then(|v| v.as_map())
                    .and_then(|m| m.get("Type"))
                    .and_then(|t| t.as_str());
                uses.extend(ty.and_then(|t| sam_event_use(&t)));
            }
        }
        if props.is_some_and(|p| p.has("FunctionUrlConfig")) {
            uses.push(Use::Sync("function URL".into()));
        }
        let Some(reason) = verdict(&uses) else {
            continue;
        };
        let head = format!("Lambda function `{id}` {reason} and has no dead-letter queue");
        let at = r.node.start_byte();
        let Some(props) = props else {
            out.push(META.finding(at, format!("{head}; it has no Properties to add one to"), None));
            fixes.push(vec![]);
            continue;
        };
        let queue = cfn_logical_id(id, "DLQ", |c| taken.contains(c));
        taken.insert(queue.clone());
        let condition = r
            .body
            .and_then(|b| b.get("Condition"))
            .and_then(|c| c.as_str());
        let mut qbody = vec![("Type".to_string(), Value::str("AWS::SQS::Queue"))];
        if let Some(c) = &condition {
            qbody.push(("Condition".into(), Value::str(c.clone())));
        }
        qbody.push((
            "Properties".into(),
            Value::map([
                ("MessageRetentionPeriod", Value::Int(RETENTION_SECONDS)),
                ("SqsManagedSseEnabled", Value::Bool(true)),
            ]),
        ));
        let index = key_index.get(id).copied();
        let at_member = index.map_or(Position::After(id), |i| Position::AfterMember(entries[i].node));
        let mut queue_edits = resources.insert(&queue, &Value::Map(qbody), at_member);
        if let Some(i) = index {
            blank_line_between_resources(doc, &entries, i, &mut queue_edits);
        }
        let arn = Value::GetAtt(queue.clone(), "Arn".into());
        // The property goes first: both can insert at the end of the function's last line.
        let mut edits = Vec::new();
        if sam {
            edits.extend(props.insert(
                "DeadLetterQueue",
                &Value::map([("Type", Value::str("SQS")), ("TargetArn", arn)]),
                Position::End,
            ));
        } else {
            edits.extend(props.insert(
                "DeadLetterConfig",
                &Value::map([("TargetArn", arn)]),
                Position::End,
            ));
        }
        edits.extend(queue_edits);
        let what = if sam { "`DeadLetterQueue`" } else { "`DeadLetterConfig`" };
        let mut message = format!("{head}: failed events are dropped after two retries; added `AWS::SQS::Queue` `{queue}` (14 days retention, SSE) as its {what}");
        match (props.get("Role"), sam) {
            (None, true) => message.push_str(" (SAM grants sqs:SendMessage to the role it generates)"),
            (None, false) => message.push_str("; the function's role needs sqs:SendMessage on the queue"),
            (Some(role), _) => match template_role(doc, role) {
                Some(role_id) => {
                    let key = (role_id.clone(), condition.clone());
                    let idx = out.len();
                    grants
                        .entry(key)
                        .or_insert(RoleGrant {
                            finding: idx,
                            queues: vec![],
                        })
                        .queues
                        .push(queue.clone());
                    message.push_str(&format!("; allowed sqs:SendMessage on it in role `{role_id}`"));
                }
                None => message.push_str(&format!(
                    "; its role `{}` is not defined in this template and needs sqs:SendMessage on the queue, or Lambda rejects the configuration",
                    role.text().trim()
                )),
            },
        }
        out.push(META.finding(at, message, None));
        fixes.push(edits);
    }
    for ((role_id, condition), grant) in grants {
        let Some(role) = doc.of_type("AWS::IAM::Role").find(|r| r.logical_id.as_deref() == Some(role_id.as_str())) else {
            continue;
        };
        match role_grant_edits(role, &grant.queues, condition.as_deref()) {
            Some(e) => fixes[grant.finding].extend(e),
            None => {
                let f = &mut out[grant.finding];
                f.message = f.message.replace(
                    &format!("allowed sqs:SendMessage on it in role `{role_id}`"),
                    &format!("role `{role_id}` needs sqs:SendMessage on the queue (its policies could not be extended)"),
                );
            }
        }
    }
    for (f, edits) in out.iter_mut().zip(fixes) {
        if !edits.is_empty() {
            *f = META.finding(f.offset, std::mem::take(&mut f.message), Some(edits));
        }
    }
    out
}

/// The logical id of the `AWS::IAM::Role` a `Role` value points at, when it is in the template.
fn template_role(doc: &Document, role: ValueNode) -> Option<String> {
    let (name, arg) = role.intrinsic()?;
    let id = match name.as_str() {
        "Fn::GetAtt" => match arg.as_str() {
            Some(s) => s.strip_suffix(".Arn")?.to_string(),
            None => {
                let items = arg.as_list()?.items();
                (items.get(1)?.as_str()? == "Arn").then_some(())?;
                items.first()?.as_str()?
            }
        },
        _ => return None,
    };
    doc.of_type("AWS::IAM::Role")
        .any(|r| r.logical_id.as_deref() == Some(id.as_str()))
        .then_some(id)
}

fn role_grant_edits(role: &Resource, queues: &[String], condition: Option<&str>) -> Option<Vec<Edit>> {
    let props = role.props?;
    let existing: Vec<String> = props
        .get("Policies")
        .and_then(|v| v.as_list())
        .map(|l| {
            l.items()
                .iter()
                .filter_map(|i| i.as_map()?.get("PolicyName")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    let name = unique("DeadLetterQueueSendMessage", |c| existing.iter().any(|e| e == c));
    let arns: Vec<Value> = queues
        .iter()
        .map(|q| Value::GetAtt(q.clone(), "Arn".into()))
        .collect();
    let resource = if arns.len() == 1 {
        arns.into_iter().next().unwrap()
    } else {
        Value::List(arns)
    };
    let mut policy = Value::map([
        ("PolicyName", Value::str(name)),
        (
            "PolicyDocument",
            Value::map([
                ("Version", Value::str("2012-10-17")),
                (
                    "Statement",
                    Value::List(vec![Value::map([
                        ("Effect", Value::str("Allow")),
                        ("Action", Value::str("sqs:SendMessage")),
                        ("Resource", resource),
                    ])]),
                ),
            ]),
        ),
    ]);
    let role_condition = role.body.and_then(|b| b.get("Condition")).and_then(|c| c.as_str());
    if let Some(c) = condition {
        if role_condition.as_deref() != Some(c) {
            policy = Value::Fn(
                "Fn::If".into(),
                Box::new(Value::List(vec![
                    Value::str(c),
                    policy,
                    Value::Ref("AWS::NoValue".into()),
                ])),
            );
        }
    }
    match props.get("Policies") {
        Some(v) => Some(v.as_list()?.push(&policy)),
        None => Some(props.insert("Policies", &Value::List(vec![policy]), Position::End)),
    }
}

/// How a resource that refers to the function invokes it.
fn cfn_use(doc: &Document, o: &Resource) -> Option<Use> {
    let a = |s: &str| Some(Use::Async(s.to_string()));
    let s = |s: &str| Some(Use::Sync(s.to_string()));
    let ty: &str = &o.type_name;
    match ty {
        "AWS::Lambda::Permission" => principal_use(o.props?.get("Principal")?.text()),
        "AWS::Lambda::EventInvokeConfig" => o
            .props?
            .get_path(&["DestinationConfig", "OnFailure"])
            .map(|_| Use::Handled("EventInvokeConfig OnFailure".into())),
        "AWS::Events::Rule" => a("EventBridge rule target"),
        "AWS::Scheduler::Schedule" => a("EventBridge Scheduler"),
        "AWS::SNS::Subscription" | "AWS::SNS::Topic" => a("SNS subscription"),
        "AWS::S3::Bucket" => a("S3 notification"),
        "AWS::Logs::SubscriptionFilter" => a("CloudWatch Logs subscription"),
        "AWS::IoT::TopicRule" => a("IoT rule"),
        "AWS::SES::ReceiptRule" => a("SES receipt rule"),
        "AWS::Lambda::EventSourceMapping" => s("event-source mapping"),
        "AWS::Lambda::Url" => s("function URL"),
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => s("Step Functions"),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => s("load balancer target"),
        "AWS::Cognito::UserPool" => s("Cognito trigger"),
        "AWS::CloudFormation::CustomResource" => s("custom resource"),
        t if t.starts_with("Custom::") => s("custom resource"),
        t if t.starts_with("AWS::ApiGateway") || t.starts_with("AWS::Serverless::Api") || t.starts_with("AWS::Serverless::HttpApi") => {
            s("API Gateway")
        }
        t if t.starts_with("AWS::AppSync::") => s("AppSync"),
        _ => {
            let _ = doc;
            None
        }
    }
}

fn sam_event_use(ty: &str) -> Option<Use> {
    match ty {
        "S3" | "SNS" | "EventBridgeRule" | "CloudWatchEvent" | "Schedule" | "ScheduleV2"
        | "CloudWatchLogs" | "IoTRule" => Some(Use::Async(format!("SAM {ty} event"))),
        "Api" | "HttpApi" | "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "SelfManagedKafka"
        | "DocumentDB" | "Cognito" | "AlexaSkill" => Some(Use::Sync(format!("SAM {ty} event"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert!(verdict(&[]).is_some());
        assert!(verdict(&[Use::Sync("api".into())]).is_none());
        assert!(verdict(&[Use::Sync("api".into()), Use::Async("sns".into())]).is_some());
        assert!(verdict(&[Use::Async("sns".into()), Use::Handled("x".into())]).is_none());
    }

    #[test]
    fn names() {
        assert_eq!(dlq_id("Handler"), "HandlerDLQ");
        assert_eq!(dlq_id("order-fn"), "order-fn-dlq");
        assert_eq!(lower_camel("Process-Orders fn"), "processOrdersFn");
        assert!(refers("x: fn.arn", "fn"));
        assert!(!refers("x: this.fn.arn", "fn"));
        assert!(!refers("fnRole", "fn"));
        assert!(matches!(principal_use("'s3.amazonaws.com'"), Some(Use::Async(_))));
        assert!(matches!(principal_use("!Sub apigateway.${AWS::URLSuffix}"), Some(Use::Sync(_))));
        assert!(principal_use("'lambda.amazonaws.com'").is_none());
    }
}
