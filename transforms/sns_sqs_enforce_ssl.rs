//! ## What it fixes
//! SNS topics and SQS queues that accept requests over plain HTTP: no statement of their
//! resource policy denies requests whose `aws:SecureTransport` is `false`.
//!
//! ## Why
//! SNS and SQS serve HTTP endpoints as well as HTTPS. Without the deny, a client or SDK
//! configured with an `http://` endpoint publishes messages (and receives queue messages)
//! in clear text. AWS's SNS and SQS security best practices ("Enforce encryption of data
//! in transit") recommend exactly this statement; cdk-nag AwsSolutions-SNS3 / -SQS4 require it.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike). A queue without a policy gets one holding the deny:
//! ```yaml
//! Jobs:
//!   Type: AWS::SQS::Queue
//! JobsPolicy:                              # added, a unique logical id
//!   Type: AWS::SQS::QueuePolicy
//!   Properties:
//!     Queues:
//!       - !Ref Jobs
//!     PolicyDocument:
//!       Version: '2012-10-17'
//!       Statement:
//!         - Sid: DenyInsecureTransport
//!           Effect: Deny
//!           Principal: '*'
//!           Action: sqs:*
//!           Resource: !GetAtt Jobs.Arn
//!           Condition:
//!             Bool:
//!               aws:SecureTransport: 'false'
//! ```
//! A topic without a policy has SNS's *default policy* (statement `__default_statement_ID`:
//! any principal of the owning account, `AWS:SourceOwner`, may publish, subscribe and
//! manage the topic); an `AWS::SNS::TopicPolicy` replaces it. AWS services that publish
//! through that statement (CloudWatch alarm actions, ElastiCache and other event
//! notifications) would stop (DataBiosphere/azul#5651, terraform-aws-modules/terraform-aws-sns#62).
//! So the new topic policy carries the default statement's grant as well as the deny:
//! ```yaml
//! AlertsPolicy:
//!   Type: AWS::SNS::TopicPolicy
//!   Properties:
//!     Topics:
//!       - !Ref Alerts
//!     PolicyDocument:
//!       Version: '2012-10-17'
//!       Statement:
//!         - Sid: DefaultAccountAccess       # SNS's default statement, kept
//!           Effect: Allow
//!           Principal:
//!             AWS: '*'
//!           Action: [SNS:GetTopicAttributes, SNS:SetTopicAttributes, SNS:AddPermission,
//!                    SNS:RemovePermission, SNS:DeleteTopic, SNS:Subscribe,
//!                    SNS:ListSubscriptionsByTopic, SNS:Publish]
//!           Resource: !Ref Alerts
//!           Condition:
//!             StringEquals:
//!               AWS:SourceOwner: !Ref AWS::AccountId
//!         - Sid: AllowPublishThroughSSLOnly
//!           Effect: Deny
//!           Principal: '*'
//!           Action: sns:Publish
//!           Resource: !Ref Alerts
//!           Condition:
//!             Bool:
//!               aws:SecureTransport: 'false'
//! ```
//! A topic or queue whose policy the template declares (`AWS::SNS::TopicPolicy` `Topics`,
//! `TopicInlinePolicy`, `AWS::SQS::QueuePolicy` `Queues`, `QueueInlinePolicy`; found by the
//! shared resource-policy index, `transforms/shared/buckets.rs`) gets the deny appended to
//! that policy's literal `Statement` list, one statement for every topic/queue the policy
//! covers (a resource has one policy: a second one would overwrite the first).
//!
//! CDK TypeScript L2 `sns.Topic` / `sqs.Queue`: `enforceSSL: true` (aws-cdk-lib 2.269,
//! pinned: `Topic` adds a `TopicPolicy` denying `sns:Publish`, `Queue` one denying `sqs:*`).
//!
//! CDKTF: an `SnsTopic`/`SqsQueue` whose policy is written as `JSON.stringify({ Statement:
//! [...] })` or a `DataAwsIamPolicyDocument` of the file (an
//! `SnsTopicPolicy`/`SqsQueuePolicy` naming it) gets the statement appended (not an inline
//! `policy`: a construct's props cannot refer to its own ARN); one without
//! gets a new policy after it (with its `provider`), the topic's keeping the default
//! statement with `'AWS:SourceOwner': topic.owner`. Reported: an inline `policy` together
//! with a policy resource, a policy written otherwise, `count`/`forEach`, class fields.
//!
//! ## Left alone or reported
//! - Already compliant: a policy of the resource that mentions `aws:SecureTransport`; CDK
//!   `enforceSSL: true` or an expression, an `addToResourcePolicy(…)` of a statement that
//!   mentions it; props with a `...spread`.
//! - Reported without a fix: a policy document or statement list that is not written out;
//!   a policy that names the resource only through an expression, or cannot be evaluated
//!   and may hold its name (a parameter, an import); more than one policy on it; a policy
//!   whose `Topics`/`Queues` item is not a reference to a resource of the template (its ARN
//!   cannot be written); templates with a macro the tool does not model; a CDK L2 topic or
//!   queue that a separate `TopicPolicy`/`QueuePolicy`/`Cfn*Policy` of the file names
//!   (`enforceSSL` would create a second policy); CDK L1 `CfnTopic`/`CfnQueue`; an explicit
//!   `enforceSSL: false` with a comment that records why.
//!
//! ## Do services that publish still work?
//! The deny only matches requests whose `aws:SecureTransport` is `false`. AWS services
//! (S3 event notifications, EventBridge, SNS → SQS subscriptions, Lambda event-source
//! polling) call SNS and SQS over their HTTPS endpoints, so they are unaffected; the AWS
//! SNS/SQS security best-practice pages give this statement as the recommended policy, and
//! aws-cdk-lib's own `enforceSSL` writes it for every topic and queue it configures.
//!
//! ## Applicability
//! safe: appending to a policy of the template; a new SQS queue policy (a queue without a
//! policy has none to replace: access is granted by IAM only, and a deny grants nothing);
//! a new SNS topic policy (it keeps the default statement's grant); CDK `sqs.Queue`
//! `enforceSSL`, and `sns.Topic` `enforceSSL` when the file already adds to its policy.
//! review: CDK `sns.Topic` `enforceSSL` on a topic without a policy (CDK's new
//! `TopicPolicy` holds only the deny and replaces SNS's default policy: services that
//! published through it, such as CloudWatch alarm actions, need their own statement,
//! e.g. `topic.addToResourcePolicy(…)` for `cloudwatch.amazonaws.com`); an explicit
//! `enforceSSL: false` turned on.
//!
//! review too: a new CloudFormation policy for a topic or queue that an output exports
//! (`Export`), since an importing stack may declare its own policy; and for one an AWS
//! service of the template delivers to (S3 notification, EventBridge target, SNS
//! subscription) while no policy of the template grants it: the grant lives in a policy
//! set outside the template, which the new policy would replace (the class of
//! aws/aws-cdk#18770, where a new bucket policy dropped what log delivery had written).
//! CDKTF alike: a new `SnsTopicPolicy`/`SqsQueuePolicy` is review for a topic or queue a
//! `TerraformOutput` hands out or that is a member of the stack (`this.x`: other stacks
//! may use it and give it their own policy), and for one an S3 notification, EventBridge
//! target or SNS subscription of the file delivers to (`cdktf-exported-queue.ts`,
//! `cdktf-delivered-queue.ts`).
//!
//! ## Known gaps
//! Policies declared in other templates or stacks are not seen: a topic or queue whose
//! policy lives elsewhere would get a second one, which overwrites it. An exported one is
//! therefore review (above); one shared by other means (a hard-coded ARN elsewhere) is not.
//!
//! ## Equivalent checks
//! cdk-nag AwsSolutions-SNS3, AwsSolutions-SQS4 (and the NIST/HIPAA/PCI packs'
//! `SNSTopicSSLPublishOnly`-style rules are not mapped here). checkov has no CloudFormation
//! check for it (only CKV_AWSCC ones for the `awscc` provider).

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{ListNode, MapNode, Position};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{
    blank_line_between_resources, cfn_logical_id, finding_with, macro_hazard, recorded_decision,
    resource_policies_of, switch, Naming, PolicyKind, Switch, QUEUE_POLICIES, TOPIC_POLICIES,
};
use crate::value::Value;
use std::collections::{HashMap, HashSet};

