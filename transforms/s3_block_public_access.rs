//! ## What it fixes
//! S3 buckets without a complete S3 Block Public Access configuration: CDK
//! `s3.Bucket` without `blockPublicAccess` (or with a preset or options that leave a
//! flag off), `s3.CfnBucket` and CloudFormation `AWS::S3::Bucket` without
//! `PublicAccessBlockConfiguration` (or with a flag missing or `false`), CDKTF
//! `S3Bucket`s that no `S3BucketPublicAccessBlock` of the file refers to.
//!
//! ## Why
//! Block Public Access is the account- and bucket-level guard that keeps a bucket
//! private even when someone later attaches a public ACL or a bucket policy with
//! `"Principal": "*"`: public buckets are the classic cause of S3 data leaks. S3
//! turns it on for new buckets since April 2023, but templates that do not say so
//! leave it to defaults and to whoever edits the bucket in the console; scanners
//! (checkov, cdk-nag) flag every bucket that does not declare it.
//!
//! ## Before → after
//! CDK TypeScript (every import style):
//! ```ts
//! new s3.Bucket(this, 'Data', { versioned: true });
//! // becomes
//! new s3.Bucket(this, 'Data', { versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
//! ```
//! In `new s3.BlockPublicAccess({ … })` the missing flags are added. `s3.CfnBucket` is
//! fixed as in CloudFormation (`publicAccessBlockConfiguration`).
//!
//! CDKTF TypeScript: a bucket that no `S3BucketPublicAccessBlock` refers to (through
//! `<bucket>.id` or `<bucket>.bucket`) gets one right after its statement:
//! ```ts
//! const logs = new S3Bucket(this, 'logs', { bucket: 'acme-logs' });
//! new S3BucketPublicAccessBlock(this, 'logs-public-access-block', {
//!   bucket: logs.id,
//!   blockPublicAcls: true,
//!   blockPublicPolicy: true,
//!   ignorePublicAcls: true,
//!   restrictPublicBuckets: true,
//! });
//! ```
//! An unbound `new S3Bucket(…);` is first bound to a `const` named after its id; the
//! class is imported in the file's style; a bucket with its own `provider` passes it
//! on. Existing `S3BucketPublicAccessBlock`s get their missing flags, and the bucket's
//! policies then depend on the block (a lone block statement is bound to a `const`): the
//! block changes in the next apply, and a policy changed in the same apply would be written
//! at the same time.
//!
//! A bucket that already has an `S3BucketPolicy` naming it: the new block is bound to a
//! `const` (`logsPublicAccessBlock`) and the policy gets `dependsOn: [logsPublicAccessBlock]`.
//! S3 refuses a bucket policy and a public access block written to one bucket at once
//! (`OperationAborted`), and Terraform creates resources without a dependency between them
//! in parallel (as `s3-enforce-ssl` orders a policy it adds after a block); `depends_on`
//! changes nothing of a policy already deployed. A policy declared where the new `const`
//! is not in scope, or one that sets `dependsOn` already, is reported with what to add,
//! without a fix; so is a bucket a policy may be for without the tool being able to tell
//! (one written by a helper the bucket is handed to, or naming a bucket it cannot
//! evaluate): the message names that policy.
//!
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! PublicAccessBlockConfiguration:   # added, or its missing flags
//!   BlockPublicAcls: true
//!   BlockPublicPolicy: true
//!   IgnorePublicAcls: true
//!   RestrictPublicBuckets: true
//! ```
//! A flag written `false` (or set by a parameter) also holds back its partner:
//! `RestrictPublicBuckets` with `BlockPublicPolicy`, `IgnorePublicAcls` with `BlockPublicAcls`
//! (turning the partner on would make the public policy or ACLs grant nothing, cancelling the
//! same choice). Flags written `false`, and CDK's `BLOCK_ACLS`/`BLOCK_ACLS_ONLY` presets, are an
//! explicit choice (the corpus shows them for CloudFront or log-delivery buckets,
//! with comments saying why): they are reported, not changed, since turning them on
//! can make a bucket policy fail to deploy. Left alone: flags written as
//! expressions, parameters or intrinsics; props with a `...spread`. Reported without a fix, because they may be public on purpose:
//! website buckets (CDK `websiteIndexDocument`/`websiteErrorDocument`/
//! `websiteRedirect`/`websiteRoutingRules`, CFN `WebsiteConfiguration`, CDKTF
//! `website` or an `S3BucketWebsiteConfiguration` for the bucket) and buckets made
//! public (`publicReadAccess`, a `PublicRead`/`PublicReadWrite` ACL, CDKTF
//! `acl: 'public-read'` or a public `S3BucketAcl`, a CFN `AWS::S3::BucketPolicy`
//! allowing `Principal: *` without a condition, CDK `grantPublicAccess()` or an
//! `addToResourcePolicy` for `AnyPrincipal`/`StarPrincipal`). Serve such content through
//! CloudFront with origin access control and block public access instead.
//!
//! ## Applicability
//! review: a bucket that is meant to be reached anonymously (a website behind no
//! CDN, public downloads) stops being reachable, and a public bucket policy fails to
//! deploy once `BlockPublicPolicy` is on.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56; cdk-nag AwsSolutions-S2
//! (and NIST/HIPAA/PCI `S3BucketLevelPublicAccessProhibited`).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{bucket_configurations, maybe_own_message, resource_policies_of, TF_BUCKET_ACLS, TF_BUCKET_BLOCKS, TF_BUCKET_WEBSITES, add_props, companion_anchor, companion_id, fresh_const, insert_entries, literal_bool, of_module, policies_of, prop_name, same_provider, sibling_export, targeting, tf_class};
use crate::value::{Renderer, Value};

