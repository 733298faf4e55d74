//! ## What it fixes
//! Broad data-access grants to Lambda functions that the function's own handler code
//! shows it does not need: `bucket.grantReadWrite(fn)` for a function that only reads
//! the bucket, `table.grantFullAccess(fn)` for one that only writes, IAM statements with
//! `Action: s3:*` / `dynamodb:*` for a function that makes three S3 calls.
//!
//! ## Why
//! Least privilege: a compromised or buggy function can only do what its role allows.
//! `grantReadWrite` lets a read-only report generator delete every object; `s3:*` lets it
//! change the bucket policy. cdk-nag AwsSolutions-IAM5 and checkov CKV_AWS_111 /
//! CKV_AWS_355 flag wildcard actions.
//!
//! ## Evidence (how the handler code is found and read)
//! - CDK: the grant's receiver resolves to an `s3.Bucket`, `dynamodb.Table`/`TableV2` or
//!   `kinesis.Stream` constructed in the same file (by its binding: `const x`, `this.x`);
//!   the grantee to a `lambda.Function`, `SingletonFunction`, `NodejsFunction` or
//!   `PythonFunction` of the same file (by binding, by `fn.role`, or an `iam.Role` made in
//!   the file, assumed by `lambda.amazonaws.com` only, that is the `role:` of functions of
//!   the file: then all of them count). Other grantees are not reported.
//! - Handler code: `Code.fromAsset(dir)` (+ `handler: 'file.fn'` → `dir/file.{js,mjs,cjs,ts,py}`;
//!   when that file is missing every source file in `dir`), `entry:` of `NodejsFunction`
//!   (default `<stack>.<id>.ts`) and `PythonFunction` (`entry` dir + `index`), and
//!   `Code.fromInline(…)` strings. Local imports of the handler (`./db`, `from utils import`)
//!   are read too. Paths may be literals, `path.join(__dirname, '../lambda')` /
//!   `path.resolve(…)` / `` `${__dirname}/x` `` or a `const` holding one; `__dirname` paths
//!   are relative to the stack file, others to the project root (the nearest folder with
//!   `cdk.json`, `package.json` or `cdktf.json`), falling back to the stack file's folder
//!   and its two parents. CloudFormation: SAM `CodeUri: dir` / `InlineCode`, Lambda
//!   `Code: { ZipFile: … }` (plain, `!Sub`, `Fn::Join`) or `Code: dir`, relative to the
//!   template. CDKTF: `filename: archive.outputPath` of a `DataArchiveFile`
//!   (`sourceDir`/`sourceFile`) or `asset.path` of a `TerraformAsset`.
//! - The code is read by a small lexer (JS/TS and Python; comments skipped, strings and
//!   template substitutions understood), not executed. It finds SDK clients (JS v2
//!   `new AWS.S3()`/`DocumentClient`, v3 `new S3Client()`/`DynamoDBDocumentClient.from()`,
//!   boto3 `client('s3')`/`resource('dynamodb').Table(…)`/`s3.Object(…)`), their calls
//!   (`s3.getObject(`, `send(new PutObjectCommand(`, lib-dynamodb `GetCommand`,
//!   lib-storage `Upload`, `table.put_item(`, `batch_writer()`, `upload_file`, presigned
//!   URLs by operation name), and environment variable reads (`process.env.X`,
//!   `os.environ['X']`, `os.environ.get('X')`, `os.getenv('X')`, `const { X } = process.env`)
//!   followed through variables assigned from them (`const params = { Bucket: BUCKET }`).
//! - CDK ties a call to the granted resource through the function's `environment` (an
//!   object literal or a `const` holding one, or `addEnvironment`): `INPUT_BUCKET:
//!   bucket.bucketName` and a call whose arguments (or client, e.g. boto3
//!   `Table(os.environ['TABLE'])`) use `INPUT_BUCKET`; in `Code.fromInline` template
//!   literals, a `${table.tableName}` substitution ties the same way. A call that uses no
//!   such name counts for the granted resource only when the function has no environment
//!   variable naming another resource of that service; otherwise the grant is left alone.
//! - Textract, Rekognition, Athena and Transcribe read (Athena also writes) S3 objects
//!   with the caller's credentials: a call to them that may use the bucket blocks S3
//!   narrowing.
//!
//! ## Rules
//! - CDK, S3 `grantReadWrite`: reads only → `grantRead`; writes only → `grantPut` (only
//!   puts/uploads), `grantDelete` (only deletes) or `grantWrite`. DynamoDB
//!   `grantReadWriteData`/`grantFullAccess`: → `grantReadData` / `grantWriteData`, and
//!   `grantFullAccess` with reads and writes → `grantReadWriteData`. Kinesis
//!   `grantReadWrite` → `grantRead` / `grantWrite`. Reads and writes → unchanged, no
//!   finding. (SQS queues and SNS topics have no read-write grant to narrow.)
//! - CloudFormation/SAM and CDKTF: an `Allow` statement whose `Action` is `s3:*`,
//!   `dynamodb:*` or `kinesis:*` (a string or a one-item list) in the policies of a
//!   function's role (`AWS::IAM::Role` `Policies`, `AWS::IAM::Policy`/`ManagedPolicy` with
//!   `Roles: [!Ref Role]`, SAM `Policies` inline statements; CDKTF `IamRolePolicy`,
//!   `IamPolicy` + `IamRolePolicyAttachment`, `IamRole` `inlinePolicy`, with
//!   `JSON.stringify({…})` or a `DataAwsIamPolicyDocument`) → the sorted list of actions
//!   the handler code of every function using that role performs on the service (the
//!   union over the service: the statement's `Resource` is not changed). Roles that
//!   other services may assume too are left alone. When `s3:ListBucket` is needed and
//!   every `Resource` is an object ARN (`…/*`), the finding is reported without a fix:
//!   the statement also needs the bucket ARN.
//! - Never narrowed (finding without fix, saying why): handler code not in the repository
//!   (e.g. "handler asset 'lambda' not in the repository", `Code.fromBucket`, a built
//!   `.zip`), a call of the service the table does not know (`s3.putBucketPolicy`,
//!   `transactWrite`), a call that cannot be tied to one resource, or no call at all.
//!
//! ## Before → after
//! ```ts
//! // lambda/index.ts: s3.send(new GetObjectCommand({ Bucket: process.env.INPUT_BUCKET, … }))
//! bucket.grantReadWrite(fn);   // → bucket.grantRead(fn);
//! ```
//! ```yaml
//! - Effect: Allow
//!   Action: s3:*               # → Action:
//!   Resource: …                #     - s3:GetObject
//!                              #     - s3:PutObject
//! ```
//! The message cites the evidence as `path:line` of each SDK call (paths relative to the
//! folder they were resolved from; inline code: the stack or template file's line).
//!
//! ## Applicability
//! review: the evidence is a static reading of handler code; code paths it cannot see
//! (dynamic client method names, calls in dependencies) would lose permissions.
//!
//! ## Known gaps
//! SAM policy templates (`S3CrudPolicy` → `S3ReadPolicy`) are not narrowed; grants to
//! functions or roles defined in another file or passed in as props are not followed (a
//! role used by functions of other files would be narrowed for this file's functions
//! only); statements listing several actions (`["s3:*", "logs:*"]`) are left alone; IAM
//! statements are narrowed to the union of the service's actions across the role's
//! functions, not per bucket or table; SQS/SNS (`grant(fn, 'sqs:*')`) are not handled.
//! Calls the lexer cannot see (dynamic method names, SDK calls inside installed
//! packages, a bucket name passed to another service with its own role) are the reason
//! this is `review`.
//!
//! ## Equivalent checks
//! cdk-nag AwsSolutions-IAM5; checkov CKV_AWS_111, CKV_AWS_355.

use crate::edit::{Applicability, Edit, Finding};
use crate::files::{boundary, is_within, project_root, read_text_file};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::ts::TsFile;
use crate::lang::{descendants, named_children, Syntax};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

pub struct LeastPrivilegeGrants;
pub static TRANSFORM: LeastPrivilegeGrants = LeastPrivilegeGrants;

static META: Meta = Meta {
    id: "least-privilege-grants",
    title: "Narrow read-write grants and `s3:*`/`dynamodb:*` statements to what the handler code does",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["AwsSolutions-IAM5", "CKV_AWS_111", "CKV_AWS_355"],
    options: &[],
};

impl Transform for LeastPrivilegeGrants {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc),
            Flavor::CdktfTs => check_cdktf(doc),
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
        }
    }
}

const MAX_FILE: u64 = 512 * 1024;
const MAX_FILES: usize = 60;
const SOURCE_EXTS: &[&str] = &["ts", "js", "mjs", "cjs", "mts", "py"];
const ROOT_MARKERS: &[&str] = &["cdk.json", "cdktf.json", "package.json"];

// ---------------------------------------------------------------------------
// Finding files.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    /// `__dirname`: the stack file's folder.
    Dir,
    /// A path relative to the project root (where `cdk synth` runs).
    Project,
}

