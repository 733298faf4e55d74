//! CDK TypeScript: functions, the references that invoke them, their roles.

use super::{asynchronous, function, poll, synchronous, Function, Role, TsUses, Use};
use crate::lang::mapping::ValueNode;
use crate::lang::ts::TsFile;
use crate::model::Document;
use tree_sitter::Node;

/// The function constructs of the CDK flavor (qualified as `TsFile::resolve` names them).
pub(crate) const CDK_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.DockerImageFunction",
    "aws-cdk-lib/aws-lambda.CfnFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
    "aws-cdk-lib/aws-lambda-python.PythonFunction",
    "aws-cdk-lib/aws-lambda-go.GoFunction",
    "@aws-cdk/aws-lambda-go-alpha.GoFunction",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
];

pub(super) fn functions<'r, 'a>(doc: &'r Document<'a>) -> Vec<Function<'r, 'a>> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for r in doc.of_types(CDK_FUNCTIONS) {
        let refs: Vec<Node> = match &r.binding {
            // One `let` assigned several functions (`let fn = a; … fn = b`): which one a
            // use reaches is unknown, so none is counted.
            Some(b)
                if doc.of_types(CDK_FUNCTIONS).iter().any(|o| {
                    o.node.id() != r.node.id()
                        && o.binding.as_deref() == Some(b)
                        && ts.declared(b, o.node) == ts.declared(b, r.node)
                }) =>
            {
                vec![]
            }
            Some(_) => crate::transforms::references_of(doc, r),
            None => vec![r.node],
        };
        let uses: Vec<Use> = refs
            .iter()
            .filter_map(|n| cdk_use(doc, ts, *n, 0))
            .collect();
        let name = r
            .binding
            .clone()
            .map(|b| b.to_string())
            .or(r.logical_id.as_deref().map(str::to_string))
            .unwrap_or_else(|| "function".into());
        let role = role(ts, r.props.and_then(|p| p.get("role")));
        out.push(function(r, name, uses, role));
    }
    out
}

/// The role of a CDK function from its `role` prop.
fn role(ts: &TsFile, v: Option<ValueNode>) -> Role {
    let Some(v) = v else {
        return Role::Generated("CDK");
    };
    let text = v.text().trim().to_string();
    match role_value(ts, v) {
        Some(RoleValue::Import(_)) => Role::Imported(text),
        Some(RoleValue::New) => Role::InFile(text),
        None => Role::Outside(text),
    }
}

/// What a function's `role` prop is, read through a `const`/`this.x` of the file.
enum RoleValue<'a> {
    /// `iam.Role.fromRoleArn(…)`/`fromRoleName(…)`: the import call's text.
    Import(&'a str),
    /// `new iam.Role(…)`.
    New,
}

fn role_value<'a>(ts: &TsFile<'a>, v: ValueNode<'a>) -> Option<RoleValue<'a>> {
    let imported = |t: &str| t.contains(".fromRoleArn(") || t.contains(".fromRoleName(");
    let text = v.text().trim();
    if imported(text) {
        return Some(RoleValue::Import(text));
    }
    // `role: x`, `role: this.x`, and the shorthand `{ role }` (the name is the value).
    if matches!(
        v.node.kind(),
        "identifier" | "member_expression" | "shorthand_property_identifier"
    ) {
        for n in ts.references(text, v.node) {
            let Some(value) = declared_value(ts, n) else {
                continue;
            };
            let vt = ts.doc.text(value);
            if imported(vt) {
                return Some(RoleValue::Import(vt));
            }
            if value.kind() == "new_expression"
                && value
                    .child_by_field_name("constructor")
                    .and_then(|c| ts.resolve(c))
                    .is_some_and(|t| t.ends_with("aws-iam.Role"))
            {
                return Some(RoleValue::New);
            }
        }
    }
    None
}

