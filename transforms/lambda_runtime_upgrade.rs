//! ## What it fixes
//! Lambda functions on a runtime that is deprecated on the day of the run: each moves to the
//! runtime's successor (or the target configured for its language), unless its handler code
//! shows that the new runtime cannot run it.
//!
//! ## Why
//! AWS stops patching deprecated runtimes, then blocks creating and updating functions that
//! use them: a stack that deploys today fails later. cfn-lint reports W2531 (deprecated
//! runtime), E2531 (runtime no longer creatable) and E2533 (no longer updatable). But a new
//! runtime the handler cannot run on breaks the function at once, with every linter satisfied.
//!
//! ## Lifecycle data and the day
//! Deprecation dates and successors come from the Lambda runtime lifecycle table of cfn-lint
//! 1.58.0 (`cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json`, the data behind cfn-lint's
//! W2531/E2531/E2533), embedded as `data/lambda-runtimes.json` and refreshed by
//! `scripts/refresh-lambda-runtimes.sh`; facts cfn-lint lacks (the newest Node.js runtime that
//! bundles the AWS SDK v2, the first without callback handlers, Python modules removed per
//! version) are added from `scripts/lambda-runtimes-extra.json`, each with its AWS or Python
//! documentation source. A runtime is deprecated when its deprecation date is on or before the
//! day of the run (as W2531 decides): by default today's date (UTC, from the system clock), or
//! the day set by `as-of` (`[transform.lambda-runtime-upgrade] as-of = "2026-11-30"`), so a CI
//! run or a test does not change with the calendar. With cfn-lint 1.58.0, on 2026-11-30:
//! Node.js 20 and older, Python 3.10 and older, Java 8 (not `java8.al2`), .NET 9 and older
//! (.NET 8 from 2026-11-10, successor `dotnet10`), Ruby 3.2 and older, Go 1.x, `provided` and
//! `provided.al2` are deprecated; Python 3.11, Java 11/17 and `java8.al2` follow on 2027-06-30.
//!
//! ## Reading the handler first
//! The function's handler code is located like least-privilege-grants does (CFN `ZipFile`, SAM
//! `InlineCode`/`CodeUri`, CDK `Code.fromInline`/`Code.fromAsset(dir)` + `handler`,
//! `NodejsFunction`/`PythonFunction` `entry`, CDKTF archives; `transforms/shared/handler/`):
//! - it loads the AWS SDK for JavaScript v2 (`require('aws-sdk')`, `from 'aws-sdk'`,
//!   `aws-sdk/clients/…`) and moves from a runtime that bundles it (Node.js 16 and older) to one
//!   that does not, while the code is inline or the nearest `package.json` does not list
//!   `aws-sdk` (`NodejsFunction`: `dependencies` or `devDependencies`, which esbuild bundles):
//!   reported without a fix, naming the file:line to migrate to SDK v3;
//! - its exported handler is callback-style (a non-`async` function with a third `callback`
//!   parameter, or `context.succeed/fail/done`), which Node.js 24 no longer runs: the target is
//!   the newest Node.js runtime that still runs it and is not deprecated (`nodejs22.x` until
//!   2027-04-30), else reported without a fix;
//! - it imports a Python module removed between the two versions (`imp`, `distutils` in 3.12;
//!   `cgi`, `telnetlib`… in 3.13): the target is the newest Python runtime that still has it,
//!   else reported without a fix.
//!
//! When the code cannot be read (S3, an image, a path that is not in the repository) the fix is
//! still offered and the message says what to check.
//!
//! ## Before → after
//! CDK TypeScript: `runtime: lambda.Runtime.NODEJS_18_X` → `runtime: lambda.Runtime.NODEJS_24_X`
//! (every import style of `Runtime` from aws-lambda; other `Runtime`s such as Synthetics' are
//! left alone). Only a whole `Runtime.<CONSTANT>` is replaced: `Runtime.NODEJS_16_X.bundlingImage`
//! inside the function's props follows the function's new runtime
//! (`Runtime.NODEJS_24_X.bundlingImage`) and is left alone elsewhere. A `const` holding a
//! runtime is judged by the handlers of the functions using it.
//! CDKTF TypeScript: `new LambdaFunction(this, 'f', { runtime: 'python3.9' })` → `runtime: 'python3.14'`.
//! CloudFormation/SAM: `Runtime: nodejs16.x` → `Runtime: nodejs24.x` in `AWS::Lambda::Function`,
//! `AWS::Serverless::Function` and SAM `Globals.Function` (judged by every function using it).
//! Layers' `compatibleRuntimes` / `CompatibleRuntimes` are never changed: they say which runtimes
//! the layer was built and tested for, not what a function runs.
//!
//! ## Applicability
//! review: a new runtime can still break a handler in ways the code does not show (native
//! modules, changed libraries, Go 1.x moves to a `bootstrap` binary on `provided.al2023`).
//!
//! ## Equivalent checks
//! cfn-lint W2531, E2531, E2533; checkov CKV_AWS_363; cdk-nag AwsSolutions-L1.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::shared::handler::{cdk_code, cdktf_code, cfn_code, handler_facts, HandlerFacts, Source};
use crate::transforms::shared::lambda_runtimes as rt;
use crate::value::Value;
use tree_sitter::Node;

