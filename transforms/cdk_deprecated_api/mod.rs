//! ## What it fixes
//! Uses of aws-cdk-lib APIs that aws-cdk-lib itself marks `@deprecated`: the common ones are
//! rewritten to their replacement, every other one the import resolver can see is reported
//! with aws-cdk-lib's own deprecation text and its line.
//!
//! ## Why
//! Deprecated APIs are removed in the next major version of aws-cdk-lib, and several of them
//! stand for behaviour AWS no longer recommends (a custom resource that manages log retention,
//! subnet types that say "NAT" where any egress is meant). tsc only strikes them through in an
//! editor; nothing migrates them.
//!
//! ## The data
//! Every deprecated class, interface, enum and enum member, static and instance member and
//! construct prop (per class, inherited props included) of aws-cdk-lib 2.269.0, with its
//! deprecation text, comes from the pinned package's jsii manifest (generated from the
//! `@deprecated` TSDoc of its `.d.ts` files), embedded as `data/cdk-deprecations.json` and
//! refreshed by `scripts/refresh-cdk-deprecations.sh`. A deprecated method whose shipped
//! JavaScript only forwards its own arguments to another member (`Stack.addDependency` →
//! `addStackDependency`, `CfnResource.addDependsOn` → `addResourceDependency`,
//! `ApplicationTargetGroup.metricRequestCount` → `metrics.requestCount`) is recorded as an
//! alias of that member by the same script.
//!
//! ## Rewrites (CDK TypeScript)
//! Template-neutral (`safe`; the fixtures synthesize to the same CloudFormation):
//! - `ec2.SubnetType.PRIVATE_WITH_NAT` → `ec2.SubnetType.PRIVATE_WITH_EGRESS` (both select
//!   and build the same private subnets, with the same routes to the NAT gateways);
//! - `new ec2.Vpc(…, { cidr: X })` → `ipAddresses: ec2.IpAddresses.cidr(X)`;
//! - `new sfn.StateMachine(…, { definition: X })` →
//!   `definitionBody: sfn.DefinitionBody.fromChainable(X)`;
//! - `new ecs.Cluster(…, { containerInsights: true })` → `containerInsightsV2:
//!   ecs.ContainerInsights.ENABLED` (`false` → `DISABLED`: the same cluster setting);
//! - `new autoscaling.AutoScalingGroup(…, { healthCheck: HealthCheck.elb({ grace: G }) })` →
//!   `healthChecks: HealthChecks.withAdditionalChecks({ additionalTypes:
//!   [AdditionalHealthCheckType.ELB], gracePeriod: G })`; `HealthCheck.ec2({ grace: G })` →
//!   `HealthChecks.ec2({ gracePeriod: G })`;
//! - a deprecated method that is an alias (see above), called on a construct the file
//!   creates, on `this` or `Stack.of(…)` in a class that extends `Stack`, or on a stack whose
//!   class (in this file or imported from a relative module) extends `Stack`:
//!   `stack.addDependency(other)` → `stack.addStackDependency(other)`,
//!   `cfnThing.addDependsOn(x)` → `cfnThing.addResourceDependency(x)`,
//!   `targetGroup.metricTargetResponseTime(p)` → `targetGroup.metrics.targetResponseTime(p)`.
//!
//! Not neutral (`review`):
//! - `logRetention: R` on a Lambda `Function`, `SingletonFunction` or `NodejsFunction` →
//!   `const fnLogGroup = new logs.LogGroup(scope, '<Id>LogGroup', { retention: R })` (id and name numbered when taken) before
//!   the function and `logGroup: fnLogGroup`. The template changes: the `Custom::LogRetention`
//!   resource (and, when it was the stack's last user, the singleton function that serves it)
//!   goes, an `AWS::Logs::LogGroup` with a generated name comes, and the function's
//!   `LoggingConfig.LogGroup` points at it. The new group does not take the name
//!   `/aws/lambda/<function>`: that group already exists (Lambda or the custom resource
//!   created it), and a second `AWS::Logs::LogGroup` of the same name fails to create. So the
//!   function's logs move to a new group: the old one keeps its logs and retention (the
//!   custom resource retains it when removed), and whatever reads the old name (metric
//!   filters, subscriptions, dashboards, Logs Insights queries, `LogGroup.fromLogGroupName`)
//!   must follow. Not offered when `logRetentionRole`, `logRetentionRetryOptions` or
//!   `logGroup` is set, or when the function is not created in a statement of its own.
//!
//! Reported without a fix, with what to check:
//! - `DatabaseCluster` `instanceProps` (→ `writer`/`readers`): the new props give the
//!   instances new logical ids, so CloudFormation replaces every database instance;
//!   migrate following aws-cdk-lib's README ("Migrating from instanceProps"), which keeps the
//!   old ids through `writer`/`readers` ids and `isFromLegacyInstanceProps`;
//! - `SubnetType.PRIVATE_WITH_NAT` in a VPC with `natGateways: 0` (aws-cdk-lib refuses it at
//!   synth; `PRIVATE_WITH_EGRESS` would build private subnets without egress);
//! - every other deprecated use: aws-cdk-lib's text and line.
//!
//! Lambda `Runtime` constants are left to `lambda-runtime-upgrade`, which reads the handler
//! code before it picks the target, and DynamoDB `pointInTimeRecovery` to
//! `dynamodb-point-in-time-recovery`, which moves replicas' settings with it.
//!
//! ## Applicability and what it does not touch
//! Only names that resolve through the file's imports to aws-cdk-lib count: a prop, class or
//! method of your own that is named like a deprecated one is not reported. CDK v1 files
//! (`@aws-cdk/*` only) are skipped: their deprecations are v1's, which this data does not
//! describe, and the v2 replacements do not exist there. Deprecated instance members are
//! found only on receivers whose class the file shows (constructs it creates, stacks).
//!
//! ## Equivalent checks
//! TypeScript's deprecation suggestions (6385, 6387), eslint `@typescript-eslint/no-deprecated`.

