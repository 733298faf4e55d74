//! ## What it fixes
//! Lambda functions on deprecated runtimes: Node.js 20 and older, Python 3.11 and
//! older, Java 17 and older, Go 1.x, .NET 6 and older (and .NET Core), Ruby 3.2 and
//! older, and the `provided` and `provided.al2` runtimes. Each moves to the current
//! runtime of the same language (configurable). The cut-offs follow the AWS Lambda
//! runtime lifecycle as cfn-lint 1.51 records it on 2026-11-23 (Python 3.10/3.11,
//! Java 11/17 and `provided.al2` were deprecated in 2026); `dotnet8`, deprecated too,
//! has no successor there yet and is left alone.
//!
//! ## Why
//! AWS stops patching deprecated runtimes, then blocks creating and updating
//! functions that use them: a stack that deploys today fails later. cfn-lint
//! reports W2531 (deprecated runtime), E2531 (runtime no longer creatable) and E2533 (no longer updatable).
//!
//! ## Before → after
//! CDK TypeScript: `runtime: lambda.Runtime.NODEJS_18_X` → `runtime: lambda.Runtime.NODEJS_24_X`
//! (every import style of `Runtime` from aws-lambda; other `Runtime`s such as
//! Synthetics' are left alone).
//! CDKTF TypeScript: `new LambdaFunction(this, 'f', { runtime: 'python3.9' })` → `runtime: 'python3.13'`.
//! CloudFormation/SAM: `Runtime: nodejs16.x` → `Runtime: nodejs24.x` in
//! `AWS::Lambda::Function`, `AWS::Serverless::Function` and SAM `Globals.Function`.
//!
//! ## Applicability
//! review: a new runtime can break a handler (changed SDK bundled in Node.js 18+,
//! removed Python modules, Go 1.x moves to a `bootstrap` binary on `provided.al2023`).
//!
//! ## Equivalent checks
//! cfn-lint W2531, E2531, E2533; checkov CKV_AWS_363; cdk-nag AwsSolutions-L1.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;

pub struct LambdaRuntimeUpgrade;
pub static TRANSFORM: LambdaRuntimeUpgrade = LambdaRuntimeUpgrade;

static META: Meta = Meta {
    id: "lambda-runtime-upgrade",
    title: "Upgrade deprecated Lambda runtimes to the current one of the same language",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["W2531", "E2531", "E2533", "CKV_AWS_363", "AwsSolutions-L1"],
    options: &[
        ("nodejs", "nodejs24.x", "target for Node.js functions"),
        ("python", "python3.13", "target for Python functions"),
        ("java", "java21", "target for Java 8, 11 and 17 functions"),
        ("dotnet", "dotnet8", "target for .NET functions"),
        ("ruby", "ruby3.4", "target for Ruby functions"),
        ("go", "provided.al2023", "target for Go 1.x functions"),
        ("provided", "provided.al2023", "target for the `provided` and `provided.al2` runtimes"),
    ],
};

const CDK_RUNTIME: &str = "aws-cdk-lib/aws-lambda.Runtime.";
const CFN_FUNCTIONS: &[&str] = &["AWS::Lambda::Function", "AWS::Serverless::Function"];
const CDKTF_FUNCTION: &str = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";

impl Transform for LambdaRuntimeUpgrade {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// A target must be a runtime id of the option's language, spelled as Lambda
    /// spells it (`nodejs22.x`, `python3.13`, `java21`, `dotnet8`, `ruby3.4`,
    /// `provided.al2023`): any other string would be written into every function.
    fn check_option(&self, name: &str, value: &str) -> Result<(), String> {
        if is_runtime_id_for(name, value) {
            return Ok(());
        }
        Err(format!("`{value}` is not a Lambda runtime id for `{name}` (like `{}`)", META.options.iter().find(|o| o.0 == name).map_or("", |o| o.1)))
    }

    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc, options),
            Flavor::CdktfTs => {
                let values = doc.of_type(CDKTF_FUNCTION).filter_map(|r| r.props?.get("runtime")).collect();
                check_strings(values, options)
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                let mut values: Vec<ValueNode> = doc.of_types(CFN_FUNCTIONS).iter().filter_map(|r| r.props?.get("Runtime")).collect();
                if let Some(global) = doc.template.and_then(|t| t.get_path(&["Globals", "Function", "Runtime"])) {
                    values.push(global);
                }
                check_strings(values, options)
            }
        }
    }
}

