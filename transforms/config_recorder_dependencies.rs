//! ## What it fixes
//! AWS Config delivery channels and Config rules declared next to the configuration
//! recorder they need, without a dependency on it: each gets one.
//!
//! ## Why
//! AWS Config refuses a delivery channel (`NoAvailableConfigurationRecorderException`)
//! and a Config rule while no configuration recorder exists. CloudFormation and
//! Terraform create independent resources in parallel, so a stack that declares all
//! three without a dependency fails — or succeeds — depending on timing.
//!
//! ## Before → after
//! CloudFormation (JSON alike):
//! ```yaml
//! DeliveryChannel:
//!   Type: AWS::Config::DeliveryChannel
//!   DependsOn: ConfigBucketPolicy          # → DependsOn: [ConfigBucketPolicy, Recorder]
//!   Properties: { S3BucketName: !Ref ConfigBucket }
//! EncryptedVolumes:
//!   Type: AWS::Config::ConfigRule
//!   DependsOn: Recorder                    # added after `Type` (or `Condition`)
//! ```
//! A string `DependsOn` becomes a list; a list gets the recorder appended.
//!
//! CDK TypeScript (the statement goes after the later of the two declarations; an
//! unbound `new` statement is first bound to a `const` named after its construct id):
//! ```ts
//! const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', { … });
//! const channel = new config.CfnDeliveryChannel(this, 'Channel', { … });
//! channel.addResourceDependency(recorder);         // L1: CfnResource.addResourceDependency
//! const rule = new config.ManagedRule(this, 'Rule', { … });
//! rule.node.addDependency(recorder);               // L2 rules: construct dependency
//! ```
//!
//! CDKTF TypeScript:
//! ```ts
//! new ConfigDeliveryChannel(this, 'channel', { s3BucketName: bucket.id, dependsOn: [recorder] });
//! ```
//! An existing `dependsOn` list gets the recorder appended.
//!
//! ## Applicability
//! safe: a dependency only orders creation (and deletion); nothing else changes.
//!
//! Types: CloudFormation `AWS::Config::DeliveryChannel` and `AWS::Config::ConfigRule`;
//! CDK `CfnDeliveryChannel`, `CfnConfigRule`, `ManagedRule`, `CustomRule`,
//! `CustomPolicy`, `AccessKeysRotated`, `CloudFormationStackDriftDetectionCheck`,
//! `CloudFormationStackNotificationCheck`; CDKTF `ConfigDeliveryChannel` and
//! `ConfigConfigRule`. Left alone: resources that already depend on the recorder,
//! directly or through other dependencies or references (`DependsOn`, `Ref`,
//! `Fn::GetAtt`, `Fn::Sub`; CDK `addResourceDependency`/`addDependency`/`node.addDependency`/`addDependsOn`;
//! CDKTF `dependsOn` and attribute references), and files without a recorder.
//! Reported without a fix: several recorders in one file (which one is meant?), a
//! recorder that itself depends on the resource (the dependency would be a cycle), a
//! CDK recorder not bound to a variable, constructs in different blocks, class fields
//! or nested expressions, CDKTF resources declared before the recorder (or outside
//! its scope), and CloudFormation resources that do not share the recorder's `Condition`.
//! `AWS::Config::ConfigurationRecorderStatus` (seen in generated templates) is not a
//! CloudFormation resource type; cfn-lint reports it (E3006).
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag; the AWS Config and Terraform documentation
//! (`aws_config_delivery_channel`, `aws_config_config_rule`) ask for this dependency.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{Position, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

pub struct ConfigRecorderDependencies;
pub static TRANSFORM: ConfigRecorderDependencies = ConfigRecorderDependencies;

static META: Meta = Meta {
    id: "config-recorder-dependencies",
    title: "Make AWS Config delivery channels and rules depend on the configuration recorder",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[],
    options: &[],
};