pub struct S3BlockPublicAccess;
pub static TRANSFORM: S3BlockPublicAccess = S3BlockPublicAccess;

static META: Meta = Meta {
    id: "s3-block-public-access",
    title: "Block all public access to S3 buckets",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AwsSolutions-S2", "HIPAA.Security-S3BucketLevelPublicAccessProhibited", "NIST.800.53.R5-S3BucketLevelPublicAccessProhibited", "PCI.DSS.321-S3BucketLevelPublicAccessProhibited", "HIPAA.Security-S3BucketPublicReadProhibited", "NIST.800.53.R4-S3BucketPublicReadProhibited", "NIST.800.53.R5-S3BucketPublicReadProhibited", "PCI.DSS.321-S3BucketPublicReadProhibited", "HIPAA.Security-S3BucketPublicWriteProhibited", "NIST.800.53.R4-S3BucketPublicWriteProhibited", "NIST.800.53.R5-S3BucketPublicWriteProhibited", "PCI.DSS.321-S3BucketPublicWriteProhibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"],
    options: &[],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_CFN_BUCKET: &str = "aws-cdk-lib/aws-s3.CfnBucket";
const CDK_BPA: &str = "aws-cdk-lib/aws-s3.BlockPublicAccess";
const CDK_WEBSITE_PROPS: &[&str] = &["websiteIndexDocument", "websiteErrorDocument", "websiteRedirect", "websiteRoutingRules"];
const TF_BUCKET: &str = "@cdktf/provider-aws/lib/s3-bucket.S3Bucket";
/// Module prefixes of the split bucket resources, so that every class name they have
/// had (`S3BucketPublicAccessBlock`, provider 4 betas' `…V2`) is recognised.
const TF_PAB: &str = "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
const TF_WEBSITE: &str = "@cdktf/provider-aws/lib/s3-bucket-website-configuration";
const TF_ACL: &str = "@cdktf/provider-aws/lib/s3-bucket-acl";
const CFN_BUCKET: &str = "AWS::S3::Bucket";
const FLAGS: [&str; 4] = ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"];
/// How CDKTF resources name the bucket they configure.
const BUCKET_ATTRS: &[&str] = &["id", "bucket"];

impl Transform for S3BlockPublicAccess {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(ts) = doc.ts.as_ref() else {
            return doc.of_type(CFN_BUCKET).flat_map(|r| check_l1(doc, None, r)).collect();
        };
        match doc.flavor {
            Flavor::CdkTs => doc
                .of_types(&[CDK_BUCKET, CDK_CFN_BUCKET])
                .into_iter()
                .flat_map(|r| match r.type_name == CDK_BUCKET {
                    true => check_l2(doc, ts, r),
                    false => check_l1(doc, Some(ts), r),
                })
                .collect(),
            _ => check_cdktf(doc, ts),
        }
    }
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

fn head(r: &Resource) -> String {
    let noun = if r.type_name.starts_with(TF_PAB) { "S3BucketPublicAccessBlock" } else { "S3 bucket" };
    format!("{noun}{} does not block all public access", name_of(r))
}

/// The finding for a bucket that may be public on purpose: no fix.
fn report(r: &Resource, why: &str) -> Finding {
    let message = format!(
        "{}, but {why}: left as is (it may be public on purpose; prefer CloudFront with origin access control and block public access)",
        head(r)
    );
    META.finding(r.node.start_byte(), message, None)
}

fn fixed(r: &Resource, what: &str, edits: Vec<Edit>) -> Option<Finding> {
    Some(META.finding(r.node.start_byte(), format!("{}: {what}", head(r)), Some(edits)))
}

/// How a configuration stands: edits adding its missing flags, the flags written
/// `false` (a deliberate choice, reported rather than changed), and the missing flags
/// held back because their partner is written `false` (see [`PARTNERS`]).
#[derive(Default)]
struct Flags {
    edits: Vec<Edit>,
    off: Vec<String>,
    held: Vec<String>,
}

/// Flags that act on the same thing, one refusing new grants and the other ignoring the
/// ones in place (S3 User Guide, "Blocking public access to your Amazon S3 storage"):
/// `BlockPublicPolicy` refuses a public bucket policy, `RestrictPublicBuckets` makes the
/// one in place grant nothing outside the account; `BlockPublicAcls` refuses public ACLs,
/// `IgnorePublicAcls` makes those in place grant nothing. One written `false` records that
/// the bucket's public policy (or ACLs) are wanted: turning its partner on would cancel that
/// choice as surely as flipping the flag itself, so the partner is not added either.
const PARTNERS: [(&str, &str); 2] = [("BlockPublicPolicy", "RestrictPublicBuckets"), ("BlockPublicAcls", "IgnorePublicAcls")];

/// Missing flags are added (but for a partner of a flag written `false`); a spread or
/// expressions are left to their author.
fn complete_flags(doc: &Document, config: MapNode) -> Flags {
    if config.has_spread() {
        return Flags::default();
    }
    // Written `false`, or as an expression (a parameter, a condition) that may be false.
    let off_flag = |flag: &str| config.get(&prop_name(doc.flavor, flag)).is_some_and(|v| literal_bool(&v) != Some(true));
    let partner_off = |flag: &str| PARTNERS.iter().any(|(a, b)| (*a == flag && off_flag(b)) || (*b == flag && off_flag(a)));
    let mut off = Vec::new();
    let mut held = Vec::new();
    let mut missing = Vec::new();
    for flag in FLAGS {
        let name = prop_name(doc.flavor, flag);
        match config.get(&name) {
            None if !config.has(&name) && partner_off(flag) => held.push(name),
            None if !config.has(&name) => missing.push((name, Value::Bool(true))),
            Some(v) if literal_bool(&v) == Some(false) => off.push(name),
            _ => {}
        }
    }
    let missing: Vec<(&str, Value)> = missing.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    Flags { edits: insert_entries(config, &missing), off, held }
}

/// The finding for a configuration: none when complete; a report when the bucket may
/// be public or only flags written `false` (and their held-back partners) remain; else
/// the fix (`extra`: its import).
fn verdict(r: &Resource, public: Option<&str>, flags: Flags, what: &str, extra: Option<Edit>) -> Vec<Finding> {
    if flags.edits.is_empty() && flags.off.is_empty() && flags.held.is_empty() {
        return vec![];
    }
    if let Some(why) = public {
        return vec![report(r, why)];
    }
    let mut notes = Vec::new();
    if !flags.off.is_empty() {
        notes.push(format!("`{}` explicitly off", flags.off.join("`, `")));
    }
    if !flags.held.is_empty() {
        notes.push(format!(
            "`{}` not added (its partner flag is off or set by an expression, and turning it on would cancel that choice)",
            flags.held.join("`, `")
        ));
    }
    // The flags left off are a finding of their own, without a fix: the same one the pass
    // after the fix finds, so a bucket is not reported twice for them.
    let mut out: Vec<Finding> = Vec::new();
    if !flags.edits.is_empty() {
        out.extend(fixed(r, what, flags.edits.into_iter().chain(extra).collect()));
    }
    if !notes.is_empty() {
        let message = format!(
            "{}: {}; left as is (a bucket policy, CloudFront or log delivery may rely on it: turn it on once nothing needs it)",
            head(r),
            notes.join("; ")
        );
        out.push(META.finding(r.node.start_byte(), message, None));
    }
    out
}

fn all_flags(doc: &Document) -> Value {
    Value::map(FLAGS.iter().map(|f| (prop_name(doc.flavor, f), Value::Bool(true))))
}

/// The configuration with all four flags as a new entry of `props`; a one-line
/// mapping gets it on the same line (`{ a: true, … }`) rather than a block.
fn insert_config(doc: &Document, props: MapNode, key: &str) -> Vec<Edit> {
    let r = Renderer::new(doc.parsed.syntax, &doc.parsed.style);
    let inserted = props.insert_with(Position::End, |indent, multi_line| {
        if multi_line {
            return r.entry(key, &all_flags(doc), indent);
        }
        let flags: Vec<String> = FLAGS.iter().map(|f| format!("{}: true", r.key(&prop_name(doc.flavor, f)))).collect();
        format!("{}: {{ {} }}", r.key(key), flags.join(", "))
    });
    inserted.unwrap_or_else(|| props.insert(key, &all_flags(doc), Position::End))
}

/// An ACL value that makes a bucket public: CFN/`CfnBucket` strings, CDK's
/// `BucketAccessControl.PUBLIC_READ*`, CDKTF canned ACLs.
fn public_acl(ts: Option<&TsFile>, v: &crate::lang::mapping::ValueNode) -> bool {
    let named = ts.and_then(|ts| ts.resolve(v.node)).unwrap_or_default();
    let text = v.as_str().unwrap_or(named);
    let last = text.rsplit('.').next().unwrap_or_default();
    matches!(last, "PublicRead" | "PublicReadWrite" | "public-read" | "public-read-write" | "PUBLIC_READ" | "PUBLIC_READ_WRITE")
}

const PUBLIC_POLICY: &str = "its bucket policy allows anyone (`Principal: *` not limited by source IP, account, ARN or VPC)";

/// A bucket policy of the file that opens the bucket to everyone, which
/// `BlockPublicPolicy` would make fail to deploy: CFN `AWS::S3::BucketPolicy` on
/// `Ref` of the bucket with an unconditional `Allow` to `*`; CDK
/// `bucket.grantPublicAccess()` or `bucket.addToResourcePolicy(…)` with an
/// `AnyPrincipal`/`StarPrincipal` that is not a `DENY`.
fn public_policy(doc: &Document, r: &Resource) -> bool {
    if let Some(ts) = doc.ts.as_ref() {
        let Some(b) = r.binding.as_deref() else { return false };
        let open = |text: &str| (text.contains("AnyPrincipal") || text.contains("StarPrincipal")) && !text.contains("DENY");
        return ts.calls_on(b, "grantPublicAccess").next().is_some()
            || ts.calls_on(b, "addToResourcePolicy").any(|c| open(doc.text(c.arguments)));
    }
    // Every policy that may be the bucket's (the shared index recognises references,
    // literal names and name expressions, and says when it cannot tell).
    policies_of(doc, r).into_iter().any(|(p, _)| {
        let statements = p.props.and_then(|props| props.get_path(&["PolicyDocument", "Statement"]));
        statements.is_some_and(|s| s.as_list().map_or_else(|| vec![s], |l| l.items()).iter().any(allows_anyone))
    })
}

/// The condition keys whose fixed values make a statement for `Principal: *` non-public
/// (AWS S3 API Reference, `PublicAccessBlockConfiguration`: "Amazon S3 considers a bucket
/// policy public unless …"). Any other condition (`aws:Referer`, `aws:SecureTransport`, a
/// date) leaves the policy public, and `BlockPublicPolicy` then refuses it.
const NON_PUBLIC_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
];