/// Runtime ids written as strings (CFN, SAM, CDKTF).
fn check_strings(values: Vec<ValueNode>, options: &Options) -> Vec<Finding> {
    values
        .into_iter()
        .filter(|v| v.tag.is_none())
        .filter_map(|v| {
            let current = v.as_str()?;
            let target = upgrade(&current, options)?;
            let message = format!("Lambda runtime `{current}` is deprecated; upgrade to `{target}`");
            Some(META.finding(v.start(), message, Some(vec![v.replace(&Value::Str(target))])))
        })
        .collect()
}

/// `Runtime.X` member expressions that resolve to aws-lambda's `Runtime`.
fn check_cdk(doc: &Document, options: &Options) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    for &node in doc.nodes() {
        if node.kind() != "member_expression" || node.parent().is_some_and(|p| p.kind() == "member_expression") {
            continue;
        }
        let Some(name) = ts.resolve(node) else { continue };
        let Some(constant) = name.strip_prefix(CDK_RUNTIME) else { continue };
        let Some(current) = runtime_of_constant(constant) else { continue };
        let Some(target) = upgrade(&current, options) else { continue };
        let Some(prop) = node.child_by_field_name("property") else { continue };
        let new_constant = constant_of_runtime(&target);
        let message = format!("Lambda runtime `{current}` ({constant}) is deprecated; upgrade to `{target}` ({new_constant})");
        out.push(META.finding(prop.start_byte(), message, Some(vec![Edit::replace(prop.byte_range(), new_constant)])));
    }
    out
}

/// The runtime id for a deprecated runtime, or `None` when it is current.
fn upgrade(runtime: &str, options: &Options) -> Option<String> {
    let (language, version) = split(runtime)?;
    let option = match language {
        "nodejs" if version <= (20, 0) => "nodejs",
        "python" if version <= (3, 11) => "python",
        "java" if version.0 <= 17 => "java",
        "go" => "go",
        "dotnetcore" => "dotnet",
        "dotnet" if version.0 <= 6 => "dotnet",
        "ruby" if version <= (3, 2) => "ruby",
        "provided" if version.0 <= 2 => "provided",
        _ => return None,
    };
    let target = options.get(&META, option).to_string();
    // Never "upgrade" to the same or an older runtime of the language.
    match split(&target) {
        Some((l, v)) if l == language && v <= version => None,
        _ if target == runtime => None,
        _ => Some(target),
    }
}

/// Whether `value` is spelled like a Lambda runtime id that option `option` may name.
fn is_runtime_id_for(option: &str, value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let provided = matches!(value, "provided.al2" | "provided.al2023");
    match option {
        "nodejs" => value.strip_prefix("nodejs").and_then(|v| v.strip_suffix(".x")).is_some_and(digits),
        "python" => value.strip_prefix("python3.").is_some_and(digits),
        "java" => value.strip_prefix("java").is_some_and(|v| digits(v.strip_suffix(".al2").unwrap_or(v))),
        "dotnet" => value.strip_prefix("dotnet").is_some_and(digits),
        "ruby" => value.strip_prefix("ruby").and_then(|v| v.split_once('.')).is_some_and(|(a, b)| digits(a) && digits(b)),
        "go" | "provided" => provided,
        _ => true,
    }
}

/// `nodejs18.x` → ("nodejs", (18, 0)); `python3.9` → ("python", (3, 9)); `java8.al2` → ("java", (8, 0));
/// `provided` / `provided.al2` / `provided.al2023` → ("provided", (0 | 2 | 2023, 0)).
fn split(runtime: &str) -> Option<(&str, (u32, u32))> {
    if runtime == "provided" {
        return Some(("provided", (0, 0)));
    }
    if let Some(al) = runtime.strip_prefix("provided.al") {
        return Some(("provided", (al.parse().ok()?, 0)));
    }
    let digits = runtime.find(|c: char| c.is_ascii_digit())?;
    let (language, rest) = runtime.split_at(digits);
    let mut nums = rest.split(['.', '_']).map_while(|p| p.parse::<u32>().ok());
    let major = nums.next()?;
    Some((language, (major, nums.next().unwrap_or(0))))
}