const CFN_RECORDER: &str = "AWS::Config::ConfigurationRecorder";
const CFN_DEPENDENTS: &[&str] = &["AWS::Config::DeliveryChannel", "AWS::Config::ConfigRule"];
const CDK_RECORDER: &str = "aws-cdk-lib/aws-config.CfnConfigurationRecorder";
const CDK_L1_DEPENDENTS: &[&str] = &["aws-cdk-lib/aws-config.CfnDeliveryChannel", "aws-cdk-lib/aws-config.CfnConfigRule"];
const CDK_L2_DEPENDENTS: &[&str] = &[
    "aws-cdk-lib/aws-config.ManagedRule",
    "aws-cdk-lib/aws-config.CustomRule",
    "aws-cdk-lib/aws-config.CustomPolicy",
    "aws-cdk-lib/aws-config.AccessKeysRotated",
    "aws-cdk-lib/aws-config.CloudFormationStackDriftDetectionCheck",
    "aws-cdk-lib/aws-config.CloudFormationStackNotificationCheck",
];
const TF_RECORDER: &str = "@cdktf/provider-aws/lib/config-configuration-recorder.ConfigConfigurationRecorder";
const TF_DEPENDENTS: &[&str] = &[
    "@cdktf/provider-aws/lib/config-delivery-channel.ConfigDeliveryChannel",
    "@cdktf/provider-aws/lib/config-config-rule.ConfigConfigRule",
];

impl Transform for ConfigRecorderDependencies {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
            Flavor::CdkTs => check_cdk(doc),
            Flavor::CdktfTs => check_cdktf(doc),
        }
    }
}

/// Names a resource depends on directly, by name.
type Graph = HashMap<String, HashSet<String>>;

/// True when `to` is reachable from `from` through the graph.
fn reaches(graph: &Graph, from: &str, to: &str) -> bool {
    reaches_any(graph, from, &HashSet::from([to.to_string()]))
}

/// True when any of `targets` (other than `from`) is reachable from `from`.
fn reaches_any(graph: &Graph, from: &str, targets: &HashSet<String>) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(n) = stack.pop() {
        if n != from && targets.contains(&n) {
            return true;
        }
        if seen.insert(n.clone()) {
            stack.extend(graph.get(&n).into_iter().flatten().cloned());
        }
    }
    false
}

/// `Channel` / `rule` as the message names a resource.
fn kind_of(type_name: &str) -> &'static str {
    if type_name.contains("DeliveryChannel") {
        "delivery channel"
    } else {
        "rule"
    }
}

fn head(r: &Resource, name: &str, recorder: Option<&str>) -> String {
    let recorder = recorder.map_or("the configuration recorder".to_string(), |n| format!("configuration recorder `{n}`"));
    format!(
        "AWS Config {} `{name}` does not depend on {recorder}: AWS Config rejects it while no recorder exists, and nothing orders their creation",
        kind_of(&r.type_name)
    )
}

// ---------------------------------------------------------------- CloudFormation

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let recorders: Vec<&Resource> = doc.of_type(CFN_RECORDER).collect();
    if recorders.is_empty() {
        return vec![];
    }
    let graph = cfn_graph(doc);
    let dependents = doc.of_types(CFN_DEPENDENTS);
    let ids: Vec<&str> = recorders.iter().filter_map(|rec| rec.logical_id.as_deref()).collect();
    // A resource ordered after another channel or rule is ordered after the recorder
    // once that one is fixed (in this same run).
    let targets: HashSet<String> = ids.iter().map(|s| s.to_string()).chain(dependents.iter().filter_map(|d| d.logical_id.as_deref().map(str::to_string))).collect();
    let mut out = Vec::new();
    for r in dependents {
        let Some(id) = r.logical_id.as_deref() else { continue };
        let at = r.node.start_byte();
        if reaches_any(&graph, id, &targets) {
            continue;
        }
        let [recorder] = ids.as_slice() else {
            let message = format!("{}; not fixed: this template declares {} recorders, add `DependsOn` on the right one by hand", head(r, id, None), ids.len());
            out.push(META.finding(at, message, None));
            continue;
        };
        if reaches(&graph, recorder, id) {
            let message = format!("{}; not fixed: the recorder already depends on it, so `DependsOn` would be a cycle", head(r, id, Some(recorder)));
            out.push(META.finding(at, message, None));
            continue;
        }
        let condition = |x: &Resource| x.body.and_then(|b| b.get("Condition")).map(|c| c.text().to_string());
        let rec_condition = recorders.iter().find(|x| x.logical_id.as_deref() == Some(recorder)).and_then(|x| condition(x));
        if rec_condition.is_some() && rec_condition != condition(r) {
            let message = format!("{}; not fixed: the recorder has a `Condition` this resource does not share, and `DependsOn` a resource that is not created fails", head(r, id, Some(recorder)));
            out.push(META.finding(at, message, None));
            continue;
        }
        let Some(edits) = r.body.and_then(|body| depends_on_edits(body, recorder)) else { continue };
        let message = format!("{}; added `DependsOn: {recorder}`", head(r, id, Some(recorder)));
        out.push(META.finding(at, message, Some(edits)));
    }
    out
}