/// An IAM statement `Effect: Allow` for `Principal: *` (or `AWS: *`) that no condition on
/// one of [`NON_PUBLIC_KEYS`] limits: S3 counts the policy as public.
fn allows_anyone(statement: &ValueNode) -> bool {
    let Some(st) = statement.as_map() else { return false };
    let star = |v: ValueNode| v.as_str().as_deref() == Some("*") || v.as_list().is_some_and(|l| l.items().iter().any(|i| i.as_str().as_deref() == Some("*")));
    // `NotPrincipal` with `Allow` grants everyone but the principals it lists.
    let principal = st.has("NotPrincipal") || st.get("Principal").is_some_and(|p| star(p) || p.as_map().and_then(|m| m.get("AWS")).is_some_and(star));
    let limited = st.get("Condition").is_some_and(|c| match c.as_map() {
        Some(ops) => ops.entries().iter().any(|op| {
            let operator = ops.key_text(op);
            op.value.and_then(|v| v.as_map()).is_some_and(|keys| {
                keys.entries().iter().any(|k| {
                    let values = items(k.value).iter().map(|v| v.as_str().unwrap_or_else(|| "*".into())).collect::<Vec<_>>();
                    fixing(&operator, &keys.key_text(k), &values)
                })
            })
        }),
        // A condition written as an expression: it may limit the statement.
        None => true,
    });
    st.get("Effect").and_then(|e| e.as_str()).as_deref() == Some("Allow") && principal && !limited
}