pub struct SnsSqsEnforceSsl;
pub static TRANSFORM: SnsSqsEnforceSsl = SnsSqsEnforceSsl;

static META: Meta = Meta {
    id: "sns-sqs-enforce-ssl",
    title: "Deny plain-HTTP requests to SNS topics and SQS queues",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["AwsSolutions-SNS3", "AwsSolutions-SQS4"],
    options: &[],
};

const CONDITION_KEY: &str = "aws:SecureTransport";

/// One of the two services.
struct Service {
    kind: &'static PolicyKind,
    cfn_type: &'static str,
    cfn_policy: &'static str,
    /// Property of the CFN policy listing its resources.
    cfn_list: &'static str,
    cdk_l2: &'static str,
    cdk_l1: &'static str,
    /// CDKTF resource, policy class (module file, export), the policy's resource key and
    /// the resource's attribute for it.
    tf: &'static str,
    tf_policy: (&'static str, &'static str),
    tf_key: (&'static str, &'static str),
    what: &'static str,
    sid: &'static str,
    action: &'static str,
}

static SERVICES: &[Service] = &[
    Service {
        kind: &TOPIC_POLICIES,
        cfn_type: "AWS::SNS::Topic",
        cfn_policy: "AWS::SNS::TopicPolicy",
        cfn_list: "Topics",
        cdk_l2: "aws-cdk-lib/aws-sns.Topic",
        cdk_l1: "aws-cdk-lib/aws-sns.CfnTopic",
        tf: "@cdktf/provider-aws/lib/sns-topic.SnsTopic",
        tf_policy: ("sns-topic-policy", "SnsTopicPolicy"),
        tf_key: ("arn", "arn"),
        what: "SNS topic",
        sid: "AllowPublishThroughSSLOnly",
        action: "sns:Publish",
    },
    Service {
        kind: &QUEUE_POLICIES,
        cfn_type: "AWS::SQS::Queue",
        cfn_policy: "AWS::SQS::QueuePolicy",
        cfn_list: "Queues",
        cdk_l2: "aws-cdk-lib/aws-sqs.Queue",
        cdk_l1: "aws-cdk-lib/aws-sqs.CfnQueue",
        tf: "@cdktf/provider-aws/lib/sqs-queue.SqsQueue",
        tf_policy: ("sqs-queue-policy", "SqsQueuePolicy"),
        tf_key: ("queueUrl", "url"),
        what: "SQS queue",
        sid: "DenyInsecureTransport",
        action: "sqs:*",
    },
];