/// `DependsOn` gains `recorder`: inserted, a string turned into a list, or appended.
fn depends_on_edits(body: crate::lang::mapping::MapNode, recorder: &str) -> Option<Vec<Edit>> {
    let name = Value::str(recorder);
    match body.get("DependsOn") {
        None => {
            let after = if body.has("Condition") { "Condition" } else { "Type" };
            Some(body.insert("DependsOn", &name, Position::After(after)))
        }
        Some(v) => match (v.as_list(), v.as_str()) {
            (Some(list), _) => Some(list.push(&name)),
            (None, Some(s)) if v.tag.is_none() => Some(vec![v.replace(&Value::List(vec![Value::str(s), name]))]),
            _ => None,
        },
    }
}

/// Each resource's dependencies: `DependsOn` and the resources its values refer to.
fn cfn_graph(doc: &Document) -> Graph {
    let mut graph = Graph::new();
    for r in &doc.resources {
        let (Some(id), Some(body)) = (r.logical_id.as_deref(), r.body) else { continue };
        let mut deps = HashSet::new();
        if let Some(v) = body.get("DependsOn") {
            match v.as_list() {
                Some(list) => deps.extend(list.items().iter().filter_map(ValueNode::as_str)),
                None => deps.extend(v.as_str()),
            }
        }
        if let Some(props) = body.get("Properties") {
            crate::transforms::cfn_references_in(doc, props, &mut deps);
        }
        graph.insert(id.to_string(), deps);
    }
    graph
}

// ---------------------------------------------------------------- TypeScript

/// True when `text` mentions `name` as a whole word that is not a member of something else.
fn refers(text: &str, name: &str) -> bool {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let b = text.as_bytes();
    text.match_indices(name).any(|(i, _)| {
        let j = i + name.len();
        (i == 0 || !(ident(b[i - 1]) || b[i - 1] == b'.')) && (j >= b.len() || !ident(b[j]))
    })
}

/// Bindings each bound construct refers to in its arguments (attribute references,
/// CDKTF `dependsOn`), plus the `addResourceDependency`/`addDependency`/`addDependsOn` calls of the file.
fn ts_graph(doc: &Document) -> Graph {
    let mut graph = Graph::new();
    let bound: Vec<&str> = doc.resources.iter().filter_map(|r| r.binding.as_deref()).collect();
    for r in &doc.resources {
        let (Some(b), Some(args)) = (r.binding.as_deref(), r.node.child_by_field_name("arguments")) else { continue };
        let text = doc.text(args);
        let deps = bound.iter().filter(|o| **o != b && refers(text, o)).map(|o| o.to_string());
        graph.entry(b.to_string()).or_default().extend(deps);
    }
    let Some(ts) = &doc.ts else { return graph };
    let aliases = default_child_aliases(doc);
    for call in &ts.calls {
        if !matches!(doc.text(call.method), "addDependency" | "addDependsOn" | "addResourceDependency") {
            continue;
        }
        let receiver = doc.text(call.receiver);
        let receiver = receiver.strip_suffix(".node").unwrap_or(receiver);
        let receiver = aliases.get(receiver).map_or(receiver, String::as_str);
        let text = doc.text(call.arguments);
        let deps = bound.iter().filter(|o| refers(text, o)).map(|o| o.to_string());
        graph.entry(receiver.to_string()).or_default().extend(deps);
    }
    graph
}

