//! ## What it fixes
//! DynamoDB tables encrypted with the AWS owned key (the default) or the AWS managed
//! key `aws/dynamodb`: each gets its own customer managed KMS key, with rotation on.
//!
//! ## Why
//! With an AWS owned or AWS managed key, the key policy cannot be read or changed,
//! access to the data cannot be revoked by revoking the key, and key use does not
//! appear in the account's CloudTrail under a key you control. A customer managed key
//! gives that control (and a separate key per table limits the blast radius).
//!
//! ## Before → after
//! CDK TypeScript (`kms` imported in the file's style when missing):
//! ```ts
//! const orders = new dynamodb.Table(this, 'Orders', { partitionKey, encryption: dynamodb.TableEncryption.AWS_MANAGED });
//! // becomes
//! const ordersKey = new kms.Key(this, 'OrdersKey', {
//!   enableKeyRotation: true,
//!   description: 'Encrypts DynamoDB table Orders',
//! });
//! const orders = new dynamodb.Table(this, 'Orders', { partitionKey, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: ordersKey });
//! ```
//! `TableV2` gets `encryption: dynamodb.TableEncryptionV2.customerManagedKey(key)`; `CfnTable`
//! gets `sseSpecification: { sseEnabled: true, sseType: 'KMS', kmsMasterKeyId: key.keyArn }`.
//!
//! CDKTF TypeScript:
//! ```ts
//! const ordersKey = new KmsKey(this, 'orders-key', { description: 'Encrypts DynamoDB table orders', enableKeyRotation: true });
//! new DynamodbTable(this, 'orders', { …, serverSideEncryption: { enabled: true, kmsKeyArn: ordersKey.arn } });
//! ```
//!
//! CloudFormation (JSON alike; short or long intrinsic form as the file writes them):
//! ```yaml
//! OrdersKey:
//!   Type: AWS::KMS::Key
//!   Properties:
//!     Description: Encrypts DynamoDB table Orders
//!     EnableKeyRotation: true
//!     KeyPolicy: { … the account root is allowed kms:* … }
//! Orders:
//!   Type: AWS::DynamoDB::Table
//!   Properties:
//!     SSESpecification:
//!       SSEEnabled: true
//!       SSEType: KMS
//!       KMSMasterKeyId: !GetAtt OrdersKey.Arn
//! ```
//! The key goes before the table (after the resource that precedes it), carries the
//! table's `Condition`, and its policy is the KMS default one written out (the account
//! root may use the key, so IAM policies can grant it), which keeps the template
//! explicit about who controls the key.
//!
//! ## Applicability
//! review: the table switches key in place (no replacement), but the key costs money
//! ($1 a month plus requests), principals that read the table's streams, exports or
//! backups through KMS need `kms:Decrypt` on it (CDK `grant*` methods add it; hand-written
//! IAM policies do not), and deleting or disabling the key makes the table unreadable.
//!
//! Fires on: no encryption setting (the AWS owned key), CDK `TableEncryption.DEFAULT`
//! / `AWS_MANAGED`, `TableEncryptionV2.dynamoOwnedKey()` / `awsManagedKey()`, and
//! `SSESpecification`s without a key (`SSEEnabled: false`, or `KMS` with the AWS managed
//! key). Left alone: tables that name a key, values written as expressions, parameters
//! or intrinsics, props with a spread. Reported without a fix: tables with replicas
//! (CDK `replicationRegions`/`replicas`, CDKTF `replica`), since every replica region
//! needs its own key; `AWS::DynamoDB::GlobalTable` and `CfnGlobalTable` are not handled
//! (per-replica keys) — review them by hand; tables created in a loop, a callback or as a
//! class field.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_119 (DynamoDB tables encrypted with a customer managed key); AWS Config
//! `dynamodb-table-encrypted-kms`. None in cfn-lint or cdk-nag's AwsSolutions pack.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_logical_id, insert_entries, literal_bool, lower_camel, unique};
use crate::value::{quote, Value};
use std::collections::HashSet;
use tree_sitter::Node;

pub struct DynamodbCustomerManagedKey;
pub static TRANSFORM: DynamodbCustomerManagedKey = DynamodbCustomerManagedKey;

static META: Meta = Meta {
    id: "dynamodb-customer-managed-key",
    title: "Encrypt DynamoDB tables with a customer managed, rotating KMS key",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_119"],
    options: &[],
};