/// True when a condition `operator` on `key` with these `values` limits a statement to
/// fixed values of one of [`NON_PUBLIC_KEYS`], as S3 requires of a non-public policy: a
/// positive operator (not `StringNotEquals`, `NotIpAddress`, `…IfExists`…), values without
/// wildcards (`aws:userid` outside `AROLEID:*` too).
fn fixing(operator: &str, key: &str, values: &[String]) -> bool {
    let op = operator.to_ascii_lowercase();
    NON_PUBLIC_KEYS.contains(&key.to_ascii_lowercase().as_str())
        && !op.contains("not")
        && !op.ends_with("ifexists")
        && !values.is_empty()
        && values.iter().all(|v| !v.contains('*') && !v.contains('?'))
}

/// A value's items: those of a list, or the value alone.
fn items<'a>(v: Option<ValueNode<'a>>) -> Vec<ValueNode<'a>> {
    v.map_or_else(Vec::new, |v| v.as_list().map_or_else(|| vec![v], |l| l.items()))
}

/// A statement of a CDKTF `DataAwsIamPolicyDocument` (`statement: [{ effect, principals:
/// [{ type, identifiers }], condition: [{ test, variable, values }] }]`) that [`allows_anyone`]
/// would say of its JSON form.
fn tf_allows_anyone(statement: &ValueNode) -> bool {
    let Some(st) = statement.as_map() else { return false };
    let strs = |v: Option<ValueNode>| items(v).iter().filter_map(|i| i.as_str()).collect::<Vec<_>>();
    let allow = st.get("effect").is_none_or(|e| e.as_str().as_deref() == Some("Allow"));
    let anyone = st.has("notPrincipals")
        || items(st.get("principals")).iter().filter_map(|p| p.as_map()).any(|p| {
            let t = p.get("type").and_then(|t| t.as_str());
            matches!(t.as_deref(), Some("*") | Some("AWS")) && strs(p.get("identifiers")).iter().any(|i| i == "*")
        });
    let limited = items(st.get("condition")).iter().any(|c| {
        let Some(m) = c.as_map() else { return true };
        match (m.get("test").and_then(|t| t.as_str()), m.get("variable").and_then(|v| v.as_str())) {
            (Some(test), Some(var)) => fixing(&test, &var, &strs(m.get("values")).iter().map(|v| v.to_string()).collect::<Vec<_>>()),
            // Written as expressions: they may limit the statement.
            _ => true,
        }
    });
    allow && anyone && !limited
}

/// A CDKTF `S3BucketPolicy` whose `policy` the file writes out and that S3 counts as
/// public: `JSON.stringify({ Statement: [...] })`, or the `.json` of a
/// `DataAwsIamPolicyDocument` declared in the file. `None` when the policy is not written
/// out here (a variable of another shape, a file read at synth time).
fn tf_policy_public(doc: &Document, ts: &TsFile, policy: &Resource) -> Option<bool> {
    let v = policy.props?.get("policy")?;
    if v.node.kind() == "call_expression" && ts.doc.text(v.node).trim_start().starts_with("JSON.stringify") {
        let arg = v.node.child_by_field_name("arguments").and_then(|a| ts.args(a).first().copied())?;
        let statements = arg.as_map().filter(|m| !m.has_spread())?.get("Statement")?;
        let list = statements.as_list().filter(|_| statements.intrinsic().is_none())?.items();
        return read_statements(&list, allows_anyone);
    }
    let text: String = v.text().chars().filter(|c| !c.is_whitespace()).collect();
    let name = text.strip_suffix(".json")?;
    let data = doc.bound_to(name, v.node).filter(|d| d.type_name.ends_with(".DataAwsIamPolicyDocument"))?;
    let statements = data.props.filter(|p| !p.has_spread())?.get("statement")?;
    let list = statements.as_list()?.items();
    read_statements(&list, tf_allows_anyone)
}