/// The folders a path written in `doc` may be relative to, most likely first.
fn bases(doc: &Document, base: Base) -> Vec<PathBuf> {
    let dir = doc.path.parent().unwrap_or(Path::new("")).to_path_buf();
    if base == Base::Dir {
        return vec![dir];
    }
    let mut out: Vec<PathBuf> = project_root(doc.path, ROOT_MARKERS).into_iter().collect();
    for d in [dir.clone(), dir.join(".."), dir.join("../..")] {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// `a/./b/` → `a/b`.
fn tidy(rel: &str) -> String {
    rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

/// The handler path, when it exists inside the repository (see `files::boundary`).
fn locate(doc: &Document, base: Base, rel: &str) -> Option<PathBuf> {
    let rel = tidy(rel);
    let root = boundary(doc.path, ROOT_MARKERS);
    bases(doc, base).into_iter().map(|b| b.join(&rel)).find(|p| p.exists() && is_within(p, &root))
}

fn load(root: &Path, path: &Path, label: &str) -> Option<Source> {
    // Followed imports stay in the repository (see `files::boundary`).
    if !is_within(path, root) {
        return None;
    }
    let text = read_text_file(path, MAX_FILE)?;
    Some(Source::file(label.to_string(), text))
}

/// A handler file and, transitively, the local modules it imports.
fn load_with_imports(root: &Path, path: &Path, label: &str, out: &mut Vec<Source>, seen: &mut BTreeSet<PathBuf>) {
    if out.len() >= MAX_FILES || !seen.insert(path.to_path_buf()) {
        return;
    }
    let Some(src) = load(root, path, label) else { return };
    let dir = path.parent().unwrap_or(Path::new(""));
    let label_dir = label.rsplit_once('/').map_or("", |(d, _)| d);
    let python = src.python;
    let tokens = tokenize(&src.text, src.python);
    let sc = Scan { t: &tokens };
    let mut modules = Vec::new();
    for k in 0..tokens.len() {
        if src.python {
            if sc.is(k, "from") || (sc.is(k, "import") && (k == 0 || src.line(tokens[k - 1].off) != src.line(tokens[k].off))) {
                let mut j = k + 1;
                while sc.p(j, '.') {
                    j += 1;
                }
                let mut name = Vec::new();
                while let Some(w) = sc.id(j) {
                    name.push(w);
                    if !sc.p(j + 1, '.') {
                        break;
                    }
                    j += 2;
                }
                if !name.is_empty() {
                    modules.push(format!("{}.py", name.join("/")));
                }
            }
        } else if let Some(m) = sc.s(k) {
            let imports = (k >= 1 && sc.is(k - 1, "from")) || (k >= 2 && sc.p(k - 1, '(') && (sc.is(k - 2, "require") || sc.is(k - 2, "import")));
            if imports && m.starts_with('.') {
                modules.push(m.to_string());
            }
        }
    }
    out.push(src);
    for m in modules {
        let candidates: Vec<String> = if python || Path::new(&m).extension().is_some_and(|e| SOURCE_EXTS.contains(&e.to_str().unwrap_or(""))) {
            vec![m.clone()]
        } else {
            let m = m.trim_end_matches('/');
            SOURCE_EXTS[..5].iter().map(|e| format!("{m}.{e}")).chain(SOURCE_EXTS[..5].iter().map(|e| format!("{m}/index.{e}"))).collect()
        };
        if let Some(c) = candidates.iter().find(|c| dir.join(c.as_str()).is_file()) {
            let l = tidy(&format!("{label_dir}/{c}"));
            load_with_imports(root, &dir.join(c.as_str()), &l, out, seen);
        }
    }
}

/// The handler code of an asset folder: the handler's module and its imports, or every
/// source file when the module is not found.
fn load_asset(root: &Path, path: &Path, label: &str, handler_module: Option<&str>) -> Result<Vec<Source>, String> {
    if path.is_file() {
        if path.extension().is_some_and(|e| SOURCE_EXTS.contains(&e.to_str().unwrap_or(""))) {
            let mut out = Vec::new();
            load_with_imports(root, path, label, &mut out, &mut BTreeSet::new());
            return Ok(out);
        }
        return Err(format!("the handler asset '{label}' is a built archive, not source code"));
    }
    let mut out = Vec::new();
    if let Some(module) = handler_module {
        for ext in SOURCE_EXTS {
            let file = path.join(format!("{module}.{ext}"));
            if file.is_file() {
                load_with_imports(root, &file, &tidy(&format!("{label}/{module}.{ext}")), &mut out, &mut BTreeSet::new());
                return Ok(out);
            }
        }
    }
    let mut stack = vec![(path.to_path_buf(), label.to_string())];
    while let Some((dir, l)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            let child = tidy(&format!("{l}/{name}"));
            if p.is_dir() {
                if !matches!(name.as_str(), "node_modules" | "__pycache__" | "tests" | "test" | "__tests__" | "dist" | "cdk.out") && !name.starts_with('.') {
                    stack.push((p, child));
                }
            } else if p.extension().is_some_and(|e| SOURCE_EXTS.contains(&e.to_str().unwrap_or(""))) && !name.ends_with(".d.ts") && !name.contains(".test.") {
                if out.len() >= MAX_FILES {
                    return Err(format!("the handler asset '{label}' holds too many files to read"));
                }
                out.extend(load(root, &p, &child));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("no handler source code in '{label}'"));
    }
    Ok(out)
}

/// Inline code in the file being fixed, starting at `offset`.
fn inline_source(doc: &Document, text: String, offset: usize, python: bool, single_line: bool) -> Source {
    let label = doc.path.file_name().map_or(String::new(), |n| n.to_string_lossy().to_string());
    let line = doc.line_of(offset);
    Source { label, text, python, pieces: vec![(0, line, single_line)] }
}

fn looks_python(code: &str, runtime: &str) -> bool {
    let runtime = runtime.to_ascii_lowercase();
    runtime.contains("python") || (!runtime.contains("node") && (code.contains("import boto3") || code.contains("def handler") || code.contains("def lambda_handler")))
}

// ---------------------------------------------------------------------------
// Deciding.
// ---------------------------------------------------------------------------

/// A function's name and its handler code, or why the code is not available.
type FunctionCode = (String, Result<Vec<Source>, String>);

/// The calls a grant is about, after tying them to the granted resource.
struct Evidence<'c> {
    mine: Vec<&'c SdkCall>,
    /// Calls we cannot classify or tie to a resource: any one blocks the narrowing.
    unsure: Vec<(&'c SdkCall, &'static str)>,
}

fn attribute<'c>(calls: &'c [SdkCall], service: Service, mine: Option<(&BTreeSet<String>, &BTreeSet<String>)>) -> Evidence<'c> {
    let mut ev = Evidence { mine: vec![], unsure: vec![] };
    if service == Service::S3 {
        for c in calls.iter().filter(|c| c.service == Service::S3User) {
            // Blocks unless it visibly uses another resource.
            let other = mine.is_some_and(|(names, others)| c.env.is_disjoint(names) && !c.env.is_disjoint(others));
            if !other {
                ev.unsure.push((c, "may read the bucket with the function's credentials"));
            }
        }
    }
    for c in calls.iter().filter(|c| c.service == service) {
        if let Some((names, others)) = mine {
            let uses_mine = !c.env.is_disjoint(names);
            if !uses_mine && !c.env.is_disjoint(others) {
                continue;
            }
            if !uses_mine && !others.is_empty() {
                ev.unsure.push((c, "cannot tell which resource it uses"));
                continue;
            }
        }
        if c.actions.is_none() {
            ev.unsure.push((c, "is not an operation this transform knows"));
        } else {
            ev.mine.push(c);
        }
    }
    ev
}