const CDK_TABLE: &str = "aws-cdk-lib/aws-dynamodb.Table";
const CDK_TABLE_V2: &str = "aws-cdk-lib/aws-dynamodb.TableV2";
const CDK_CFN_TABLE: &str = "aws-cdk-lib/aws-dynamodb.CfnTable";
const TF_TABLE: &str = "@cdktf/provider-aws/lib/dynamodb-table.DynamodbTable";
const CFN_TABLE: &str = "AWS::DynamoDB::Table";

impl Transform for DynamodbCustomerManagedKey {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
            Flavor::CdkTs | Flavor::CdktfTs => check_ts(doc),
        }
    }
}

fn head(name: &str, how: &str) -> String {
    format!("DynamoDB table `{name}` is encrypted with {how}, not a customer managed key")
}

/// What a table's encryption settings say.
enum Need<'a> {
    /// Already a customer managed key, or written in a way we leave to its author.
    Leave,
    /// Needs a key; `how` names the current key for the message.
    Key { how: &'static str, edits: KeyEdits<'a> },
}

/// How the table props change once the key has a name.
enum KeyEdits<'a> {
    /// Insert a whole new setting.
    Insert(MapNode<'a>),
    /// Complete an existing `SSESpecification`-like mapping (the value, and it as a map).
    Complete(ValueNode<'a>, MapNode<'a>),
    /// CDK L2: replace the `encryption` value (or insert it) and add `encryptionKey`.
    CdkL2(MapNode<'a>, Option<ValueNode<'a>>),
}

// ---------------------------------------------------------------- SSESpecification (CFN, CfnTable, CDKTF)

/// The keys of an `SSESpecification`-like mapping in one flavor.
struct Spec {
    prop: &'static str,
    enabled: &'static str,
    sse_type: Option<&'static str>,
    key: &'static str,
}

const CFN_SPEC: Spec = Spec { prop: "SSESpecification", enabled: "SSEEnabled", sse_type: Some("SSEType"), key: "KMSMasterKeyId" };
const CDK_SPEC: Spec = Spec { prop: "sseSpecification", enabled: "sseEnabled", sse_type: Some("sseType"), key: "kmsMasterKeyId" };
const TF_SPEC: Spec = Spec { prop: "serverSideEncryption", enabled: "enabled", sse_type: None, key: "kmsKeyArn" };

fn spec_need<'a>(props: MapNode<'a>, spec: &Spec) -> Need<'a> {
    let Some(v) = props.get(spec.prop) else {
        return if props.has_spread() {
            Need::Leave
        } else {
            Need::Key { how: "the AWS owned key", edits: KeyEdits::Insert(props) }
        };
    };
    let Some(map) = v.as_map().filter(|m| !m.has_spread() && v.intrinsic().is_none()) else {
        return Need::Leave;
    };
    if map.has(spec.key) {
        return Need::Leave;
    }
    let enabled = map.get(spec.enabled).map(|e| literal_bool(&e));
    let sse_type = spec.sse_type.and_then(|k| map.get(k));
    let literal_type = sse_type.map(|t| t.as_str().filter(|_| t.tag.is_none()));
    match (enabled, literal_type) {
        (Some(None), _) | (_, Some(None)) => Need::Leave,
        (Some(Some(true)), _) => Need::Key { how: "the AWS managed key `aws/dynamodb`", edits: KeyEdits::Complete(v, map) },
        _ => Need::Key { how: "the AWS owned key", edits: KeyEdits::Complete(v, map) },
    }
}

/// Edits that make the spec name `key` (a rendered value) and turn KMS on.
fn spec_edits(edits: &KeyEdits, spec: &Spec, key: Value, kms: Value) -> Vec<Edit> {
    let mut wanted = vec![(spec.enabled, Value::Bool(true))];
    if let Some(t) = spec.sse_type {
        wanted.push((t, kms));
    }
    wanted.push((spec.key, key));
    match edits {
        KeyEdits::Insert(props) => props.insert(spec.prop, &Value::map(wanted), Position::End),
        // A one-line mapping is rewritten whole: its only keys are the ones we set.
        KeyEdits::Complete(v, map) if map.node.kind() != "block_mapping" && !v.text().contains('\n') => vec![v.replace(&Value::map(wanted))],
        KeyEdits::Complete(_, map) => {
            let mut out = Vec::new();
            let mut missing = Vec::new();
            for (k, v) in wanted {
                match map.get(k) {
                    Some(existing) if existing.text() == map_value_text(&v) => {}
                    Some(existing) => out.push(existing.replace(&v)),
                    None => missing.push((k, v)),
                }
            }
            out.extend(insert_entries(*map, &missing));
            out
        }
        // CDK L2 props have no spec mapping: `l2_edits` handles them.
        KeyEdits::CdkL2(..) => vec![],
    }
}