/// `NODEJS_18_X` → `nodejs18.x`, `PYTHON_3_9` → `python3.9`, `JAVA_8_CORRETTO` → `java8.al2`.
fn runtime_of_constant(constant: &str) -> Option<String> {
    let parts: Vec<&str> = constant.split('_').collect();
    let id = match parts.as_slice() {
        ["NODEJS"] => "nodejs".to_string(),
        ["NODEJS", major, "X"] => format!("nodejs{major}.x"),
        ["NODEJS", major, minor] => format!("nodejs{major}.{minor}"),
        ["PYTHON", major, minor] => format!("python{major}.{minor}"),
        ["JAVA", "8", "CORRETTO"] => "java8.al2".into(),
        ["JAVA", major] => format!("java{major}"),
        ["GO", "1", "X"] => "go1.x".into(),
        ["DOTNET", "CORE", major, minor] => format!("dotnetcore{major}.{minor}"),
        ["DOTNET", major] => format!("dotnet{major}"),
        ["RUBY", major, minor] => format!("ruby{major}.{minor}"),
        ["PROVIDED"] => "provided".into(),
        ["PROVIDED", "AL2"] => "provided.al2".into(),
        _ => return None,
    };
    Some(if id == "nodejs" { "nodejs0.10".into() } else { id })
}

/// `nodejs24.x` → `NODEJS_24_X`, `python3.13` → `PYTHON_3_13`, `provided.al2023` → `PROVIDED_AL2023`.
fn constant_of_runtime(runtime: &str) -> String {
    if let Some(rest) = runtime.strip_prefix("provided.") {
        return format!("PROVIDED_{}", rest.to_ascii_uppercase());
    }
    let mut out = String::new();
    let mut prev_alpha = false;
    for c in runtime.chars() {
        if c.is_ascii_digit() && prev_alpha {
            out.push('_');
        }
        prev_alpha = c.is_ascii_alphabetic();
        out.push(if c == '.' { '_' } else { c.to_ascii_uppercase() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_by_language_and_version() {
        let o = Options::default();
        assert_eq!(upgrade("nodejs18.x", &o).as_deref(), Some("nodejs24.x"));
        assert_eq!(upgrade("nodejs20.x", &o).as_deref(), Some("nodejs24.x"));
        assert_eq!(upgrade("nodejs22.x", &o), None);
        assert_eq!(upgrade("python3.9", &o).as_deref(), Some("python3.13"));
        assert_eq!(upgrade("python3.11", &o).as_deref(), Some("python3.13"));
        assert_eq!(upgrade("python3.12", &o), None);
        assert_eq!(upgrade("java8.al2", &o).as_deref(), Some("java21"));
        assert_eq!(upgrade("java17", &o).as_deref(), Some("java21"));
        assert_eq!(upgrade("java21", &o), None);
        assert_eq!(upgrade("go1.x", &o).as_deref(), Some("provided.al2023"));
        assert_eq!(upgrade("provided.al2", &o).as_deref(), Some("provided.al2023"));
        assert_eq!(upgrade("provided.al2023", &o), None);
        assert_eq!(upgrade("ruby3.2", &o).as_deref(), Some("ruby3.4"));
    }

    #[test]
    fn constants_round_trip() {
        assert_eq!(runtime_of_constant("NODEJS_18_X").as_deref(), Some("nodejs18.x"));
        assert_eq!(runtime_of_constant("JAVA_17").as_deref(), Some("java17"));
        assert_eq!(runtime_of_constant("PROVIDED_AL2").as_deref(), Some("provided.al2"));
        assert_eq!(constant_of_runtime("nodejs24.x"), "NODEJS_24_X");
        assert_eq!(constant_of_runtime("python3.13"), "PYTHON_3_13");
        assert_eq!(constant_of_runtime("provided.al2023"), "PROVIDED_AL2023");
        assert_eq!(runtime_of_constant("SYNTHETICS_NODEJS_PUPPETEER_7_0"), None);
    }
}