/// Whether statements written out allow anyone: `Some(true)` when one does, `Some(false)`
/// when every one is an object literal that does not, `None` when some are not written out
/// (a variable, a spread) and none written out does.
fn read_statements(list: &[ValueNode], anyone: fn(&ValueNode) -> bool) -> Option<bool> {
    if list.iter().any(anyone) {
        return Some(true);
    }
    list.iter().all(|i| i.as_map().is_some_and(|m| !m.has_spread())).then_some(false)
}

/// CFN `AWS::S3::Bucket` and CDK `CfnBucket`.
fn check_l1(doc: &Document, ts: Option<&TsFile>, r: &Resource) -> Vec<Finding> {
    let key = prop_name(doc.flavor, "PublicAccessBlockConfiguration");
    let Some(props) = r.props else {
        if public_policy(doc, r) {
            return vec![report(r, PUBLIC_POLICY)];
        }
        let Some(edits) = add_props(doc, r, &key, all_flags(doc)) else { return vec![] };
        return fixed(r, &format!("added `{key}` with all four flags on"), edits).into_iter().collect();
    };
    if props.has_spread() {
        return vec![];
    }
    let public = if public_policy(doc, r) {
        Some(PUBLIC_POLICY)
    } else if props.has(&prop_name(doc.flavor, "WebsiteConfiguration")) {
        Some("it hosts a static website")
    } else if props.get(&prop_name(doc.flavor, "AccessControl")).is_some_and(|v| public_acl(ts, &v)) {
        Some("its ACL is public")
    } else {
        None
    };
    let (flags, what) = match props.get(&key) {
        None if props.has(&key) => return vec![],
        None => (
            Flags { edits: insert_config(doc, props, &key), ..Flags::default() },
            format!("added `{key}` with all four flags on"),
        ),
        Some(v) if v.intrinsic().is_some() => return vec![],
        Some(v) => match v.as_map() {
            Some(m) => (complete_flags(doc, m), format!("added the missing flags of `{key}`")),
            None => return vec![],
        },
    };
    verdict(r, public, flags, &what, None)
}

/// CDK `s3.Bucket`.
fn check_l2(doc: &Document, ts: &TsFile, r: &Resource) -> Vec<Finding> {
    let (class, import) = sibling_export(ts, r, "aws-cdk-lib/aws-s3", "BlockPublicAccess", "s3");
    let block_all = Value::code(format!("{class}.BLOCK_ALL"));
    let set = format!("set `blockPublicAccess: {class}.BLOCK_ALL`");
    let Some(props) = r.props else {
        if public_policy(doc, r) {
            return vec![report(r, PUBLIC_POLICY)];
        }
        let Some(edits) = add_props(doc, r, "blockPublicAccess", block_all) else { return vec![] };
        return fixed(r, &set, edits.into_iter().chain(import).collect()).into_iter().collect();
    };
    if props.has_spread() {
        return vec![];
    }
    let public = if public_policy(doc, r) {
        Some(PUBLIC_POLICY)
    } else if CDK_WEBSITE_PROPS.iter().any(|k| props.has(k)) {
        Some("it hosts a static website")
    } else if props.get("publicReadAccess").is_some_and(|v| literal_bool(&v) != Some(false)) {
        Some("it grants public read access")
    } else if props.get("accessControl").is_some_and(|v| public_acl(Some(ts), &v)) {
        Some("its ACL is public")
    } else {
        None
    };
    let (flags, what) = match props.get("blockPublicAccess") {
        None if props.has("blockPublicAccess") => return vec![],
        None => (Flags { edits: props.insert("blockPublicAccess", &block_all, Position::End), ..Flags::default() }, set),
        Some(v) => match ts.resolve(v.node).as_deref().and_then(|n| n.strip_prefix(CDK_BPA)) {
            // Presets that leave the policy flags off on purpose.
            Some(".BLOCK_ACLS" | ".BLOCK_ACLS_ONLY") => {
                (Flags { off: vec!["blockPublicPolicy".into(), "restrictPublicBuckets".into()], ..Flags::default() }, set)
            }
            Some(_) => return vec![],
            None => match options_of(ts, v.node) {
                Some(m) => (complete_flags(doc, m), "added the missing flags of its `BlockPublicAccess`".to_string()),
                None => return vec![],
            },
        },
    };
    verdict(r, public, flags, &what, import)
}

/// The options object of `new s3.BlockPublicAccess({ … })`.
fn options_of<'a>(ts: &TsFile<'a>, node: tree_sitter::Node<'a>) -> Option<MapNode<'a>> {
    if node.kind() != "new_expression" || ts.resolve(node.child_by_field_name("constructor")?)? != CDK_BPA {
        return None;
    }
    ts.object_arg(node.child_by_field_name("arguments")?, 0)
}