pub struct LambdaRuntimeUpgrade;
pub static TRANSFORM: LambdaRuntimeUpgrade = LambdaRuntimeUpgrade;

static META: Meta = Meta {
    id: "lambda-runtime-upgrade",
    title: "Upgrade deprecated Lambda runtimes to a successor their handler code can run on",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["W2531", "E2531", "E2533", "CKV_AWS_363", "Serverless-LambdaLatestVersion", "AwsSolutions-L1"],
    options: &[
        ("as-of", "today", "the day deprecation is judged on, YYYY-MM-DD (`today`: the system clock's date, UTC)"),
        ("nodejs", "successor", "target for Node.js functions (`successor`: the lifecycle data's successor)"),
        ("python", "successor", "target for Python functions"),
        ("java", "successor", "target for Java functions"),
        ("dotnet", "successor", "target for .NET functions"),
        ("ruby", "successor", "target for Ruby functions"),
        ("go", "successor", "target for Go 1.x functions"),
        ("provided", "successor", "target for the `provided` and `provided.al2` runtimes"),
    ],
};

const CDK_RUNTIME: &str = "aws-cdk-lib/aws-lambda.Runtime.";
const CFN_FUNCTIONS: &[&str] = &["AWS::Lambda::Function", "AWS::Serverless::Function"];
const CDKTF_FUNCTION: &str = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";
const CDK_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
];

impl Transform for LambdaRuntimeUpgrade {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// A target must be a runtime id of the option's language, spelled as Lambda
    /// spells it (`nodejs22.x`, `python3.13`, `java21`, `dotnet8`, `ruby3.4`,
    /// `provided.al2023`): any other string would be written into every function.
    fn check_option(&self, name: &str, value: &str) -> Result<(), String> {
        if name == "as-of" {
            return rt::day_of(value).map(|_| ());
        }
        if value == "successor" || is_runtime_id_for(name, value) {
            return Ok(());
        }
        Err(format!("`{value}` is not a Lambda runtime id for `{name}` (like `{}`)", META.options.iter().find(|o| o.0 == name).map_or("", |o| o.1)))
    }

    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding> {
        let day = match rt::day_of(options.get(&META, "as-of")) {
            Ok(day) => day,
            // Said once per file that may hold a runtime, not for every file of the run.
            Err(e) if doc.has_word("Runtime") || doc.has_word("runtime") => return vec![META.finding(0, format!("lambda-runtime-upgrade is off: {e}"), None)],
            Err(_) => return vec![],
        };
        let ctx = Ctx { day, options };
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc, &ctx),
            Flavor::CdktfTs => {
                let mut out = Vec::new();
                for f in doc.of_type(CDKTF_FUNCTION) {
                    let Some(props) = f.props else { continue };
                    let Some(v) = props.get("runtime") else { continue };
                    let code = || vec![facts_of(cdktf_code(doc, props), props.get("handler").and_then(|h| h.as_str()), false)];
                    out.extend(check_string(v, &ctx, code));
                }
                out
            }
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc, &ctx),
        }
    }
}

