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
//! SAM `AWS::Serverless::Function`: `Tracing: Active` (SAM attaches the managed policy
//! `AWSXRayDaemonWriteAccess` to the role it generates when `Tracing` is set:
//! serverless-application-model `sam_resources.py` `_construct_role`; a role of the
//! template gets the statement as above). CDK L2
//! `lambda.Function` (and `NodejsFunction`, `PythonFunction`, `GoFunction`,
//! `DockerImageFunction`, `SingletonFunction`): `tracing: lambda.Tracing.ACTIVE`, for which
//! aws-cdk-lib adds `xray:PutTraceSegments`/`xray:PutTelemetryRecords` to the function's role
//! itself (`aws-lambda/lib/function.js` `buildTracingConfig`). CDKTF `LambdaFunction`:
//! `tracingConfig: { mode: 'Active' }`.
//!
//! ## Left alone or reported
//! Lambda checks the execution role when `Active` tracing is set: CreateFunction and
//! UpdateFunctionConfiguration fail with `InvalidParameterValueException: The provided
//! execution role does not have permissions to call PutTraceSegments on XRAY` (the stack
//! rolls back, `terraform apply` fails). So the fix is offered only where the permission is
//! certain to be there: CloudFormation/SAM, a role `AWS::IAM::Role` of the template that
//! already allows the writes (a statement, `AWSXRayDaemonWriteAccess`,
//! `AWSXrayWriteOnlyAccess`) or whose `Policies` the fix extends, and SAM without `Role`;
//! CDK without a `role` prop or with a `new iam.Role(...)` of the file (CDK adds the
//! statement); CDKTF when the `IamRole` of the file already allows the writes (the fix does
//! not attach a policy). Any other role (an ARN string, a parameter, `Fn::ImportValue`,
//! `iam.Role.fromRoleArn`, a CDKTF role without the permission, a template role whose
//! `Policies` is an intrinsic) is reported without a fix naming the role and the two
//! actions to give it first.
//! A comment about tracing being off on purpose (`# X-Ray tracing off: called 50M times a
//! day`, `# no tracing: cost`; it mentions tracing or X-Ray and a negation) above the
//! resource, first in its body or trailing one of its lines (the shared
//! `resource_comments`) is a decision: reported without a fix, quoting the comment.
//! An explicit `TracingConfig`/`Tracing`/`tracing` (also `PassThrough`, a parameter or an
//! intrinsic), SAM `Globals.Function.Tracing`, CDK L1 `CfnFunction` and props with a
//! `...spread` are left alone.
//!
//! ## Applicability
//! review: X-Ray traces are billed (beyond the free tier), and functions fed by MSK,
//! self-managed Kafka, Amazon MQ or DocumentDB event-source mappings are not traced
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

    /// Findings are per function of these types only (see `check`).
    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        let others = ["AWS::Lambda::Function", "AWS::Serverless::Function", "@cdktf/provider-aws/lib/lambda-function.LambdaFunction"];
        Interest::types(CDK_L2.iter().copied().chain(others))
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
            out.extend(finding.map(|found| match off_comment(doc, r) {
                Some(why) => META.finding(found.offset, format!("{}; not fixed: {why}", head(&f.name)), None),
                None => found,
            }));
        }
        out.sort_by_key(|f| f.offset);
        out
    }
}

fn head(name: &str) -> String {
    format!("Lambda function `{name}` is not traced with X-Ray")
}

/// `Some(why)` when a comment of the resource ([`crate::transforms::resource_comments`]:
/// above its logical id or statement, the first line of its body, trailing a line of it)
/// says tracing is off on purpose: it mentions tracing or X-Ray together with a negation
/// (`# X-Ray tracing off: cost`, `// no tracing here`, `# tracing disabled on purpose`).
fn off_comment(doc: &Document, r: &Resource) -> Option<String> {
    crate::transforms::resource_comments(doc, r).into_iter().find_map(|(text, at)| {
        off_on_purpose(&text).then(|| {
            format!(
                "the comment at line {} says \"{text}\"; tracing may have been left off on purpose",
                doc.line_of(at)
            )
        })
    })
}

/// A comment text that names tracing/X-Ray and negates it.
fn off_on_purpose(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    let topic = lower.contains("x-ray") || words.iter().any(|w| w.starts_with("trac") || *w == "xray");
    let negated = words.iter().any(|w| {
        matches!(*w, "no" | "not" | "off" | "without" | "never" | "disable" | "disabled" | "skip" | "skipped" | "untraced" | "dont")
            || w.ends_with("n't")
    });
    topic && negated
}

