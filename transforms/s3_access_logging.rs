//! ## What it fixes
//! S3 buckets without server access logging (`AWS::S3::Bucket` without
//! `LoggingConfiguration`) in CloudFormation / SAM templates. They log into one access-log
//! bucket per template (the B2 companion of `transforms/shared/log_bucket.rs`), each under
//! the prefix `<LogicalId>/`.
//!
//! ## Why
//! Server access logs record every request made to a bucket (who, what, when, from where):
//! the evidence an incident response or an audit asks for, which CloudTrail data events
//! give only at extra cost.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! Uploads:
//!   Type: AWS::S3::Bucket
//!   Properties:
//!     LoggingConfiguration:                  # added
//!       DestinationBucketName: !Ref AccessLogsBucket
//!       LogFilePrefix: Uploads/
//! AccessLogsBucket:                          # added, once per template
//!   Type: AWS::S3::Bucket
//!   DeletionPolicy: Retain
//!   UpdateReplacePolicy: Retain
//!   Properties:
//!     BucketEncryption: { SSE-S3 (AES256) }
//!     PublicAccessBlockConfiguration: { all four true }
//!     VersioningConfiguration: { Status: Enabled }
//!     OwnershipControls: { Rules: [{ ObjectOwnership: BucketOwnerEnforced }] }
//! AccessLogsBucketPolicy:                    # added: logging.s3.amazonaws.com may PutObject
//!   Type: AWS::S3::BucketPolicy              # for this account (aws:SourceAccount), no plain HTTP
//! ```
//! The log bucket is SSE-S3 because S3 cannot deliver server access logs to a bucket with
//! SSE-KMS default encryption, and it uses the bucket-policy method (not the
//! `LogDeliveryWrite` ACL) as the S3 user guide recommends and aws-cdk-lib does. A bucket of
//! the template that already receives server access logs (another bucket's
//! `DestinationBucketName` names it, or it has `AccessControl: LogDeliveryWrite`) is used
//! instead of a new one.
//!
//! CDK TypeScript (`aws-cdk-lib/aws-s3` names imported in the file's style when missing):
//! ```ts
//! const accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {   // added, once per scope
//!   encryption: s3.BucketEncryption.S3_MANAGED,
//!   blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
//!   versioned: true,
//!   enforceSSL: true,
//! });
//! const uploads = new s3.Bucket(this, 'Uploads', {
//!   serverAccessLogsBucket: accessLogsBucket, serverAccessLogsPrefix: 'Uploads/',   // added
//! });
//! ```
//! The new bucket is declared before the first bucket of the block (constructor) that needs
//! it. aws-cdk-lib gives S3 log delivery access to it itself (`Bucket.allowLogDelivery`: a
//! bucket policy for `logging.s3.amazonaws.com` with the feature flag
//! `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`, else the `LogDeliveryWrite` ACL and
//! `ObjectWriter` ownership, which is why no `objectOwnership` is written: with
//! `BUCKET_OWNER_ENFORCED` and the flag off, synthesis fails). A bucket of the same block
//! that already receives server access logs (another bucket's `serverAccessLogsBucket`,
//! `accessControl: …LOG_DELIVERY_WRITE`) is used instead. Left alone in CDK: buckets with
//! `serverAccessLogsBucket` or `serverAccessLogsPrefix` (alone it logs into itself: a
//! choice), log targets, buckets a Mixin configures (`.with(…)`, `Mixins.of(…)`), `CfnBucket`
//! (whose logging may be set by a property override); props with a spread, buckets in a loop,
//! a callback or a class field are reported without a fix.
//!
//! ## Which buckets
//! Left alone: buckets that receive server access logs themselves (a bucket does not log
//! into itself, and a log bucket logging into another log bucket only moves the question),
//! buckets that set `LoggingConfiguration` at all, buckets inside `Fn::ForEach`, and
//! buckets with a comment deciding against logging above them, first in their body or
//! trailing one of their lines (the shared `resource_comments`; one clause names `logging` /
//! `access log(s)` / `server log` with a negation such as `off`, `no`, `disabled`, `not
//! needed`: `# access logs off: CloudFront logs these`; reported without a fix;
//! `# bucket for ALB access logs, not public` describes, it decides nothing). An existing
//! log bucket is reused only when it exists whenever the bucket does (no `Condition`, or
//! the same one) and is not chosen inside `Fn::If`; otherwise the new one is added. Templates with an unmodelled macro are
//! reported without a fix. Suppressions apply per bucket.
//!
//! ## Applicability
//! review: the log bucket costs storage (logs are kept until a lifecycle rule you add
//! expires them) and is retained when the stack is deleted. The log bucket itself still
//! fails checkov CKV_AWS_18 (it does not log into itself): one such finding per template
//! instead of one per bucket.
//!
//! ## Known gaps
//! CDKTF (`S3BucketLoggingA`) and CDK `CfnBucket` are not handled yet; neither are ALB,
//! CloudFront or API Gateway access logs (ELB2, CFR3, APIG1), which need the same bucket with
//! other policies.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_18; cdk-nag AwsSolutions-S1 and `*-S3BucketLoggingEnabled` (HIPAA,
//! NIST 800-53 R4/R5, PCI DSS); AWS Config `S3_BUCKET_LOGGING_ENABLED`.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_log_bucket, cfn_log_targets, set_property};
use crate::value::Value;

