//! ## What it fixes
//! Lambda functions without active X-Ray tracing.
//!
//! ## Why
//! Without traces a slow or failing invocation cannot be followed into the services the
//! function calls. Lambda samples and sends the trace segments itself once `Active`
//! tracing is on; the function's code needs no change.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike); the execution role declared in the template gets the
//! two X-Ray actions Lambda needs (AWS Lambda developer guide, "Visualize Lambda function
//! invocations using AWS X-Ray": "Your function needs permission to upload trace data to
//! X-Ray … add the AWSXRayDaemonWriteAccess policy to the execution role"):
//! ```yaml
//! Fn:
//!   Type: AWS::Lambda::Function
//!   Properties:
//!     Role: !GetAtt FnRole.Arn
//!     TracingConfig:                       # added
//!       Mode: Active
//! FnRole:
//!   Type: AWS::IAM::Role
//!   Properties:
//!     Policies:
//!       - PolicyName: XRayWrite            # added
//!         PolicyDocument:
//!           Version: '2012-10-17'
//!           Statement:
//!             - Effect: Allow
//!               Action: [xray:PutTraceSegments, xray:PutTelemetryRecords]
//!               Resource: '*'
//! ```
//! SAM `AWS::Serverless::Function`: `Tracing: Active` (SAM attaches `AWSXrayWriteOnlyAccess`
//! to the role it generates; a role of the template gets the statement as above). CDK L2
//! `lambda.Function` (and `NodejsFunction`, `PythonFunction`, `GoFunction`,
//! `DockerImageFunction`, `SingletonFunction`): `tracing: lambda.Tracing.ACTIVE`, for which
//! aws-cdk-lib adds `xray:PutTraceSegments`/`xray:PutTelemetryRecords` to the function's role
//! itself (`aws-lambda/lib/function.js` `buildTracingConfig`). CDKTF `LambdaFunction`:
//! `tracingConfig: { mode: 'Active' }`.
//!
//! ## Left alone or reported
//! An explicit `TracingConfig`/`Tracing`/`tracing` (also `PassThrough`, a parameter or an
//! intrinsic), SAM `Globals.Function.Tracing`, CDK L1 `CfnFunction` and props with a
//! `...spread` are left alone. A role the run cannot edit (an ARN, a parameter, a role of
//! another stack, a CDK immutable import) gets no statement: the fix says which role needs
//! the two actions (without them the function runs, but no trace arrives).
//!
//! ## Applicability
//! review: X-Ray traces are billed (beyond the free tier), Lambda does not check the role
//! when tracing is turned on (a missing permission only loses traces), and functions fed
//! by MSK, self-managed Kafka, Amazon MQ or DocumentDB event-source mappings are not traced
//! (Lambda developer guide). The role statement is added only where the role is declared.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_50 (Terraform `aws_lambda_function` `tracing_config`; checkov has no
//! CloudFormation check for it), AWS Security Hub Lambda tracing guidance.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::Position;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::lambda::{functions, Role};
use crate::transforms::{add_props, finding_with, insert_entries, unique};
use crate::value::Value;

pub struct LambdaTracing;
pub static TRANSFORM: LambdaTracing = LambdaTracing;

static META: Meta = Meta {
    id: "lambda-tracing",
    title: "Turn on active X-Ray tracing for Lambda functions",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_50"],
    options: &[],
};

const ACTIONS: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
const CDK_L2: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
    "aws-cdk-lib/aws-lambda.DockerImageFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
    "@aws-cdk/aws-lambda-go-alpha.GoFunction",
];
const COST: &str = "review: X-Ray traces are billed beyond the free tier";

impl Transform for LambdaTracing {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        let sam_global = doc.flavor.is_cfn()
            && doc
                .template
                .and_then(|t| t.get_path(&["Globals", "Function", "Tracing"]))
                .is_some();
        for f in functions(doc) {
            let r = f.resource;
            let kind = r.type_name.as_ref();
            if r.props.is_some_and(|p| p.has_spread()) {
                continue;
            }
            let finding = match kind {
                "AWS::Lambda::Function" => cfn(doc, r, &f.name, &f.role, false),
                "AWS::Serverless::Function" if !sam_global => cfn(doc, r, &f.name, &f.role, true),
                "@cdktf/provider-aws/lib/lambda-function.LambdaFunction" => cdktf(doc, r, &f.name, &f.role),
                k if CDK_L2.contains(&k) => cdk(doc, r, &f.name, &f.role),
                _ => None,
            };
            out.extend(finding);
        }
        out.sort_by_key(|f| f.offset);
        out
    }
}

fn head(name: &str) -> String {
    format!("Lambda function `{name}` is not traced with X-Ray")
}

/// The statement CloudFormation roles get, as an entry of `Policies`.
fn role_policy(name: String) -> Value {
    Value::map([
        ("PolicyName", Value::str(name)),
        (
            "PolicyDocument",
            Value::map([
                ("Version", Value::str("2012-10-17")),
                (
                    "Statement",
                    Value::List(vec![Value::map([
                        ("Effect", Value::str("Allow")),
                        ("Action", Value::List(ACTIONS.iter().map(|a| Value::str(*a)).collect())),
                        ("Resource", Value::str("*")),
                    ])]),
                ),
            ]),
        ),
    ])
}