mod data;

use crate::edit::{Edit, Finding, Fix};
use crate::flavor::Flavor;
use crate::lang::mapping::MapNode;
use crate::lang::ts::{KindSet, TsFile};
use crate::lang::{Parsed, Syntax};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::quote;
use data::{table, Deprecated};
use tree_sitter::Node;

pub struct CdkDeprecatedApi;
pub static TRANSFORM: CdkDeprecatedApi = CdkDeprecatedApi;

static META: Meta = Meta {
    id: "cdk-deprecated-api",
    title: "Migrate deprecated aws-cdk-lib APIs (aws-cdk-lib's own deprecation data)",
    flavors: &[Flavor::CdkTs],
    applicability: crate::edit::Applicability::Safe,
    equivalents: &["TS6385", "TS6387"],
    options: &[],
};

const EC2: &str = "aws-cdk-lib/aws-ec2";
const SFN: &str = "aws-cdk-lib/aws-stepfunctions";
const STACK: &str = "aws-cdk-lib.Stack";
const LAMBDA_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
];
/// Left to lambda-runtime-upgrade, which reads the handler before it picks a runtime.
const LEFT_TO_OTHERS: &[&str] = &["aws-cdk-lib/aws-lambda.Runtime."];

impl Transform for CdkDeprecatedApi {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(ts) = doc.ts.as_ref() else {
            return vec![];
        };
        if doc.flavor != Flavor::CdkTs || ts.is_cdk_v1() || !ts.imports.iter().any(|i| i.source.starts_with("aws-cdk-lib")) {
            return vec![];
        }
        let mut out = Vec::new();
        for r in &doc.resources {
            props(doc, ts, r, &mut out);
        }
        // A prop rewrite that replaces its whole entry speaks for the deprecated names inside
        // it (`healthCheck: autoscaling.HealthCheck.elb(…)`): one finding, not three.
        let rewritten: Vec<std::ops::Range<usize>> = out.iter().filter_map(|f| f.fix.as_ref()).map(|f| f.span()).collect();
        symbols(doc, ts, &rewritten, &mut out);
        methods(doc, ts, &mut out);
        out
    }
}