/// `s3:GetObject (lambda/index.ts:12, :30), s3:ListBucket (lambda/index.ts:20)`.
fn cite(calls: &[&SdkCall]) -> String {
    let mut by_action: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in calls {
        for a in c.actions.unwrap_or(&[]) {
            let sites = by_action.entry(a).or_default();
            if !sites.contains(&c.at.as_str()) {
                sites.push(&c.at);
            }
        }
    }
    by_action
        .iter()
        .map(|(a, sites)| {
            let shown: Vec<&str> = sites.iter().take(3).copied().collect();
            let more = if sites.len() > 3 { format!(", +{}", sites.len() - 3) } else { String::new() };
            format!("{a} ({}{more})", shown.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn actions(calls: &[&SdkCall]) -> BTreeSet<&'static str> {
    calls.iter().flat_map(|c| c.actions.unwrap_or(&[]).iter().copied()).collect()
}

fn labels(sources: &[Source]) -> String {
    let mut l: Vec<&str> = sources.iter().map(|s| s.label.as_str()).collect();
    l.dedup();
    if l.len() > 3 {
        format!("{} and {} more", l[..3].join(", "), l.len() - 3)
    } else {
        l.join(", ")
    }
}

// ---------------------------------------------------------------------------
// CDK.
// ---------------------------------------------------------------------------

const CDK_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
];

fn cdk_service(type_name: &str) -> Option<Service> {
    Some(match type_name {
        "aws-cdk-lib/aws-s3.Bucket" => Service::S3,
        "aws-cdk-lib/aws-dynamodb.Table" | "aws-cdk-lib/aws-dynamodb.TableV2" => Service::Dynamo,
        "aws-cdk-lib/aws-kinesis.Stream" => Service::Kinesis,
        _ => return None,
    })
}

/// The narrower grant for what the handler does, `None` when nothing narrower fits.
fn narrower(service: Service, method: &str, acts: &BTreeSet<&str>) -> Option<&'static str> {
    let reads = acts.iter().any(|a| !is_write(a));
    let writes = acts.iter().any(|a| is_write(a));
    match (service, reads, writes) {
        (_, false, false) => None,
        (Service::S3, true, false) => Some("grantRead"),
        (Service::S3, false, true) => {
            if acts.iter().all(|a| matches!(*a, "s3:PutObject" | "s3:AbortMultipartUpload" | "s3:PutObjectTagging")) {
                Some("grantPut")
            } else if acts.iter().all(|a| *a == "s3:DeleteObject") {
                Some("grantDelete")
            } else {
                Some("grantWrite")
            }
        }
        (Service::Dynamo, true, false) => Some("grantReadData"),
        (Service::Dynamo, false, true) => Some("grantWriteData"),
        (Service::Dynamo, true, true) if method == "grantFullAccess" => Some("grantReadWriteData"),
        (Service::Kinesis, true, false) => Some("grantRead"),
        (Service::Kinesis, false, true) => Some("grantWrite"),
        _ => None,
    }
}

fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    // Functions with their `role:` text, read once for all grant calls.
    let functions: std::cell::OnceCell<Vec<(&Resource, Option<&str>)>> = Default::default();
    let (granting, first_bound) = (std::cell::OnceCell::new(), std::cell::OnceCell::new());
    for call in &ts.calls {
        let method = doc.text(call.method);
        if !matches!(method, "grantReadWrite" | "grantFullAccess" | "grantReadWriteData") {
            continue;
        }
        let receiver = doc.text(call.receiver).trim_end_matches('!');
        // Bound resources of the granting services, (binding, service), read once.
        let granting = granting.get_or_init(|| doc.resources.iter().filter_map(|r| Some((r.binding.as_deref()?, cdk_service(&r.type_name)?))).collect::<Vec<_>>());
        // The first resource bound to the receiver decides, as in the source.
        let first_bound = first_bound.get_or_init(|| {
            let mut m = HashMap::new();
            for r in &doc.resources {
                if let Some(b) = r.binding.as_deref() {
                    m.entry(b).or_insert(r);
                }
            }
            m
        });
        let Some(res) = first_bound.get(receiver) else { continue };
        let Some(service) = cdk_service(&res.type_name) else { continue };
        let fits = match service {
            Service::Dynamo => method != "grantReadWrite",
            _ => method == "grantReadWrite",
        };
        let Some(grantee) = ts.args(call.arguments).first().map(|a| a.text().trim_end_matches('!').to_string()) else { continue };
        if !fits {
            continue;
        }
        let function_of_role = grantee.strip_suffix(".role").map(|g| g.trim_end_matches('!'));
        let fns: Vec<&Resource> = functions
            .get_or_init(|| doc.of_types(CDK_FUNCTIONS).into_iter().map(|f| (f, f.props.and_then(|p| p.get("role")).map(|r| r.text()))).collect())
            .iter()
            .filter(|(f, role)| {
                let b = f.binding.as_deref();
                b == Some(grantee.as_str()) || (function_of_role.is_some() && b == function_of_role) || *role == Some(grantee.as_str())
            })
            .map(|(f, _)| *f)
            .collect();
        if fns.is_empty() {
            continue;
        }
        if !fns.iter().any(|f| f.binding.as_deref() == Some(grantee.as_str()) || f.binding.as_deref() == function_of_role) {
            // A role shared by functions: it must be made here, for Lambda only.
            let Some(role) = doc.of_type("aws-cdk-lib/aws-iam.Role").find(|r| r.binding.as_deref() == Some(grantee.as_str())) else { continue };
            let trust = role.props.and_then(|p| p.get("assumedBy")).map_or("", |t| t.text());
            if !trust.contains("lambda.amazonaws.com") || trust.matches("amazonaws.com").count() != trust.matches("lambda.amazonaws.com").count() {
                continue;
            }
        }
        let shown = format!("`{receiver}.{method}({grantee})`");
        let at = call.method.start_byte();
        // Environment variables naming this resource, and other resources of the service.
        let others: Vec<&str> = granting.iter().filter(|(b, s)| *s == service && *b != receiver).map(|(b, _)| *b).collect();
        let mut calls = Vec::new();
        let mut sources = Vec::new();
        let mut missing = None;
        let (mut mine_env, mut other_env) = (BTreeSet::new(), BTreeSet::new());
        for f in &fns {
            for (name, value) in cdk_environment(doc, ts, f) {
                if mentions(&value, receiver) {
                    mine_env.insert(name);
                } else if others.iter().any(|o| mentions(&value, o)) {
                    other_env.insert(name);
                }
            }
            match cdk_code(doc, ts, f) {
                Ok(s) => sources.extend(s),
                Err(e) => {
                    let name = f.binding.as_deref().or(f.logical_id.as_deref()).unwrap_or("function");
                    missing = Some(if fns.len() > 1 { format!("function `{name}`: {e}") } else { e });
                    break;
                }
            }
        }
        if let Some(why) = missing {
            out.push(META.finding(at, format!("{shown} may be broader than needed, but it is not narrowed: {why}"), None));
            continue;
        }
        for s in &sources {
            calls.extend(scan(s).calls);
        }
        for name in calls.iter().flat_map(|c| c.env.iter()).filter(|n| n.starts_with("${")) {
            if mentions(name, receiver) {
                mine_env.insert(name.clone());
            } else if others.iter().any(|o| mentions(name, o)) {
                other_env.insert(name.clone());
            }
        }
        let ev = attribute(&calls, service, Some((&mine_env, &other_env)));
        if let Some((c, why)) = ev.unsure.first() {
            out.push(META.finding(at, format!("{shown} not narrowed: the handler's {} call `{}` at {} {why}", c.service.name(), c.written, c.at), None));
            continue;
        }
        if ev.mine.is_empty() {
            out.push(META.finding(at, format!("{shown} not narrowed: no {} call on `{receiver}` found in the handler code ({})", service.name(), labels(&sources)), None));
            continue;
        }
        let acts = actions(&ev.mine);
        let Some(new) = narrower(service, method, &acts) else { continue };
        let what = if acts.iter().all(|a| !is_write(a)) { "only reads" } else if acts.iter().all(|a| is_write(a)) { "only writes" } else { "reads and writes" };
        let message = format!("{shown}: the handler {what} `{receiver}` ({}); narrowed to `{new}`", cite(&ev.mine));
        out.push(META.finding(at, message, Some(vec![Edit::replace(call.method.byte_range(), new)])));
    }
    out
}

/// True when `expr` uses `binding` (`bucket.bucketName`, `` `${this.table.tableName}` ``).
fn mentions(expr: &str, binding: &str) -> bool {
    expr.match_indices(binding).any(|(i, _)| {
        let before = expr[..i].chars().next_back();
        let after = expr[i + binding.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') && after.is_some_and(|c| c == '.' || c == '!' || c == '?')
    })
}

/// (name, value text) of the function's environment variables.
fn cdk_environment(doc: &Document, ts: &TsFile, f: &Resource) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let env = f.props.and_then(|p| p.get("environment"));
    // `environment` may name a `const` object shared by several functions.
    let env = env.and_then(|e| if e.node.kind() == "identifier" || e.node.kind() == "shorthand_property_identifier" { const_value(doc, e.text()) } else { Some(e) });
    if let Some(env) = env.and_then(|e| e.as_map()) {
        for e in env.entries() {
            if let Some(v) = e.value {
                out.push((env.key_text(&e), v.text().to_string()));
            }
        }
    }
    if let Some(b) = f.binding.as_deref() {
        for c in ts.calls_on(b, "addEnvironment") {
            let args = ts.args(c.arguments);
            if let (Some(k), Some(v)) = (args.first().and_then(|a| a.as_str()), args.get(1)) {
                out.push((k, doc.text(v.node).to_string()));
            }
        }
    }
    out
}

fn cdk_code(doc: &Document, ts: &TsFile, f: &Resource) -> Result<Vec<Source>, String> {
    let props = f.props.ok_or("the function's props are not an object literal")?;
    let ty = f.type_name.as_ref();
    let str_prop = |k: &str| props.get(k).and_then(|v| v.as_str());
    if ty.ends_with(".NodejsFunction") {
        let (base, rel) = match props.get("entry") {
            Some(e) => eval_path(doc, e.node, 0).ok_or_else(|| format!("the entry `{}` is not a path this transform can resolve", e.text()))?,
            None => {
                let stem = doc.path.file_stem().map_or(String::new(), |s| s.to_string_lossy().to_string());
                let id = f.logical_id.as_deref().ok_or("the NodejsFunction has no `entry` and no literal id")?;
                (Base::Dir, format!("{stem}.{id}.ts"))
            }
        };
        let path = locate(doc, base, &rel).ok_or_else(|| format!("the handler entry '{rel}' is not in the repository"))?;
        return load_asset(&boundary(doc.path, ROOT_MARKERS), &path, &tidy(&rel), None);
    }
    if ty.ends_with(".PythonFunction") {
        let e = props.get("entry").ok_or("the PythonFunction has no `entry`")?;
        let (base, rel) = eval_path(doc, e.node, 0).ok_or_else(|| format!("the entry `{}` is not a path this transform can resolve", e.text()))?;
        let path = locate(doc, base, &rel).ok_or_else(|| format!("the handler folder '{rel}' is not in the repository"))?;
        let index = str_prop("index").unwrap_or_else(|| "index.py".into());
        return load_asset(&boundary(doc.path, ROOT_MARKERS), &path, &tidy(&rel), Some(index.trim_end_matches(".py")));
    }
    let code = props.get("code").ok_or("the function has no `code`")?;
    let (callee, args) = match code.node.kind() {
        "call_expression" => (code.node.child_by_field_name("function"), code.node.child_by_field_name("arguments")),
        "new_expression" => (code.node.child_by_field_name("constructor"), code.node.child_by_field_name("arguments")),
        _ => (None, None),
    };
    let (Some(callee), Some(args)) = (callee, args) else {
        return Err(format!("its code `{}` is not a `Code.fromAsset`/`Code.fromInline` call", code.text()));
    };
    let name = ts.resolve(callee).unwrap_or_else(|| doc.text(callee).to_string());
    let kind = name.rsplit('.').next().unwrap_or("");
    let arg = ts.args(args).into_iter().next();
    let runtime = props.get("runtime").map_or("", |r| r.text());
    match kind {
        "fromAsset" | "asset" | "AssetCode" => {
            let arg = arg.ok_or("`Code.fromAsset` has no path")?;
            let (base, rel) = eval_path(doc, arg.node, 0).ok_or_else(|| format!("the asset path `{}` is not a path this transform can resolve", arg.text()))?;
            let path = locate(doc, base, &rel).ok_or_else(|| format!("handler asset '{}' not in the repository", tidy(&rel)))?;
            let handler = str_prop("handler");
            let module = handler.as_deref().and_then(|h| h.rsplit_once('.')).map(|(m, _)| m);
            load_asset(&boundary(doc.path, ROOT_MARKERS), &path, &tidy(&rel), module)
        }
        "fromInline" | "inline" | "InlineCode" => {
            let arg = arg.ok_or("`Code.fromInline` has no code")?;
            // `Code.fromInline(handlerCode)` with `const handlerCode = `…``.
            let literal = if arg.node.kind() == "identifier" {
                const_value(doc, arg.text())
            } else {
                Some(arg)
            };
            let literal = literal.filter(|l| matches!(l.node.kind(), "string" | "template_string"));
            let literal = literal.ok_or_else(|| format!("the inline code `{}` is not a literal", arg.text()))?;
            let text = match literal.node.kind() {
                "string" => literal.as_str().unwrap_or_default(),
                _ => {
                    let t = literal.text();
                    template_code(&t[1..t.len().saturating_sub(1).max(1)])
                }
            };
            let arg = literal;
            let start = arg.node.start_byte() + 1;
            let python = looks_python(&text, runtime);
            Ok(vec![inline_source(doc, text, start, python, false)])
        }
        _ => Err(format!("its code comes from `{}`, not from this repository", doc.text(callee))),
    }
}

