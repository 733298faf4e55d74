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
//! ## Who may use the key
//! The new key's policy admits only the account root, so (unlike the AWS managed key,
//! whose policy admits every principal of the account through `kms:ViaService`) a
//! principal needs IAM permission on the key to read or write the table: `kms:Decrypt`
//! and `kms:DescribeKey` to read, plus `kms:Encrypt`, `kms:ReEncrypt*` and
//! `kms:GenerateDataKey*` to write (aws-cdk-lib's `KEY_READ_ACTIONS`/`KEY_WRITE_ACTIONS`,
//! which its `table.grant*()` methods add, so those need nothing). Hand-written IAM of
//! the file that allows `dynamodb:` actions on the table gets them too:
//! - CloudFormation: a statement on `!GetAtt <Key>.Arn` appended to the same policy
//!   document (`AWS::IAM::Policy`/`ManagedPolicy`/`RolePolicy`, a role's or user's
//!   inline `Policies`, a SAM function's inline statements);
//! - CDK: `key.grantDecrypt(p)` / `key.grantEncryptDecrypt(p)` after
//!   `p.addToPolicy`/`addToRolePolicy`/`addToPrincipalPolicy(new iam.PolicyStatement(…))`,
//!   or a sibling `new iam.PolicyStatement({ actions: […], resources: [key.keyArn] })`
//!   in the same `statements` list.
//!
//! Reported without a fix instead, since the key cannot be granted there: DynamoDB
//! actions on a wildcard resource (`*`, `table/*`), SAM policy templates
//! (`DynamoDBCrudPolicy` …, which grant no KMS access), AWS managed DynamoDB policies,
//! a single `Statement` mapping, a statement the new key is not in scope for, a
//! conditional table, and CDKTF policy documents that name the table.
//!
//! The key lives as long as the table: it gets the table's `DeletionPolicy` and
//! `UpdateReplacePolicy` (`Snapshot` or an expression → `Retain`), CDK `removalPolicy`
//! (from the props or an `applyRemovalPolicy` call), or CDKTF
//! `lifecycle.preventDestroy`. A deleted key leaves a kept table unreadable.
//!
//! ## Applicability
//! review: the table switches key in place (no replacement), but the key costs money
//! ($1 a month plus requests), principals outside the file (other stacks, consoles,
//! CI roles) need the KMS actions above by hand, and deleting or disabling the key
//! makes the table unreadable.
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
use crate::lang::mapping::{ListNode, MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_logical_id, cfn_references, insert_entries, literal_bool, lower_camel, placement_before, unique};
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
        let reach = cfn_reach(doc, id);
        let conditional = r.body.is_some_and(|b| b.has("Condition")) && !reach.lists.is_empty();
        if !reach.blocked.is_empty() || conditional {
            let why = match conditional {
                true => "the table has a `Condition` and hand-written policies reach it: grant its key by hand".to_string(),
                false => format!("principals reach it through IAM this tool cannot extend to a new key: {}", reach.blocked.join("; ")),
            };
            let message = format!("{}; not fixed: {why}. With a customer managed key they need `kms:Decrypt` (and `kms:Encrypt`, `kms:GenerateDataKey*` to write) on it, or every call fails with KMS AccessDenied", head(id, how));
            out.push(META.finding(r.node.start_byte(), message, None));
            continue;
        }
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
        for (list, write) in &reach.lists {
            all.extend(list.push(&cfn_key_statement(&key, *write)));
        }
        let message = format!("{}: added `AWS::KMS::Key` `{key}` (rotation on) and pointed `SSESpecification` at it{}{}", head(id, how), key_policy_note(r), granted(&reach.found));
        out.push(META.finding(r.node.start_byte(), message, Some(all)));
    }
    out
}

/// A table's `DeletionPolicy` for its key: the same, `Retain` for `Snapshot` (keys
/// take none) and for an expression (never weaker than the table).
fn key_policy(v: ValueNode) -> &'static str {
    match v.as_str().filter(|_| v.tag.is_none() && v.intrinsic().is_none()).as_deref() {
        Some("Delete") => "Delete",
        Some("RetainExceptOnCreate") => "RetainExceptOnCreate",
        _ => "Retain",
    }
}