fn headline(doc: &Document, at: usize, what: &str, d: &Deprecated) -> String {
    format!(
        "`{what}` is deprecated in aws-cdk-lib {} (line {}): {}",
        table().version,
        doc.line_of(at),
        d.text.trim_start_matches("- ").trim_end_matches('.')
    )
}

fn finding(offset: usize, message: String, fix: Option<Fix>) -> Finding {
    Finding { transform: META.id, message, offset, fix }
}

/// Deprecated classes, enums, enum members and statics named through the imports.
fn symbols(doc: &Document, ts: &TsFile, rewritten: &[std::ops::Range<usize>], out: &mut Vec<Finding>) {
    let t = table();
    // A name node's text is a whole word of the source: without any deprecated name among
    // the file's words (indexed once per pass) there is nothing to walk the tree for.
    if !t.names.iter().any(|n| doc.has_word(n)) {
        return;
    }
    // Field ids looked up once (by name, each lookup is a search of the grammar's fields).
    let lang = doc.parsed.tree().language();
    let field = |name: &str| lang.field_id_for_name(name).map_or(0, |f| f.get());
    let (property, name_field) = (field("property"), field("name"));
    // Kinds compared by id (reading a kind's name for every node of the file cost more
    // than the rest of this walk).
    static KINDS: std::sync::OnceLock<(KindSet, KindSet)> = std::sync::OnceLock::new();
    let (nested, plain) = KINDS.get_or_init(|| (KindSet::new(&["member_expression", "nested_type_identifier", "nested_identifier"]), KindSet::new(&["identifier", "type_identifier"])));
    for (i, &node) in doc.nodes().iter().enumerate() {
        let kind = doc.node_kind(i);
        let last = if nested.has_id(kind) {
            // The name the expression ends with (`last_name`) is its last part: most are
            // ruled out by it before their fields are asked for.
            if !t.names.contains(crate::lang::ts::last_name(doc.source(), node)) {
                continue;
            }
            node.child_by_field_id(property).or_else(|| node.child_by_field_id(name_field))
        } else if plain.has_id(kind) {
            Some(node)
        } else {
            continue;
        };
        let Some(last) = last else { continue };
        if !t.names.contains(doc.text(last)) {
            continue;
        }
        let Some(name) = ts.resolve(node) else { continue };
        let Some(d) = t.symbols.get(&name) else { continue };
        // After the lookup: climbing to the statement costs more than resolving.
        if in_import(ts, node) {
            continue;
        }
        if LEFT_TO_OTHERS.iter().any(|p| name.starts_with(p)) || rewritten.iter().any(|r| r.contains(&node.start_byte())) {
            continue;
        }
        // `autoscaling.HealthCheck.elb`: the longest deprecated name is reported, once.
        let outer = ts.parent(node).filter(|p| p.kind() == "member_expression" && p.child_by_field_name("object").map(|o| o.id()) == Some(node.id()));
        if outer.and_then(|p| ts.resolve(p)).is_some_and(|n| t.symbols.contains_key(&n)) {
            continue;
        }
        let written = doc.text(node);
        let head = headline(doc, node.start_byte(), written, d);
        if name == format!("{EC2}.SubnetType.PRIVATE_WITH_NAT") && vpc_without_nat(doc, node) {
            out.push(finding(node.start_byte(), format!("{head}; not migrated automatically: this VPC has `natGateways: 0`, with which aws-cdk-lib refuses `PRIVATE_WITH_NAT` at synth, while `PRIVATE_WITH_EGRESS` would build private subnets with no way out. Choose: `PRIVATE_ISOLATED` (no egress) or NAT gateways"), None));
            continue;
        }
        if name == format!("{EC2}.SubnetType.PRIVATE_WITH_NAT") {
            let edit = Edit::replace(last.byte_range(), "PRIVATE_WITH_EGRESS");
            out.push(finding(node.start_byte(), format!("{head}; renamed to `PRIVATE_WITH_EGRESS` (the same private subnets, routed through the same NAT gateways)"), Some(Fix::safe(vec![edit]))));
            continue;
        }
        out.push(finding(node.start_byte(), format!("{head}; not migrated automatically: check the replacement's defaults before you switch"), None));
    }
}