/// A role of the template already allows the X-Ray writes (a statement or the managed policy).
fn role_allows_xray(doc: &Document, role: &Resource) -> bool {
    let text = doc.text(role.body.map_or(role.node, |b| b.node)).to_ascii_lowercase();
    text.contains("xray:puttracesegments") || text.contains("xray:*") || text.contains("awsxraydaemonwriteaccess") || text.contains("awsxraywriteonlyaccess")
}

/// Edits giving an in-template role the X-Ray actions (`None`: its `Policies` cannot be extended).
fn grant_cfn(role: &Resource) -> Option<Vec<Edit>> {
    let props = role.props?;
    match props.get("Policies") {
        Some(v) => {
            let list = v.intrinsic().is_none().then(|| v.as_list()).flatten()?;
            let names: Vec<String> = list.items().iter().filter_map(|i| i.as_map()?.get("PolicyName")?.as_str()).collect();
            let name = unique("XRayWrite", |c| names.iter().any(|n| n == c));
            Some(list.push(&role_policy(name)))
        }
        None => Some(insert_entries(props, &[("Policies", Value::List(vec![role_policy("XRayWrite".into())]))])),
    }
}

fn cfn(doc: &Document, r: &Resource, name: &str, role: &Role, sam: bool) -> Option<Finding> {
    let (key, value) = if sam {
        ("Tracing", Value::str("Active"))
    } else {
        ("TracingConfig", Value::map([("Mode", Value::str("Active"))]))
    };
    if r.props.is_some_and(|p| p.has(key)) {
        return None;
    }
    let mut edits = match r.props {
        Some(p) => insert_entries(p, &[(key, value)]),
        None => add_props(doc, r, key, value)?,
    };
    let role_note = match role {
        Role::Generated(_) => "SAM grants the X-Ray write actions to the role it generates".to_string(),
        Role::InFile(id) => match doc.of_types(&["AWS::IAM::Role"]).into_iter().find(|x| x.logical_id.as_deref() == Some(id.as_str())) {
            Some(x) if role_allows_xray(doc, x) => format!("role `{id}` already allows the X-Ray writes"),
            Some(x) => match grant_cfn(x) {
                Some(e) => {
                    edits.extend(e);
                    format!("allowed {} in role `{id}`", ACTIONS.join(" and "))
                }
                None => format!("role `{id}` needs {} (its `Policies` is not written out), or no trace arrives", ACTIONS.join(" and ")),
            },
            None => format!("role `{id}` needs {}, or no trace arrives", ACTIONS.join(" and ")),
        },
        Role::Outside(text) | Role::Imported(text) => format!("the role `{text}` is not declared here: give it {} (AWSXRayDaemonWriteAccess), or no trace arrives", ACTIONS.join(" and ")),
    };
    let message = format!("{}; turned on active tracing ({COST}; {role_note})", head(name));
    Some(finding_with(&META, Applicability::Review, r.node.start_byte(), message, edits))
}

fn cdk(doc: &Document, r: &Resource, name: &str, role: &Role) -> Option<Finding> {
    let ts = doc.ts.as_ref()?;
    if r.props.is_some_and(|p| p.has("tracing")) {
        return None;
    }
    let (tracing, import) = ts.reference("aws-cdk-lib/aws-lambda", "Tracing", "lambda");
    let value = Value::code(format!("{tracing}.ACTIVE"));
    let mut edits = match r.props {
        Some(p) => p.insert("tracing", &value, Position::End),
        None => add_props(doc, r, "tracing", value)?,
    };
    edits.extend(import);
    let role_note = match role {
        Role::Generated(_) | Role::InFile(_) => "CDK adds xray:PutTraceSegments and xray:PutTelemetryRecords to the function's role".to_string(),
        Role::Imported(t) | Role::Outside(t) => format!("CDK adds the X-Ray actions to the role `{t}` only when it is a mutable role of this account: check it, or no trace arrives"),
    };
    let message = format!("{}; set `tracing: {tracing}.ACTIVE` ({COST}; {role_note})", head(name));
    Some(finding_with(&META, Applicability::Review, r.node.start_byte(), message, edits))
}

fn cdktf(doc: &Document, r: &Resource, name: &str, role: &Role) -> Option<Finding> {
    if r.props.is_some_and(|p| p.has("tracingConfig")) {
        return None;
    }
    let value = Value::map([("mode", Value::str("Active"))]);
    let edits = match r.props {
        Some(p) => p.insert("tracingConfig", &value, Position::End),
        None => add_props(doc, r, "tracingConfig", value)?,
    };
    let who = match role {
        Role::InFile(b) => format!("role `{b}`"),
        Role::Generated(_) => "the function's role".to_string(),
        Role::Imported(t) | Role::Outside(t) => format!("the role `{t}`"),
    };
    let message = format!("{}; set `tracingConfig: {{ mode: 'Active' }}` ({COST}; {who} needs {} (AWSXRayDaemonWriteAccess), or no trace arrives)", head(name), ACTIONS.join(" and "));
    Some(finding_with(&META, Applicability::Review, r.node.start_byte(), message, edits))
}