fn key_policy_note(table: &Resource) -> &'static str {
    if table.body.is_some_and(|b| b.has("DeletionPolicy")) {
        "; the key has the table's `DeletionPolicy`, so it lives as long as the data it encrypts"
    } else {
        ""
    }
}

/// The message part naming the hand-written policies that were given the key.
fn granted(found: &[String]) -> String {
    let outside = "; principals outside this file that use the table also need `kms:Decrypt` (and `kms:Encrypt`, `kms:GenerateDataKey*` to write) on the key";
    if found.is_empty() {
        return outside.to_string();
    }
    format!("; gave the key's KMS actions to the hand-written IAM that reaches the table ({}), as aws-cdk-lib's table grants do{outside}", found.join(", "))
}

/// The new `AWS::KMS::Key`, under the table's `Condition` when it has one.
fn cfn_key(table: &Resource, id: &str) -> Value {
    let mut body = vec![("Type".to_string(), Value::str("AWS::KMS::Key"))];
    if let Some(c) = table.body.and_then(|b| b.get("Condition")).and_then(|c| c.as_str()) {
        body.push(("Condition".into(), Value::str(c)));
    }
    // The key is kept as long as the table: a deleted key leaves a kept table unreadable.
    for attr in ["DeletionPolicy", "UpdateReplacePolicy"] {
        if let Some(v) = table.body.and_then(|b| b.get(attr)) {
            body.push((attr.into(), Value::str(key_policy(v))));
        }
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
        let (stmt, scope, id) = match placement_before(ts, r).map(|p| (p.stmt, p.scope, p.id)) {
            Ok(p) => p,
            Err(why) => {
                out.push(report(why));
                continue;
            }
        };
        // Hand-written IAM that reaches the table must be given the key too.
        let reach = match (doc.flavor, r.binding.as_deref()) {
            (Flavor::CdkTs, b) => cdk_reach(doc, ts, b),
            (Flavor::CdktfTs, Some(b)) => {
                let mut reach = Reach::new();
                reach.blocked = cdktf_reach(doc, b).into_iter().map(|w| format!("{w}, a policy document this tool does not extend")).collect();
                reach
            }
            _ => Reach::new(),
        };
        let in_scope = |n: Node| stmt.parent().is_some_and(|block| block.start_byte() <= n.start_byte() && n.end_byte() <= block.end_byte()) && n.start_byte() >= stmt.end_byte();
        let mut blocked = reach.blocked.clone();
        blocked.extend(reach.grants.iter().filter(|g| !in_scope(g.0)).map(|g| format!("`{}` (line {}), out of the new key's scope", g.1, doc.line_of(g.0.start_byte()))));
        blocked.extend(reach.lists.iter().filter(|l| !in_scope(l.0.node)).map(|l| format!("the statement list at line {}, out of the new key's scope", doc.line_of(l.0.node.start_byte()))));
        if !blocked.is_empty() {
            out.push(report(&format!("principals reach it through IAM this tool cannot extend to a new key: {}. With a customer managed key they need `kms:Decrypt` (and `kms:Encrypt`, `kms:GenerateDataKey*` to write) on it, or every call fails with KMS AccessDenied", blocked.join("; "))));
            continue;
        }
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
        let lasting = key_lifetime(doc, ts, r).map_or(String::new(), |(k, v)| format!(",\n  {k}: {v}"));
        let code = ts.statement_text(&format!(
            "const {key_name} = new {class}({scope}, {key_id}, {{\n  description: {desc},\n  enableKeyRotation: true{lasting}{tc}\n}})"
        ));
        all.push(ts.insert_before(stmt, &code));
        for (list, write) in &reach.lists {
            let (ctor, import) = ts.reference("aws-cdk-lib/aws-iam", "PolicyStatement", "iam");
            let actions: Vec<String> = key_actions(*write).iter().map(|a| quote(a, q)).collect();
            let item = format!("new {ctor}({{ actions: [{}], resources: [{key_name}.keyArn] }})", actions.join(", "));
            all.extend(list.push(&Value::code(item)));
            all.extend(import);
        }
        for (after, principal, write) in &reach.grants {
            let method = if *write { "grantEncryptDecrypt" } else { "grantDecrypt" };
            all.push(ts.insert_after(*after, &ts.statement_text(&format!("{key_name}.{method}({principal})"))));
        }
        let (setting, edits) = match (&edits, doc.flavor) {
            (KeyEdits::CdkL2(props, current), _) => l2_edits(ts, props, *current, &key_name, ty == CDK_TABLE_V2),
            (_, Flavor::CdktfTs) => ("serverSideEncryption", spec_edits(&edits, &TF_SPEC, Value::code(format!("{key_name}.arn")), Value::Null)),
            _ => ("sseSpecification", spec_edits(&edits, &CDK_SPEC, Value::code(format!("{key_name}.keyArn")), Value::str("KMS"))),
        };
        all.extend(edits);
        let lasting = match key_lifetime(doc, ts, r) {
            Some(_) => "; the key has the table's removal policy, so it lives as long as the data it encrypts",
            None => "",
        };
        let message = format!("{}: added KMS key `{key_name}` (rotation on) and set `{setting}` to use it{lasting}{}", head(&name, how), granted(&reach.found));
        out.push(META.finding(at, message, Some(all)));
    }
    out
}