struct Ctx<'o> {
    day: String,
    options: &'o Options,
}

/// A function's handler facts, or why its code could not be read.
type Facts = Result<HandlerFacts, String>;

/// The facts of a function's code, its handler written `module.export` (CFN, `Function`) or
/// `export` (`NodejsFunction`; default `handler`).
fn facts_of(code: Result<Vec<Source>, String>, handler: Option<String>, bundled: bool) -> Facts {
    let handler = handler.unwrap_or_else(|| "handler".into());
    let export = handler.rsplit('.').next().unwrap_or("handler").to_string();
    code.map(|sources| handler_facts(&sources, &export, bundled))
}

/// The runtime a function moves to, and what the message adds.
struct Upgrade {
    target: String,
    /// What the message adds (handler evidence, what to check).
    notes: Vec<String>,
}

/// The upgrade for `current` on `ctx.day` for functions whose handler facts are `functions`:
/// `None` when it is not deprecated (or unknown); `Err(message)` when it is but no fix can be
/// offered (SDK v2 that the target lacks, a callback handler with no supported runtime left…).
fn decide(current: &str, ctx: &Ctx, functions: &[Facts]) -> Option<Result<Upgrade, String>> {
    let lc = rt::lifecycle(current)?;
    lc.deprecated.as_deref().filter(|d| *d <= ctx.day.as_str())?;
    let (language, version) = rt::language_version(current)?;
    let option = match language {
        "dotnetcore" => "dotnet",
        l => l,
    };
    let configured = META.options.iter().any(|o| o.0 == option).then(|| ctx.options.get(&META, option)).filter(|t| *t != "successor" && !t.is_empty());
    let Some(mut target) = configured.or(lc.successor.as_deref()).map(str::to_string) else {
        return Some(Err(format!("the lifecycle data names no successor for `{current}`")));
    };
    if target == current || rt::language_version(&target).is_some_and(|(l, v)| l == language && v <= version) {
        return None;
    }
    if rt::is_deprecated(&target, &ctx.day) {
        return Some(Err(format!("the target `{target}` is deprecated too; set `{option}` to a supported runtime")));
    }
    let mut notes = Vec::new();
    let target_version = |t: &str| rt::language_version(t).map_or((0, 0), |(_, v)| v);
    for facts in functions {
        let facts = match facts {
            Ok(f) => f,
            Err(why) => {
                if matches!(language, "nodejs" | "python") {
                    notes.push(format!("the handler code was not read ({why}): check that it runs on `{target}`"));
                }
                continue;
            }
        };
        if language == "nodejs" {
            let v2_last = target_version(rt::nodejs_sdk_v2_last());
            if let Some(at) = facts.sdk_v2.first().filter(|_| version <= v2_last && target_version(&target) > v2_last) {
                if facts.inline || facts.sdk_v2_declared.is_none() {
                    let why = if facts.inline { "inline code cannot ship it" } else { "the nearest package.json does not list it" };
                    return Some(Err(format!(
                        "the handler loads the AWS SDK for JavaScript v2 (`aws-sdk`) at {at}, which `{target}` does not include (Node.js 18 and later bundle only SDK v3) and {why}: migrate it to SDK v3 (`@aws-sdk/client-*`) or bundle `aws-sdk`, then upgrade"
                    )));
                }
            }
            let removed = rt::nodejs_callbacks_first_removed();
            if let Some((at, how)) = facts.callback.as_ref().filter(|_| target_version(&target) >= target_version(removed)) {
                match rt::newest_supported("nodejs", &ctx.day, version, Some(target_version(removed))) {
                    Some(older) => {
                        let until = rt::lifecycle(older).and_then(|l| l.deprecated.as_deref()).unwrap_or("?");
                        notes.push(format!("the handler is callback-style at {at} ({how}), which `{removed}` and later no longer run: `{older}` still runs it (deprecated on {until}); make the handler `async` before the next upgrade"));
                        target = older.to_string();
                    }
                    None => return Some(Err(format!("the handler is callback-style at {at} ({how}), which `{removed}` and later no longer run, and no supported older Node.js runtime is left: make the handler `async` first"))),
                }
            }
        }
        if language == "python" {
            let gone = rt::python_removed_between(version, target_version(&target));
            let first = facts.python_imports.iter().filter_map(|(m, at)| gone.iter().find(|g| g.0 == m).map(|g| (g, at))).min_by_key(|(g, _)| target_version(g.1));
            if let Some(((module, without), at)) = first {
                match rt::newest_supported("python", &ctx.day, version, Some(target_version(without))) {
                    Some(older) => {
                        notes.push(format!("the handler imports `{module}` at {at}, which `{without}` and later no longer have: `{older}` still has it"));
                        target = older.to_string();
                    }
                    None => return Some(Err(format!("the handler imports `{module}` at {at}, which `{without}` and later no longer have, and no supported runtime has it: replace it first"))),
                }
            }
        }
    }
    Some(Ok(Upgrade { target, notes }))
}