/// Actions of SNS's default topic policy (`__default_statement_ID`, as `CreateTopic`
/// writes it; the console adds the retired `SNS:Receive`).
const SNS_DEFAULT_ACTIONS: &[&str] = &[
    "SNS:GetTopicAttributes",
    "SNS:SetTopicAttributes",
    "SNS:AddPermission",
    "SNS:RemovePermission",
    "SNS:DeleteTopic",
    "SNS:Subscribe",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
];

impl Transform for SnsSqsEnforceSsl {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// Findings are per topic or queue (CloudFormation, CDK L2 and L1, CDKTF).
    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(SERVICES.iter().flat_map(|s| [s.cfn_type, s.cdk_l2, s.cdk_l1, s.tf]))
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = match doc.flavor {
            Flavor::CdkTs => check_cdk(doc),
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
            Flavor::CdktfTs => check_cdktf(doc),
        };
        out.sort_by_key(|f| f.offset);
        out
    }
}

/// Condition keys are case-insensitive in IAM.
fn mentions_secure_transport(text: &str) -> bool {
    text.to_ascii_lowercase().contains("aws:securetransport")
}

fn id_of<'r>(r: &'r Resource) -> &'r str {
    r.logical_id.as_deref().or(r.binding.as_deref()).unwrap_or_default()
}

/// Policies that may be the resource's but cannot be told apart: the report says which.
fn undecided(doc: &Document, s: &Service, own: &[(&Resource, Naming)]) -> Option<String> {
    let (p, naming) = own.iter().find(|(_, n)| *n != Naming::Exact)?;
    let line = doc.line_of(p.node.start_byte());
    let what = match naming {
        Naming::Mentioned => "names its resource through an expression that refers to this one",
        _ => "names a resource the tool cannot evaluate, which may be this one",
    };
    Some(format!(
        "policy `{}` (line {line}) {what}; an {} has one policy, and a second one would overwrite it. Check which resource it is for and add the deny there",
        id_of(p),
        s.what
    ))
}