/// The literal text a scalar would already have (`true`, `KMS`), to skip no-op edits.
fn map_value_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.clone(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------- CloudFormation

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let Some(resources) = doc.template.and_then(|t| t.get("Resources")).and_then(|v| v.as_map()) else {
        return vec![];
    };
    let entries = resources.entries();
    let mut taken: HashSet<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    let mut out = Vec::new();
    for r in doc.of_type(CFN_TABLE) {
        let (Some(id), Some(props)) = (r.logical_id.as_deref(), r.props) else { continue };
        let Need::Key { how, edits } = spec_need(props, &CFN_SPEC) else { continue };
        let key = cfn_logical_id(id, "Key", |c| taken.contains(c));
        taken.insert(key.clone());
        let mut all = spec_edits(&edits, &CFN_SPEC, Value::GetAtt(key.clone(), "Arn".into()), Value::str("KMS"));
        let index = entries.iter().position(|e| e.key_node.id() == r.node.id());
        let anchor = match index {
            Some(i) if i > 0 => Position::AfterMember(entries[i - 1].node),
            _ => Position::After(id),
        };
        let mut key_edits = resources.insert(&key, &cfn_key(r, id), anchor);
        if let Some(i) = index {
            let neighbour = if i > 0 { i - 1 } else { i };
            crate::transforms::blank_line_between_resources(doc, &entries, neighbour, &mut key_edits);
        }
        all.extend(key_edits);
        let message = format!("{}: added `AWS::KMS::Key` `{key}` (rotation on) and pointed `SSESpecification` at it", head(id, how));
        out.push(META.finding(r.node.start_byte(), message, Some(all)));
    }
    out
}

/// The new `AWS::KMS::Key`, under the table's `Condition` when it has one.
fn cfn_key(table: &Resource, id: &str) -> Value {
    let mut body = vec![("Type".to_string(), Value::str("AWS::KMS::Key"))];
    if let Some(c) = table.body.and_then(|b| b.get("Condition")).and_then(|c| c.as_str()) {
        body.push(("Condition".into(), Value::str(c)));
    }
    let root = Value::Fn("Fn::Sub".into(), Box::new(Value::str("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")));
    let statement = Value::map([
        ("Sid", Value::str("EnableRootAccountAccess")),
        ("Effect", Value::str("Allow")),
        ("Principal", Value::map([("AWS", root)])),
        ("Action", Value::str("kms:*")),
        ("Resource", Value::str("*")),
    ]);
    body.push((
        "Properties".into(),
        Value::map([
            ("Description", Value::str(format!("Encrypts DynamoDB table {id}"))),
            ("EnableKeyRotation", Value::Bool(true)),
            (
                "KeyPolicy",
                Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(vec![statement]))]),
            ),
        ]),
    ));
    Value::Map(body)
}

// ---------------------------------------------------------------- TypeScript