/// The subnet type sits in the props of a `new ec2.Vpc` whose `natGateways` is `0`.
fn vpc_without_nat(doc: &Document, node: Node) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind() == "new_expression" {
            let vpc = doc.of_type(&format!("{EC2}.Vpc")).find(|r| r.node.id() == n.id());
            return vpc.and_then(|r| r.props).and_then(|p| p.get("natGateways")).is_some_and(|v| v.text() == "0");
        }
        cur = n.parent();
    }
    false
}

fn in_import<'a>(ts: &TsFile<'a>, node: Node<'a>) -> bool {
    let mut cur = ts.parent(node);
    while let Some(n) = cur {
        if n.kind() == "import_statement" {
            return true;
        }
        if n.kind().ends_with("statement") || n.kind() == "program" {
            return false;
        }
        cur = ts.parent(n);
    }
    false
}

/// Deprecated constructor props of a construct the file creates.
fn props(doc: &Document, ts: &TsFile, r: &Resource, out: &mut Vec<Finding>) {
    let Some(deprecated) = table().props.get(r.type_name.as_ref()) else { return };
    let Some(map) = r.props else { return };
    for entry in map.entries() {
        let key = map.key_text(&entry);
        let Some(d) = deprecated.get(&key) else { continue };
        if key == "pointInTimeRecovery" && r.type_name.starts_with("aws-cdk-lib/aws-dynamodb.") {
            continue; // dynamodb-point-in-time-recovery migrates it (replicas included)
        }
        let at = entry.node.start_byte();
        let class = r.type_name.rsplit('.').next().unwrap_or_default();
        let head = headline(doc, at, &format!("{class}.{key}"), d);
        let value = entry.value.map_or(key.as_str(), |v| v.text());
        let (message, fix) = match (r.type_name.as_ref(), key.as_str()) {
            (t, "cidr") if t == format!("{EC2}.Vpc") => {
                if map.has("ipAddresses") {
                    (format!("{head}; `ipAddresses` is set too: remove `cidr`"), None)
                } else {
                    let (ip, import) = ts.reference(EC2, "IpAddresses", "ec2");
                    let mut edits = vec![Edit::replace(entry.node.byte_range(), format!("ipAddresses: {ip}.cidr({value})"))];
                    edits.extend(import);
                    (format!("{head}; moved to `ipAddresses: {ip}.cidr(…)`, which gives the VPC and its subnets the same CIDR blocks"), Some(Fix::safe(edits)))
                }
            }
            (t, "definition") if t == format!("{SFN}.StateMachine") => {
                if map.has("definitionBody") {
                    (format!("{head}; `definitionBody` is set too: remove `definition`"), None)
                } else {
                    let (body, import) = ts.reference(SFN, "DefinitionBody", "sfn");
                    let mut edits = vec![Edit::replace(entry.node.byte_range(), format!("definitionBody: {body}.fromChainable({value})"))];
                    edits.extend(import);
                    (format!("{head}; moved to `definitionBody: {body}.fromChainable(…)`, which renders the same state machine definition"), Some(Fix::safe(edits)))
                }
            }
            ("aws-cdk-lib/aws-ecs.Cluster", "containerInsights") => match entry.value.and_then(|v| crate::transforms::literal_bool(&v)) {
                Some(_) if map.has("containerInsightsV2") => (format!("{head}; `containerInsightsV2` is set too: remove `containerInsights`"), None),
                Some(on) => {
                    let (ci, import) = ts.reference("aws-cdk-lib/aws-ecs", "ContainerInsights", "ecs");
                    let level = if on { "ENABLED" } else { "DISABLED" };
                    let mut edits = vec![Edit::replace(entry.node.byte_range(), format!("containerInsightsV2: {ci}.{level}"))];
                    edits.extend(import);
                    (format!("{head}; moved to `containerInsightsV2: {ci}.{level}`, the same cluster setting (`containerInsights: {}`)", level.to_lowercase()), Some(Fix::safe(edits)))
                }
                None => (format!("{head}; not migrated automatically: the value is not a literal `true`/`false`"), None),
            },
            ("aws-cdk-lib/aws-autoscaling.AutoScalingGroup", "healthCheck") => health_checks(ts, &map, &entry, &head),
            (t, "logRetention") if LAMBDA_FUNCTIONS.contains(&t) => log_group(doc, ts, r, &map, &entry, &head),
            ("aws-cdk-lib/aws-rds.DatabaseCluster", "instanceProps") => (
                format!("{head}; not migrated automatically: `writer`/`readers` give the instances new logical ids, so CloudFormation would replace every database instance. Follow aws-cdk-lib's \"Migrating from instanceProps\" (aws-rds README): keep the old ids with `ClusterInstance.provisioned('Instance1', {{ isFromLegacyInstanceProps: true, … }})` and check `cdk diff` shows no replacement"),
                None,
            ),
            _ => (format!("{head}; not migrated automatically"), None),
        };
        out.push(finding(at, message, fix));
    }
}