/// The finding without a fix for a function whose role the run cannot give the X-Ray
/// actions (Lambda rejects active tracing then).
fn unfixed(r: &Resource, name: &str, role: &str, setting: &str) -> Finding {
    let message = format!(
        "{}; not fixed: Lambda rejects active tracing (InvalidParameterValueException: the execution role does not have permissions to call PutTraceSegments on XRAY) unless the role already allows {}; give {role} these actions (e.g. the managed policy AWSXRayDaemonWriteAccess) first, then set `{setting}`",
        head(name),
        ACTIONS.join(" and ")
    );
    META.finding(r.node.start_byte(), message, None)
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

/// A role of the file already allows the X-Ray writes (a statement or the managed policy).
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
    let (key, value, setting) = if sam {
        ("Tracing", Value::str("Active"), "Tracing: Active")
    } else {
        ("TracingConfig", Value::map([("Mode", Value::str("Active"))]), "TracingConfig: Mode: Active")
    };
    if r.props.is_some_and(|p| p.has(key)) {
        return None;
    }
    let (grant, role_note) = match role {
        Role::Generated(_) => (Vec::new(), "SAM attaches AWSXRayDaemonWriteAccess to the role it generates".to_string()),
        Role::InFile(id) => match doc.of_types(&["AWS::IAM::Role"]).into_iter().find(|x| x.logical_id.as_deref() == Some(id.as_str())) {
            Some(x) if role_allows_xray(doc, x) => (Vec::new(), format!("role `{id}` already allows the X-Ray writes")),
            Some(x) => match grant_cfn(x) {
                Some(e) => (e, format!("allowed {} in role `{id}`, which the function's update waits for", ACTIONS.join(" and "))),
                None => return Some(unfixed(r, name, &format!("role `{id}` (its `Policies` is not written out)"), setting)),
            },
            None => return Some(unfixed(r, name, &format!("the role `{id}`"), setting)),
        },
        Role::Outside(text) | Role::Imported(text) => return Some(unfixed(r, name, &format!("the role `{text}`, not declared in this template,"), setting)),
    };
    let mut edits = match r.props {
        Some(p) => insert_entries(p, &[(key, value)]),
        None => add_props(doc, r, key, value)?,
    };
    edits.extend(grant);
    let message = format!("{}; turned on active tracing ({COST}; {role_note})", head(name));
    Some(finding_with(&META, Applicability::Review, r.node.start_byte(), message, edits))
}

fn cdk(doc: &Document, r: &Resource, name: &str, role: &Role) -> Option<Finding> {
    let ts = doc.ts.as_ref()?;
    if r.props.is_some_and(|p| p.has("tracing")) {
        return None;
    }
    let (tracing, import) = ts.reference("aws-cdk-lib/aws-lambda", "Tracing", "lambda");
    if let Role::Imported(t) | Role::Outside(t) = role {
        let who = format!("the role `{t}` (CDK adds statements only to a role created in this app or a mutable import of its account)");
        return Some(unfixed(r, name, &who, &format!("tracing: {tracing}.ACTIVE")));
    }
    let value = Value::code(format!("{tracing}.ACTIVE"));
    let mut edits = match r.props {
        Some(p) => p.insert("tracing", &value, Position::End),
        None => add_props(doc, r, "tracing", value)?,
    };
    edits.extend(import);
    let role_note = "CDK adds xray:PutTraceSegments and xray:PutTelemetryRecords to the function's role";
    let message = format!("{}; set `tracing: {tracing}.ACTIVE` ({COST}; {role_note})", head(name));
    Some(finding_with(&META, Applicability::Review, r.node.start_byte(), message, edits))
}

fn cdktf(doc: &Document, r: &Resource, name: &str, role: &Role) -> Option<Finding> {
    if r.props.is_some_and(|p| p.has("tracingConfig")) {
        return None;
    }
    let setting = "tracingConfig: { mode: 'Active' }";
    let role_note = match role {
        Role::InFile(b) => match r.props.and_then(|p| p.get("role")).and_then(|v| doc.bound_to(b, v.node)).filter(|x| x.type_name.ends_with(".IamRole")) {
            Some(x) if role_allows_xray(doc, x) => format!("role `{b}` already allows the X-Ray writes"),
            _ => return Some(unfixed(r, name, &format!("role `{b}`"), setting)),
        },
        Role::Generated(_) => return None,
        Role::Imported(t) | Role::Outside(t) => return Some(unfixed(r, name, &format!("the role `{t}`"), setting)),
    };
    let value = Value::map([("mode", Value::str("Active"))]);
    let edits = match r.props {
        Some(p) => p.insert("tracingConfig", &value, Position::End),
        None => add_props(doc, r, "tracingConfig", value)?,
    };
    let message = format!("{}; set `{setting}` ({COST}; {role_note})", head(name));
    Some(finding_with(&META, Applicability::Review, r.node.start_byte(), message, edits))
}

#[cfg(test)]
mod tests {
    use super::off_on_purpose;

    #[test]
    fn comments_that_turn_tracing_off() {
        for on in [
            "X-Ray tracing off: called 50M times a day",
            "tracing disabled on purpose (cost)",
            "no xray: latency budget",
            "We don't trace this one",
            "tracing: not wanted",
        ] {
            assert!(off_on_purpose(on), "{on}");
        }
        for off in ["No VPC: public APIs only", "traces help here", "trace ids go to the logs", "not public"] {
            assert!(!off_on_purpose(off), "{off}");
        }
    }
}