fn check_ts(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let types: &[&str] = if doc.flavor == Flavor::CdkTs { &[CDK_TABLE, CDK_TABLE_V2, CDK_CFN_TABLE] } else { &[TF_TABLE] };
    let mut names: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for r in doc.of_types(types) {
        let Some(props) = r.props else { continue };
        let ty: &str = &r.type_name;
        let need = match ty {
            CDK_TABLE | CDK_TABLE_V2 => l2_need(ts, props, ty == CDK_TABLE_V2),
            CDK_CFN_TABLE => spec_need(props, &CDK_SPEC),
            _ => spec_need(props, &TF_SPEC),
        };
        let Need::Key { how, edits } = need else { continue };
        let name = r.binding.as_deref().or(r.logical_id.as_deref()).unwrap_or("table").to_string();
        let at = r.node.start_byte();
        let report = |why: &str| META.finding(at, format!("{}; not fixed: {why}", head(&name, how)), None);
        let replicas = ["replicationRegions", "replicas", "replica"].into_iter().find(|k| props.has(k));
        if let Some(k) = replicas {
            out.push(report(&format!("its `{k}` each need a key in their own region")));
            continue;
        }
        let (stmt, scope, id) = match placement(ts, r) {
            Ok(p) => p,
            Err(why) => {
                out.push(report(why));
                continue;
            }
        };
        let template = id.filter(|v| v.node.kind() == "template_string").map(|v| v.text());
        let key_name = key_const(doc, &names, r, template);
        names.insert(key_name.clone());
        let key_id = key_id_expr(doc, id, doc.flavor == Flavor::CdktfTs);
        let mut all = Vec::new();
        let (class, import) = key_class(doc, ts, r);
        all.extend(import);
        let q = doc.parsed.style.quote;
        let desc = match (r.logical_id.as_deref(), template) {
            (Some(id), _) => quote(&format!("Encrypts DynamoDB table {id}"), q),
            (None, Some(t)) => format!("`Encrypts DynamoDB table {}", &t[1..]),
            (None, None) => quote("Encrypts a DynamoDB table", q),
        };
        let tc = if doc.parsed.style.trailing_comma { "," } else { "" };
        let code = ts.statement_text(&format!(
            "const {key_name} = new {class}({scope}, {key_id}, {{\n  description: {desc},\n  enableKeyRotation: true{tc}\n}})"
        ));
        all.push(ts.insert_before(stmt, &code));
        let (setting, edits) = match (&edits, doc.flavor) {
            (KeyEdits::CdkL2(props, current), _) => l2_edits(ts, props, *current, &key_name, ty == CDK_TABLE_V2),
            (_, Flavor::CdktfTs) => ("serverSideEncryption", spec_edits(&edits, &TF_SPEC, Value::code(format!("{key_name}.arn")), Value::Null)),
            _ => ("sseSpecification", spec_edits(&edits, &CDK_SPEC, Value::code(format!("{key_name}.keyArn")), Value::str("KMS"))),
        };
        all.extend(edits);
        let message = format!("{}: added KMS key `{key_name}` (rotation on) and set `{setting}` to use it", head(&name, how));
        out.push(META.finding(at, message, Some(all)));
    }
    out
}

/// CDK `Table`/`TableV2`: what `encryption` says.
fn l2_need<'a>(ts: &TsFile, props: MapNode<'a>, v2: bool) -> Need<'a> {
    if props.has_spread() || props.has("encryptionKey") {
        return Need::Leave;
    }
    let Some(v) = props.get("encryption") else {
        return Need::Key { how: "the AWS owned key", edits: KeyEdits::CdkL2(props, None) };
    };
    let target = if v2 && v.node.kind() == "call_expression" { v.node.child_by_field_name("function") } else { Some(v.node) };
    let Some(name) = target.and_then(|n| ts.resolve(n)) else { return Need::Leave };
    let how = match name.rsplit('.').next().unwrap_or_default() {
        "DEFAULT" | "dynamoOwnedKey" => "the AWS owned key",
        "AWS_MANAGED" | "awsManagedKey" => "the AWS managed key `aws/dynamodb`",
        _ => return Need::Leave,
    };
    Need::Key { how, edits: KeyEdits::CdkL2(props, Some(v)) }
}

fn l2_edits<'a>(ts: &TsFile, props: &MapNode<'a>, current: Option<ValueNode<'a>>, key: &str, v2: bool) -> (&'static str, Vec<Edit>) {
    let class = if v2 { "TableEncryptionV2" } else { "TableEncryption" };
    // Keep the file's own spelling of the enum class when it is there already.
    let (prefix, import) = match current.and_then(|v| v.node.child_by_field_name(if v2 { "function" } else { "object" })) {
        Some(n) if v2 => (ts.doc.text(n).rsplit_once('.').map_or(String::new(), |(p, _)| p.to_string()), None),
        Some(n) => (ts.doc.text(n).to_string(), None),
        None => ts.reference("aws-cdk-lib/aws-dynamodb", class, "dynamodb"),
    };
    let value = if v2 { format!("{prefix}.customerManagedKey({key})") } else { format!("{prefix}.CUSTOMER_MANAGED") };
    let mut out: Vec<Edit> = import.into_iter().collect();
    match current {
        Some(v) => {
            out.push(v.replace(&Value::code(value)));
            if !v2 {
                out.extend(props.insert("encryptionKey", &Value::code(key), Position::After("encryption")));
            }
        }
        None if v2 => out.extend(props.insert("encryption", &Value::code(value), Position::End)),
        None => out.extend(insert_entries(*props, &[("encryption", Value::code(value)), ("encryptionKey", Value::code(key))])),
    }
    ("encryption", out)
}

const FUNCTION_KINDS: &[&str] = &["arrow_function", "function_expression", "function_declaration", "method_definition", "generator_function", "generator_function_declaration"];
const LOOP_KINDS: &[&str] = &["for_statement", "for_in_statement", "while_statement", "do_statement"];