/// `healthCheck: HealthCheck.elb({ grace })` → `healthChecks:
/// HealthChecks.withAdditionalChecks({ additionalTypes: [AdditionalHealthCheckType.ELB],
/// gracePeriod })`; `HealthCheck.ec2({ grace })` → `HealthChecks.ec2({ gracePeriod })`. Both
/// render the same `HealthCheckType` and `HealthCheckGracePeriod`.
fn health_checks(ts: &TsFile, map: &MapNode, entry: &crate::lang::mapping::Entry, head: &str) -> (String, Option<Fix>) {
    const ASG: &str = "aws-cdk-lib/aws-autoscaling";
    let none = |why: &str| (format!("{head}; not migrated automatically: {why}"), None);
    if map.has("healthChecks") {
        return none("`healthChecks` is set too: remove `healthCheck`");
    }
    let Some(value) = entry.value.filter(|v| v.node.kind() == "call_expression") else {
        return none("the health check is not written as `HealthCheck.ec2(…)` / `HealthCheck.elb(…)` here");
    };
    let callee = value.node.child_by_field_name("function");
    let kind = callee.and_then(|c| ts.resolve(c)).and_then(|n| n.strip_prefix(&format!("{ASG}.HealthCheck.")).map(str::to_string));
    let args = ts.args(value.node.child_by_field_name("arguments").unwrap_or(value.node));
    // Only `{ grace: G }` (or nothing, for ec2): other shapes (a variable of options) are not read.
    let grace = match args.as_slice() {
        [] => None,
        [a] => match a.as_map() {
            Some(m) if m.entries().len() == 1 && m.has("grace") => m.get("grace").map(|g| g.text().to_string()),
            Some(m) if m.entries().is_empty() => None,
            _ => return none("its options are not a literal `{ grace }`"),
        },
        _ => return none("unexpected arguments"),
    };
    let (checks, mut edits) = {
        let (c, i) = ts.reference(ASG, "HealthChecks", "autoscaling");
        (c, i.into_iter().collect::<Vec<_>>())
    };
    let grace_prop = grace.map(|g| format!("gracePeriod: {g}"));
    let text = match (kind.as_deref(), grace_prop) {
        (Some("ec2"), None) => format!("healthChecks: {checks}.ec2()"),
        (Some("ec2"), Some(g)) => format!("healthChecks: {checks}.ec2({{ {g} }})"),
        (Some("elb"), Some(g)) => {
            let (types, import) = ts.reference(ASG, "AdditionalHealthCheckType", "autoscaling");
            edits.extend(import);
            format!("healthChecks: {checks}.withAdditionalChecks({{ additionalTypes: [{types}.ELB], {g} }})")
        }
        _ => return none("the health check is not written as `HealthCheck.ec2(…)` / `HealthCheck.elb({ grace })` here"),
    };
    edits.insert(0, Edit::replace(entry.node.byte_range(), text));
    (format!("{head}; moved to `healthChecks: {checks}.…`, which renders the same health check type and grace period"), Some(Fix::safe(edits)))
}