/// The value of `const name = …` in the file (the first declaration of that name).
fn const_value<'a>(doc: &Document<'a>, name: &str) -> Option<ValueNode<'a>> {
    descendants(doc.parsed.root())
        .into_iter()
        .find(|d| d.kind() == "variable_declarator" && d.child_by_field_name("name").is_some_and(|n| doc.text(n) == name))
        .and_then(|d| d.child_by_field_name("value"))
        .map(|v| ValueNode::new(doc.parsed, v))
}

/// The code a template literal evaluates to: escapes undone (`\``, `\${`), and each
/// `${expr}` substitution kept as `\u{1}expr\u{1}` so that a string holding
/// `${table.tableName}` counts as naming that resource. Line breaks are kept.
fn template_code(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&(_, n)) if matches!(n, '`' | '$' | '\\') => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            },
            '$' if raw[i + 1..].starts_with('{') => {
                let end = matching_brace(raw, i + 1);
                out.push('\u{1}');
                out.push_str(&raw[(i + 2).min(end)..end]);
                out.push('\u{1}');
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A path expression: `'lambda'`, `path.join(__dirname, '../lambda')`, `` `${__dirname}/x` ``,
/// or a `const` holding one.
fn eval_path(doc: &Document, node: tree_sitter::Node, depth: usize) -> Option<(Base, String)> {
    if depth > 3 {
        return None;
    }
    let v = ValueNode::new(doc.parsed, node);
    match v.node.kind() {
        "string" => Some((Base::Project, v.as_str()?)),
        "template_string" => {
            let t = v.text();
            let inner = &t[1..t.len() - 1];
            if let Some(rest) = inner.strip_prefix("${__dirname}") {
                (!rest.contains("${")).then(|| (Base::Dir, rest.to_string()))
            } else {
                (!inner.contains("${")).then(|| (Base::Project, inner.to_string()))
            }
        }
        "identifier" => {
            let name = v.text();
            if name == "__dirname" {
                return Some((Base::Dir, String::new()));
            }
            eval_path(doc, const_value(doc, name)?.node, depth + 1)
        }
        "call_expression" => {
            let f = doc.text(v.node.child_by_field_name("function")?);
            if !matches!(f, "path.join" | "path.resolve" | "join" | "resolve" | "path.posix.join" | "posix.join") {
                return None;
            }
            let args = named_children(v.node.child_by_field_name("arguments")?);
            let mut base = Base::Project;
            let mut parts = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let text = doc.text(*a);
                if i == 0 && (text == "process.cwd()" || text == "'.'" || text == "\".\"") {
                    continue;
                }
                let (b, p) = eval_path(doc, *a, depth + 1)?;
                if b == Base::Dir {
                    if i != 0 {
                        return None;
                    }
                    base = Base::Dir;
                }
                if p.starts_with('/') {
                    return None;
                }
                parts.push(p);
            }
            Some((base, parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/")))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// IAM statements (CloudFormation and CDKTF).
// ---------------------------------------------------------------------------

/// How a statement's keys are spelled: IAM JSON (`Effect`, `Action`, `Resource`) or
/// CDKTF's `DataAwsIamPolicyDocument` (`effect`, `actions`, `resources`).
struct Keys {
    effect: &'static str,
    action: &'static str,
    not_action: &'static str,
    resource: &'static str,
}

const JSON_KEYS: Keys = Keys { effect: "Effect", action: "Action", not_action: "NotAction", resource: "Resource" };
const DOC_KEYS: Keys = Keys { effect: "effect", action: "actions", not_action: "notActions", resource: "resources" };

/// The service of a statement that allows `s3:*`-style actions, with the action value.
fn broad_statement<'a>(stmt: MapNode<'a>, keys: &Keys) -> Option<(Service, ValueNode<'a>)> {
    if stmt.has(keys.not_action) {
        return None;
    }
    let effect = stmt.get(keys.effect).and_then(|e| e.as_str());
    if effect.as_deref().map(str::to_ascii_lowercase).as_deref() != Some("allow") && !(keys.effect == "effect" && effect.is_none()) {
        return None;
    }
    let action = stmt.get(keys.action)?;
    let text = match action.as_list() {
        Some(list) => match list.items().as_slice() {
            [only] => only.as_str()?,
            _ => return None,
        },
        None => action.as_str()?,
    };
    let service = Service::of_prefix(text.strip_suffix(":*")?)?;
    Some((service, action))
}

/// The finding for one broad statement used by `functions` (name, their code or why it is missing).
fn narrow_statement(stmt: MapNode, keys: &Keys, functions: &[FunctionCode], list_style: bool) -> Option<Finding> {
    let (service, action) = broad_statement(stmt, keys)?;
    let wildcard = format!("{}:*", service.prefix());
    let at = action.start();
    let names: Vec<&str> = functions.iter().map(|f| f.0.as_str()).collect();
    let shown = format!("`{wildcard}` for {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "));
    let mut calls = Vec::new();
    let mut sources = Vec::new();
    for (name, code) in functions {
        match code {
            Ok(s) => {
                for src in s {
                    calls.extend(scan(src).calls);
                }
                sources.extend(s.iter());
            }
            Err(why) => return Some(META.finding(at, format!("{shown} may be broader than needed, but it is not narrowed: function `{name}`: {why}"), None)),
        }
    }
    let ev = attribute(&calls, service, None);
    if let Some((c, why)) = ev.unsure.first() {
        return Some(META.finding(at, format!("{shown} not narrowed: the handler's {} call `{}` at {} {why}", c.service.name(), c.written, c.at), None));
    }
    if ev.mine.is_empty() {
        let l: Vec<&str> = sources.iter().map(|s| s.label.as_str()).collect();
        return Some(META.finding(at, format!("{shown} not narrowed: no {} call found in the handler code ({})", service.name(), l.join(", ")), None));
    }
    let acts: Vec<&str> = actions(&ev.mine).into_iter().collect();
    if acts.iter().any(|a| a.starts_with("s3:ListBucket")) {
        let resources: Vec<String> = match stmt.get(keys.resource) {
            Some(r) => match r.as_list() {
                Some(l) => l.items().iter().map(|i| i.text().to_string()).collect(),
                None => vec![r.text().to_string()],
            },
            None => vec![],
        };
        if !resources.is_empty() && resources.iter().all(|r| r.contains("/*")) {
            return Some(META.finding(at, format!("{shown}: the handler needs {}; narrow by hand: s3:ListBucket also needs the bucket ARN in `{}`, which lists only object ARNs", cite(&ev.mine), keys.resource), None));
        }
    }
    let edits = match action.as_list() {
        // `[s3:*]` keeps its shape and quotes: the item becomes the first action, the rest follow.
        Some(list) if list.node.kind() == "block_sequence" => {
            // YAML block list: new `- item` lines quoted like the existing item.
            let item = list.items()[0];
            let q = item.text().chars().next().filter(|c| *c == '\'' || *c == '"').map_or(String::new(), String::from);
            let doc = item.doc;
            let dash = doc.line_indent(item.start());
            let nl = doc.style.newline;
            let text: Vec<String> = acts.iter().map(|a| format!("{q}{a}{q}")).collect();
            vec![Edit::replace(item.start()..item.end(), text.join(&format!("{nl}{dash}- ")))]
        }
        Some(list) => {
            let mut edits = vec![list.items()[0].replace(&Value::str(acts[0]))];
            for a in &acts[1..] {
                edits.extend(list.push(&Value::str(*a)));
            }
            edits
        }
        None if acts.len() == 1 && !list_style => vec![action.replace(&Value::str(acts[0]))],
        None => vec![action.replace(&Value::List(acts.iter().map(|a| Value::str(*a)).collect()))],
    };
    let message = format!("{shown} narrowed to the actions the handler code uses: {}", cite(&ev.mine));
    Some(META.finding(at, message, Some(edits)))
}

/// Statement mappings of a policy document's `Statement` value (one map or a list).
fn statements<'a>(v: Option<ValueNode<'a>>) -> Vec<MapNode<'a>> {
    let Some(v) = v else { return vec![] };
    match v.as_list() {
        Some(l) => l.items().iter().filter_map(|i| i.as_map()).collect(),
        None => v.as_map().into_iter().collect(),
    }
}

// ---------------------------------------------------------------------------
// CloudFormation / SAM.
// ---------------------------------------------------------------------------

fn intrinsic_target(v: ValueNode) -> Option<(String, String)> {
    let (name, arg) = v.intrinsic()?;
    match name.as_str() {
        "Ref" => Some(("Ref".into(), arg.as_str()?)),
        "Fn::GetAtt" => {
            let target = match arg.as_list() {
                Some(l) => l.items().first()?.as_str()?,
                None => arg.as_str()?.split('.').next()?.to_string(),
            };
            Some(("GetAtt".into(), target))
        }
        _ => None,
    }
}

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let Some(template) = doc.template else { return vec![] };
    let resources: HashMap<String, &Resource> = doc.resources.iter().filter_map(|r| Some((r.logical_id.as_deref()?.to_string(), r))).collect();
    // Statement start → (statement, functions using it).
    let mut groups: BTreeMap<usize, (MapNode, Vec<String>)> = BTreeMap::new();
    fn add<'a>(stmt: MapNode<'a>, f: &str, groups: &mut BTreeMap<usize, (MapNode<'a>, Vec<String>)>) {
        let entry = groups.entry(stmt.node.start_byte()).or_insert((stmt, vec![]));
        if !entry.1.iter().any(|n| n == f) {
            entry.1.push(f.to_string());
        }
    }
    for f in doc.of_types(&["AWS::Lambda::Function", "AWS::Serverless::Function"]) {
        let Some(props) = f.props else { continue };
        let Some(fname) = f.logical_id.as_deref() else { continue };
        if f.type_name == "AWS::Serverless::Function" {
            if let Some(p) = props.get("Policies") {
                let items = match p.as_list() {
                    Some(l) => l.items(),
                    None => vec![p],
                };
                for item in items {
                    if let Some(m) = item.as_map() {
                        for s in statements(m.get("Statement")) {
                            add(s, fname, &mut groups);
                        }
                    }
                }
            }
        }
        let Some((_, role)) = props.get("Role").and_then(intrinsic_target) else { continue };
        let Some(role_res) = resources.get(&role) else { continue };
        if role_res.type_name != "AWS::IAM::Role" {
            continue;
        }
        let Some(role_props) = role_res.props else { continue };
        let trust = role_props.get("AssumeRolePolicyDocument").map_or("", |t| t.text());
        if trust.matches("amazonaws.com").count() != trust.matches("lambda.amazonaws.com").count() {
            continue;
        }
        if let Some(pols) = role_props.get("Policies").and_then(|p| p.as_list()) {
            for p in pols.items() {
                if let Some(m) = p.as_map() {
                    for s in statements(m.get_path(&["PolicyDocument", "Statement"])) {
                        add(s, fname, &mut groups);
                    }
                }
            }
        }
        for pol in doc.of_types(&["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
            let Some(pp) = pol.props else { continue };
            let attached = pp.get("Roles").and_then(|r| r.as_list()).is_some_and(|l| l.items().into_iter().any(|i| i.intrinsic().is_some_and(|(n, a)| n == "Ref" && a.as_str().as_deref() == Some(role.as_str()))));
            if attached {
                for s in statements(pp.get_path(&["PolicyDocument", "Statement"])) {
                    add(s, fname, &mut groups);
                }
            }
        }
    }
    let mut code_cache: HashMap<String, Result<Vec<Source>, String>> = HashMap::new();
    let mut out = Vec::new();
    for (stmt, fnames) in groups.values() {
        if broad_statement(*stmt, &JSON_KEYS).is_none() {
            continue;
        }
        let functions: Vec<FunctionCode> = fnames
            .iter()
            .map(|n| {
                let code = code_cache.entry(n.clone()).or_insert_with(|| cfn_code(doc, template, resources[n])).clone();
                (n.clone(), code)
            })
            .collect();
        out.extend(narrow_statement(*stmt, &JSON_KEYS, &functions, false));
    }
    out
}

impl Clone for Source {
    fn clone(&self) -> Source {
        Source { label: self.label.clone(), text: self.text.clone(), python: self.python, pieces: self.pieces.clone() }
    }
}

fn cfn_code(doc: &Document, template: MapNode, f: &Resource) -> Result<Vec<Source>, String> {
    let props = f.props.ok_or("no Properties")?;
    let global = |k: &str| template.get_path(&["Globals", "Function", k]);
    let runtime = props.get("Runtime").or_else(|| global("Runtime")).and_then(|r| r.as_str()).unwrap_or_default();
    let handler = props.get("Handler").or_else(|| global("Handler")).and_then(|r| r.as_str());
    let module = handler.as_deref().and_then(|h| h.rsplit_once('.')).map(|(m, _)| m.to_string());
    let sam = f.type_name == "AWS::Serverless::Function";
    let inline = if sam { props.get("InlineCode") } else { props.get_path(&["Code", "ZipFile"]) };
    if let Some(code) = inline {
        return cfn_inline(doc, code, &runtime).ok_or_else(|| "its inline code is not a string this transform can read".to_string());
    }
    let uri = if sam { props.get("CodeUri").or_else(|| global("CodeUri")) } else { props.get("Code") };
    let Some(uri) = uri else { return Err("its code location is not given".into()) };
    let Some(rel) = uri.as_str() else {
        return Err(format!("its code is in S3 (`{}`), not in the repository", if sam { "CodeUri" } else { "Code" }));
    };
    if rel.starts_with("s3://") {
        return Err(format!("its code is in S3 ('{rel}'), not in the repository"));
    }
    let dir = doc.path.parent().unwrap_or(Path::new("")).join(tidy(&rel));
    if !dir.exists() {
        return Err(format!("handler code '{}' not in the repository", tidy(&rel)));
    }
    load_asset(&boundary(doc.path, ROOT_MARKERS), &dir, &tidy(&rel), module.as_deref())
}

fn cfn_inline(doc: &Document, code: ValueNode, runtime: &str) -> Option<Vec<Source>> {
    if let Some((name, arg)) = code.intrinsic() {
        return match name.as_str() {
            "Fn::Sub" => {
                let body = arg.as_list().and_then(|l| l.items().first().copied()).unwrap_or(arg);
                cfn_inline(doc, body, runtime)
            }
            "Fn::Join" => {
                let items = arg.as_list()?.items();
                let sep = items.first()?.as_str()?;
                let parts = items.get(1)?.as_list()?.items();
                let mut text = String::new();
                let mut pieces = Vec::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        text.push_str(&sep);
                    }
                    let line = doc.line_of(p.start());
                    pieces.push((text.len(), line, true));
                    text.push_str(&p.as_str().unwrap_or_default());
                }
                let mut src = inline_source(doc, text, code.start(), false, true);
                src.python = looks_python(&src.text, runtime);
                src.pieces = pieces;
                Some(vec![src])
            }
            _ => None,
        };
    }
    let text = code.as_str()?;
    let block = code.node.kind() == "block_scalar";
    let single = doc.parsed.syntax == Syntax::Json || code.node.kind() == "double_quote_scalar";
    let start = if block { doc.parsed.line_end(code.node.start_byte()) + 1 } else { code.node.start_byte() };
    let python = looks_python(&text, runtime);
    Some(vec![inline_source(doc, text, start.min(doc.source().len()), python, single)])
}

