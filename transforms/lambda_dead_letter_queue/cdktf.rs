//! CDKTF: `SqsQueue` + `deadLetterConfig.targetArn`, and the role's `sqs:SendMessage`.

use super::ts::{construct_id_text, placement, queue_const, queue_id_expr, queue_statement, spreads_set};
use super::{fix_finding, statement_for, Want, META, RETENTION_SECONDS, SQS_MANAGED_KEY};
use crate::edit::{Edit, Finding};
use crate::lang::mapping::{ListNode, MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transforms::lambda::{is_tf as is, refers, Function, Role, TF_PREFIX};
use crate::transforms::{tf_policy_statements, unique};
use crate::value::{quote, Value};
use tree_sitter::Node;

pub(super) fn check<'a>(doc: &Document<'a>, wanted: Vec<(Function<'_, 'a>, Want)>) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for (f, want) in wanted {
        let r = f.resource;
        if r.props.is_some_and(|p| p.has("deadLetterConfig")) {
            continue;
        }
        let name = r
            .binding
            .as_deref()
            .or(r.logical_id.as_deref())
            .map_or_else(|| construct_id_text(doc, r), str::to_string);
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
        let owner = format!("lambda-dead-letter-queue {}", r.node.start_byte());
        let const_name = queue_const(doc, &owner, r.binding.as_deref(), r.logical_id.as_deref());
        let id = queue_id_expr(doc, &owner, &p, r.binding.as_deref());
        let q = |s: &str| quote(s, doc.parsed.style.quote);
        let mut edits = Vec::new();
        let ctor = doc.text(r.node.child_by_field_name("constructor").unwrap_or(r.node));
        let namespace = ctor.strip_suffix(".lambdaFunction.LambdaFunction");
        let mut class_of = |module: &str, class: &str, ns_member: &str, alias: &str| match namespace {
            Some(ns) => format!("{ns}.{ns_member}.{class}"),
            None => {
                let (c, e) = ts.reference(&format!("{TF_PREFIX}{module}"), class, alias);
                edits.extend(e);
                c
            }
        };
        let class = class_of("sqs-queue", "SqsQueue", "sqsQueue", "sqsQueue");
        let mut qprops = Vec::new();
        if let Some(fname) = props.get("functionName") {
            if let Some(s) = fname.as_str() {
                qprops.push(format!("name: {}", q(&format!("{s}-dlq"))));
            } else if fname.node.kind() == "template_string" {
                let t = fname.text();
                qprops.push(format!("name: {}-dlq`", &t[..t.len() - 1]));
            }
        }
        qprops.push(format!("messageRetentionSeconds: {RETENTION_SECONDS}"));
        qprops.push(format!("kmsMasterKeyId: {}", q(SQS_MANAGED_KEY)));
        let mut code = queue_statement(ts, &const_name, &class, &p.scope, &id, &qprops);
        let mut role_ok = true;
        // The role's permission: where the policy is written in this file, or a new
        // `IamRolePolicy` the function depends on.
        let role_note = match (&f.role, tf_role_policy(doc, ts, props)) {
            (Role::InFile(_), Some(RolePolicy { list, json, stmt, role, holder })) => {
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
                    let statement = if json {
                        format!("{{ Effect: {}, Action: {}, Resource: {const_name}.arn }}", q("Allow"), q("sqs:SendMessage"))
                    } else {
                        format!("{{ effect: {}, actions: [{}], resources: [{const_name}.arn] }}", q("Allow"), q("sqs:SendMessage"))
                    };
                    edits.extend(list.push(&Value::code(statement)));
                    // The function waits for the edited policy construct (Lambda checks the
                    // permission when the DLQ is set; Terraform would update both at once).
                    match holder.map(|h| policy_dependency(doc, h, r)) {
                        None => format!("; allowed sqs:SendMessage on it in the policy of role `{role}`"),
                        Some(Ok((name, bind))) => match props.get("dependsOn").map(|v| v.as_list()) {
                            Some(None) => {
                                role_ok = false;
                                format!("; allowed sqs:SendMessage on it in the policy of role `{role}`; make the function depend on `{name}` (its `dependsOn` is not a list), or Lambda may check the permission before it is written")
                            }
                            existing => {
                                edits.extend(bind);
                                match existing.flatten() {
                                    Some(list) => edits.extend(list.push(&Value::code(name.clone()))),
                                    None => edits.extend(props.insert("dependsOn", &Value::List(vec![Value::code(name.clone())]), Position::End)),
                                }
                                format!("; allowed sqs:SendMessage on it in the policy `{name}` of role `{role}`, which the function now depends on")
                            }
                        },
                        Some(Err(why)) => {
                            role_ok = false;
                            format!("; allowed sqs:SendMessage on it in the policy of role `{role}`, but the function cannot be made to wait for that policy ({why}): check that the permission exists before the DLQ is set")
                        }
                    }
                } else {
                    role_ok = false;
                    format!("; role `{role}` needs sqs:SendMessage on the queue (its policy is declared where the queue cannot be referenced): add {} to it, or Lambda rejects the configuration", statement_for(&const_name))
                }
            }
            (Role::InFile(role), None) => {
                let policy_class = class_of("iam-role-policy", "IamRolePolicy", "iamRolePolicy", "iamRolePolicy");
                let policy_const = unique(&format!("{const_name}Send"), |c| doc.has_word(c) || c == const_name);
                let policy_id = match &p.id {
                    Some(v) if v.as_str().is_some() => q(&format!("{}-send", super::ts::dlq_id(&v.as_str().unwrap_or_default()))),
                    _ => q(&policy_const),
                };
                let tc = if doc.parsed.style.trailing_comma { "," } else { "" };
                let policy = format!(
                    "JSON.stringify({{\n    Version: {},\n    Statement: [{{ Effect: {}, Action: {}, Resource: {const_name}.arn }}]{tc}\n  }})",
                    q("2012-10-17"),
                    q("Allow"),
                    q("sqs:SendMessage")
                );
                code.push('\n');
                code.push_str(&queue_statement(
                    ts,
                    &policy_const,
                    &policy_class,
                    &p.scope,
                    &policy_id,
                    &[format!("role: {role}.id"), format!("policy: {policy}")],
                ));
                match props.get("dependsOn").and_then(|v| v.as_list()) {
                    Some(list) => edits.extend(list.push(&Value::code(policy_const.clone()))),
                    None if props.has("dependsOn") => role_ok = false,
                    None => edits.extend(props.insert(
                        "dependsOn",
                        &Value::List(vec![Value::code(policy_const.clone())]),
                        Position::End,
                    )),
                }
                format!("; added IamRolePolicy `{policy_const}` allowing sqs:SendMessage on it to role `{role}` (the function depends on it: Lambda checks the permission when the DLQ is set)")
            }
            (role, _) => {
                role_ok = false;
                let shown = match role {
                    Role::Outside(t) | Role::Imported(t) => format!(" `{t}`"),
                    _ => String::new(),
                };
                format!(
                    "; its role{shown} is not an IamRole of this file: add {} to it before applying, or Lambda rejects the configuration",
                    statement_for(&const_name)
                )
            }
        };
        edits.push(ts.insert_before(p.stmt, &code));
        edits.extend(props.insert(
            "deadLetterConfig",
            &Value::map([("targetArn", Value::code(format!("{const_name}.arn")))]),
            Position::End,
        ));
        let message = format!("{head}: failed events are dropped after two retries; added SqsQueue `{const_name}` (14 days retention, encrypted with {SQS_MANAGED_KEY}) as its `deadLetterConfig`{role_note}");
        out.push(fix_finding(&want, at, message, edits, role_ok));
    }
    out
}