/// "Lambda runtime `x` was deprecated on D (creating … blocked from C, updating from U; cfn-lint N data, as of DAY)".
fn headline(current: &str, ctx: &Ctx) -> String {
    let lc = rt::lifecycle(current);
    let date = |d: Option<&Option<String>>| d.and_then(|d| d.clone()).unwrap_or_else(|| "-".into());
    format!(
        "Lambda runtime `{current}` was deprecated on {} (creating functions on it is blocked from {}, updating them from {}; cfn-lint {} lifecycle data, as of {})",
        date(lc.map(|l| &l.deprecated)),
        date(lc.map(|l| &l.create_block)),
        date(lc.map(|l| &l.update_block)),
        rt::lifecycle_source_version(),
        ctx.day
    )
}

fn message(current: &str, ctx: &Ctx, decision: &Result<Upgrade, String>, shown: impl Fn(&str) -> String) -> String {
    match decision {
        Ok(u) => {
            let mut m = format!("{}; upgrade to {}", headline(current, ctx), shown(&u.target));
            for n in &u.notes {
                m.push_str("; ");
                m.push_str(n);
            }
            m
        }
        Err(why) => format!("{}; not upgraded: {why}", headline(current, ctx)),
    }
}

/// A runtime written as a string (CFN, SAM, CDKTF) used by the functions whose facts `code` gives.
fn check_string(v: ValueNode, ctx: &Ctx, code: impl FnOnce() -> Vec<Facts>) -> Option<Finding> {
    if v.tag.is_some() {
        return None;
    }
    let current = v.as_str()?;
    rt::lifecycle(&current)?.deprecated.as_deref().filter(|d| *d <= ctx.day.as_str())?;
    let decision = decide(&current, ctx, &code())?;
    let message = message(&current, ctx, &decision, |t| format!("`{t}`"));
    let edits = decision.ok().map(|u| vec![v.replace(&Value::Str(u.target))]);
    Some(META.finding(v.start(), message, edits))
}

fn check_cfn(doc: &Document, ctx: &Ctx) -> Vec<Finding> {
    let Some(template) = doc.template else { return vec![] };
    let facts = |f: &Resource| {
        let handler = f.props.and_then(|p| p.get("Handler")).or_else(|| template.get_path(&["Globals", "Function", "Handler"])).and_then(|h| h.as_str());
        facts_of(cfn_code(doc, template, f), handler, false)
    };
    let functions = doc.of_types(CFN_FUNCTIONS);
    let mut out: Vec<Finding> = functions.iter().filter_map(|f| check_string(f.props?.get("Runtime")?, ctx, || vec![facts(f)])).collect();
    if let Some(global) = template.get_path(&["Globals", "Function", "Runtime"]) {
        // Every SAM function without its own `Runtime` runs on the global one.
        let users = || functions.iter().filter(|f| f.type_name == "AWS::Serverless::Function" && !f.props.is_some_and(|p| p.has("Runtime"))).map(|f| facts(f)).collect();
        out.extend(check_string(global, ctx, users));
    }
    out
}