// ---------------------------------------------------------------- CloudFormation

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let Some(resources) = doc.template.and_then(|t| t.get("Resources")).and_then(|v| v.as_map()) else {
        return vec![];
    };
    let entries = resources.entries();
    let position: HashMap<usize, usize> = entries.iter().enumerate().map(|(i, e)| (e.node.start_byte(), i)).collect();
    let parameters = doc.template.and_then(|t| t.get("Parameters")).and_then(|v| v.as_map());
    let mut taken: HashSet<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    taken.extend(parameters.iter().flat_map(|p| p.entries().into_iter().map(|e| p.key_text(&e))));
    let hazard = macro_hazard(doc);
    // Resources an output exports: another stack may import one and declare its policy.
    let mut exported: HashSet<String> = HashSet::new();
    if let Some(outputs) = doc.template.and_then(|t| t.get("Outputs")).and_then(|v| v.as_map()) {
        for e in outputs.entries() {
            if let Some(body) = e.value.and_then(|v| v.as_map()).filter(|b| b.get("Export").is_some()) {
                if let Some(v) = body.get("Value") {
                    crate::transforms::shared::cfn_references_in(doc, v, &mut exported);
                }
            }
        }
    }
    // Topics and queues that AWS services deliver to: without a policy in the template,
    // the grant those services need lives in a policy set outside it (console, another
    // stack), which a new policy resource would replace.
    let mut delivered_to: HashSet<String> = HashSet::new();
    for (ty, key) in DELIVERING_TYPES {
        for r in doc.of_type(ty) {
            let props = r.body.and_then(|b| b.get("Properties"));
            // A subscription delivers to its `Endpoint` (its `TopicArn` is the source).
            let part = match key {
                Some(k) => props.and_then(|p| p.as_map()).and_then(|p| p.get(k)),
                None => props,
            };
            if let Some(part) = part {
                crate::transforms::shared::cfn_references_in(doc, part, &mut delivered_to);
            }
        }
    }
    let mut done_policies: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for s in SERVICES {
        for r in doc.of_type(s.cfn_type) {
            let Some(id) = r.logical_id.as_deref() else { continue };
            let at = r.node.start_byte();
            let head = format!("{} `{id}` accepts plain-HTTP requests", s.what);
            let report = |why: &str| META.finding(at, format!("{head}; add a statement denying `{CONDITION_KEY}: false` to its policy (not fixed: {why})"), None);
            let own = resource_policies_of(doc, s.kind, r);
            if own.iter().any(|(p, _)| p.body.is_some_and(|b| mentions_secure_transport(doc.text(b.node)))) {
                continue;
            }
            if let Some(why) = undecided(doc, s, &own) {
                out.push(report(&why));
                continue;
            }
            if let Some(why) = &hazard {
                out.push(report(why));
                continue;
            }
            match own.as_slice() {
                [(policy, _)] => {
                    if done_policies.insert(policy.node.start_byte()) {
                        out.push(append_cfn(doc, s, policy, &head, &report));
                    }
                }
                [_, (second, _), ..] => out.push(report(&format!(
                    "it already has more than one policy (`{}` at line {} too), which overwrite each other: keep one",
                    id_of(second),
                    doc.line_of(second.node.start_byte())
                ))),
                [] => {
                    let Some(&i) = position.get(&at) else { continue };
                    let policy_id = cfn_logical_id(id, "Policy", |c| taken.contains(c));
                    taken.insert(policy_id.clone());
                    let condition = r.body.and_then(|b| b.get("Condition")).and_then(|c| c.as_str());
                    let mut edits = resources.insert(&policy_id, &new_cfn_policy(s, id, condition), Position::AfterMember(entries[i].node));
                    blank_line_between_resources(doc, &entries, i, &mut edits);
                    let kept = if s.cfn_type == "AWS::SNS::Topic" {
                        " (with SNS's default statement, which a topic policy replaces: the account's principals and the services publishing through it keep their access)"
                    } else {
                        ""
                    };
                    let (applicability, exported_note) = if exported.contains(id) {
                        (Applicability::Review, " (review: an output exports it, so a stack that imports it may declare its own policy, which this one would overwrite or be overwritten by: check the importing stacks)")
                    } else if delivered_to.contains(id) {
                        (Applicability::Review, " (review: an AWS service of this template delivers to it, and no policy of the template grants that service access, so the grant lives in a policy set outside the template (console, another stack), which this new policy replaces: copy its statements in first)")
                    } else {
                        (Applicability::Safe, "")
                    };
                    let message = format!("{head}; added `{}` `{policy_id}` denying `{CONDITION_KEY}: false`{kept}{exported_note}", s.cfn_policy);
                    out.push(finding_with(&META, applicability, at, message, edits));
                }
            }
        }
    }
    out
}

/// The ARN of a resource of the template, as its policy statement's `Resource`.
fn arn_of(s: &Service, id: &str) -> Value {
    if s.cfn_type == "AWS::SNS::Topic" {
        Value::Ref(id.into())
    } else {
        Value::GetAtt(id.into(), "Arn".into())
    }
}

fn deny_statement(s: &Service, arns: Vec<Value>) -> Value {
    let resource = match <[Value; 1]>::try_from(arns) {
        Ok([one]) => one,
        Err(many) => Value::List(many),
    };
    Value::map([
        ("Sid", Value::str(s.sid)),
        ("Effect", Value::str("Deny")),
        ("Principal", Value::str("*")),
        ("Action", Value::str(s.action)),
        ("Resource", resource),
        ("Condition", Value::map([("Bool", Value::map([(CONDITION_KEY, Value::str("false"))]))])),
    ])
}

fn new_cfn_policy(s: &Service, id: &str, condition: Option<String>) -> Value {
    let mut statements = vec![];
    if s.cfn_type == "AWS::SNS::Topic" {
        statements.push(Value::map([
            ("Sid", Value::str("DefaultAccountAccess")),
            ("Effect", Value::str("Allow")),
            ("Principal", Value::map([("AWS", Value::str("*"))])),
            ("Action", Value::List(SNS_DEFAULT_ACTIONS.iter().map(|a| Value::str(*a)).collect())),
            ("Resource", arn_of(s, id)),
            ("Condition", Value::map([("StringEquals", Value::map([("AWS:SourceOwner", Value::Ref("AWS::AccountId".into()))]))])),
        ]));
    }
    statements.push(deny_statement(s, vec![arn_of(s, id)]));
    let mut body = vec![("Type".to_string(), Value::str(s.cfn_policy))];
    if let Some(c) = condition {
        body.push(("Condition".into(), Value::str(c)));
    }
    let document = Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(statements))]);
    body.push(("Properties".into(), Value::map([(s.cfn_list, Value::List(vec![Value::Ref(id.into())])), ("PolicyDocument", document)])));
    Value::Map(body)
}