/// True when a CDK function's `role` prop is an `iam.Role.fromRoleArn`/`fromRoleName`
/// import written with `mutable: false` (directly or through a `const`/`this.x`): CDK then
/// adds no statement to the role at all (`ImmutableRole.addToPrincipalPolicy`, aws-cdk-lib
/// `aws-iam/lib/private/immutable-role`), so a grant the function's configuration needs
/// (the dead-letter queue's `sqs:SendMessage`) never reaches it.
pub(crate) fn immutable_import(ts: &TsFile, v: Option<ValueNode>) -> bool {
    let Some(RoleValue::Import(call)) = v.and_then(|v| role_value(ts, v)) else {
        return false;
    };
    let compact: String = call.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("mutable:false")
}

/// `const x = <value>` or `this.x = <value>`: the value, for a usage node that is the name.
fn declared_value<'a>(ts: &TsFile<'a>, n: Node<'a>) -> Option<Node<'a>> {
    let p = ts.parent(n)?;
    match p.kind() {
        "variable_declarator" if p.child_by_field_name("name")?.id() == n.id() => {
            p.child_by_field_name("value")
        }
        "assignment_expression" if p.child_by_field_name("left")?.id() == n.id() => {
            p.child_by_field_name("right")
        }
        "public_field_definition" => p.child_by_field_name("value"),
        _ => {
            let _ = ts;
            None
        }
    }
}

/// Uses of functions that another file defines: every `<expr>.name` and imported `name`
/// that invokes, keyed by `name`; and `{ key: <expr>.name }` renames.
pub(super) fn foreign_uses(doc: &Document) -> TsUses {
    let mut out = TsUses::default();
    let Some(ts) = &doc.ts else { return out };
    let imported: Vec<&str> = ts
        .imports
        .iter()
        .filter(|i| i.module.starts_with('.'))
        .flat_map(|i| i.named.iter().map(|(_, local)| local.as_str()))
        .collect();
    // Only member expressions and identifiers matter: kinds compared by id first (reading
    // each node's kind name cost more than the rest of the walk).
    static KINDS: std::sync::OnceLock<crate::lang::ts::KindSet> = std::sync::OnceLock::new();
    let kinds =
        KINDS.get_or_init(|| crate::lang::ts::KindSet::new(&["member_expression", "identifier"]));
    for &n in doc.nodes() {
        if !kinds.has(n) {
            continue;
        }
        let name = match n.kind() {
            "member_expression"
                if n.child_by_field_name("object")
                    .is_none_or(|o| o.kind() != "this") =>
            {
                n.child_by_field_name("property").map(|p| doc.text(p))
            }
            "identifier" if imported.contains(&doc.text(n)) => Some(doc.text(n)),
            _ => None,
        };
        let Some(name) = name else { continue };
        if let Some(u) = cdk_use(doc, ts, n, 0) {
            out.uses
                .push((name.to_string(), u, doc.line_of(n.start_byte())));
        }
        if n.kind() == "member_expression" {
            if let Some(pair) = ts.parent(n).filter(|p| p.kind() == "pair") {
                if let Some(key) = pair.child_by_field_name("key") {
                    let key = doc.text(key).trim_matches(|c| c == '\'' || c == '"');
                    if key != name {
                        out.aliases.push((name.to_string(), key.to_string()));
                    }
                }
            }
        }
    }
    out
}

/// Members of a function that stand for the function where they are passed on.
const SAME_FUNCTION: &[&str] = &[
    "currentVersion",
    "latestVersion",
    "functionArn",
    "functionName",
];