/// `Runtime.X` member expressions that resolve to aws-lambda's `Runtime`.
fn check_cdk(doc: &Document, ctx: &Ctx) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let functions = doc.of_types(CDK_FUNCTIONS);
    let facts = |f: &Resource| {
        let bundled = f.type_name.ends_with(".NodejsFunction") && !f.props.is_some_and(|p| p.get("bundling").is_some_and(|b| b.text().contains("externalModules") && b.text().contains("'aws-sdk'")));
        facts_of(cdk_code(doc, ts, f), f.props.and_then(|p| p.get("handler")).and_then(|h| h.as_str()), bundled)
    };
    // (runtime node, constant) of every whole `Runtime.<CONSTANT>`.
    // `Runtime` is written wherever a constant resolves to it (`lambda.Runtime.X`, the
    // import of `Runtime`, a destructuring): without the word no node needs resolving.
    let nodes: &[Node] = if doc.has_word("Runtime") { doc.nodes() } else { &[] };
    // Kinds compared by id: reading each node's kind name cost more than the rest.
    static MEMBER: std::sync::OnceLock<crate::lang::ts::KindSet> = std::sync::OnceLock::new();
    let member = MEMBER.get_or_init(|| crate::lang::ts::KindSet::new(&["member_expression"]));
    let fields = crate::lang::ts::fields();
    let runtimes: Vec<(Node, &str)> = nodes
        .iter()
        .enumerate()
        .filter(|&(i, _)| member.has_id(doc.node_kind(i)))
        .map(|(_, n)| n)
        // The property is the name the expression ends with (`last_name`): a constant's
        // first word rules most out before any field is asked for.
        .filter(|n| runtime_constant_head(crate::lang::ts::last_name(doc.source(), **n)))
        .filter_map(|&n| {
            // The constant's name first (cheap): resolving every member expression is not.
            let property = n.child_by_field_id(fields.property)?;
            runtime_of_constant(&doc.source()[property.byte_range()])?;
            let name = ts.resolve(n)?;
            let constant = name.strip_prefix(CDK_RUNTIME)?;
            (!constant.contains('.') && runtime_of_constant(constant).is_some()).then(|| (n, &doc.source()[property.byte_range()]))
        })
        .collect();
    let within = |n: Node, f: &Resource| f.props.is_some_and(|p| p.node.byte_range().contains(&n.start_byte()));
    let mut out = Vec::new();
    for &(node, constant) in &runtimes {
        let parent = doc.parent(node);
        if parent.is_some_and(|p| p.kind() == "member_expression" && p.child_by_field_name("object") == Some(node)) {
            continue; // `.bundlingImage` and the like: handled with the function below.
        }
        // A layer's `compatibleRuntimes`, or any list of runtimes outside a function (a
        // `const` later given to `compatibleRuntimes`): metadata, never rewritten.
        let in_list = doc.parent(node).is_some_and(|p| p.kind() == "array");
        if in_compatible_runtimes(doc, node) || (in_list && !functions.iter().any(|f| within(node, f))) {
            continue;
        }
        let Some(current) = runtime_of_constant(constant) else { continue };
        if !rt::is_deprecated(&current, &ctx.day) {
            continue;
        }
        // The functions that run on it: the one whose `runtime` it is, or those whose
        // `runtime` names the `const` holding it.
        let users: Vec<&Resource> = match const_name(doc, node) {
            Some(name) => functions.iter().copied().filter(|f| f.props.and_then(|p| p.get("runtime")).is_some_and(|r| r.text() == name)).collect(),
            None => functions.iter().copied().filter(|f| within(node, f)).max_by_key(|f| f.node.start_byte()).into_iter().collect(),
        };
        let facts: Vec<Facts> = users.iter().map(|f| facts(f)).collect();
        let Some(mut decision) = decide(&current, ctx, &facts) else { continue };
        if users.is_empty() {
            if let Ok(u) = &mut decision {
                u.notes.push("no function of this file is tied to it, so no handler code was read: check the functions that use it".into());
            }
        }
        let message = message(&current, ctx, &decision, |t| format!("`{t}` ({})", constant_of_runtime(t)));
        let Some(prop) = node.child_by_field_name("property") else { continue };
        let edits = decision.ok().map(|u| {
            let new = constant_of_runtime(&u.target);
            let mut edits = vec![Edit::replace(prop.byte_range(), new.clone())];
            // `Runtime.<same>.bundlingImage` inside the users' props follows the new runtime.
            for &(other, c) in &runtimes {
                let member = other.parent().is_some_and(|p| p.kind() == "member_expression" && p.child_by_field_name("object") == Some(other));
                if other != node && c == constant && member && users.iter().any(|f| within(other, f)) {
                    if let Some(p) = other.child_by_field_name("property") {
                        edits.push(Edit::replace(p.byte_range(), new.clone()));
                    }
                }
            }
            edits
        });
        out.push(META.finding(prop.start_byte(), message, edits));
    }
    out
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