/// The table's removal policy for its new key, as (prop, value text): CDK
/// `removalPolicy` (prop or `applyRemovalPolicy` on the table; with neither both keep
/// aws-cdk-lib's default `RETAIN`), CDKTF `lifecycle.preventDestroy: true`.
fn key_lifetime(doc: &Document, ts: &TsFile, r: &Resource) -> Option<(&'static str, String)> {
    let props = r.props?;
    if doc.flavor == Flavor::CdktfTs {
        let prevent = props.get("lifecycle")?.as_map()?.get("preventDestroy")?;
        return (literal_bool(&prevent) == Some(true)).then(|| ("lifecycle", "{ preventDestroy: true }".to_string()));
    }
    if r.type_name == CDK_CFN_TABLE {
        return None;
    }
    if let Some(v) = props.get("removalPolicy") {
        return Some(("removalPolicy", v.text().to_string()));
    }
    let call = ts.calls_on(r.binding.as_deref()?, "applyRemovalPolicy").next()?;
    let arg = *ts.args(call.arguments).first()?;
    ts.resolve(arg.node).filter(|n| n.contains("RemovalPolicy.")).map(|_| ("removalPolicy", arg.text().to_string()))
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
                let name = unique(&base, |c| doc.has_quoted(c));
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

// ---------------------------------------------------------------- who reaches the table

/// KMS actions a principal needs on the table's key for what it does to the table
/// (aws-cdk-lib `aws-dynamodb/lib/perms.js`: `KEY_READ_ACTIONS`, `KEY_WRITE_ACTIONS`).
const KEY_READ: &[&str] = &["kms:Decrypt", "kms:DescribeKey"];
const KEY_WRITE: &[&str] = &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];

/// DynamoDB actions that only read (everything else that is `dynamodb:` may write).
fn reads_only(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    let name = a.strip_prefix("dynamodb:").unwrap_or(&a);
    ["get", "batchget", "query", "scan", "describe", "list", "conditioncheck", "partiqlselect"].iter().any(|p| name.starts_with(p)) && !name.contains('*')
}

fn is_dynamodb_action(a: &str) -> bool {
    let a = a.to_ascii_lowercase();
    a == "*" || a.starts_with("dynamodb:")
}

/// How the hand-written IAM of a file reaches one table.
struct Reach<'a> {
    /// Statement lists to append a KMS statement to, and whether they write.
    lists: Vec<(ListNode<'a>, bool)>,
    /// CDK: `receiver.addToPolicy(statement)` calls: (statement to insert after, receiver, writes).
    grants: Vec<(Node<'a>, String, bool)>,
    /// Principals that reach the table but cannot be edited here, with evidence.
    blocked: Vec<String>,
    /// Where each principal was found, for the message.
    found: Vec<String>,
}

impl Reach<'_> {
    fn new() -> Self {
        Reach { lists: vec![], grants: vec![], blocked: vec![], found: vec![] }
    }
}

fn key_actions(write: bool) -> Vec<&'static str> {
    let mut a: Vec<&str> = KEY_READ.to_vec();
    if write {
        a.extend(KEY_WRITE);
    }
    a
}