/// `logRetention: R` → a `logs.LogGroup` with retention R, passed as `logGroup` (review).
fn log_group(doc: &Document, ts: &TsFile, r: &Resource, map: &MapNode, entry: &crate::lang::mapping::Entry, head: &str) -> (String, Option<Fix>) {
    let moved = "The function's logs move to a new log group with a generated name: the old `/aws/lambda/<function>` group keeps its logs and retention (the LogRetention custom resource retains it), and a new group cannot take that name (it exists: creating it fails). Check what reads the old name (metric filters, subscriptions, dashboards, Logs Insights queries) before you deploy";
    for other in ["logGroup", "logRetentionRole", "logRetentionRetryOptions"] {
        if map.has(other) {
            return (format!("{head}; not migrated automatically: `{other}` is set too. {moved}"), None);
        }
    }
    let value = entry.value.map_or("logRetention".to_string(), |v| v.text().to_string());
    let scope = ts.args(r.node.child_by_field_name("arguments").unwrap_or(r.node)).first().map(|a| a.text().to_string());
    let stmt = r.statement.filter(|s| s.parent().is_some_and(|p| matches!(p.kind(), "statement_block" | "program")));
    let (Some(scope), Some(stmt)) = (scope, stmt) else {
        return (format!("{head}; not migrated automatically: the function is not created in a statement of its own. {moved}"), None);
    };
    let id = r.logical_id.as_deref().map(str::to_string).or_else(|| r.binding.as_deref().map(|b| b.trim_start_matches("this.").to_string())).unwrap_or_else(|| "Function".into());
    let base = crate::transforms::lower_camel(&format!("{}LogGroup", id));
    // Names no other fix of this pass gives (two functions in one block, `Api` and `api`).
    let owner = format!("cdk-deprecated-api log group {}", r.node.start_byte());
    let var = crate::transforms::unique_in_pass(doc, &owner, &base, |n| doc.has_word(n));
    let q = doc.parsed.style.quote;
    // The function's own id when it is computed (`new lambda.Function(scope, name, …)` in a
    // helper that runs more than once): the log group's id follows it, as the function's does.
    let id_arg = r.node.child_by_field_name("arguments").and_then(|a| ts.args(a).get(1).copied());
    let repeats = crate::transforms::placement_before(ts, r).is_ok_and(|p| p.repeats);
    let construct_id = match id_arg.filter(|_| repeats) {
        Some(v) if v.node.kind() == "template_string" && v.text().contains("${") => {
            let t = v.text();
            format!("{}LogGroup`", &t[..t.len() - 1])
        }
        Some(v) if v.node.kind() != "string" && v.node.kind() != "template_string" => format!("`${{{}}}LogGroup`", v.text()),
        _ => quote(&crate::transforms::unique_in_pass(doc, &owner, &format!("{id}LogGroup"), |n| crate::transforms::has_string_literal(doc, n)), q),
    };
    let (class, import) = ts.reference("aws-cdk-lib/aws-logs", "LogGroup", "logs");
    let code = ts.statement_text(&format!("const {var} = new {class}({scope}, {construct_id}, {{\n  retention: {value},\n}})"));
    let mut edits = vec![ts.insert_before(stmt, &code), Edit::replace(entry.node.byte_range(), format!("logGroup: {var}"))];
    edits.extend(import);
    (format!("{head}; replaced by a `{class}` with the same retention, passed as `logGroup` (review). {moved}"), Some(Fix::review(edits)))
}