/// True when `node` is an item of a `compatibleRuntimes: [...]` list (a layer's metadata).
fn in_compatible_runtimes<'a>(doc: &Document<'a>, node: Node<'a>) -> bool {
    let Some(array) = doc.parent(node).filter(|p| p.kind() == "array") else { return false };
    doc.parent(array).filter(|p| p.kind() == "pair").and_then(|p| p.child_by_field_name("key")).is_some_and(|k| doc.text(k).trim_matches(['\'', '"']) == "compatibleRuntimes")
}

/// The name of `const NAME = <node>`.
fn const_name<'a>(doc: &Document<'a>, node: Node) -> Option<&'a str> {
    let decl = node.parent().filter(|p| p.kind() == "variable_declarator")?;
    (decl.child_by_field_name("value") == Some(node)).then(|| decl.child_by_field_name("name").map(|n| doc.text(n)))?
}

/// True when `constant` starts with a word every spelling [`runtime_of_constant`] knows
/// starts with (the cheap part of its test).
fn runtime_constant_head(constant: &str) -> bool {
    let head = constant.split('_').next().unwrap_or_default();
    matches!(head, "NODEJS" | "PYTHON" | "JAVA" | "GO" | "DOTNET" | "RUBY" | "PROVIDED")
}

/// `NODEJS_18_X` → `nodejs18.x`, `PYTHON_3_9` → `python3.9`, `JAVA_8_CORRETTO` → `java8.al2`.
fn runtime_of_constant(constant: &str) -> Option<String> {
    // Every spelling below starts with one of these words: a cheap test first (this runs on
    // the property of every member expression of a file that mentions `Runtime`).
    if !runtime_constant_head(constant) {
        return None;
    }
    let parts: Vec<&str> = constant.split('_').collect();
    let id = match parts.as_slice() {
        ["NODEJS"] => "nodejs".to_string(),
        ["NODEJS", major, "X"] => format!("nodejs{major}.x"),
        ["NODEJS", major, minor] => format!("nodejs{major}.{minor}"),
        ["PYTHON", major, minor] => format!("python{major}.{minor}"),
        ["JAVA", "8", "CORRETTO"] => "java8.al2".into(),
        ["JAVA", major] => format!("java{major}"),
        ["GO", "1", "X"] => "go1.x".into(),
        ["DOTNET", "CORE", major] => format!("dotnetcore{major}.0"),
        ["DOTNET", "CORE", major, minor] => format!("dotnetcore{major}.{minor}"),
        ["DOTNET", major] => format!("dotnet{major}"),
        ["RUBY", major, minor] => format!("ruby{major}.{minor}"),
        ["PROVIDED"] => "provided".into(),
        ["PROVIDED", "AL2"] => "provided.al2".into(),
        _ => return None,
    };
    Some(id)
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

    fn target(current: &str, day: &str) -> Option<String> {
        let options = Options::default();
        let ctx = Ctx { day: day.into(), options: &options };
        decide(current, &ctx, &[]).map(|d| d.map_or_else(|e| format!("error: {e}"), |u| u.target))
    }

    #[test]
    fn decides_by_the_lifecycle_data_and_the_day() {
        let day = "2026-11-30";
        assert_eq!(target("nodejs18.x", day).as_deref(), Some("nodejs24.x"));
        assert_eq!(target("nodejs20.x", day).as_deref(), Some("nodejs24.x"));
        assert_eq!(target("nodejs22.x", day), None);
        assert_eq!(target("nodejs22.x", "2027-04-30").as_deref(), Some("nodejs24.x"));
        assert_eq!(target("python3.9", day).as_deref(), Some("python3.14"));
        assert_eq!(target("python3.11", day), None, "deprecated on 2027-06-30 (cfn-lint 1.58)");
        assert_eq!(target("python3.11", "2027-06-30").as_deref(), Some("python3.14"));
        assert_eq!(target("java17", day), None);
        assert_eq!(target("java8", day).as_deref(), Some("java25"));
        assert_eq!(target("dotnet8", day).as_deref(), Some("dotnet10"));
        assert_eq!(target("dotnet8", "2026-11-09"), None);
        assert_eq!(target("go1.x", day).as_deref(), Some("provided.al2023"));
        assert_eq!(target("provided.al2", day).as_deref(), Some("provided.al2023"));
        assert_eq!(target("ruby3.2", day).as_deref(), Some("ruby4.0"));
        assert_eq!(target("nodejs24.x", day), None);
        assert_eq!(target("unknown1.0", day), None);
    }

    #[test]
    fn options_pick_targets_and_the_day() {
        let mut options = Options::default();
        options.0.insert("python".into(), "python3.13".into());
        let ctx = Ctx { day: "2026-11-30".into(), options: &options };
        assert_eq!(decide("python3.9", &ctx, &[]).unwrap().ok().unwrap().target, "python3.13");
        options.0.insert("python".into(), "python3.10".into());
        let ctx = Ctx { day: "2026-11-30".into(), options: &options };
        assert!(decide("python3.9", &ctx, &[]).unwrap().is_err(), "a deprecated target is refused");
        assert!(rt::day_of("soon").is_err());
    }

    #[test]
    fn docs_name_the_data_version() {
        let docs = include_str!("lambda_runtime_upgrade.rs");
        assert!(docs.contains(&format!("cfn-lint\n//! {}", rt::lifecycle_source_version())) || docs.contains(&format!("cfn-lint {}", rt::lifecycle_source_version())), "update the docs when the data moves");
    }

    #[test]
    fn constants_round_trip() {
        assert_eq!(runtime_of_constant("NODEJS_18_X").as_deref(), Some("nodejs18.x"));
        assert_eq!(runtime_of_constant("JAVA_17").as_deref(), Some("java17"));
        assert_eq!(runtime_of_constant("PROVIDED_AL2").as_deref(), Some("provided.al2"));
        assert_eq!(constant_of_runtime("nodejs24.x"), "NODEJS_24_X");
        assert_eq!(constant_of_runtime("python3.13"), "PYTHON_3_13");
        assert_eq!(constant_of_runtime("provided.al2023"), "PROVIDED_AL2023");
        assert_eq!(constant_of_runtime("ruby4.0"), "RUBY_4_0");
        assert_eq!(constant_of_runtime("dotnet10"), "DOTNET_10");
        assert_eq!(runtime_of_constant("SYNTHETICS_NODEJS_PUPPETEER_7_0"), None);
    }
}