pub struct S3AccessLogging;
pub static TRANSFORM: S3AccessLogging = S3AccessLogging;

static META: Meta = Meta {
    id: "s3-access-logging",
    title: "Send S3 server access logs to a log bucket",
    flavors: &[Flavor::CdkTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_18",
        "AwsSolutions-S1",
        "HIPAA.Security-S3BucketLoggingEnabled",
        "NIST.800.53.R4-S3BucketLoggingEnabled",
        "NIST.800.53.R5-S3BucketLoggingEnabled",
        "PCI.DSS.321-S3BucketLoggingEnabled",
        "S3_BUCKET_LOGGING_ENABLED",
    ],
    options: &[],
};

/// Words of a comment that records a decision about the bucket's logging.
const REASON_WORDS: &[&str] = &["logging", "access log", "access-log", "server log"];

/// Words that, in the same clause as one of [`REASON_WORDS`], make the comment a decision
/// against logging (`# access logs off: CloudFront logs these`).
const NEGATIONS: &[&str] = &[
    "no", "not", "off", "without", "disable", "disabled", "skip", "skipped", "never", "none",
    "unneeded", "unnecessary", "intentionally", "deliberately", "purposely", "unlogged",
];

/// `Some(why)` when a comment of the bucket (above its logical id or statement, first in
/// its body, trailing one of its lines: the shared [`crate::transforms::resource_comments`])
/// decides against access logging: one clause of it (split at `,;:.()`) names the logs
/// (`access log(s)`, `logging`, `server log`) and a negation (`off`, `no`, `disabled`,
/// `not needed`, `on purpose`, `n't`). A describing comment (`# bucket for ALB access logs,
/// not public`) has no such clause. Suppression comments are the fixer's business.
fn logging_comment(doc: &Document, r: &Resource) -> Option<String> {
    crate::transforms::resource_comments(doc, r).into_iter().find_map(|(text, at)| {
        let lower = text.to_ascii_lowercase();
        if lower.contains("iac-fix") || lower.contains("checkov:skip") || lower.contains("cfn-lint") {
            return None;
        }
        let decides = lower.split(|c: char| ",;:.()".contains(c)).any(|clause| {
            let words: Vec<&str> = clause.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'')).collect();
            let negated = clause.contains("on purpose") || clause.contains("n't") || words.iter().any(|w| NEGATIONS.contains(w));
            negated && REASON_WORDS.iter().any(|t| clause.contains(t))
        });
        decides.then(|| format!("the comment at line {} says \"{text}\"", doc.line_of(at)))
    })
}

impl Transform for S3AccessLogging {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// Findings are per bucket.
    fn interest(&self) -> crate::transform::Interest {
        crate::transform::Interest::types(["AWS::S3::Bucket", CDK_BUCKET])
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc),
            _ => check_cfn(doc),
        }
    }
}

