//! CDK: `sqs.Queue` + `deadLetterQueue`.

use super::ts::{construct_id_text, placement, queue_const, queue_id_expr, queue_statement, spreads_set};
use super::{fix_finding, Want, META};
use crate::edit::{Edit, Finding};
use crate::lang::mapping::Position;
use crate::lang::ts::TsFile;
use crate::model::Document;
use crate::transforms::lambda::{Function, Role};
use crate::value::Value;

const HANDLED_PROPS: &[&str] = &[
    "deadLetterQueue",
    "deadLetterQueueEnabled",
    "deadLetterTopic",
    "onFailure",
];

pub(super) fn check<'a>(doc: &Document<'a>, wanted: Vec<(Function<'_, 'a>, Want)>) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for (f, want) in wanted {
        let r = f.resource;
        if let Some(props) = r.props {
            if HANDLED_PROPS.iter().any(|k| props.has(k)) {
                continue;
            }
        }
        let name = match &r.binding {
            Some(b) => b.to_string(),
            None => r
                .logical_id
                .as_deref()
                .map_or_else(|| construct_id_text(doc, r), str::to_string),
        };
        let head = want.head.replacen(&format!("`{}`", f.name), &format!("`{name}`"), 1);
        let head = format!("{head} and has no dead-letter queue");
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
        if r.type_name.ends_with(".CfnFunction") {
            out.push(report("a CfnFunction needs `deadLetterConfig` and a role statement"));
            continue;
        }
        let Some(props) = r.props else {
            out.push(report("it has no props object"));
            continue;
        };
        match spreads_set(ts, props, HANDLED_PROPS) {
            Some(true) => continue,
            Some(false) => {}
            None => {
                out.push(report("its props use a spread that may already set one"));
                continue;
            }
        }
        if crate::transforms::lambda::immutable_import(ts, props.get("role")) {
            out.push(report("its role is imported with `mutable: false`, so CDK adds no sqs:SendMessage statement to it and Lambda rejects a dead-letter queue the role cannot send to; grant the role sqs:SendMessage on the queue where the role is defined, then set `deadLetterQueue`"));
            continue;
        }
        let p = match placement(ts, r) {
            Ok(p) => p,
            Err(why) => {
                out.push(report(why));
                continue;
            }
        };
        let owner = format!("lambda-dead-letter-queue {}", r.node.start_byte());
        let const_name = queue_const(doc, &owner, r.binding.as_deref(), r.logical_id.as_deref());
        let id = queue_id_expr(doc, &owner, &p, r.binding.as_deref());
        let v1 = is_cdk_v1(ts);
        let mut edits = Vec::new();
        let (queue, mut e1) = ts.reference("aws-cdk-lib/aws-sqs", "Queue", "sqs");
        let (duration, e2) = ts.reference("aws-cdk-lib", "Duration", "cdk");
        // `QueueEncryption` comes from the same module as `Queue`, in the same import.
        let (encryption, e3) = match queue.strip_suffix("Queue") {
            Some(ns) if ns.ends_with('.') => (format!("{ns}QueueEncryption"), None),
            _ => match e1.as_mut().filter(|e| e.text.contains("{ Queue }")) {
                Some(e) => {
                    e.text = e.text.replace("{ Queue }", "{ Queue, QueueEncryption }");
                    ("QueueEncryption".to_string(), None)
                }
                None => ts.reference("aws-cdk-lib/aws-sqs", "QueueEncryption", "sqs"),
            },
        };
        for e in [e1, e2, e3].into_iter().flatten() {
            edits.push(if v1 { to_v1(e) } else { e });
        }
        let mut qprops = vec![
            format!("retentionPeriod: {duration}.days(14)"),
            format!("encryption: {encryption}.KMS_MANAGED"),
        ];
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
        let (role_note, role_ok) = match &f.role {
            Role::Generated(_) | Role::InFile(_) => (
                "CDK grants the function's role sqs:SendMessage on it".to_string(),
                true,
            ),
            Role::Imported(text) => (
                format!("CDK adds sqs:SendMessage on it to the imported role `{text}` only when the import is mutable and in the stack's account; check that, or grant it where the role is defined"),
                false,
            ),
            Role::Outside(text) => (
                format!("CDK adds sqs:SendMessage on it to the role `{text}`, which comes from elsewhere: check that it is a mutable role of this account (an immutable import keeps the statement out, and Lambda then rejects the configuration)"),
                false,
            ),
        };
        let message = format!("{head}: failed events are dropped after two retries; added SQS queue `{const_name}` (14 days retention, KMS-managed encryption, SSL enforced) as its `deadLetterQueue`; {role_note}");
        out.push(fix_finding(&want, at, message, edits, role_ok));
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