/// The deny appended to the template's policy, covering every resource it names.
fn append_cfn(doc: &Document, s: &Service, policy: &Resource, head: &str, report: &dyn Fn(&str) -> Finding) -> Finding {
    let policy_id = id_of(policy);
    let Some(list) = statement_list(policy.props) else {
        return report(&format!("the `PolicyDocument.Statement` of `{policy_id}` is not written out literally"));
    };
    // The resources the policy covers, as ARNs: each must refer to a resource of the template.
    let key = s.kind.policies.iter().find(|(t, _, _)| *t == policy.type_name).map(|(_, k, _)| *k).unwrap_or_default();
    let Some(v) = policy.props.and_then(|p| p.get(key)) else { return report("its resource list is missing") };
    let items = match v.as_list() {
        Some(l) if v.intrinsic().is_none() => l.items(),
        _ => vec![v],
    };
    let mut arns = vec![];
    for item in &items {
        let target = item.intrinsic().and_then(|(f, arg)| match f.as_str() {
            "Ref" => arg.as_str(),
            "Fn::GetAtt" => match arg.as_list() {
                Some(l) => l.items().first().and_then(|i| i.as_str()),
                None => arg.as_str().and_then(|a| a.split('.').next().map(str::to_string)),
            },
            _ => None,
        });
        let Some(target) = target.filter(|t| doc.of_type(s.cfn_type).any(|r| r.logical_id.as_deref() == Some(t.as_str()))) else {
            let line = doc.line_of(item.start());
            return report(&format!("`{policy_id}` names a resource at line {line} that is not one of the template's, whose ARN the deny would need"));
        };
        arns.push(arn_of(s, &target));
    }
    let covers = if arns.len() > 1 { format!(", covering the {} resources it names", arns.len()) } else { String::new() };
    let message = format!("{head}; appended the statement `{}` to its policy `{policy_id}`{covers}", s.sid);
    finding_with(&META, Applicability::Safe, policy.node.start_byte(), message, list.push(&deny_statement(s, arns)))
}

/// `PolicyDocument.Statement` when both are written out (no intrinsic, no parameter).
fn statement_list<'a>(props: Option<MapNode<'a>>) -> Option<ListNode<'a>> {
    let document = props?.get("PolicyDocument")?;
    if document.intrinsic().is_some() {
        return None;
    }
    let statements = document.as_map()?.get("Statement")?;
    if statements.intrinsic().is_some() {
        return None;
    }
    statements.as_list()
}

// ---------------------------------------------------------------- CDK

fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for s in SERVICES {
        for r in doc.of_type(s.cdk_l2) {
            out.extend(check_l2(doc, ts, s, r));
        }
        for r in doc.of_type(s.cdk_l1) {
            let own = resource_policies_of(doc, s.kind, r);
            if own.iter().any(|(p, _)| mentions_secure_transport(doc.text(p.node))) || r.props.is_some_and(|p| p.has_spread()) {
                continue;
            }
            let policy = if s.cfn_type == "AWS::SNS::Topic" { "CfnTopicPolicy" } else { "CfnQueuePolicy" };
            let message = format!("{}{} accepts plain-HTTP requests; add a `{policy}` statement denying `{CONDITION_KEY}: false` (not fixed for L1 constructs)", s.what, name_of(r));
            out.push(META.finding(r.node.start_byte(), message, None));
        }
    }
    out
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