/// CDKTF: each `S3Bucket` needs an `S3BucketPublicAccessBlock` that refers to it.
/// The companions are found through the shared per-file index (`targeting`), so
/// every bucket costs the same however many the file holds.
fn check_cdktf(doc: &Document, ts: &TsFile) -> Vec<Finding> {
    let mut out = Vec::new();
    let blocks: Vec<&Resource> = of_module(doc, TF_PAB);
    let buckets: Vec<&Resource> = doc.of_type(TF_BUCKET).collect();
    let mut by_binding: std::collections::HashMap<&str, Vec<&Resource>> = std::collections::HashMap::new();
    for b in &buckets {
        if let Some(name) = b.binding.as_deref() {
            by_binding.entry(name).or_default().push(b);
        }
    }
    for bucket in &buckets {
        // Blocks tied to the bucket by reference (also through a helper it is handed to), by
        // its literal name or name expression; one the tool cannot tie to any bucket may be
        // this one's, and a second block would fight it.
        let (named, maybe) = bucket_configurations(doc, &TF_BUCKET_BLOCKS, bucket);
        let has_block = named || !targeting(doc, TF_PAB, "bucket", bucket, BUCKET_ATTRS).is_empty();
        if has_block {
            continue;
        }
        if let Some(why) = tf_public(doc, ts, bucket) {
            out.push(report(bucket, why));
            continue;
        }
        if let Some(other) = maybe {
            let message = maybe_own_message(doc, &name_of(bucket), other, "S3BucketPublicAccessBlock", "check that it blocks all public access, or add one for this bucket");
            out.push(META.finding(bucket.node.start_byte(), message, None));
            continue;
        }
        out.push(add_block(doc, ts, bucket));
    }
    for block in blocks {
        let Some(props) = block.props else { continue };
        let flags = complete_flags(doc, props);
        let target = props.get("bucket").and_then(|v| {
            let text: String = v.text().chars().filter(|c| !c.is_whitespace()).collect();
            let (name, attr) = text.rsplit_once('.')?;
            BUCKET_ATTRS.contains(&attr).then_some(())?;
            // The bucket of that name declared in the scope the block is written in.
            let here = ts.declared(name, v.node);
            by_binding.get(name)?.iter().copied().find(|b| ts.declared(name, b.node) == here)
        });
        // A block naming its bucket by its literal name or name expression.
        let naming_of = |b: &Resource| resource_policies_of(doc, &TF_BUCKET_BLOCKS, b).into_iter().find(|(r, _)| r.node.id() == block.node.id()).map(|(_, n)| n);
        let target = target.or_else(|| buckets.iter().copied().find(|b| naming_of(b).is_some_and(|n| n != crate::transforms::Naming::Undecidable)));
        if target.is_none() && !flags.edits.is_empty() {
            // Which bucket it is for cannot be told (another construct's attribute), or the
            // bucket is not declared here: a website, public ACL or public policy written
            // against the same expression keeps it as it is, as for a bucket of the file.
            let text = |v: Option<ValueNode>| v.map(|v| v.text().split_whitespace().collect::<String>());
            let own = text(props.get("bucket"));
            let same = |r: &Resource| own.is_some() && text(r.props.and_then(|p| p.get("bucket"))) == own;
            let why = if of_module(doc, TF_WEBSITE).into_iter().any(same) {
                Some("it hosts a static website")
            } else if of_module(doc, TF_ACL).into_iter().filter(|r| same(r)).any(|r| r.props.and_then(|p| p.get("acl")).is_some_and(|v| public_acl(Some(ts), &v))) {
                Some("its ACL is public")
            } else if doc.of_type("@cdktf/provider-aws/lib/s3-bucket-policy.S3BucketPolicy").filter(|r| same(r)).any(|r| tf_policy_public(doc, ts, r) == Some(true)) {
                Some(PUBLIC_POLICY)
            } else {
                None
            };
            if let Some(why) = why {
                out.push(report(block, why));
                continue;
            }
            if buckets.iter().any(|b| naming_of(b) == Some(crate::transforms::Naming::Undecidable)) {
                let message = format!("{}: add its missing flags by hand once its bucket is checked (not fixed: which bucket it is for cannot be read here, and a website, a public ACL or a public policy of that bucket would stop working)", head(block));
                out.push(META.finding(block.node.start_byte(), message, None));
                continue;
            }
        }
        let public = target.and_then(|b| tf_public(doc, ts, b));
        // Completing the block changes it in the next apply: a policy of its bucket that
        // changes too (another fix appends to it) would be written at the same time, which S3
        // refuses. The policies wait for the block, as they do for a new one.
        if public.is_none() && !flags.edits.is_empty() {
            if let Some(bucket) = target {
                match policies_wait(doc, block, bucket) {
                    Ok((mut edits, waits)) if !waits.is_empty() => {
                        let mut flags = flags;
                        flags.edits.append(&mut edits);
                        let what = format!("added its missing flags; the bucket policy {} now depends on it (S3 refuses a policy and a block written at once)", waits.join(", "));
                        out.extend(verdict(block, None, flags, &what, None));
                        continue;
                    }
                    Ok(_) => {}
                    Err(why) => {
                        let message = format!("{}: add its missing flags by hand, and make the bucket's policy depend on it (not fixed: {why})", head(block));
                        out.push(META.finding(block.node.start_byte(), message, None));
                        continue;
                    }
                }
            }
        }
        out.extend(verdict(block, public, flags, "added its missing flags", None));
    }
    out
}