// ---------------------------------------------------------------------------
// CDKTF.
// ---------------------------------------------------------------------------

const TF_LAMBDA: &str = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";
const TF_ROLE: &str = "@cdktf/provider-aws/lib/iam-role.IamRole";
const TF_ROLE_POLICY: &str = "@cdktf/provider-aws/lib/iam-role-policy.IamRolePolicy";
const TF_POLICY: &str = "@cdktf/provider-aws/lib/iam-policy.IamPolicy";
const TF_ATTACHMENT: &str = "@cdktf/provider-aws/lib/iam-role-policy-attachment.IamRolePolicyAttachment";
const TF_POLICY_DOC: &str = "@cdktf/provider-aws/lib/data-aws-iam-policy-document.DataAwsIamPolicyDocument";

fn by_binding<'d, 'a>(doc: &'d Document<'a>, binding: &str) -> Option<&'d Resource<'a>> {
    doc.resources.iter().find(|r| r.binding.as_deref() == Some(binding))
}

/// `x.arn` / `x.name` / `x.id` → `x`.
fn owner(text: &str) -> Option<&str> {
    let (b, _) = text.trim().rsplit_once('.')?;
    Some(b)
}

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    if doc.ts.is_none() {
        return vec![];
    }
    // Role binding → functions (name, code).
    let mut roles: BTreeMap<String, Vec<FunctionCode>> = BTreeMap::new();
    for f in doc.of_type(TF_LAMBDA) {
        let Some(props) = f.props else { continue };
        let Some(role) = props.get("role").and_then(|r| owner(r.text()).map(str::to_string)) else { continue };
        let name = f.binding.clone().or(f.logical_id.clone()).map_or("function".to_string(), |n| n.to_string());
        roles.entry(role).or_default().push((name, cdktf_code(doc, props)));
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (role, functions) in &roles {
        let Some(role_res) = by_binding(doc, role) else { continue };
        if role_res.type_name != TF_ROLE {
            continue;
        }
        let trust = role_res.props.and_then(|p| p.get("assumeRolePolicy")).map_or("", |t| t.text());
        if trust.matches("amazonaws.com").count() != trust.matches("lambda.amazonaws.com").count() {
            continue;
        }
        // Policy values attached to the role.
        let mut policies: Vec<ValueNode> = Vec::new();
        if let Some(inline) = role_res.props.and_then(|p| p.get("inlinePolicy")).and_then(|v| v.as_list()) {
            policies.extend(inline.items().iter().filter_map(|i| i.as_map()?.get("policy")));
        }
        let attached_to_role = |r: &Resource| r.props.and_then(|p| p.get("role")).and_then(|v| owner(v.text())) == Some(role.as_str());
        for rp in doc.of_type(TF_ROLE_POLICY).filter(|r| attached_to_role(r)) {
            policies.extend(rp.props.and_then(|p| p.get("policy")));
        }
        for att in doc.of_type(TF_ATTACHMENT).filter(|r| attached_to_role(r)) {
            let Some(p) = att.props.and_then(|p| p.get("policyArn")).and_then(|v| owner(v.text())).and_then(|b| by_binding(doc, b)) else { continue };
            if p.type_name == TF_POLICY {
                policies.extend(p.props.and_then(|p| p.get("policy")));
            }
        }
        for policy in policies {
            for (stmt, keys) in tf_statements(doc, policy) {
                if seen.insert(stmt.node.start_byte()) {
                    out.extend(narrow_statement(stmt, keys, functions, keys.action == "actions"));
                }
            }
        }
    }
    out
}

/// Statements of a CDKTF policy value: `JSON.stringify({ Statement: […] })` or `doc.json`.
fn tf_statements<'a>(doc: &Document<'a>, policy: ValueNode<'a>) -> Vec<(MapNode<'a>, &'static Keys)> {
    if policy.node.kind() == "call_expression" && policy.node.child_by_field_name("function").is_some_and(|f| doc.text(f) == "JSON.stringify") {
        let Some(arg) = policy.node.child_by_field_name("arguments").and_then(|a| named_children(a).into_iter().next()) else { return vec![] };
        let Some(obj) = ValueNode::new(doc.parsed, arg).as_map() else { return vec![] };
        return statements(obj.get("Statement")).into_iter().map(|s| (s, &JSON_KEYS)).collect();
    }
    if let Some(src) = owner(policy.text()).and_then(|b| by_binding(doc, b)) {
        if src.type_name == TF_POLICY_DOC && policy.text().ends_with(".json") {
            return statements(src.props.and_then(|p| p.get("statement"))).into_iter().map(|s| (s, &DOC_KEYS)).collect();
        }
    }
    vec![]
}