/// The statement the key goes before, the construct's scope text and its id argument.
fn placement<'a>(ts: &TsFile<'a>, r: &Resource<'a>) -> Result<(Node<'a>, String, Option<ValueNode<'a>>), &'static str> {
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
            if matches!(n.kind(), "arrow_function" | "function_expression") && n.parent().is_some_and(|p| p.kind() == "arguments") {
                return Err("it is created in a callback");
            }
            break;
        }
        up = n.parent();
    }
    let args = ts.args(r.node.child_by_field_name("arguments").ok_or("it has no arguments")?);
    let scope = args.first().ok_or("it has no scope argument")?.text().to_string();
    Ok((stmt, scope, args.get(1).copied()))
}

/// `orders` → `ordersKey`, `this.table` → `tableKey`; from the construct id without a binding.
/// A template literal id counts by its literal parts (`` `Ledger-${stage}` `` → `ledger`).
fn key_const(doc: &Document, taken: &HashSet<String>, r: &Resource, template: Option<&str>) -> String {
    let literal_parts = || -> String {
        let t = template.unwrap_or_default();
        t.split("${").map(|part| part.split_once('}').map_or(part, |(_, rest)| rest)).collect()
    };
    let base = match (r.binding.as_deref(), r.logical_id.as_deref()) {
        (Some(b), _) => b.rsplit('.').next().unwrap_or(b).to_string(),
        (None, Some(id)) => lower_camel(id),
        _ => lower_camel(&literal_parts()),
    };
    let base = if base.is_empty() { "table".to_string() } else { base };
    unique(&format!("{base}Key"), |c| doc.has_word(c) || taken.contains(c))
}

/// The key's construct id: `'Orders'` → `'OrdersKey'` (`'orders'` → `'orders-key'` in
/// CDKTF's kebab style), unique among the file's string literals; a template literal
/// gets the suffix inside; any other expression becomes `` `${id}Key` ``.
fn key_id_expr(doc: &Document, id: Option<ValueNode>, kebab: bool) -> String {
    let q = doc.parsed.style.quote;
    let suffix = |s: &str| if kebab && !s.chars().any(|c| c.is_ascii_uppercase()) { "-key" } else { "Key" };
    match id {
        Some(v) => match v.as_str() {
            Some(s) => {
                let base = format!("{s}{}", suffix(&s));
                let src = doc.source();
                let name = unique(&base, |c| [format!("'{c}'"), format!("\"{c}\"")].iter().any(|t| doc.may_contain(t) && src.contains(t.as_str())));
                quote(&name, q)
            }
            None if v.node.kind() == "template_string" => {
                let t = v.text();
                format!("{}{}`", &t[..t.len() - 1], suffix(t))
            }
            None => format!("`${{{}}}Key`", v.text()),
        },
        None => quote("TableKey", q),
    }
}

/// The KMS key class as this file names it, and the import that makes it available.
fn key_class(doc: &Document, ts: &TsFile, r: &Resource) -> (String, Option<Edit>) {
    if doc.flavor == Flavor::CdkTs {
        let (class, import) = ts.reference("aws-cdk-lib/aws-kms", "Key", "kms");
        // A CDK v1 file (only `@aws-cdk/*` imports) imports the v1 module.
        let raw: Vec<&str> = ts.imports.iter().map(|i| doc.text(i.node)).collect();
        let v1 = raw.iter().any(|t| t.contains("@aws-cdk/")) && !raw.iter().any(|t| t.contains("aws-cdk-lib"));
        let import = import.map(|mut e| {
            if v1 {
                e.text = e.text.replace("aws-cdk-lib/aws-kms", "@aws-cdk/aws-kms");
            }
            e
        });
        return (class, import);
    }
    let ctor = doc.text(r.node.child_by_field_name("constructor").unwrap_or(r.node));
    match ctor.strip_suffix(".dynamodbTable.DynamodbTable") {
        Some(ns) => (format!("{ns}.kmsKey.KmsKey"), None),
        None => ts.reference("@cdktf/provider-aws/lib/kms-key", "KmsKey", "kmsKey"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(lower_camel("Orders-Table"), "ordersTable");
        assert_eq!(lower_camel("`Ledger-"), "ledger");
        assert_eq!(unique("aKey", |c| c == "aKey"), "aKey2");
        assert_eq!(map_value_text(&Value::Bool(true)), "true");
    }
}