/// How the function `function` names the policy construct `holder` in its `dependsOn`:
/// its binding when it is declared before the function's statement in the same block,
/// or a new `const` bound to a lone `new IamRolePolicy(…);` statement there (with its edit).
fn policy_dependency(doc: &Document, holder: &Resource, function: &Resource) -> Result<(String, Option<Edit>), &'static str> {
    let (Some(hs), Some(fs)) = (holder.statement, function.statement) else {
        return Err("one of them is not a statement");
    };
    if hs.parent().map(|n| n.id()) != fs.parent().map(|n| n.id()) || hs.start_byte() >= fs.start_byte() {
        return Err("the policy is not declared before the function in the same block");
    }
    match holder.binding.as_deref() {
        Some(b) => Ok((b.to_string(), None)),
        None if hs.kind() == "expression_statement" && holder.node.parent().is_some_and(|p| p.id() == hs.id()) => {
            let owner = format!("lambda-dead-letter-queue policy {}", holder.node.start_byte());
            let name = crate::transforms::unique_in_pass(doc, &owner, "rolePolicy", |c| doc.has_word(c));
            Ok((name.clone(), Some(Edit::insert(holder.node.start_byte(), format!("const {name} = ")))))
        }
        None => Err("the policy is not bound to a name"),
    }
}