fn cdktf_code(doc: &Document, props: MapNode) -> Result<Vec<Source>, String> {
    let handler = props.get("handler").and_then(|h| h.as_str());
    let module = handler.as_deref().and_then(|h| h.rsplit_once('.')).map(|(m, _)| m.to_string());
    let file = props.get("filename").ok_or("it has no `filename` (its code is in S3 or an image)")?;
    if let Some(name) = file.as_str() {
        return Err(format!("its code is the built archive '{name}', whose sources are not known"));
    }
    let src = owner(file.text()).and_then(|b| by_binding(doc, b)).ok_or_else(|| format!("its `filename` `{}` is not an archive or asset of this file", file.text()))?;
    let sp = src.props.ok_or("the archive's props are not an object literal")?;
    let path_value = if src.type_name.ends_with(".DataArchiveFile") {
        sp.get("sourceDir").or_else(|| sp.get("sourceFile"))
    } else if src.type_name.ends_with(".TerraformAsset") {
        sp.get("path")
    } else {
        None
    };
    let v = path_value.ok_or_else(|| format!("its `filename` `{}` has no source folder", file.text()))?;
    let (base, rel) = eval_path(doc, v.node, 0).ok_or_else(|| format!("the source path `{}` is not a path this transform can resolve", v.text()))?;
    let path = locate(doc, base, &rel).ok_or_else(|| format!("handler code '{}' not in the repository", tidy(&rel)))?;
    load_asset(&boundary(doc.path, ROOT_MARKERS), &path, &tidy(&rel), module.as_deref())
}
// ---------------------------------------------------------------------------
// Handler code: where it is, and what it does with the AWS SDK.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Service {
    S3,
    Dynamo,
    Kinesis,
    /// Textract, Rekognition, Athena, Transcribe: they read (and Athena writes) S3
    /// objects with the caller's credentials, so a bucket passed to them needs S3
    /// permissions the handler's own S3 calls do not show.
    S3User,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::S3 => "S3",
            Service::Dynamo => "DynamoDB",
            Service::Kinesis => "Kinesis",
            Service::S3User => "Textract/Rekognition/Athena/Transcribe",
        }
    }
    fn prefix(self) -> &'static str {
        match self {
            Service::S3 => "s3",
            Service::Dynamo => "dynamodb",
            Service::Kinesis => "kinesis",
            Service::S3User => "-",
        }
    }
    fn of_prefix(p: &str) -> Option<Service> {
        [Service::S3, Service::Dynamo, Service::Kinesis]
            .into_iter()
            .find(|s| s.prefix() == p)
    }
}

/// The IAM actions an SDK operation needs (camelCase operation name, as the JS SDK
/// spells it; boto3's snake_case and v3's `…Command` are normalised to it first).
/// `None`: an operation we do not know, which makes the narrowing give up.
fn actions_of(service: Service, op: &str) -> Option<&'static [&'static str]> {
    Some(match service {
        Service::S3 => match op {
            "getObject" | "headObject" | "selectObjectContent" | "downloadFile"
            | "downloadFileobj" | "getObjectAttributes" => &["s3:GetObject"],
            "getObjectTagging" => &["s3:GetObjectTagging"],
            "listObjects" | "listObjectsV2" | "headBucket" => &["s3:ListBucket"],
            "listObjectVersions" => &["s3:ListBucketVersions"],
            "putObject" | "upload" | "uploadFile" | "uploadFileobj" | "createMultipartUpload"
            | "uploadPart" | "completeMultipartUpload" | "generatePresignedPost" => &["s3:PutObject"],
            "abortMultipartUpload" => &["s3:AbortMultipartUpload"],
            "putObjectTagging" => &["s3:PutObjectTagging"],
            "deleteObject" | "deleteObjects" => &["s3:DeleteObject"],
            "copyObject" | "copy" => &["s3:GetObject", "s3:PutObject"],
            _ => return None,
        },
        Service::Dynamo => match op {
            "get" | "getItem" => &["dynamodb:GetItem"],
            "query" => &["dynamodb:Query"],
            "scan" => &["dynamodb:Scan"],
            "batchGet" | "batchGetItem" => &["dynamodb:BatchGetItem"],
            "transactGet" | "transactGetItems" => &["dynamodb:GetItem"],
            "describeTable" => &["dynamodb:DescribeTable"],
            "put" | "putItem" => &["dynamodb:PutItem"],
            "update" | "updateItem" => &["dynamodb:UpdateItem"],
            "delete" | "deleteItem" => &["dynamodb:DeleteItem"],
            "batchWrite" | "batchWriteItem" | "batchWriter" => &["dynamodb:BatchWriteItem"],
            _ => return None,
        },
        Service::S3User => &[],
        Service::Kinesis => match op {
            "putRecord" => &["kinesis:PutRecord"],
            "putRecords" => &["kinesis:PutRecords"],
            "getRecords" => &["kinesis:GetRecords"],
            "getShardIterator" => &["kinesis:GetShardIterator"],
            "describeStream" => &["kinesis:DescribeStream"],
            "describeStreamSummary" => &["kinesis:DescribeStreamSummary"],
            "listShards" => &["kinesis:ListShards"],
            _ => return None,
        },
    })
}

/// boto3 resource objects (`s3.Object(b, k)`) have their own method names.
fn s3_object_actions(op: &str) -> Option<&'static [&'static str]> {
    Some(match op {
        "get" | "load" | "downloadFile" | "downloadFileobj" => &["s3:GetObject"],
        "put" | "uploadFile" | "uploadFileobj" => &["s3:PutObject"],
        "delete" => &["s3:DeleteObject"],
        _ => return None,
    })
}

/// Whether an IAM action reads or writes (DescribeTable and ListShards count as reads).
fn is_write(action: &str) -> bool {
    let name = action.split(':').nth(1).unwrap_or(action);
    ["Put", "Delete", "Update", "BatchWrite", "Abort"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// Calls that are plumbing, not operations (`client.send(…)`, `.promise()`).
const PLUMBING: &[&str] = &[
    "send", "promise", "then", "destroy", "middlewareStack", "config", "on", "meta", "Table",
    "Bucket", "Object", "catch", "finally", "close", "exceptions", "bind",
];

/// Handler source text with a map from text offsets to lines of the file it came from.
struct Source {
    /// Path shown in messages (relative to where the path was resolved).
    label: String,
    text: String,
    python: bool,
    /// (offset in `text`, line in the file, single-line): inline code embedded in a
    /// template as a JSON string sits on one line of the file.
    pieces: Vec<(usize, usize, bool)>,
}

impl Source {
    fn file(label: String, text: String) -> Source {
        let python = label.ends_with(".py");
        Source { label, text, python, pieces: vec![(0, 1, false)] }
    }

    fn line(&self, offset: usize) -> usize {
        let Some(&(start, line, single)) = self.pieces.iter().rev().find(|p| p.0 <= offset) else {
            return 1;
        };
        if single {
            line
        } else {
            line + self.text[start..offset.min(self.text.len())].matches('\n').count()
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Id(String),
    Str(String),
    P(char),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    off: usize,
}

/// A small lexer for JavaScript/TypeScript and Python: identifiers, string literals and
/// punctuation; comments dropped; template-literal substitutions lexed as code.
fn tokenize(src: &str, python: bool) -> Vec<Token> {
    let mut out = Vec::new();
    lex_into(src, 0, python, &mut out);
    out
}

fn lex_into(src: &str, base: usize, python: bool, out: &mut Vec<Token>) {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if python && c == b'#' || !python && c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if !python && c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
        } else if !python && c == b'/' && regex_allowed(out) {
            // A regular expression literal: skip to its closing slash on the same line.
            let mut j = i + 1;
            let mut class = false;
            while j < b.len() && b[j] != b'\n' {
                match b[j] {
                    b'\\' => j += 1,
                    b'[' => class = true,
                    b']' => class = false,
                    b'/' if !class => break,
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else if c == b'`' && !python {
            let mut j = i + 1;
            let mut text = String::new();
            while j < b.len() && b[j] != b'`' {
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if b[j] == b'$' && b.get(j + 1) == Some(&b'{') {
                    let end = matching_brace(src, j + 1);
                    lex_into(&src[j + 2..end], base + j + 2, python, out);
                    text.push_str("${}");
                    j = end + 1;
                    continue;
                }
                text.push(b[j] as char);
                j += 1;
            }
            out.push(Token { tok: Tok::Str(text), off: base + i });
            i = j + 1;
        } else if c == b'\'' || c == b'"' {
            let triple = python && src[i..].starts_with(&format!("{0}{0}{0}", c as char));
            let q = if triple { 3 } else { 1 };
            let mut j = i + q;
            loop {
                if j >= b.len() || (!triple && b[j] == b'\n') {
                    break;
                }
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if b[j] == c && (!triple || src[j..].starts_with(&src[i..i + 3])) {
                    break;
                }
                j += 1;
            }
            let end = j.min(b.len());
            out.push(Token { tok: Tok::Str(src[i + q..end].to_string()), off: base + i });
            i = end + q;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'$') {
                j += 1;
            }
            out.push(Token { tok: Tok::Id(src[i..j].to_string()), off: base + i });
            i = j;
        } else {
            let ch = src[i..].chars().next().unwrap_or(' ');
            out.push(Token { tok: Tok::P(ch), off: base + i });
            i += ch.len_utf8();
        }
    }
}

fn regex_allowed(out: &[Token]) -> bool {
    match out.last().map(|t| &t.tok) {
        None => true,
        Some(Tok::P(c)) => !matches!(c, ')' | ']' | '}'),
        Some(Tok::Id(w)) => matches!(w.as_str(), "return" | "typeof" | "case" | "in" | "of"),
        Some(Tok::Str(_)) => false,
    }
}

/// Index of the `}` closing the `{` at `open` (string-unaware; template substitutions are short).
fn matching_brace(src: &str, open: usize) -> usize {
    let mut depth = 0;
    for (k, ch) in src[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + k;
                }
            }
            _ => {}
        }
    }
    src.len()
}

/// One SDK operation found in handler code.
#[derive(Clone, Debug)]
struct SdkCall {
    service: Service,
    /// As written (`getObject`, `GetObjectCommand`, `put_item`).
    written: String,
    /// `None`: not an operation we know.
    actions: Option<&'static [&'static str]>,
    /// Environment variables its arguments (or its client's) are derived from.
    env: BTreeSet<String>,
    /// `path:line`.
    at: String,
}

/// What handler code does: its SDK calls.
#[derive(Default, Debug)]
struct Usage {
    calls: Vec<SdkCall>,
}

struct Scan<'t> {
    t: &'t [Token],
}