fn check_l2(doc: &Document, ts: &crate::lang::ts::TsFile, s: &Service, r: &Resource) -> Option<Finding> {
    let at = r.node.start_byte();
    let head = format!("{}{} accepts plain-HTTP requests", s.what, name_of(r));
    let props = r.props;
    if props.is_some_and(|p| p.has_spread()) {
        return None;
    }
    let off = match props.map(|p| switch(&p, "enforceSSL")) {
        Some(Switch::Left) => return None,
        Some(Switch::Off(v)) => Some(v),
        _ => None,
    };
    let own = resource_policies_of(doc, s.kind, r);
    let adds = r.binding.as_deref().map(|b| ts.calls_on(b, "addToResourcePolicy").collect::<Vec<_>>()).unwrap_or_default();
    if adds.iter().any(|c| mentions_secure_transport(doc.text(c.arguments))) || own.iter().any(|(p, _)| mentions_secure_transport(doc.text(p.node))) {
        return None;
    }
    if let Some((p, _)) = own.first() {
        let line = doc.line_of(p.node.start_byte());
        let message = format!("{head}; add a statement denying `{CONDITION_KEY}: false` to its policy `{}` (line {line}) (not fixed: `enforceSSL` would create a second policy, and the two would overwrite each other)", id_of(p));
        return Some(META.finding(at, message, None));
    }
    let topic = s.cfn_type == "AWS::SNS::Topic";
    // A topic whose policy the file already adds to has lost SNS's default policy already.
    let (applicability, note) = if topic && adds.is_empty() {
        (Applicability::Review, " (review: CDK's new topic policy holds only the deny and replaces SNS's default policy; services that published through it, such as CloudWatch alarm actions or event notifications, need their own `addToResourcePolicy` statement)")
    } else {
        (Applicability::Safe, "")
    };
    if let Some(v) = off {
        if let Some((comment, line)) = recorded_decision(&v) {
            return Some(META.finding(at, format!("{head}: it sets `enforceSSL: false`, and the comment at line {line} records why (\"{comment}\"); left as it is"), None));
        }
        let message = format!("{head}: it sets `enforceSSL: false`; turned it on (review: clients using `http://` endpoints will be refused){note}");
        return Some(finding_with(&META, Applicability::Review, v.start(), message, vec![v.replace(&Value::Bool(true))]));
    }
    let edits = match props {
        Some(p) => p.insert("enforceSSL", &Value::Bool(true), Position::End),
        None => {
            let args = ts.args(r.node.child_by_field_name("arguments")?);
            let [_, id] = args.as_slice() else { return None };
            vec![crate::edit::Edit::insert(id.end(), ", { enforceSSL: true }")]
        }
    };
    Some(finding_with(&META, applicability, at, format!("{head}; set `enforceSSL: true`{note}"), edits))
}

// ---------------------------------------------------------------- CDKTF

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for s in SERVICES {
        for r in doc.of_type(s.tf) {
            out.extend(check_tf(doc, ts, s, r));
        }
    }
    out
}

/// A policy construct's text, with its `DataAwsIamPolicyDocument` when it uses one.
fn tf_policy_text(doc: &Document, v: &crate::lang::mapping::ValueNode) -> String {
    let mut text = v.text().to_string();
    if let Some(data) = v.text().strip_suffix(".json") {
        text.extend(crate::transforms::data_policy_document(doc, data).map(|r| doc.text(r.node)));
    }
    text
}

fn tf_deny(s: &Service, arn: &str, json: bool) -> Value {
    if json {
        return Value::map([
            ("Sid", Value::str(s.sid)),
            ("Effect", Value::str("Deny")),
            ("Principal", Value::str("*")),
            ("Action", Value::str(s.action)),
            ("Resource", Value::code(arn)),
            ("Condition", Value::map([("Bool", Value::map([(CONDITION_KEY, Value::str("false"))]))])),
        ]);
    }
    let strings = |items: &[&str]| Value::List(items.iter().map(|x| Value::str(*x)).collect());
    Value::map([
        ("sid", Value::str(s.sid)),
        ("effect", Value::str("Deny")),
        ("principals", Value::List(vec![Value::map([("type", Value::str("*")), ("identifiers", strings(&["*"]))])])),
        ("actions", strings(&[s.action])),
        ("resources", Value::List(vec![Value::code(arn)])),
        ("condition", Value::List(vec![Value::map([("test", Value::str("Bool")), ("variable", Value::str(CONDITION_KEY)), ("values", strings(&["false"]))])])),
    ])
}

fn check_tf<'a>(doc: &Document<'a>, ts: &crate::lang::ts::TsFile<'a>, s: &Service, r: &Resource<'a>) -> Option<Finding> {
    let at = r.node.start_byte();
    let head = format!("{}{} accepts plain-HTTP requests", s.what, name_of(r));
    let report = |why: &str| Some(META.finding(at, format!("{head}; add a statement denying `{CONDITION_KEY}: false` to its policy (not fixed: {why})"), None));
    if r.props.is_some_and(|p| p.has_spread()) {
        return None;
    }
    let binding = r.binding.as_deref();
    let arn = binding.map(|b| format!("{b}.arn"));
    let own = resource_policies_of(doc, s.kind, r);
    let inline = r.props.and_then(|p| p.get("policy"));
    let texts: Vec<String> = own.iter().filter_map(|(p, _)| p.props.and_then(|m| m.get("policy"))).chain(inline).map(|v| tf_policy_text(doc, &v)).collect();
    if texts.iter().any(|t| mentions_secure_transport(t)) {
        return None;
    }
    if let Some(why) = undecided(doc, s, &own) {
        return report(&why);
    }
    let Some(arn) = arn else { return report("it is not bound to a variable the statement could refer to") };
    let target = match (inline, own.as_slice()) {
        // The resource's own props cannot name it (`const q = new SqsQueue(…, { policy: … q.arn … })`
        // reads `q` before it is initialized).
        (Some(_), []) => return report("its policy is the inline `policy`, whose statement cannot refer to the resource's own ARN; add the deny there with the ARN written out, or move the policy into a separate policy resource"),
        (None, [(p, _)]) => p.props.and_then(|m| m.get("policy"))?,
        (Some(_), [_, ..]) => return report("it has an inline `policy` and a policy resource, which overwrite each other: keep one"),
        (None, [_, (second, _), ..]) => return report(&format!("it already has more than one policy (line {} too), which overwrite each other: keep one", doc.line_of(second.node.start_byte()))),
        (None, []) => return new_tf_policy(doc, ts, s, r, binding?, &head),
    };
    let Some((list, json)) = crate::transforms::tf_policy_statements(doc, ts, target) else {
        return report("the policy is not written as `JSON.stringify({ Statement: [...] })` or a `DataAwsIamPolicyDocument` of this file");
    };
    let message = format!("{head}; appended the statement `{}` to its policy", s.sid);
    Some(finding_with(&META, Applicability::Safe, target.start(), message, list.push(&tf_deny(s, &arn, json))))
}