/// Why a CDKTF bucket may be public on purpose: its own `website`/`acl`, or a website
/// configuration or public ACL resource that refers to it.
fn tf_public(doc: &Document, ts: &TsFile, bucket: &Resource) -> Option<&'static str> {
    let props = bucket.props;
    let companions = |prefix: &'static str| targeting(doc, prefix, "bucket", bucket, BUCKET_ATTRS);
    if props.is_some_and(|p| p.has("website")) || !companions(TF_WEBSITE).is_empty() {
        return Some("it hosts a static website");
    }
    // Also those naming it by its literal name or name expression, or that may be its own
    // (the tool cannot tell which bucket they are for): a website or a public ACL would stop
    // working under a block, so the bucket is reported either way.
    let (named_site, maybe_site) = bucket_configurations(doc, &TF_BUCKET_WEBSITES, bucket);
    if named_site || maybe_site.is_some() {
        return Some("it hosts a static website");
    }
    let acls = resource_policies_of(doc, &TF_BUCKET_ACLS, bucket).into_iter().map(|(r, _)| r);
    let public_resource_acl = companions(TF_ACL).into_iter().chain(acls).any(|r| r.props.and_then(|p| p.get("acl")).is_some_and(|v| public_acl(Some(ts), &v)));
    if props.and_then(|p| p.get("acl")).is_some_and(|v| public_acl(Some(ts), &v)) || public_resource_acl {
        return Some("its ACL is public");
    }
    if policies_of(doc, bucket).into_iter().any(|(p, _)| tf_policy_public(doc, ts, p) == Some(true)) {
        return Some(PUBLIC_POLICY);
    }
    props.is_some_and(|p| p.has_spread()).then_some("its props use a spread that may make it public")
}

/// The props of `policy` to add `dependsOn` to, for a block named by a `const` declared by
/// statement `stmt`: the policy must come after it in the same block (or a block nested
/// there) and have object-literal props without `dependsOn` or a spread. `Err` says why not.
fn waiting_props<'a>(policy: &Resource<'a>, stmt: tree_sitter::Node) -> Result<MapNode<'a>, &'static str> {
    let scope = stmt.parent().map(|x| x.id());
    let after = policy.statement.is_some_and(|s| {
        s.start_byte() > stmt.end_byte() && std::iter::successors(s.parent(), |x| x.parent()).any(|x| Some(x.id()) == scope)
    });
    match policy.props {
        _ if !after => Err("the policy is declared elsewhere, where the block could not be named"),
        Some(pr) if pr.has("dependsOn") => Err("the policy already sets `dependsOn`"),
        Some(pr) if pr.has_spread() => Err("the policy's props spread another object"),
        Some(pr) => Ok(pr),
        None => Err("the policy's props are not an object literal"),
    }
}

/// Edits making the bucket policies of `bucket` that do not wait for the existing `block`
/// depend on it (binding a lone `new S3BucketPublicAccessBlock(…);` to a `const` first),
/// and the policies named for the message. `Err` says why a policy cannot be made to wait
/// (declared where the block cannot be named, `dependsOn` or props it cannot extend, one
/// that may be the bucket's without the tool being able to tell).
fn policies_wait(doc: &Document, block: &Resource, bucket: &Resource) -> Result<(Vec<Edit>, Vec<String>), String> {
    let all = policies_of(doc, bucket);
    if let Some((p, _)) = all.iter().find(|(_, n)| *n == crate::transforms::Naming::Undecidable) {
        return Err(format!("the bucket policy at line {} may be this bucket's, and which bucket it is for cannot be read here", doc.line_of(p.node.start_byte())));
    }
    let fresh = fresh_const(doc, block, "PublicAccessBlock");
    let mut edits = Vec::new();
    let mut waits = Vec::new();
    let mut anchor = None;
    for (p, _) in all {
        let what = p.binding.as_deref().or(p.logical_id.as_deref()).unwrap_or("S3BucketPolicy");
        // Already waits for this block (`dependsOn: [..., block]`)?
        let depends = p.props.and_then(|pr| pr.get("dependsOn"));
        if let (Some(d), Some(b)) = (depends, block.binding.as_deref()) {
            if d.as_list().is_some_and(|l| l.items().iter().any(|i| i.text().trim() == b)) {
                continue;
            }
        }
        let a = match &anchor {
            Some(a) => a,
            None => anchor.insert(companion_anchor(block, &fresh).map_err(|why| format!("the block cannot be named ({why})"))?),
        };
        let props = waiting_props(p, a.statement).map_err(|why| format!("its bucket policy `{what}` (line {}): {why}", doc.line_of(p.node.start_byte())))?;
        edits.extend(insert_entries(props, &[("dependsOn", Value::List(vec![Value::code(a.target.clone())]))]));
        waits.push(format!("`{what}`"));
    }
    if let Some(a) = anchor.filter(|_| !waits.is_empty()) {
        edits.extend(a.edits);
    }
    Ok((edits, waits))
}