impl<'t> Scan<'t> {
    fn id(&self, i: usize) -> Option<&'t str> {
        match self.t.get(i).map(|t| &t.tok) {
            Some(Tok::Id(s)) => Some(s),
            _ => None,
        }
    }
    fn s(&self, i: usize) -> Option<&'t str> {
        match self.t.get(i).map(|t| &t.tok) {
            Some(Tok::Str(s)) => Some(s),
            _ => None,
        }
    }
    fn p(&self, i: usize, c: char) -> bool {
        self.t.get(i).map(|t| &t.tok) == Some(&Tok::P(c))
    }
    fn is(&self, i: usize, w: &str) -> bool {
        self.id(i) == Some(w)
    }
    /// Index after the bracket group opening at `open` (`(`, `[` or `{`).
    fn close(&self, open: usize) -> usize {
        let mut depth = 0i32;
        for k in open..self.t.len() {
            match self.t[k].tok {
                Tok::P('(' | '[' | '{') => depth += 1,
                Tok::P(')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        return k + 1;
                    }
                }
                _ => {}
            }
        }
        self.t.len()
    }

    /// An environment variable read starting at `i`: (name, tokens it spans).
    fn env_read(&self, i: usize) -> Option<(String, usize)> {
        // process.env.NAME, process.env['NAME']
        if self.is(i, "process") && self.p(i + 1, '.') && self.is(i + 2, "env") {
            if self.p(i + 3, '.') {
                return Some((self.id(i + 4)?.to_string(), 5));
            }
            if self.p(i + 3, '[') && self.p(i + 5, ']') {
                return Some((self.s(i + 4)?.to_string(), 6));
            }
            return None;
        }
        // os.environ['NAME'], os.environ.get('NAME'), os.getenv('NAME'), environ[…], getenv(…)
        let j = if self.is(i, "os") && self.p(i + 1, '.') && !(i > 0 && self.p(i - 1, '.')) {
            i + 2
        } else if i > 0 && self.p(i - 1, '.') {
            return None;
        } else {
            i
        };
        if self.is(j, "environ") {
            if self.p(j + 1, '[') && self.p(j + 3, ']') {
                return Some((self.s(j + 2)?.to_string(), j + 4 - i));
            }
            if self.p(j + 1, '.') && self.is(j + 2, "get") && self.p(j + 3, '(') {
                return Some((self.s(j + 4)?.to_string(), j + 5 - i));
            }
        }
        if self.is(j, "getenv") && self.p(j + 1, '(') {
            return Some((self.s(j + 2)?.to_string(), j + 3 - i));
        }
        None
    }

    /// Environment variables mentioned in tokens `range` (directly or through `aliases`).
    fn env_in(&self, range: std::ops::Range<usize>, aliases: &HashMap<String, BTreeSet<String>>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut k = range.start;
        while k < range.end.min(self.t.len()) {
            if let Some((name, len)) = self.env_read(k) {
                out.insert(name);
                k += len;
                continue;
            }
            if let Some(Tok::Str(text)) = self.t.get(k).map(|t| &t.tok) {
                // `${table.tableName}` substituted into inline code by the stack.
                for (n, part) in text.split('\u{1}').enumerate() {
                    if n % 2 == 1 {
                        out.insert(format!("${{{part}}}"));
                    }
                }
            }
            if let Some(w) = self.id(k) {
                // `Key: x` / `Key=x` name a parameter, they do not use a variable.
                let is_key = (self.p(k + 1, ':') && !self.p(k + 2, ':')) || (self.p(k + 1, '=') && !self.p(k + 2, '='));
                if !is_key {
                    if let Some(env) = aliases.get(w) {
                        out.extend(env.iter().cloned());
                    }
                }
            }
            k += 1;
        }
        out
    }

    /// End of the expression that starts at `start` (an assignment's right side).
    fn expr_end(&self, start: usize, src: &Source) -> usize {
        let mut depth = 0i32;
        let mut k = start;
        while k < self.t.len() {
            match self.t[k].tok {
                Tok::P('(' | '[' | '{') => depth += 1,
                Tok::P(')' | ']' | '}') => {
                    if depth == 0 {
                        return k;
                    }
                    depth -= 1;
                }
                Tok::P(';' | ',') if depth == 0 => return k,
                _ => {}
            }
            if depth == 0 && k > start && src.line(self.t[k].off) != src.line(self.t[k - 1].off) {
                let prev_open = matches!(self.t[k - 1].tok, Tok::P('+' | '-' | '*' | '/' | '.' | '?' | ':' | '|' | '&' | '=' | '(' | ',' | '[' | '{' | '\\'));
                let next_cont = matches!(self.t[k].tok, Tok::P('.' | '?' | ':' | '|' | '&' | '+'));
                if !prev_open && !next_cont {
                    return k;
                }
            }
            k += 1;
        }
        k
    }

    /// Assignments `name = …` (declarations, `this.x =`/`self.x =`, Python statements):
    /// (name, start of the right side).
    fn assignments(&self, src: &Source) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for k in 1..self.t.len() {
            if !self.p(k, '=') || self.p(k + 1, '=') || self.p(k + 1, '>') || self.p(k - 1, '=') || self.p(k - 1, '!') || self.p(k - 1, '<') || self.p(k - 1, '>') {
                continue;
            }
            // `x: Type = …` (TS annotation): look back over a simple type.
            let mut n = k - 1;
            if self.id(n).is_some() && n >= 2 && self.p(n - 1, ':') && self.id(n - 2).is_some() {
                n -= 2;
            }
            let Some(name) = self.id(n) else { continue };
            let first_on_line = n == 0 || src.line(self.t[n - 1].off) != src.line(self.t[n].off);
            let declared = n > 0 && self.id(n - 1).is_some_and(|w| matches!(w, "const" | "let" | "var"));
            let member = n >= 2 && self.p(n - 1, '.') && self.id(n - 2).is_some_and(|w| matches!(w, "this" | "self"));
            if declared || member || (first_on_line && !(n > 0 && self.p(n - 1, '.'))) {
                out.push((name.to_string(), k + 1));
            }
        }
        out
    }
}