/// CFN: the `Statement` lists of IAM policies of the template and where they are.
fn cfn_policy_documents<'a>(doc: &Document<'a>) -> Vec<(ValueNode<'a>, String)> {
    let mut out = Vec::new();
    for r in &doc.resources {
        let (Some(props), Some(id)) = (r.props, r.logical_id.as_deref()) else { continue };
        match &*r.type_name {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                out.extend(props.get("PolicyDocument").map(|d| (d, format!("`{id}`"))));
            }
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                for p in props.get("Policies").and_then(|p| p.as_list()).map(|l| l.items()).unwrap_or_default() {
                    out.extend(p.as_map().and_then(|m| m.get("PolicyDocument")).map(|d| (d, format!("`{id}` inline policy"))));
                }
            }
            "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => {
                for p in props.get("Policies").and_then(|p| p.as_list()).map(|l| l.items()).unwrap_or_default() {
                    if p.as_map().is_some_and(|m| m.has("Statement")) {
                        out.push((p, format!("`{id}` Policies")));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// CFN: every hand-written statement that allows DynamoDB actions on `table`.
fn cfn_reach<'a>(doc: &Document<'a>, table: &str) -> Reach<'a> {
    let mut reach = Reach::new();
    for (document, where_) in cfn_policy_documents(doc) {
        let Some(statements) = document.as_map().and_then(|m| m.get("Statement")) else { continue };
        let Some(list) = statements.as_list() else {
            if mentions_table(statements, table) {
                reach.blocked.push(format!("{where_} (line {}): a single `Statement` mapping", doc.line_of(statements.start())));
            }
            continue;
        };
        let mut write = None;
        for s in list.items() {
            let Some(m) = s.as_map() else { continue };
            if m.get("Effect").and_then(|e| e.as_str()).is_some_and(|e| e != "Allow") {
                continue;
            }
            let actions = strings(m.get("Action"));
            let ddb: Vec<&String> = actions.iter().filter(|a| is_dynamodb_action(a)).collect();
            if ddb.is_empty() {
                continue;
            }
            let line = doc.line_of(s.start());
            let resource = m.get("Resource");
            if resource.is_some_and(|r| mentions_table(r, table)) {
                let w = ddb.iter().any(|a| !reads_only(a));
                write = Some(write.unwrap_or(false) || w);
                reach.found.push(format!("{where_} (line {line})"));
            } else if strings(resource).iter().any(|r| r == "*" || r.contains("table/*")) {
                reach.blocked.push(format!("{where_} (line {line}): DynamoDB actions on a wildcard resource"));
            }
        }
        if let Some(w) = write {
            reach.lists.push((list, w));
        }
    }
    for r in &doc.resources {
        let Some(props) = r.props else { continue };
        let id = r.logical_id.as_deref().unwrap_or_default();
        for p in props.get("Policies").and_then(|p| p.as_list()).map(|l| l.items()).unwrap_or_default() {
            let Some(m) = p.as_map() else { continue };
            for e in m.entries() {
                let name = m.key_text(&e);
                if name.starts_with("DynamoDB") && e.value.is_some_and(|v| mentions_table(v, table)) {
                    reach.blocked.push(format!("`{id}` SAM policy template `{name}` (line {}), which grants no KMS access", doc.line_of(e.node.start_byte())));
                }
            }
        }
        for arn in strings(props.get("ManagedPolicyArns")) {
            if arn.contains("AmazonDynamoDB") {
                reach.blocked.push(format!("`{id}` managed policy `{arn}`"));
            }
        }
    }
    reach
}

/// True when `v` names the logical id `table` (`Ref`, `GetAtt`, `Sub`).
fn mentions_table(v: ValueNode, table: &str) -> bool {
    let mut refs = HashSet::new();
    cfn_references(v, &mut refs);
    refs.contains(table)
}

/// A string or list of strings as written (intrinsics and expressions left out).
fn strings(v: Option<ValueNode>) -> Vec<String> {
    match v {
        None => vec![],
        Some(v) => match v.as_list() {
            Some(l) => l.items().iter().filter_map(|i| i.as_str()).collect(),
            None => v.as_str().into_iter().collect(),
        },
    }
}

/// CFN: the statement appended to a policy that reaches the table.
fn cfn_key_statement(key: &str, write: bool) -> Value {
    let actions = key_actions(write).into_iter().map(Value::str).collect();
    Value::map([("Effect", Value::str("Allow")), ("Action", Value::List(actions)), ("Resource", Value::GetAtt(key.to_string(), "Arn".into()))])
}

/// CDK: every `new iam.PolicyStatement({ actions: ['dynamodb:…'], resources: [<table>…] })`.
/// Without a binding, only statements on wildcard resources are found.
fn cdk_reach<'a>(doc: &Document<'a>, ts: &TsFile<'a>, table: Option<&str>) -> Reach<'a> {
    let mut reach = Reach::new();
    for call in &ts.news {
        if !ts.construct_type(call).is_some_and(|t| t.ends_with("aws-iam.PolicyStatement")) {
            continue;
        }
        let Some(props) = ts.object_arg(call.arguments, 0) else { continue };
        if props.get("effect").is_some_and(|e| e.text().ends_with("DENY")) {
            continue;
        }
        let actions = strings(props.get("actions"));
        let ddb: Vec<&String> = actions.iter().filter(|a| is_dynamodb_action(a)).collect();
        if ddb.is_empty() {
            continue;
        }
        let line = doc.line_of(call.node.start_byte());
        let resources = props.get("resources");
        let write = ddb.iter().any(|a| !reads_only(a));
        if !resources.zip(table).is_some_and(|(r, t)| refers(r.text(), t)) {
            if strings(resources).iter().any(|r| r == "*" || r.contains("table/*")) {
                reach.blocked.push(format!("the `PolicyStatement` at line {line}: DynamoDB actions on a wildcard resource"));
            }
            continue;
        }
        let mut up = call.node.parent();
        while let Some(n) = up.filter(|n| matches!(n.kind(), "parenthesized_expression" | "as_expression")) {
            up = n.parent();
        }
        let parent = up.map(|n| (n.kind(), n));
        match parent {
            Some(("array", array)) => {
                reach.lists.push((ValueNode::new(doc.parsed, array).as_list().expect("an array"), write));
                reach.found.push(format!("the `PolicyStatement` at line {line}"));
            }
            Some(("arguments", args)) => {
                let m = args.parent().filter(|c| c.kind() == "call_expression").and_then(|c| c.child_by_field_name("function")).filter(|f| f.kind() == "member_expression");
                let method = m.and_then(|f| f.child_by_field_name("property")).map(|p| doc.text(p));
                let receiver = m.and_then(|f| f.child_by_field_name("object")).map(|o| doc.text(o).to_string());
                let stmt = args.parent().and_then(|c| ts.statement_of(c));
                match (method, receiver, stmt) {
                    (Some("addToPolicy" | "addToRolePolicy" | "addToPrincipalPolicy"), Some(recv), Some(stmt)) => {
                        reach.grants.push((stmt, recv.clone(), write));
                        reach.found.push(format!("`{recv}` (line {line})"));
                    }
                    _ => reach.blocked.push(format!("the `PolicyStatement` at line {line}, passed where no principal can be told")),
                }
            }
            _ => reach.blocked.push(format!("the `PolicyStatement` at line {line}, not in a statement list or an `addToPolicy` call")),
        }
    }
    reach
}

/// True when `text` mentions `name` as a whole word that is not a member of something else.
fn refers(text: &str, name: &str) -> bool {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let b = text.as_bytes();
    text.match_indices(name).any(|(i, _)| {
        let j = i + name.len();
        (i == 0 || !(ident(b[i - 1]) || b[i - 1] == b'.')) && (j >= b.len() || !ident(b[j]))
    })
}

/// CDKTF: IAM policies of the file that name the table (report only).
fn cdktf_reach(doc: &Document, table: &str) -> Vec<String> {
    doc.resources
        .iter()
        .filter(|r| {
            let ty = r.type_name.rsplit('.').next().unwrap_or_default();
            matches!(ty, "IamRolePolicy" | "IamPolicy" | "IamRole" | "DataAwsIamPolicyDocument" | "IamUserPolicy" | "IamGroupPolicy")
        })
        .filter(|r| r.node.child_by_field_name("arguments").is_some_and(|a| refers(doc.text(a), table) && doc.text(a).contains("dynamodb:")))
        .map(|r| format!("{} (line {})", r.logical_id.as_deref().map_or_else(|| r.type_name.rsplit('.').next().unwrap_or_default().to_string(), |i| format!("`{i}`")), doc.line_of(r.node.start_byte())))
        .collect()
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