/// `const cfnRule = rule.node.defaultChild as CfnConfigRule` → `cfnRule` stands for `rule`
/// (its dependencies are the construct's).
fn default_child_aliases(doc: &Document) -> HashMap<String, String> {
    let mut out = HashMap::new();
    // Kinds compared by id: reading each node's kind name cost more than the rest.
    static DECLARATOR: std::sync::OnceLock<crate::lang::ts::KindSet> = std::sync::OnceLock::new();
    let declarator = DECLARATOR.get_or_init(|| crate::lang::ts::KindSet::new(&["variable_declarator"]));
    for decl in doc.nodes().iter().filter(|n| declarator.has(**n)) {
        let (Some(name), Some(value)) = (decl.child_by_field_name("name"), decl.child_by_field_name("value")) else { continue };
        let value = ValueNode::new(doc.parsed, value);
        let compact: String = doc.text(value.node).split_whitespace().collect();
        if let Some(owner) = compact.strip_suffix(".node.defaultChild") {
            out.insert(doc.text(name).to_string(), owner.to_string());
        }
    }
    out
}

/// The one bound recorder of a TypeScript file, or why there is none to use; also
/// every recorder binding (a resource depending on any of them is left alone).
fn ts_recorder<'a, 'r>(doc: &'r Document<'a>, ty: &str) -> (Result<&'r Resource<'a>, String>, Vec<String>) {
    let recorders: Vec<&Resource> = doc.of_type(ty).collect();
    let bound = recorders.iter().filter_map(|r| r.binding.as_deref().map(str::to_string)).collect();
    let one = match recorders.as_slice() {
        [one] if one.binding.is_some() => Ok(*one),
        [_] => Err("the recorder is not bound to a variable".into()),
        many => Err(format!("this file declares {} recorders", many.len())),
    };
    (one, bound)
}

/// True when `r` already depends on one of `targets` (the recorders, and the other
/// channels and rules that this run orders after the recorder), directly in its
/// arguments or through the dependency graph.
fn depends(doc: &Document, graph: &Graph, r: &Resource, targets: &HashSet<String>) -> bool {
    let args = r.node.child_by_field_name("arguments").map_or("", |a| doc.text(a));
    let own = r.binding.as_deref();
    targets.iter().any(|t| Some(t.as_str()) != own && refers(args, t)) || own.is_some_and(|b| reaches_any(graph, b, targets))
}

/// The recorder bindings and the bindings of every dependent.
fn targets(recorders: Vec<String>, dependents: &[&Resource]) -> HashSet<String> {
    recorders.into_iter().chain(dependents.iter().filter_map(|d| d.binding.as_deref().map(str::to_string))).collect()
}

/// The binding, else the construct id (as written when it is an expression).
fn ts_name(doc: &Document, r: &Resource) -> String {
    let id_arg = || {
        let args = r.node.child_by_field_name("arguments")?;
        crate::lang::named_children(args).get(1).map(|n| doc.text(*n).to_string())
    };
    r.binding
        .as_deref()
        .or(r.logical_id.as_deref())
        .map(str::to_string)
        .or_else(id_arg)
        .unwrap_or_else(|| "construct".into())
}

fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let dependents = doc.of_types(&[CDK_L1_DEPENDENTS, CDK_L2_DEPENDENTS].concat());
    if dependents.is_empty() {
        return vec![];
    }
    if doc.of_type(CDK_RECORDER).next().is_none() {
        return vec![];
    }
    let (recorder, bound) = ts_recorder(doc, CDK_RECORDER);
    let graph = ts_graph(doc);
    let targets = targets(bound, &dependents);
    let mut out = Vec::new();
    // `const` names given in this pass: the fixes of one pass apply together, so each
    // needs a name of its own (the text does not hold them yet).
    let mut named: std::collections::HashSet<String> = std::collections::HashSet::new();
    for r in dependents {
        if depends(doc, &graph, r, &targets) {
            continue;
        }
        let name = ts_name(doc, r);
        let at = r.node.start_byte();
        let rec = match &recorder {
            Ok(rec) => rec,
            Err(why) => {
                out.push(META.finding(at, format!("{}; not fixed: {why}", head(r, &name, None)), None));
                continue;
            }
        };
        let rec_name = rec.binding.as_deref().unwrap_or_default();
        let report = |why: &str| META.finding(at, format!("{}; not fixed: {why}", head(r, &name, Some(rec_name))), None);
        if r.binding.as_deref().is_some_and(|b| reaches(&graph, rec_name, b)) {
            out.push(report("the recorder already depends on it, so the dependency would be a cycle"));
            continue;
        }
        match cdk_edits(doc, ts, r, rec, rec_name, &mut named) {
            Ok((edits, stmt)) => {
                let message = format!("{}; added `{stmt}`", head(r, &name, Some(rec_name)));
                out.push(META.finding(at, message, Some(edits)));
            }
            Err(why) => out.push(report(why)),
        }
    }
    out
}

/// The dependency statement after the later of the two declarations (binding the
/// dependent to a new `const` when it is a bare `new` statement).
fn cdk_edits(
    doc: &Document,
    ts: &crate::lang::ts::TsFile,
    r: &Resource,
    rec: &Resource,
    rec_name: &str,
    named: &mut std::collections::HashSet<String>,
) -> Result<(Vec<Edit>, String), &'static str> {
    let (Some(stmt), Some(rec_stmt)) = (r.statement, rec.statement) else {
        return Err("it is not part of a statement");
    };
    let in_block = |s: Node| s.parent().is_some_and(|p| p.kind() == "statement_block");
    if !in_block(stmt) || !in_block(rec_stmt) || stmt.parent().map(|p| p.id()) != rec_stmt.parent().map(|p| p.id()) {
        return Err("it and the recorder are not declared in the same block");
    }
    let mut edits = Vec::new();
    let target = match r.binding.as_deref() {
        Some(b) => b.to_string(),
        None if r.node.parent().is_some_and(|p| p.id() == stmt.id()) && stmt.kind() == "expression_statement" => {
            let name = fresh_const(doc, r.logical_id.as_deref().unwrap_or("configRule"), named);
            named.insert(name.clone());
            edits.push(Edit::insert(r.node.start_byte(), format!("const {name} = ")));
            name
        }
        None => return Err("it is created inside another expression"),
    };
    let l1 = CDK_L1_DEPENDENTS.contains(&r.type_name.as_ref());
    let call = if l1 {
        format!("{target}.addResourceDependency({rec_name})")
    } else {
        format!("{target}.node.addDependency({rec_name})")
    };
    let after = if stmt.start_byte() > rec_stmt.start_byte() { stmt } else { rec_stmt };
    edits.push(ts.insert_after(after, &ts.statement_text(&call)));
    Ok((edits, call))
}