fn camel(op: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for (i, c) in op.chars().enumerate() {
        if c == '_' {
            upper = i > 0;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else if i == 0 {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Client constructors and the SDK v3 packages, by service.
fn client_service(class: &str) -> Option<Service> {
    Some(match class {
        "S3" | "S3Client" => Service::S3,
        "DynamoDB" | "DynamoDBClient" | "DocumentClient" | "DynamoDBDocumentClient" | "DynamoDBDocument" => Service::Dynamo,
        "Kinesis" | "KinesisClient" => Service::Kinesis,
        "Textract" | "TextractClient" | "Rekognition" | "RekognitionClient" | "Athena" | "AthenaClient" | "TranscribeService" | "TranscribeClient" => Service::S3User,
        _ => return None,
    })
}

fn package_service(package: &str) -> Option<Service> {
    Some(match package {
        "@aws-sdk/client-s3" | "@aws-sdk/lib-storage" => Service::S3,
        "@aws-sdk/client-dynamodb" | "@aws-sdk/lib-dynamodb" => Service::Dynamo,
        "@aws-sdk/client-kinesis" => Service::Kinesis,
        "@aws-sdk/client-textract" | "@aws-sdk/client-rekognition" | "@aws-sdk/client-athena" | "@aws-sdk/client-transcribe" => Service::S3User,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientKind {
    Client,
    /// boto3 `s3.Object(bucket, key)`.
    S3Object,
}

/// Every SDK call of the three services in one source.
fn scan(src: &Source) -> Usage {
    let tokens = tokenize(&src.text, src.python);
    let sc = Scan { t: &tokens };
    let assignments = sc.assignments(src);
    let mut aliases: HashMap<String, BTreeSet<String>> = HashMap::new();
    // `const { A, B: b } = process.env`
    for k in 0..tokens.len() {
        if sc.p(k, '}') && sc.p(k + 1, '=') && sc.is(k + 2, "process") && sc.p(k + 3, '.') && sc.is(k + 4, "env") && !sc.p(k + 5, '.') && !sc.p(k + 5, '[') {
            let Some(open) = (0..k).rev().find(|&j| sc.p(j, '{')) else { continue };
            let mut j = open + 1;
            while j < k {
                if let Some(name) = sc.id(j) {
                    let local = if sc.p(j + 1, ':') { sc.id(j + 2).unwrap_or(name) } else { name };
                    aliases.entry(local.to_string()).or_default().insert(name.to_string());
                    j += if sc.p(j + 1, ':') { 3 } else { 1 };
                } else {
                    j += 1;
                }
            }
        }
    }
    // Variables derived from environment variables (a few rounds reach `params = { Bucket: BUCKET }`).
    for _ in 0..3 {
        for (name, start) in &assignments {
            let env = sc.env_in(*start..sc.expr_end(*start, src), &aliases);
            if !env.is_empty() {
                aliases.entry(name.clone()).or_default().extend(env);
            }
        }
    }
    // SDK v3 names imported from a service package.
    let mut imported: HashMap<String, Service> = HashMap::new();
    for k in 0..tokens.len() {
        let Some(service) = sc.s(k).and_then(package_service) else { continue };
        if let Some(close) = (k.saturating_sub(4)..k).rev().find(|&j| sc.p(j, '}')) {
            let open = (0..close).rev().find(|&j| sc.p(j, '{')).unwrap_or(close);
            for j in open..close {
                if let Some(name) = sc.id(j) {
                    imported.insert(name.to_string(), service);
                }
            }
        }
    }
    // Clients: `x = new S3Client(…)`, `x = boto3.client('s3')`, `t = dynamodb.Table(name)`.
    let mut clients: HashMap<String, (Service, ClientKind, BTreeSet<String>)> = HashMap::new();
    for _ in 0..2 {
        for (name, start) in &assignments {
            let end = sc.expr_end(*start, src);
            for k in *start..end {
                let found = if sc.is(k, "new") {
                    let mut j = k + 1;
                    while sc.id(j).is_some() && sc.p(j + 1, '.') {
                        j += 2;
                    }
                    sc.id(j).and_then(client_service).map(|s| (s, ClientKind::Client))
                } else if sc.id(k).is_some_and(|w| matches!(w, "DynamoDBDocumentClient" | "DynamoDBDocument")) && sc.p(k + 1, '.') && sc.is(k + 2, "from") {
                    Some((Service::Dynamo, ClientKind::Client))
                } else if sc.id(k).is_some_and(|w| matches!(w, "client" | "resource")) && sc.p(k + 1, '(') {
                    sc.s(k + 2).and_then(|s| match s {
                        "textract" | "rekognition" | "athena" | "transcribe" => Some(Service::S3User),
                        _ => Service::of_prefix(s),
                    }).map(|s| (s, ClientKind::Client))
                } else if let (Some(owner), true, Some(sub), true) = (sc.id(k), sc.p(k + 1, '.'), sc.id(k + 2), sc.p(k + 3, '(')) {
                    match (clients.get(owner).map(|c| c.0), sub) {
                        (Some(Service::Dynamo), "Table") => Some((Service::Dynamo, ClientKind::Client)),
                        (Some(Service::S3), "Bucket") => Some((Service::S3, ClientKind::Client)),
                        (Some(Service::S3), "Object") => Some((Service::S3, ClientKind::S3Object)),
                        _ => None,
                    }
                } else {
                    None
                };
                if let Some((service, kind)) = found {
                    let env = sc.env_in(*start..end, &aliases);
                    clients.insert(name.clone(), (service, kind, env));
                    break;
                }
            }
        }
    }
    // `with table.batch_writer() as batch:` — `batch.put_item` is the table's.
    for k in 2..tokens.len() {
        if sc.is(k, "batch_writer") && sc.p(k - 1, '.') && sc.p(k + 1, '(') {
            let end = sc.close(k + 1);
            if let (Some(owner), true, Some(alias)) = (sc.id(k - 2), sc.is(end, "as"), sc.id(end + 1)) {
                if let Some(c) = clients.get(owner).cloned() {
                    clients.insert(alias.to_string(), c);
                }
            }
        }
    }
    let mut usage = Usage::default();
    let at = |k: usize| format!("{}:{}", src.label, src.line(tokens[k].off));
    for k in 0..tokens.len() {
        // new GetObjectCommand({…}), new Upload({…})
        if sc.is(k, "new") {
            let Some(class) = sc.id(k + 1) else { continue };
            if !sc.p(k + 2, '(') {
                continue;
            }
            let (op, service) = if class == "Upload" && imported.get(class) == Some(&Service::S3) {
                ("upload".to_string(), Service::S3)
            } else if let Some(base) = class.strip_suffix("Command") {
                let op = camel(base);
                let service = imported.get(class).copied().or_else(|| {
                    [Service::S3, Service::Dynamo, Service::Kinesis].into_iter().find(|s| actions_of(*s, &op).is_some())
                });
                let Some(service) = service else { continue };
                (op, service)
            } else {
                continue;
            };
            let env = sc.env_in(k + 2..sc.close(k + 2), &aliases);
            usage.calls.push(SdkCall { service, written: class.to_string(), actions: actions_of(service, &op), env, at: at(k + 1) });
            continue;
        }
        // SDK v3 paginators: paginateListObjectsV2({ client }, { Bucket })
        if let (Some(f), true) = (sc.id(k), sc.p(k + 1, '(')) {
            if let (Some(op), Some(service)) = (f.strip_prefix("paginate"), imported.get(f)) {
                let env = sc.env_in(k + 1..sc.close(k + 1), &aliases);
                usage.calls.push(SdkCall { service: *service, written: f.to_string(), actions: actions_of(*service, &camel(op)), env, at: at(k) });
                continue;
            }
        }
        // client.method(…)
        let (Some(recv), true, Some(method), true) = (sc.id(k), sc.p(k + 1, '.'), sc.id(k + 2), sc.p(k + 3, '(')) else {
            // bucket.objects.all() / .filter(): a listing.
            if let (Some(recv), true, true) = (sc.id(k), sc.p(k + 1, '.'), sc.is(k + 2, "objects")) {
                if let Some((Service::S3, ClientKind::Client, env)) = clients.get(recv) {
                    usage.calls.push(SdkCall { service: Service::S3, written: "objects".into(), actions: Some(&["s3:ListBucket"]), env: env.clone(), at: at(k + 2) });
                }
            }
            continue;
        };
        let Some((service, kind, client_env)) = clients.get(recv) else {
            // A client we did not see made (`s3_resource.meta.client.upload_file(…)`,
            // a client passed in): distinctive operation names still count.
            let op = camel(method);
            if op.len() >= 7 && !PLUMBING.contains(&method) {
                if let Some(service) = [Service::S3, Service::Dynamo, Service::Kinesis].into_iter().find(|s| actions_of(*s, &op).is_some()) {
                    let env = sc.env_in(k + 3..sc.close(k + 3), &aliases);
                    usage.calls.push(SdkCall { service, written: method.to_string(), actions: actions_of(service, &op), env, at: at(k + 2) });
                }
            }
            continue;
        };
        let args_end = sc.close(k + 3);
        let mut env = client_env.clone();
        env.extend(sc.env_in(k + 3..args_end, &aliases));
        let (mut op, mut written) = (camel(method), method.to_string());
        if matches!(method, "Table" | "Bucket" | "Object") {
            // boto3 `dynamodb.Table(name).put_item(…)` chained.
            let (Some(m2), true) = (sc.id(args_end + 1), sc.p(args_end, '.') && sc.p(args_end + 2, '(')) else { continue };
            env.extend(sc.env_in(args_end..sc.close(args_end + 2), &aliases));
            op = camel(m2);
            written = m2.to_string();
        } else if PLUMBING.contains(&method) {
            continue;
        }
        let actions = match (kind, op.as_str()) {
            (ClientKind::S3Object, _) => s3_object_actions(&op),
            (_, "getSignedUrl" | "getSignedUrlPromise" | "generatePresignedUrl" | "getPaginator") => sc.s(k + 4).and_then(|o| actions_of(*service, &camel(o))),
            _ => actions_of(*service, &op),
        };
        usage.calls.push(SdkCall { service: *service, written, actions, env, at: at(k + 2) });
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::process_text;
    use crate::fixer::Settings;
    use crate::flavor::syntax_for_path;

    type Seen = (Service, String, Option<Vec<&'static str>>, Vec<String>, String);

    fn calls(code: &str, python: bool) -> Vec<Seen> {
        let label = if python { "h.py" } else { "h.js" };
        let mut src = Source::file(label.into(), code.into());
        src.python = python;
        scan(&src)
            .calls
            .into_iter()
            .map(|c| (c.service, c.written, c.actions.map(|a| a.to_vec()), c.env.into_iter().collect(), c.at))
            .collect()
    }

    #[test]
    fn comments_and_strings_are_not_calls() {
        let js = "const s3 = new AWS.S3();\n// s3.putObject({})\n/* s3.deleteObject({}) */\nconst t = 's3.putObject(x)';\nconst r = /s3.putObject\\(/;\ns3.getObject({ Bucket: process.env['B'] });\n";
        let got = calls(js, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "getObject");
        assert_eq!(got[0].3, ["B"]);
        assert_eq!(got[0].4, "h.js:6");
    }

    #[test]
    fn variables_carry_environment_names() {
        let js = "const { BUCKET: b } = process.env;\nconst params = {\n  Bucket: b,\n  Key: 'k',\n};\nconst client = new S3Client({});\nawait client.send(new PutObjectCommand(params));\n";
        let got = calls(js, false);
        assert_eq!(got[0].1, "PutObjectCommand");
        assert_eq!(got[0].3, ["BUCKET"]);
        assert_eq!(got[0].4, "h.js:7");
        let py = "import os, boto3\nTABLE = os.getenv('T')\nddb = boto3.resource('dynamodb')\ntable = ddb.Table(TABLE)\n\ndef h(e, c):\n    # table.delete_item(Key=k)\n    with table.batch_writer() as b:\n        b.put_item(Item=e)\n    return table.scan()\n";
        let got = calls(py, true);
        let ops: Vec<(&str, Vec<String>, &str)> = got.iter().map(|c| (c.1.as_str(), c.3.clone(), c.4.as_str())).collect();
        assert_eq!(ops, [("batch_writer", vec!["T".to_string()], "h.py:8"), ("put_item", vec!["T".to_string()], "h.py:9"), ("scan", vec!["T".to_string()], "h.py:10")]);
    }

    #[test]
    fn distinctive_operations_count_on_unseen_clients() {
        let got = calls("import os\ndef h(e, c, s3_resource):\n    s3_resource.meta.client.upload_file('/tmp/x', os.environ['B'], 'k')\n", true);
        assert_eq!((got[0].1.as_str(), got[0].2.clone(), got[0].3.clone()), ("upload_file", Some(vec!["s3:PutObject"]), vec!["B".to_string()]));
        assert!(calls("const v = cache.get('k');\n", false).is_empty());
    }

    #[test]
    fn unknown_operations_are_kept_as_unknown() {
        let got = calls("s3 = boto3.client('s3')\ns3.put_bucket_policy(Bucket='b', Policy='{}')\n", true);
        assert_eq!(got[0].2, None);
    }

    #[test]
    fn messages_cite_the_sdk_calls() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/least-privilege-grants");
        let settings = Settings { select: vec![META.id.to_string()], unsafe_fixes: true, ..Default::default() };
        let messages = |case: &str| -> Vec<String> {
            let path = dir.join(case);
            let text = std::fs::read_to_string(&path).unwrap();
            let (_, outcome) = process_text(&path, syntax_for_path(&path).unwrap(), &text, crate::transforms::REGISTRY, &settings).unwrap().unwrap();
            outcome.fixes.into_iter().map(|f| f.message).collect()
        };
        let m = messages("cdk-read-only.ts");
        assert!(m[0].contains("s3:GetObject (handlers/read-only/index.ts:12)") && m[0].contains("s3:ListBucket (handlers/read-only/index.ts:8)"), "{m:?}");
        let m = messages("cdk-python-dynamo-read.ts");
        assert!(m[0].contains("dynamodb:GetItem (handlers/py-reader/index.py:15)"), "{m:?}");
        let m = messages("cfn-role-policies.json");
        assert!(m[0].contains("s3:GetObject (cfn-role-policies.json:74)"), "{m:?}");
        let m = messages("cdk-no-handler.ts");
        assert!(m[0].contains("handler asset 'lambda/consumer' not in the repository"), "{m:?}");
        let m = messages("cfn-managed-policy.yaml");
        assert!(m.iter().any(|m| m.contains("dynamodb:PutItem (cfn-managed-policy.yaml:61)")), "{m:?}");
    }
}