fn check_cfn(doc: &Document) -> Vec<Finding> {
    {
        let targets = cfn_log_targets(doc);
        let mut out = Vec::new();
        for r in doc.of_type("AWS::S3::Bucket") {
            let Some(id) = r.logical_id.as_deref() else { continue };
            if r.props.is_some_and(|p| p.has("LoggingConfiguration")) || r.in_loop.is_some() || targets.iter().any(|t| t == id) {
                continue;
            }
            let offset = r.node.start_byte();
            let head = format!("S3 bucket `{id}` has no server access logging");
            if let Some(why) = logging_comment(doc, r) {
                out.push(META.finding(offset, format!("{head}; not fixed: {why}, so logging may have been left out on purpose"), None));
                continue;
            }
            let bucket = match cfn_log_bucket(doc, r) {
                Ok(b) => b,
                Err(why) => {
                    out.push(META.finding(offset, format!("{head}; not fixed: {why}"), None));
                    continue;
                }
            };
            let config = Value::map([
                ("DestinationBucketName", Value::Ref(bucket.id.clone())),
                ("LogFilePrefix", Value::str(format!("{id}/"))),
            ]);
            let Some(mut edits) = set_property(doc, r, "LoggingConfiguration", &config) else { continue };
            edits.extend(bucket.edits);
            let message = format!(
                "{head}: it now logs under `{id}/` into {} (review: the logs cost storage until a lifecycle rule expires them, and the log bucket is kept when the stack is deleted)",
                bucket.how
            );
            out.push(META.finding(offset, message, Some(edits)));
        }
        out
    }
}

// ---------------------------------------------------------------- CDK

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const S3_MODULE: &str = "aws-cdk-lib/aws-s3";

/// The bindings of CDK buckets that receive server access logs: named by another bucket's
/// `serverAccessLogsBucket`, or created with `accessControl: …LOG_DELIVERY_WRITE`.
fn cdk_log_targets(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for r in doc.of_type(CDK_BUCKET) {
        let Some(props) = r.props else { continue };
        if let Some(v) = props.get("serverAccessLogsBucket") {
            out.push(v.text().trim().to_string());
        }
        let acl = props.get("accessControl").is_some_and(|v| v.text().contains("LOG_DELIVERY_WRITE"));
        if let (true, Some(b)) = (acl, r.binding.as_deref()) {
            out.push(b.to_string());
        }
    }
    out
}

/// A CDK Mixin may configure the bucket: `.with(…)` on it, or `Mixins.of(…)` in the file.
fn mixin(doc: &Document, r: &Resource) -> bool {
    doc.source().contains("Mixins.of(")
        || r.statement.is_some_and(|s| doc.text(s).contains(".with("))
        || r.binding.as_deref().is_some_and(|b| doc.source().contains(&format!("{b}.with(")))
}