/// Deprecated instance methods called on a receiver whose class the file shows.
fn methods(doc: &Document, ts: &TsFile, out: &mut Vec<Finding>) {
    let t = table();
    for call in &ts.calls {
        let method = doc.text(call.method);
        if !t.member_names.contains(method) {
            continue;
        }
        let Some(class) = receiver_class(doc, ts, call.receiver) else { continue };
        let Some(d) = t.member(&class, method) else { continue };
        let receiver = doc.text(call.receiver);
        let head = headline(doc, call.method.start_byte(), &format!("{receiver}.{method}"), d);
        match &d.alias {
            Some(alias) => {
                let edit = Edit::replace(call.method.byte_range(), alias.clone());
                out.push(finding(call.method.start_byte(), format!("{head}; calls `{alias}` instead, which the deprecated method only forwards to (the same result)"), Some(Fix::safe(vec![edit]))));
            }
            None => out.push(finding(call.method.start_byte(), format!("{head}; not migrated automatically"), None)),
        }
    }
}

/// The aws-cdk-lib class of a method call's receiver: a construct the file creates (by its
/// binding), `this` in a class that extends one, `Stack.of(…)`, or an instance of a class of
/// the project (this file or a relative import) that extends one.
fn receiver_class(doc: &Document, ts: &TsFile, receiver: Node) -> Option<String> {
    let text = doc.text(receiver);
    match receiver.kind() {
        "this" => return enclosing_class_base(ts, receiver),
        "call_expression" => {
            let f = receiver.child_by_field_name("function")?;
            if f.kind() == "member_expression" && f.child_by_field_name("property").is_some_and(|p| doc.text(p) == "of") {
                let class = ts.resolve(f.child_by_field_name("object")?)?;
                return (class == STACK).then_some(class);
            }
            return None;
        }
        _ => {}
    }
    // A construct of aws-cdk-lib (a class imported from a relative module resolves to
    // `./lib/x.Class`: that one is looked up below).
    // The construct assigned to that name in the receiver's scope, or handed on to a
    // parameter spelled alike (not another method's construct spelled alike).
    let here = ts.declared(text, receiver);
    if let Some(r) = doc.resources.iter().rev().find(|r| r.binding.as_deref() == Some(text) && r.node.start_byte() < receiver.start_byte() && crate::transforms::names_construct(doc, r, here)) {
        if r.type_name.starts_with("aws-cdk-lib") {
            return Some(r.type_name.to_string());
        }
    }
    // `const s = new MyStack(app, 'S')` with `class MyStack extends Stack`.
    let call = ts.news.iter().rev().find(|c| c.node.start_byte() < receiver.start_byte() && ts.binding_of(c.node).as_deref() == Some(text))?;
    let ctor = call.node.child_by_field_name("constructor")?;
    if ctor.kind() != "identifier" {
        return None;
    }
    project_class_base(doc, ts, doc.text(ctor))
}

/// The aws-cdk-lib base of the class declaration holding `node`.
fn enclosing_class_base(ts: &TsFile, node: Node) -> Option<String> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if matches!(n.kind(), "class_declaration" | "class") {
            return class_base(ts, n);
        }
        cur = n.parent();
    }
    None
}