/// A new `S3BucketPublicAccessBlock` right after the bucket's statement.
fn add_block(doc: &Document, ts: &TsFile, bucket: &Resource) -> Finding {
    let fresh = fresh_const(doc, bucket, "Bucket");
    let provider = same_provider(bucket);
    let anchor = match provider.clone().and_then(|_| companion_anchor(bucket, &fresh).map_err(str::to_string)) {
        Ok(a) => a,
        Err(why) => {
            let message = format!(
                "S3 bucket{} has no S3BucketPublicAccessBlock; add one by hand (not fixed: {why})",
                name_of(bucket)
            );
            return META.finding(bucket.node.start_byte(), message, None);
        }
    };
    let scope = bucket
        .node
        .child_by_field_name("arguments")
        .and_then(|a| ts.args(a).first().map(|s| s.text().to_string()))
        .unwrap_or_else(|| "this".into());
    let id = companion_id(doc, bucket, "public-access-block", "PublicAccessBlock");
    let (class, import) = tf_class(ts, bucket, "s3-bucket-public-access-block", "S3BucketPublicAccessBlock");
    let comma = if doc.parsed.style.trailing_comma { "," } else { "" };
    let flags: Vec<String> = FLAGS.iter().map(|f| format!("  {}: true", prop_name(doc.flavor, f))).collect();
    let mut edits = anchor.edits;
    // The bucket's policies wait for the new block (as `s3-enforce-ssl` makes a policy it
    // adds after a block wait): S3 refuses a bucket policy and a public access block
    // written to one bucket at once (`OperationAborted`), and Terraform creates resources
    // without a dependency between them in parallel. `depends_on` changes nothing of a
    // policy already deployed.
    let mut waits = Vec::new();
    // Only the policies that name this bucket: one whose bucket cannot be read here (another
    // construct's `bucket.id`) is left as it was.
    let all = policies_of(doc, bucket);
    // A policy that may be this bucket's but cannot be told (its bucket is a parameter of a
    // helper the bucket is handed to, or a name the tool cannot evaluate) cannot be made to
    // wait: the block is left to the author, with that policy named.
    if let Some((p, _)) = all.iter().find(|(_, n)| *n == crate::transforms::Naming::Undecidable) {
        let named = p.logical_id.as_deref().or(p.binding.as_deref()).map_or(String::new(), |id| format!(" `{id}`"));
        let message = format!(
            "S3 bucket{} has no S3BucketPublicAccessBlock; add one by hand, and if the bucket policy{named} (line {}) is this bucket's, make it depend on the block (not fixed: which bucket that policy is for cannot be read here, and S3 refuses a bucket policy and a public access block written to one bucket at once)",
            name_of(bucket),
            doc.line_of(p.node.start_byte())
        );
        return META.finding(bucket.node.start_byte(), message, None);
    }
    let policies: Vec<&Resource> = all.into_iter().map(|(p, _)| p).collect();
    let declared = if policies.is_empty() {
        String::new()
    } else {
        let base = anchor.target.rsplit('.').next().unwrap_or(&anchor.target);
        let owner = format!("s3-block-public-access {}", bucket.node.start_byte());
        let name = crate::transforms::unique_in_pass(doc, &owner, &format!("{base}PublicAccessBlock"), |c| doc.has_word(c));
        for p in &policies {
            let what = p.binding.as_deref().or(p.logical_id.as_deref()).unwrap_or("S3BucketPolicy");
            let line = doc.line_of(p.node.start_byte());
            // The new `const` is declared right after the bucket's statement.
            let props = match waiting_props(p, anchor.statement) {
                Ok(props) => props,
                Err(why) => {
                    let message = format!(
                        "S3 bucket{} has no S3BucketPublicAccessBlock; add one by hand, and make its bucket policy `{what}` (line {line}) depend on it (not fixed: {why})",
                        name_of(bucket)
                    );
                    return META.finding(bucket.node.start_byte(), message, None);
                }
            };
            edits.extend(insert_entries(props, &[("dependsOn", Value::List(vec![Value::code(name.clone())]))]));
            waits.push(format!("`{what}`"));
        }
        format!("const {name} = ")
    };
    let code = ts.statement_text(&format!(
        "{declared}new {class}({scope}, {id}, {{\n{}  bucket: {}.id,\n{}{comma}\n}})",
        provider.unwrap_or_default(),
        anchor.target,
        flags.join(",\n")
    ));
    edits.push(ts.insert_after(anchor.statement, &code));
    edits.extend(import);
    let wait = if waits.is_empty() { String::new() } else { format!("; the bucket policy {} now depends on it (S3 refuses a policy and a block written at once)", waits.join(", ")) };
    // A policy whose statements are not written out here may be public: S3 refuses it once
    // `blockPublicPolicy` is on. The fix stays review; the message says what to check.
    let unread: Vec<String> = policies
        .iter()
        .filter(|p| tf_policy_public(doc, ts, p).is_none())
        .map(|p| format!("`{}` (line {})", p.binding.as_deref().or(p.logical_id.as_deref()).unwrap_or("S3BucketPolicy"), doc.line_of(p.node.start_byte())))
        .collect();
    let wait = if unread.is_empty() {
        wait
    } else {
        format!("{wait}; check that the bucket policy {}, whose statements are not written out here, does not allow anyone: S3 refuses a public policy once `blockPublicPolicy` is on", unread.join(", "))
    };
    let message = format!(
        "S3 bucket{} has no S3BucketPublicAccessBlock: added `new {class}(…, {id}, …)` with all four flags on{wait}",
        name_of(bucket)
    );
    META.finding(bucket.node.start_byte(), message, Some(edits))
}