/// A statement list of the role's policy to push onto; `json`: IAM JSON keys (else a
/// policy document data source).
struct RolePolicy<'d, 'a> {
    list: ListNode<'a>,
    json: bool,
    stmt: Node<'a>,
    role: String,
    /// The `IamRolePolicy` or `IamPolicy` construct the statements belong to; `None` for
    /// the role's own `inlinePolicy` (the function already waits for the role).
    holder: Option<&'d Resource<'a>>,
}

fn tf_role_policy<'d, 'a>(doc: &'d Document<'a>, ts: &TsFile<'a>, props: MapNode<'a>) -> Option<RolePolicy<'d, 'a>> {
    let role_value = props.get("role")?;
    let role = role_value.text().strip_suffix(".arn")?;
    let role_res = doc.bound_to(role, role_value.node).filter(|r| is(r, "IamRole"))?;
    let mut candidates: Vec<(ValueNode, Option<&Resource>)> = Vec::new();
    if let Some(inline) = role_res.props.and_then(|p| p.get("inlinePolicy")) {
        let items = match inline.as_list() {
            Some(l) => l.items(),
            None => vec![inline],
        };
        candidates.extend(items.iter().filter_map(|i| Some((i.as_map()?.get("policy")?, None))));
    }
    for r in &doc.resources {
        let Some(p) = r.props else { continue };
        // Spelled as the role's binding, and declared where the role is (not another
        // method's `role`).
        let role_ref = p.get("role").is_some_and(|v| {
            (refers(v.text(), role) || v.text().starts_with(&format!("{role}.")))
                && ts.declared(role, v.node) == ts.declared(role, role_res.node)
        });
        if is(r, "IamRolePolicy") && role_ref {
            candidates.extend(p.get("policy").map(|v| (v, Some(r))));
        }
        if is(r, "IamRolePolicyAttachment") && role_ref {
            let Some((policy, at)) = p
                .get("policyArn")
                .and_then(|v| Some((v.text().strip_suffix(".arn")?.to_string(), v.node)))
            else {
                continue;
            };
            if let Some(pol) = doc.bound_to(&policy, at).filter(|x| is(x, "IamPolicy")) {
                candidates.extend(pol.props.and_then(|p| p.get("policy")).map(|v| (v, Some(pol))));
            }
        }
    }
    candidates.into_iter().find_map(|(c, holder)| {
        let (list, json) = tf_policy_statements(doc, ts, c)?;
        let stmt = ts.statement_of(list.node)?;
        Some(RolePolicy {
            list,
            json,
            stmt,
            role: role.to_string(),
            holder,
        })
    })
}