/// A new `SnsTopicPolicy`/`SqsQueuePolicy` after the resource's statement.
fn new_tf_policy(doc: &Document, ts: &crate::lang::ts::TsFile, s: &Service, r: &Resource, binding: &str, head: &str) -> Option<Finding> {
    let at = r.node.start_byte();
    let report = |why: String| Some(META.finding(at, format!("{head}; add a `{}` denying `{CONDITION_KEY}: false` (not fixed: {why})", s.tf_policy.1), None));
    let Some(stmt) = r.statement.filter(|st| st.parent().is_some_and(|p| matches!(p.kind(), "statement_block" | "program"))) else {
        return report("it is a class field, where no statement can follow it".into());
    };
    let placement = match crate::transforms::placement(r) {
        Ok(p) => p,
        Err(why) => return report(why),
    };
    let args = ts.args(r.node.child_by_field_name("arguments")?);
    let (scope, id) = (args.first()?.text(), args.get(1)?);
    let (class, import) = ts.reference(&format!("@cdktf/provider-aws/lib/{}", s.tf_policy.0), s.tf_policy.1, &crate::transforms::lower_camel(s.tf_policy.1));
    let arn = format!("{binding}.arn");
    let mut statements = vec![];
    let topic = s.cfn_type == "AWS::SNS::Topic";
    if topic {
        statements.push(Value::map([
            ("Sid", Value::str("DefaultAccountAccess")),
            ("Effect", Value::str("Allow")),
            ("Principal", Value::map([("AWS", Value::str("*"))])),
            ("Action", Value::List(SNS_DEFAULT_ACTIONS.iter().map(|a| Value::str(*a)).collect())),
            ("Resource", Value::code(arn.clone())),
            ("Condition", Value::map([("StringEquals", Value::map([("AWS:SourceOwner", Value::code(format!("{binding}.owner")))]))])),
        ]));
    }
    statements.push(tf_deny(s, &arn, true));
    let mut props: Vec<(&str, Value)> = placement.into_iter().map(|(k, v)| (k, Value::code(v))).collect();
    props.push((s.tf_key.0, Value::code(format!("{binding}.{}", s.tf_key.1))));
    props.push(("policy", Value::Call("JSON.stringify".into(), vec![Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(statements))])])));
    let policy_id = match id.as_str() {
        Some(text) => {
            let suffix = if text.chars().any(|c| c.is_ascii_uppercase()) { "Policy" } else { "-policy" };
            crate::value::quote(&crate::transforms::unique(&format!("{text}{suffix}"), |c| crate::transforms::has_string_literal(doc, c)), doc.parsed.style.quote)
        }
        None => format!("`${{{}}}-policy`", id.text()),
    };
    let call = Value::Call(format!("new {class}"), vec![Value::code(scope), Value::code(policy_id), Value::map(props)]);
    let style = crate::style::Style { indent: "  ".into(), newline: "\n", ..doc.parsed.style.clone() };
    let text = crate::value::Renderer::new(crate::lang::Syntax::TypeScript, &style).value(&call, "");
    let mut edits = vec![ts.insert_after(stmt, &ts.statement_text(&text))];
    edits.extend(import);
    let kept = if topic { " (with SNS's default statement, which a topic policy replaces)" } else { "" };
    let (applicability, note) = tf_shared(doc, ts, binding).map_or((Applicability::Safe, String::new()), |why| (Applicability::Review, format!(" (review: {why})")));
    let message = format!("{head}; added a `{}` denying `{CONDITION_KEY}: false`{kept}{note}", s.tf_policy.1);
    Some(finding_with(&META, applicability, at, message, edits))
}