/// What `class X extends Y` extends, when Y resolves to aws-cdk-lib (`aws-cdk-lib.Stack`).
fn class_base(ts: &TsFile, class: Node) -> Option<String> {
    let heritage = crate::lang::named_children(class).into_iter().find(|c| c.kind() == "class_heritage")?;
    let extends = crate::lang::named_children(heritage).into_iter().find(|c| c.kind() == "extends_clause")?;
    let value = extends.child_by_field_name("value").or_else(|| extends.named_child(0))?;
    ts.resolve(value).filter(|b| table().symbols.contains_key(b) || b.starts_with("aws-cdk-lib"))
}

/// The aws-cdk-lib base of a project class named `name`: declared in this file, or imported
/// from a relative module (`import { ApiStack } from '../lib/api-stack'`) whose file declares
/// it. `None` when the class declares its own members of that name would matter: callers
/// only use it for members aws-cdk-lib declares, and a class that overrides one is skipped.
fn project_class_base(doc: &Document, ts: &TsFile, name: &str) -> Option<String> {
    if let Some(class) = class_named(doc.parsed, doc.nodes(), name) {
        return class_base(ts, class).filter(|_| !overrides_dependency(doc.parsed, class));
    }
    let import = ts.imports.iter().find(|i| i.source.starts_with('.') && i.named.iter().any(|(_, local)| local == name))?;
    let imported = import.named.iter().find(|(_, local)| local == name).map(|(i, _)| i.clone())?;
    let key = format!("{}#{imported}", import.source);
    let base = doc.memo(&key, |doc| {
        let dir = doc.path.parent()?;
        let file = ["ts", "tsx"].iter().map(|e| dir.join(format!("{}.{e}", import.source))).find(|p| p.is_file())?;
        let text = std::fs::read_to_string(file).ok()?;
        let parsed = Parsed::new(Syntax::TypeScript, text);
        let other = TsFile::new(&parsed);
        let nodes = crate::lang::descendants(parsed.root());
        let class = class_named(&parsed, &nodes, &imported)?;
        class_base(&other, class).filter(|_| !overrides_dependency(&parsed, class))
    });
    (*base).clone()
}

fn class_named<'a>(parsed: &Parsed, nodes: &[Node<'a>], name: &str) -> Option<Node<'a>> {
    nodes.iter().copied().find(|n| n.kind() == "class_declaration" && n.child_by_field_name("name").is_some_and(|id| parsed.text(id) == name))
}

/// A project class that declares a method aws-cdk-lib deprecates (its own `addDependency`)
/// is not aws-cdk-lib's: its calls are left alone.
fn overrides_dependency(parsed: &Parsed, class: Node) -> bool {
    let Some(body) = class.child_by_field_name("body") else { return false };
    let t = table();
    crate::lang::named_children(body)
        .into_iter()
        .filter(|m| m.kind() == "method_definition")
        .filter_map(|m| m.child_by_field_name("name"))
        .any(|n| t.member_names.contains(parsed.text(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_name_the_data_version() {
        let docs = include_str!("mod.rs");
        assert!(docs.contains(&format!("aws-cdk-lib {}", table().version)), "update the docs when the data moves");
    }

    #[test]
    fn data_knows_the_common_deprecations() {
        let t = table();
        assert!(t.symbols.contains_key("aws-cdk-lib/aws-ec2.SubnetType.PRIVATE_WITH_NAT"));
        assert!(t.props["aws-cdk-lib/aws-ec2.Vpc"].contains_key("cidr"));
        assert!(t.props["aws-cdk-lib/aws-lambda-nodejs.NodejsFunction"].contains_key("logRetention"));
        assert_eq!(t.member("aws-cdk-lib.Stack", "addDependency").and_then(|d| d.alias.as_deref()), Some("addStackDependency"));
        // Inherited through the base chain: an L1 construct's CfnResource methods.
        assert_eq!(t.member("aws-cdk-lib/aws-config.CfnDeliveryChannel", "addDependsOn").and_then(|d| d.alias.as_deref()), Some("addResourceDependency"));
    }
}