/// What one reference to a CDK function says about how it is invoked.
pub(super) fn cdk_use<'a>(
    doc: &Document<'a>,
    ts: &TsFile<'a>,
    node: Node<'a>,
    depth: usize,
) -> Option<Use> {
    let mut n = node;
    let mut parent = ts.parent(n)?;
    loop {
        let through_member = parent.kind() == "member_expression"
            && parent
                .child_by_field_id(crate::lang::ts::fields().object)
                .map(|o| o.id())
                == Some(n.id())
            && parent
                .child_by_field_id(crate::lang::ts::fields().property)
                .is_some_and(|p| SAME_FUNCTION.contains(&ts.doc.text(p)))
            && ts
                .parent(parent)
                .is_none_or(|g| g.kind() != "call_expression");
        if matches!(
            parent.kind(),
            "as_expression" | "parenthesized_expression" | "non_null_expression"
        ) || through_member
        {
            n = parent;
            parent = ts.parent(n)?;
        } else {
            break;
        }
    }
    match parent.kind() {
        "arguments" => {
            let call = ts.parent(parent)?;
            match call.kind() {
                "new_expression" => {
                    let ty = ts.resolve(call.child_by_field_name("constructor")?)?;
                    new_use(doc, ts, &ty, call, None, depth)
                }
                "call_expression" => {
                    let f = call.child_by_field_name("function")?;
                    if let Some(ty) = ts.resolve(f) {
                        return new_use(doc, ts, &static_factory_class(&ty), call, None, depth);
                    }
                    let method = f.child_by_field_name("property").map(|p| ts.doc.text(p))?;
                    match method {
                        "addLambdaDataSource" => synchronous("AppSync data source"),
                        "addLambdaAction" => asynchronous("alarm action"),
                        "addTrigger" => synchronous("Cognito trigger"),
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
            prop_use(doc, ts, ts.parent(parent)?, key, depth)
        }
        "object" if n.kind() == "shorthand_property_identifier" => {
            prop_use(doc, ts, parent, Some(ts.doc.text(n).to_string()), depth)
        }
        "member_expression"
            if parent.child_by_field_name("object").map(|o| o.id()) == Some(n.id()) =>
        {
            let method = ts.doc.text(parent.child_by_field_name("property")?);
            let call = ts.parent(parent)?;
            if call.kind() != "call_expression" {
                return None;
            }
            let arguments = call.child_by_field_name("arguments")?;
            let args_text = ts.doc.text(arguments);
            match method {
                "addEventSource" => {
                    let first = ts.args(arguments).first()?.node;
                    let source = match first.kind() {
                        "new_expression" => first,
                        // `const src = new SqsEventSource(q); fn.addEventSource(src)`
                        "identifier" => ts
                            .references(ts.doc.text(first), first)
                            .into_iter()
                            .find_map(|u| declared_value(ts, u))
                            .filter(|v| v.kind() == "new_expression")?,
                        _ => return None,
                    };
                    let ty = ts.resolve(source.child_by_field_name("constructor")?)?;
                    event_source_use(ty.rsplit('.').next().unwrap_or(""))
                }
                "addEventSourceMapping" => poll("event-source mapping"),
                "addFunctionUrl" => synchronous("function URL"),
                "configureAsyncInvoke" if args_text.contains("onFailure") => {
                    Some(Use::OnFailure("configureAsyncInvoke onFailure".into()))
                }
                "addPermission" | "grantInvoke" => super::principal_use(args_text),
                _ => None,
            }
        }
        _ => None,
    }
}

fn event_source_use(class: &str) -> Option<Use> {
    match class {
        "S3EventSource" | "S3EventSourceV2" => asynchronous("S3 event source"),
        "SnsEventSource" => asynchronous("SNS event source"),
        "" => None,
        c => poll(&format!("{c} event-source mapping")),
    }
}

/// A function passed as a prop of a construct (possibly nested in objects/arrays).
fn prop_use<'a>(
    doc: &Document<'a>,
    ts: &TsFile<'a>,
    object: Node<'a>,
    key: Option<String>,
    depth: usize,
) -> Option<Use> {
    let mut cur = object;
    loop {
        let parent = ts.parent(cur)?;
        match parent.kind() {
            "pair" | "object" | "array" => cur = parent,
            "arguments" => {
                let call = ts.parent(parent)?;
                return match call.kind() {
                    "new_expression" => {
                        let ty = ts.resolve(call.child_by_field_name("constructor")?)?;
                        new_use(doc, ts, &ty, call, key, depth)
                    }
                    // `tasks.LambdaInvoke.jsonata(this, 'Id', { lambdaFunction: fn })`
                    "call_expression" => {
                        let ty = ts.resolve(call.child_by_field_name("function")?)?;
                        new_use(doc, ts, &static_factory_class(&ty), call, key, depth)
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
fn new_use<'a>(
    doc: &Document<'a>,
    ts: &TsFile<'a>,
    ty: &str,
    call: Node<'a>,
    key: Option<String>,
    depth: usize,
) -> Option<Use> {
    let (module, class) = ty.rsplit_once('.')?;
    let module = module.rsplit('/').next().unwrap_or(module);
    let module = module.trim_end_matches("-alpha");
    let text = ts.doc.text(call);
    match (module, class) {
        ("aws-s3-notifications", "LambdaDestination") => asynchronous("S3 notification"),
        ("aws-sns-subscriptions", "LambdaSubscription") => asynchronous("SNS subscription"),
        ("aws-events-targets", "LambdaFunction") => asynchronous("EventBridge rule target"),
        ("aws-scheduler-targets", "LambdaInvoke") => asynchronous("EventBridge Scheduler target"),
        ("aws-logs-destinations", "LambdaDestination") => {
            asynchronous("CloudWatch Logs subscription")
        }
        ("aws-cloudwatch-actions", "LambdaAction") => asynchronous("CloudWatch alarm action"),
        ("aws-iot-actions", _) => asynchronous("IoT rule action"),
        ("aws-ses-actions", "Lambda") if text.contains("REQUEST_RESPONSE") => {
            synchronous("SES receipt rule (RequestResponse)")
        }
        ("aws-ses-actions", "Lambda") => asynchronous("SES receipt rule"),
        ("aws-config", _) => asynchronous("AWS Config rule"),
        ("aws-codepipeline-actions", "LambdaInvokeAction") => asynchronous("CodePipeline action"),
        ("aws-lambda-event-sources", c) => event_source_use(c),
        ("aws-lambda", "EventInvokeConfig") if text.contains("onFailure") => {
            Some(Use::OnFailure("EventInvokeConfig onFailure".into()))
        }
        ("aws-lambda", "EventSourceMapping") => poll("event-source mapping"),
        ("aws-lambda", "FunctionUrl") => synchronous("function URL"),
        // A version or alias of the function: what invokes it invokes the function.
        ("aws-lambda", "Alias" | "Version") if depth < 2 => {
            let binding = ts.binding_of(call)?;
            crate::transforms::references_from(doc, &binding, call)
                .into_iter()
                .find_map(|n| cdk_use(doc, ts, n, depth + 1))
        }
        (m, _) if m.starts_with("aws-apigateway") && super::invokes_as_event(text) => {
            asynchronous("API Gateway integration with X-Amz-Invocation-Type 'Event'")
        }
        (m, _) if m.starts_with("aws-apigateway") => synchronous("API Gateway"),
        ("aws-stepfunctions-tasks", _) if text.contains("LambdaInvocationType.EVENT") => {
            asynchronous("Step Functions LambdaInvoke with invocationType EVENT")
        }
        ("aws-stepfunctions-tasks", _) => synchronous("Step Functions task"),
        ("aws-elasticloadbalancingv2-targets", _) => synchronous("load balancer target"),
        ("custom-resources", _) => synchronous("custom-resource provider"),
        ("aws-cdk-lib" | "core", "CustomResource" | "CfnCustomResource") => {
            synchronous("custom resource")
        }
        ("aws-cognito", _) => synchronous("Cognito trigger"),
        ("aws-appsync", _) => synchronous("AppSync resolver"),
        ("aws-secretsmanager", _) => synchronous("Secrets Manager rotation"),
        ("aws-kinesisfirehose", _) => synchronous("Firehose processor"),
        ("aws-lex" | "aws-connect" | "aws-greengrass", _) => {
            synchronous(&format!("{} ({module})", class))
        }
        ("aws-cloudfront", _)
            if matches!(
                key.as_deref(),
                Some("functionVersion" | "lambdaFunctionArn")
            ) =>
        {
            synchronous("Lambda@Edge (CloudFront)")
        }
        ("aws-cloudfront", "CfnDistribution") => synchronous("Lambda@Edge (CloudFront)"),
        _ => None,
    }
}