/// A `const` name from a construct id (`'EncryptedVolumes'` → `encryptedVolumes`),
/// numbered when the file already uses it or another fix of this pass took it.
fn fresh_const(doc: &Document, id: &str, named: &std::collections::HashSet<String>) -> String {
    let base = super::lower_camel(id);
    let base = if base.is_empty() { "configRule".into() } else { base };
    super::unique(&base, |n| doc.has_word(n) || named.contains(n))
}

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    let dependents = doc.of_types(TF_DEPENDENTS);
    if dependents.is_empty() {
        return vec![];
    }
    if doc.of_type(TF_RECORDER).next().is_none() {
        return vec![];
    }
    let (recorder, bound) = ts_recorder(doc, TF_RECORDER);
    let graph = ts_graph(doc);
    let targets = targets(bound, &dependents);
    let mut out = Vec::new();
    for r in dependents {
        if depends(doc, &graph, r, &targets) {
            continue;
        }
        let name = ts_name(doc, r);
        let at = r.node.start_byte();
        let rec = match &recorder {
            Ok(rec) => rec,
            Err(why) => {
                out.push(META.finding(at, format!("{}; not fixed: {why}", head(r, &name, None)), None));
                continue;
            }
        };
        let rec_name = rec.binding.as_deref().unwrap_or_default();
        let own = r.binding.clone().unwrap_or_default();
        let report = |why: &str| META.finding(at, format!("{}; not fixed: {why}", head(r, &name, Some(rec_name))), None);
        if !own.is_empty() && reaches(&graph, rec_name, &own) {
            out.push(report("the recorder already depends on it, so `dependsOn` would be a cycle"));
            continue;
        }
        let Some(props) = r.props else {
            out.push(report("it has no props object"));
            continue;
        };
        if props.has_spread() && !props.has("dependsOn") {
            out.push(report("its props use a spread that may already set `dependsOn`"));
            continue;
        }
        let (Some(rec_stmt), Some(stmt)) = (rec.statement, r.statement) else {
            out.push(report("it is not part of a statement"));
            continue;
        };
        // `dependsOn: [recorder]` must see the recorder's binding, already initialised.
        let in_scope = rec_stmt.parent().is_some_and(|scope| scope.start_byte() <= stmt.start_byte() && stmt.end_byte() <= scope.end_byte());
        if !in_scope || rec_stmt.end_byte() > stmt.start_byte() {
            out.push(report("it is declared before the recorder or outside its scope"));
            continue;
        }
        let item = Value::code(rec_name);
        let edits = match props.get("dependsOn") {
            None => props.insert("dependsOn", &Value::List(vec![item]), Position::End),
            Some(v) => match v.as_list() {
                Some(list) => list.push(&item),
                None => {
                    out.push(report("its `dependsOn` is not a list literal"));
                    continue;
                }
            },
        };
        let message = format!("{}; added `{rec_name}` to its `dependsOn`", head(r, &name, Some(rec_name)));
        out.push(META.finding(at, message, Some(edits)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachability_and_words() {
        let mut g = Graph::new();
        g.insert("Rule".into(), HashSet::from(["Status".to_string()]));
        g.insert("Status".into(), HashSet::from(["Recorder".to_string()]));
        assert!(reaches(&g, "Rule", "Recorder"));
        assert!(!reaches(&g, "Recorder", "Rule"));
        assert!(refers("[recorder, x]", "recorder"));
        assert!(!refers("this.recorder", "recorder") && !refers("recorderRole", "recorder"));
    }

    fn cdk_findings(body: &str) -> Vec<Finding> {
        let src = format!("import * as config from 'aws-cdk-lib/aws-config';\nclass S {{\n  constructor() {{\n{body}\n  }}\n}}\n");
        let parsed = crate::lang::Parsed::new(crate::lang::Syntax::TypeScript, src);
        let doc = Document::new(std::path::Path::new("s.ts"), Flavor::CdkTs, &parsed);
        check_cdk(&doc)
    }

    #[test]
    fn dependency_through_default_child() {
        let recorder = "const recorder = new config.CfnConfigurationRecorder(this, 'R', { roleArn: 'r' });";
        let rule = "const rule = new config.ManagedRule(this, 'Rule', { identifier: 'X' });";
        let via_child = "const cfn = rule.node\n  .defaultChild as config.CfnConfigRule;\ncfn.addDependency(recorder);";
        assert!(cdk_findings(&format!("{recorder}\n{rule}\n{via_child}")).is_empty());
        let found = cdk_findings(&format!("{recorder}\n{rule}"));
        assert!(found.len() == 1 && found[0].fix.is_some());
    }
}