/// CDK `s3.Bucket`s without `serverAccessLogsBucket` log into one `accessLogsBucket` per
/// block (constructor), declared before the first bucket of the block that needs it. The
/// L2 bucket adds the bucket policy for `logging.s3.amazonaws.com` to the target itself
/// (aws-cdk-lib `Bucket.allowLogDelivery`, feature flag
/// `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`; without the flag it sets the
/// `LogDeliveryWrite` ACL), so no policy is written here.
fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let targets = cdk_log_targets(doc);
    let buckets: Vec<&Resource> = doc.of_type(CDK_BUCKET).collect();
    let q = doc.parsed.style.quote;
    let mut eligible: Vec<(&Resource, crate::transforms::Placement)> = Vec::new();
    let mut out = Vec::new();
    for r in buckets {
        let at = r.node.start_byte();
        let name = r.binding.as_deref().or(r.logical_id.as_deref()).unwrap_or("bucket").to_string();
        let head = format!("S3 bucket `{name}` has no server access logging");
        let props = r.props;
        if props.is_some_and(|p| p.has("serverAccessLogsBucket") || p.has("serverAccessLogsPrefix"))
            || r.binding.as_deref().is_some_and(|b| targets.iter().any(|t| t == b))
            || mixin(doc, r)
        {
            continue;
        }
        let report = |why: &str| META.finding(at, format!("{head}; not fixed: {why}"), None);
        if props.is_some_and(|p| p.has_spread()) {
            out.push(report("its props spread another object, which may set it"));
            continue;
        }
        if r.node.child_by_field_name("arguments").is_some_and(|a| ts.args(a).len() > 2) && props.is_none() {
            out.push(report("its props are not an object literal"));
            continue;
        }
        if let Some(why) = logging_comment(doc, r) {
            out.push(report(&format!("{why}, so logging may have been left out on purpose")));
            continue;
        }
        match crate::transforms::placement_before(ts, r) {
            Ok(p) if p.repeats => out.push(report(&format!(
                "it is created in a function with a computed id (`{}`), which may run more than once, and a log bucket declared there with one fixed id would collide; pass a log bucket in",
                p.id.map_or("?", |v| v.text().trim_matches('`'))
            ))),
            Ok(p) => eligible.push((r, p)),
            Err(why) => out.push(report(why)),
        }
    }
    for (r, place) in &eligible {
        let block = ts.parent(place.stmt).map(|b| b.id());
        // An existing log target declared before this bucket in the same block.
        let existing = targets.iter().find(|t| {
            doc.of_type(CDK_BUCKET).any(|b| {
                b.binding.as_deref() == Some(t.as_str())
                    && b.statement.is_some_and(|s| ts.parent(s).map(|p| p.id()) == block && s.end_byte() <= place.stmt.start_byte())
            })
        });
        let (log, mut edits, how) = match existing {
            Some(t) => (t.clone(), vec![], format!("`{t}`, the bucket that already receives this scope's server access logs")),
            None => {
                // The first bucket of the block that needs one declares it.
                let first = eligible
                    .iter()
                    .filter(|(_, p)| p.stmt.parent().map(|b| b.id()) == block)
                    .map(|(_, p)| p)
                    .min_by_key(|p| p.stmt.start_byte())
                    .unwrap_or(place);
                // One log bucket per block; two blocks of one class share its construct scope.
                let owner = format!("s3-access-logging {}", first.stmt.start_byte());
                let name = crate::transforms::unique_in_pass(doc, &owner, "accessLogsBucket", |c| doc.has_word(c));
                let id = crate::transforms::unique_in_pass(doc, &owner, "AccessLogsBucket", |c| crate::transforms::has_string_literal(doc, c));
                let mut edits = Vec::new();
                let mut class = |export: &str| {
                    let (text, import) = crate::transforms::sibling_export(ts, r, S3_MODULE, export, "s3");
                    edits.extend(import);
                    text
                };
                let bucket = class("Bucket");
                let enc = class("BucketEncryption");
                let bpa = class("BlockPublicAccess");
                let tc = if doc.parsed.style.trailing_comma { "," } else { "" };
                let code = ts.statement_text(&format!(
                    "const {name} = new {bucket}({}, {}, {{\n  encryption: {enc}.S3_MANAGED,\n  blockPublicAccess: {bpa}.BLOCK_ALL,\n  versioned: true,\n  enforceSSL: true{tc}\n}})",
                    first.scope,
                    crate::value::quote(&id, q)
                ));
                edits.push(ts.insert_before(first.stmt, &code));
                let how = format!("a new bucket `{name}` (SSE-S3, public access blocked, versioned, TLS only; the L2 bucket's default removal policy `RETAIN` keeps it), to which aws-cdk-lib gives S3 log delivery access itself (a bucket policy with the feature flag `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`, else the `LogDeliveryWrite` ACL and the object ownership it needs, which is why no `objectOwnership` is set)");
                (name, edits, how)
            }
        };
        let prefix = r.logical_id.as_deref().map(|id| crate::value::quote(&format!("{id}/"), q));
        match r.props {
            Some(props) => {
                let mut entries = vec![("serverAccessLogsBucket", Value::code(log.clone()))];
                if let Some(p) = &prefix {
                    entries.push(("serverAccessLogsPrefix", Value::code(p.clone())));
                }
                edits.extend(crate::transforms::insert_entries(props, &entries));
            }
            None => {
                let Some(id) = r.node.child_by_field_name("arguments").and_then(|a| ts.args(a).get(1).copied()) else { continue };
                let extra = prefix.as_ref().map_or(String::new(), |p| format!(", serverAccessLogsPrefix: {p}"));
                edits.push(crate::edit::Edit::insert(id.node.end_byte(), format!(", {{ serverAccessLogsBucket: {log}{extra} }}")));
            }
        }
        let name = r.binding.as_deref().or(r.logical_id.as_deref()).unwrap_or("bucket");
        let message = format!("S3 bucket `{name}` has no server access logging: it now logs into {how} (review: the logs cost storage until a lifecycle rule expires them, and the log bucket is kept when the stack is deleted)");
        out.push(META.finding(r.node.start_byte(), message, Some(edits)));
    }
    out
}