/// Why a new CDKTF policy for the topic or queue bound to `binding` may replace one the
/// file does not show (the CDKTF side of the CloudFormation `Export` and delivery checks):
/// a `TerraformOutput` or a stack member (`this.x`) hands it to other stacks or
/// configurations, which may declare their own policy for it; an AWS service of the file
/// (S3 notification, EventBridge target, SNS subscription) delivers to it while no policy
/// of the file grants that service, so the grant lives in a policy set elsewhere.
fn tf_shared(doc: &Document, ts: &crate::lang::ts::TsFile, binding: &str) -> Option<String> {
    let within = |types: &[&str]| {
        // A subscription delivers to its `endpoint` (its `topicArn` is the source).
        let part = |r: &Resource| match r.type_name.ends_with(".SnsTopicSubscription") {
            true => r.props.and_then(|p| p.get("endpoint")).map(|v| v.node.byte_range()),
            false => Some(r.node.byte_range()),
        };
        let spans: Vec<std::ops::Range<usize>> = doc.of_types(types).iter().filter_map(|r| part(r)).collect();
        ts.usages(binding).iter().find(|u| spans.iter().any(|s| s.contains(&u.start_byte()))).map(|u| doc.line_of(u.start_byte()))
    };
    if let Some(line) = within(&[TF_OUTPUT]) {
        return Some(format!("a `TerraformOutput` at line {line} hands it to other configurations, which may declare their own policy for it; this one would overwrite it or be overwritten: check them"));
    }
    if let Some(member) = binding.strip_prefix("this.") {
        return Some(format!("it is the stack's member `{member}`, which other stacks may use and give their own policy; this one would overwrite it or be overwritten: check them"));
    }
    within(TF_DELIVERING_TYPES).map(|line| format!("an AWS service of this file delivers to it (line {line}) and no policy of the file grants that service access, so the grant lives in a policy set elsewhere, which this new policy replaces: copy its statements in first"))
}

/// `TerraformOutput`, as the construct index names it.
const TF_OUTPUT: &str = "cdktf.TerraformOutput";

/// CDKTF resources through which an AWS service delivers to a topic or queue with a grant
/// in its policy (the counterparts of [`DELIVERING_TYPES`]).
const TF_DELIVERING_TYPES: &[&str] = &[
    "@cdktf/provider-aws/lib/s3-bucket-notification.S3BucketNotification",
    "@cdktf/provider-aws/lib/cloudwatch-event-target.CloudwatchEventTarget",
    "@cdktf/provider-aws/lib/sns-topic-subscription.SnsTopicSubscription",
];

/// Resource types through which an AWS service delivers to a topic or queue with a grant
/// in the topic's/queue's policy: S3 event notifications, EventBridge rule targets, SNS
/// subscriptions (to a queue), and a topic's inline subscriptions.
/// With the property that names the target where the resource names other topics or
/// queues too (a subscription's `TopicArn` is where it delivers from).
const DELIVERING_TYPES: &[(&str, Option<&str>)] = &[
    ("AWS::S3::Bucket", None),
    ("AWS::Events::Rule", None),
    ("AWS::SNS::Subscription", Some("Endpoint")),
    ("AWS::SNS::Topic", Some("Subscription")),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn applicability(path: &str) -> Vec<Applicability> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let flavor = if path.ends_with(".ts") { Flavor::CdktfTs } else { Flavor::CfnYaml };
        let parsed = crate::lang::Parsed::new(flavor.syntax(), text);
        let doc = Document::new(std::path::Path::new(path), flavor, &parsed);
        TRANSFORM.check(&doc, &Options::default()).iter().filter_map(|f| f.fix.as_ref().map(|x| x.applicability)).collect()
    }

    /// A new policy for an exported queue is review (an importing stack may hold its own
    /// policy); the same queue unexported gets a safe one.
    #[test]
    fn a_new_policy_for_an_exported_queue_is_review() {
        assert_eq!(applicability("fixtures/sns-sqs-enforce-ssl/exported-queue.yaml"), vec![Applicability::Review]);
        // A queue an SNS subscription of the template delivers to, with no queue policy in it.
        assert_eq!(applicability("fixtures/sns-sqs-enforce-ssl/delivered-queue.yaml"), vec![Applicability::Review]);
        let unexported = applicability("fixtures/sns-sqs-enforce-ssl/cfn-topics-queues.yaml");
        assert!(unexported.contains(&Applicability::Safe), "{unexported:?}");
        // A subscription's `TopicArn` is its source: the topic's new policy stays safe.
        assert_eq!(applicability("fixtures/sns-sqs-enforce-ssl/subscribed-topic.yaml"), vec![Applicability::Safe]);
    }

    /// CDKTF: a queue a `TerraformOutput` hands out, a stack member and a queue S3 delivers
    /// to get review policies; a queue used only inside the stack gets a safe one.
    #[test]
    fn a_new_cdktf_policy_for_a_shared_or_delivered_queue_is_review() {
        use Applicability::{Review, Safe};
        assert_eq!(applicability("fixtures/sns-sqs-enforce-ssl/cdktf-exported-queue.ts"), vec![Review, Review, Safe]);
        assert_eq!(applicability("fixtures/sns-sqs-enforce-ssl/cdktf-delivered-queue.ts"), vec![Review]);
    }
}
