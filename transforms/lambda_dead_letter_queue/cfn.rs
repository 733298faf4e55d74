//! CloudFormation / SAM: `AWS::SQS::Queue` + `DeadLetterConfig` (SAM `DeadLetterQueue`),
//! and `sqs:SendMessage` in the role's `Policies`.

use super::{fix_finding, statement_for, Want, META, RETENTION_SECONDS, SQS_MANAGED_KEY};
use crate::edit::{Edit, Finding};
use crate::lang::mapping::Position;
use crate::model::{Document, Resource};
use crate::transforms::lambda::{Function, Role};
use crate::transforms::{blank_line_between_resources, cfn_logical_id, unique};
use crate::value::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

const CFN_SAM: &str = "AWS::Serverless::Function";

/// A role that gets `sqs:SendMessage` for the queues of one run.
struct RoleGrant {
    finding: usize,
    queues: Vec<String>,
}

struct Pending {
    finding: Finding,
    edits: Vec<Edit>,
    want: Want,
    role_ok: bool,
}

pub(super) fn check<'a>(doc: &Document<'a>, wanted: Vec<(Function<'_, 'a>, Want)>) -> Vec<Finding> {
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
        g.has("DeadLetterQueue")
            || g.get_path(&["EventInvokeConfig", "DestinationConfig", "OnFailure"]).is_some()
    });
    let entries = resources.entries();
    let keys: Vec<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    let mut taken: HashSet<String> = keys.iter().cloned().collect();
    let key_index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let mut out: Vec<Pending> = Vec::new();
    // One role statement per (role, condition, applicability): a safe fix's statement
    // must not name the queue of a review fix that may not be applied with it.
    let mut grants: BTreeMap<(String, Option<String>, bool), RoleGrant> = BTreeMap::new();
    for (f, want) in wanted {
        let r = f.resource;
        let Some(id) = r.logical_id.as_deref() else { continue };
        let sam = r.type_name == CFN_SAM;
        let props = r.props;
        if props.is_some_and(|p| p.has("DeadLetterConfig") || p.has("DeadLetterQueue")) || (sam && globals_handled) {
            continue;
        }
        let head = format!("{} and has no dead-letter queue", want.head);
        let at = r.node.start_byte();
        let Some(props) = props else {
            let finding = META.finding(at, format!("{head}; it has no Properties to add one to"), None);
            out.push(Pending { finding, edits: vec![], want, role_ok: false });
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
                ("KmsMasterKeyId", Value::str(SQS_MANAGED_KEY)),
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
            edits.extend(props.insert("DeadLetterConfig", &Value::map([("TargetArn", arn)]), Position::End));
        }
        edits.extend(queue_edits);
        let what = if sam { "`DeadLetterQueue`" } else { "`DeadLetterConfig`" };
        let mut message = format!("{head}: failed events are dropped after two retries; added `AWS::SQS::Queue` `{queue}` (14 days retention, encrypted with {SQS_MANAGED_KEY}) as its {what}");
        let mut role_ok = true;
        match &f.role {
            Role::Generated(_) => message.push_str(" (SAM grants sqs:SendMessage to the role it generates)"),
            Role::InFile(role_id) => {
                let key = (role_id.clone(), condition.clone(), want.unknown);
                let idx = out.len();
                grants
                    .entry(key)
                    .or_insert(RoleGrant { finding: idx, queues: vec![] })
                    .queues
                    .push(queue.clone());
                message.push_str(&format!("; allowed sqs:SendMessage on it in role `{role_id}`"));
            }
            Role::Outside(role) | Role::Imported(role) => {
                role_ok = false;
                message.push_str(&format!(
                    "; its role `{role}` is not defined in this template: add the statement {} to it before deploying, or Lambda rejects the configuration",
                    statement_for(&queue)
                ));
            }
        }
        out.push(Pending { finding: META.finding(at, message, None), edits, want, role_ok });
    }
    for ((role_id, condition, _), grant) in grants {
        let Some(role) = doc.of_type("AWS::IAM::Role").find(|r| r.logical_id.as_deref() == Some(role_id.as_str())) else {
            continue;
        };
        let p = &mut out[grant.finding];
        match role_grant_edits(role, &grant.queues, condition.as_deref()) {
            Some(e) => p.edits.extend(e),
            None => {
                p.role_ok = false;
                p.finding.message = p.finding.message.replace(
                    &format!("allowed sqs:SendMessage on it in role `{role_id}`"),
                    &format!("role `{role_id}` needs sqs:SendMessage on the queue (its policies could not be extended): add it before deploying, or Lambda rejects the configuration"),
                );
            }
        }
    }
    out.into_iter()
        .map(|p| {
            if p.edits.is_empty() {
                p.finding
            } else {
                fix_finding(&p.want, p.finding.offset, p.finding.message, p.edits, p.role_ok)
            }
        })
        .collect()
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
