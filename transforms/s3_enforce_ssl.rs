//! ## What it fixes
//! S3 buckets that accept plain-HTTP requests: no bucket policy statement denies
//! requests whose `aws:SecureTransport` is `false`.
//!
//! ## Why
//! S3 serves HTTP as well as HTTPS. Without a deny on `aws:SecureTransport = false`
//! a misconfigured client or SDK endpoint can send credentials-signed requests and
//! object data in clear text, where they can be read or altered on the way. AWS
//! Foundational Security Best Practices S3.5 and CIS AWS Foundations 2.1.1 require
//! the deny.
//!
//! ## Before → after
//! CDK TypeScript, L2 `s3.Bucket` (every import style; a bucket without props gets them):
//! ```ts
//! new s3.Bucket(this, 'Data', { versioned: true });
//! // becomes
//! new s3.Bucket(this, 'Data', { versioned: true, enforceSSL: true });
//! ```
//! An explicit `enforceSSL: false` is turned to `true` as a review fix, or reported without
//! a fix when a comment records why (the shared rule for explicit values, `explicit_value`).
//!
//! CDK L1 `s3.CfnBucket` has no `enforceSSL`: like in CloudFormation, the statement
//! (`Resource: [raw.attrArn, `${raw.attrArn}/*`]`) is appended to the literal
//! `policyDocument.Statement` list of the file's `s3.CfnBucketPolicy` for it
//! (`bucket: raw.ref`), or a new `s3.CfnBucketPolicy` (`'<Id>Policy'`) follows the
//! bucket's statement.
//!
//! CDKTF TypeScript: an `S3Bucket` without an `S3BucketPolicy` gets one (with the
//! bucket's `provider`, so it is created in the bucket's region and account), declared
//! after the bucket (after its `S3BucketPublicAccessBlock` when it has one, which the
//! policy then `dependsOn`: S3 rejects a policy and a public access block written to
//! the same bucket at once with `OperationAborted`, and Terraform would create both
//! in parallel; an unbound block is bound to a `const` for that):
//! ```ts
//! new S3BucketPolicy(this, 'data-policy', {
//!   bucket: data.id,
//!   policy: JSON.stringify({
//!     Version: '2012-10-17',
//!     Statement: [
//!       {
//!         Sid: 'DenyInsecureTransport',
//!         Effect: 'Deny',
//!         Principal: '*',
//!         Action: 's3:*',
//!         Resource: [data.arn, `${data.arn}/*`],
//!         Condition: {
//!           Bool: { 'aws:SecureTransport': 'false' },
//!         },
//!       },
//!     ],
//!   }),
//!   dependsOn: [dataPublicAccessBlock],
//! });
//! ```
//! A bucket whose `S3BucketPolicy` is written as `JSON.stringify({ Statement: [...] })`
//! or as the `.json` of a `DataAwsIamPolicyDocument` of the file gets the statement
//! appended there (`principals: [{ type: '*', identifiers: ['*'] }]` and a `Bool`
//! `condition` in the data source's form).
//!
//! CloudFormation YAML (JSON alike; short or long intrinsics as the file writes them):
//! ```yaml
//! Data:
//!   Type: AWS::S3::Bucket
//! DataPolicy:                        # added, a unique logical id
//!   Type: AWS::S3::BucketPolicy
//!   Properties:
//!     Bucket: !Ref Data
//!     PolicyDocument:
//!       Version: '2012-10-17'
//!       Statement:
//!         - Sid: DenyInsecureTransport
//!           Effect: Deny
//!           Principal: '*'
//!           Action: s3:*
//!           Resource:
//!             - !GetAtt Data.Arn
//!             - !Sub ${Data.Arn}/*
//!           Condition:
//!             Bool:
//!               aws:SecureTransport: 'false'
//! ```
//! The new policy takes the bucket's `Condition`. A bucket has exactly one policy (two
//! policy resources on it overwrite each other, the last write wins), so a bucket whose
//! policy the file already declares gets the statement appended to that policy's literal
//! `PolicyDocument.Statement` list. "Its policy" is every policy that names it, in any
//! way (`transforms/shared/buckets.rs`, indexed once per file): `!Ref Data`,
//! `!GetAtt Data.Arn`, the bucket's literal `BucketName`, or the same `Fn::Sub`/`Fn::Join`
//! /`Ref` expression as its `BucketName` (short and long forms compared as data); CDK
//! `bucket: raw.ref`/`'literal-name'`, CDKTF `bucket: data.id`/`data.bucket`/the literal
//! name or the same expression as the bucket's `bucket`.
//!
//! ## Left alone or reported
//! - Already compliant (skipped): a policy of the bucket that mentions
//!   `aws:SecureTransport` anywhere (any statement, also in a `DataAwsIamPolicyDocument`
//!   or added with `policy.document.addStatements(…)`); CDK `enforceSSL: true` or an
//!   expression; a CDK bucket receiving `addToResourcePolicy(…)` of a statement that
//!   mentions it (or of a variable, when an `iam.PolicyStatement` of the file does), and
//!   every bucket of a file that adds such a statement through a loop variable or a
//!   helper's parameter; props with a `...spread` or given as a variable.
//! - Reported without a fix: website buckets (CFN `WebsiteConfiguration`, CDK
//!   `websiteIndexDocument`/`websiteRedirect`/`websiteRoutingRules`, CDKTF `website` or an
//!   `S3BucketWebsiteConfiguration`): the S3 website endpoint is HTTP only, so the deny
//!   would take the site down; a CDK L2 bucket with its own `s3.BucketPolicy` or
//!   `CfnBucketPolicy` (`enforceSSL` would create a second policy and the two would
//!   overwrite each other); a policy document or statement list given as an intrinsic,
//!   a parameter or a variable; a policy whose bucket only mentions the bucket
//!   (`Fn::If`, a longer `Fn::Sub`, a call taking it) or cannot be evaluated and may hold
//!   its name (a parameter, an `Fn::ImportValue`, a variable; a bucket without a name of
//!   its own is reachable only by reference, so it is not concerned); a bucket with more
//!   than one policy already; a log destination whose policy is managed outside the
//!   template (AWS log delivery adds `delivery.logs.amazonaws.com` statements to the
//!   policy of VPC flow log, Network Firewall, WAF, Route 53 Resolver, MSK and CloudWatch
//!   delivery destinations — AWS CloudWatch Logs User Guide, "Logs sent to Amazon S3";
//!   ELB access logs, CloudTrail, Config and CloudFront logging need a statement the
//!   owner writes): a new policy would replace it and stop the logs, and appending to a
//!   template policy of a vended-log destination that lacks the log-delivery statements
//!   would drop them at the update (aws/aws-cdk#18676, #18770); templates with a macro the
//!   tool does not model (`Transform: Count`, `Explode`…, or `Fn::Transform`), which may
//!   rename the logical ids a new policy refers to; a CDKTF bucket created `count`/`forEach`
//!   times; a CDKTF `S3Bucket` with the deprecated inline `policy`; a
//!   CDKTF `S3Bucket` or CDK `CfnBucket` not bound to a variable, or declared as a class
//!   field (no statement can follow it).
//!
//! ## Known gaps
//! Policies declared in other files are not seen: a bucket exposed as `this.bucket`
//! whose policy another stack declares would get a second one (a bucket has one
//! policy, so the two overwrite each other); the message of such a fix says so.
//!
//! ## Applicability
//! safe: HTTPS requests are unaffected; only clients still using `http://` S3
//! endpoints are refused, which is the point. review: an explicit `enforceSSL: false`.
//!
//! ## Equivalent checks
//! cdk-nag AwsSolutions-S10, NIST.800.53.R5-S3BucketSSLRequestsOnly,
//! HIPAA.Security-S3BucketSSLRequestsOnly, PCI.DSS.321-S3BucketSSLRequestsOnly; AWS Config
//! `s3-bucket-ssl-requests-only` (guard rule `S3_BUCKET_SSL_REQUESTS_ONLY`). cfn-lint has no such rule, and checkov has one only
//! for the `awscc` Terraform provider (CKV_AWSCC_154), not for CloudFormation or the
//! `aws` provider.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::lang::ts::{MethodCall, TsFile};
use crate::model::{Document, Resource};
use crate::style::Style;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{blank_line_between_resources, cfn_logical_id, data_policy_document, has_string_literal, log_writers_of, macro_hazard, placement, policies_of, targeting, switch, tf_policy_statements, unique, Naming, Switch};
use crate::value::{quote, Renderer, Value};
use crate::lang::Syntax;
use tree_sitter::Node;

pub struct S3EnforceSsl;
pub static TRANSFORM: S3EnforceSsl = S3EnforceSsl;

static META: Meta = Meta {
    id: "s3-enforce-ssl",
    title: "Deny plain-HTTP requests to S3 buckets",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[
        "AwsSolutions-S10", "NIST.800.53.R4-S3BucketSSLRequestsOnly",
        "NIST.800.53.R5-S3BucketSSLRequestsOnly",
        "HIPAA.Security-S3BucketSSLRequestsOnly",
        "PCI.DSS.321-S3BucketSSLRequestsOnly",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
    ],
    options: &[],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_CFN_BUCKET: &str = "aws-cdk-lib/aws-s3.CfnBucket";
const CDK_POLICIES: &[&str] = &["aws-cdk-lib/aws-s3.BucketPolicy", "aws-cdk-lib/aws-s3.CfnBucketPolicy"];
const CDK_STATEMENT: &str = "aws-cdk-lib/aws-iam.PolicyStatement";
const CDK_WEBSITE_PROPS: &[&str] = &["websiteIndexDocument", "websiteRedirect", "websiteRoutingRules"];
const TF_PREFIX: &str = "@cdktf/provider-aws/lib/";
const TF_BUCKET: &str = "@cdktf/provider-aws/lib/s3-bucket.S3Bucket";
const TF_WEBSITE: &str = "@cdktf/provider-aws/lib/s3-bucket-website-configuration.S3BucketWebsiteConfiguration";
const TF_ACCESS_BLOCK: &str = "@cdktf/provider-aws/lib/s3-bucket-public-access-block.S3BucketPublicAccessBlock";
const CFN_BUCKET: &str = "AWS::S3::Bucket";
const CFN_POLICY: &str = "AWS::S3::BucketPolicy";
const SID: &str = "DenyInsecureTransport";
const CONDITION_KEY: &str = "aws:SecureTransport";

impl Transform for S3EnforceSsl {
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

/// Condition keys are case-insensitive in IAM.
fn mentions_secure_transport(text: &str) -> bool {
    text.to_ascii_lowercase().contains("aws:securetransport")
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

const WEBSITE_NOTE: &str = "not fixed: it is a website bucket, and the S3 website endpoint serves HTTP only, so denying insecure transport would take the site down (serve the site through CloudFront from the bucket's REST endpoint first)";

// ---------------------------------------------------------------- CDK

fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let denied = Denials::of(doc, ts);
    let mut out: Vec<Finding> = doc.of_type(CDK_BUCKET).filter_map(|r| check_l2(doc, ts, r, &denied)).collect();
    out.extend(doc.of_type(CDK_CFN_BUCKET).filter_map(|r| check_l1(doc, ts, r)));
    out
}

/// What the file's own `addToResourcePolicy(…)` calls already deny.
struct Denials {
    /// An `iam.PolicyStatement` of the file mentions `aws:SecureTransport` (text this
    /// transform inserts never is one, so a later pass sees what the first saw).
    file_mentions: bool,
    /// Receivers of calls whose statement mentions it.
    receivers: Vec<String>,
    /// One such receiver is no construct of the file (a loop variable, a helper's
    /// parameter): any bucket may get the statement that way.
    through_variable: bool,
}

impl Denials {
    fn of(doc: &Document, ts: &TsFile) -> Denials {
        let file_mentions = doc.of_type(CDK_STATEMENT).any(|r| mentions_secure_transport(doc.text(r.node)));
        let receivers: Vec<String> = ts
            .calls
            .iter()
            .filter(|c| doc.text(c.method) == "addToResourcePolicy" && mentions_secure_transport(doc.text(c.arguments)))
            .map(|c| doc.text(c.receiver).to_string())
            .collect();
        let through_variable = receivers.iter().any(|r| !doc.resources.iter().any(|c| c.binding.as_deref() == Some(r.as_str())));
        Denials { file_mentions, receivers, through_variable }
    }

    /// The bucket `binding` gets the deny from its own calls.
    fn cover(&self, ts: &TsFile, binding: &str) -> bool {
        self.through_variable
            || self.receivers.iter().any(|r| r == binding)
            // `bucket.addToResourcePolicy(statement)` with the statement built elsewhere in the file.
            || self.file_mentions && ts.calls_on(binding, "addToResourcePolicy").next().is_some()
    }

    /// A separate bucket policy construct that has the deny: in its props, or added
    /// through `policy.document.addStatements(…)`.
    fn cover_policy(&self, doc: &Document, ts: &TsFile, policy: &Resource) -> bool {
        let document = policy.binding.as_deref().map(|b| format!("{b}.document"));
        let added = |c: &&MethodCall| document.as_deref() == Some(doc.text(c.receiver));
        mentions_secure_transport(doc.text(policy.node))
            || ts.calls.iter().filter(added).any(|c| self.file_mentions || mentions_secure_transport(doc.text(c.arguments)))
    }
}

/// `new s3.Bucket(…)`: `enforceSSL: true` added, or a literal `false` turned on.
fn check_l2(doc: &Document, ts: &TsFile, r: &Resource, denied: &Denials) -> Option<Finding> {
    let at = r.node.start_byte();
    let name = name_of(r);
    let head = format!("S3 bucket{name} accepts plain-HTTP requests");
    let off = match r.props {
        Some(props) => match switch(&props, "enforceSSL") {
            Switch::Left => return None,
            Switch::Missing => None,
            Switch::Off(v) => Some(v),
        },
        None => None,
    };
    let own = policies_of(doc, r);
    let covered = r.binding.as_deref().is_some_and(|binding| denied.cover(ts, binding));
    if covered || own.iter().any(|(p, _)| denied.cover_policy(doc, ts, p)) {
        return None;
    }
    if let Some((p, _)) = own.first() {
        let line = doc.line_of(p.node.start_byte());
        let message = format!("{head}; add a statement denying `aws:SecureTransport: false` to its bucket policy (line {line}) (not fixed: `enforceSSL` would create a second policy for the bucket, and the two would overwrite each other)");
        return Some(META.finding(at, message, None));
    }
    if r.props.is_some_and(|p| CDK_WEBSITE_PROPS.iter().any(|k| p.has(k))) {
        return Some(META.finding(at, format!("{head}; {WEBSITE_NOTE}"), None));
    }
    let Some(props) = r.props else {
        // No props object: add one when the call has just (scope, id).
        let args = ts.args(r.node.child_by_field_name("arguments")?);
        let [_, id] = args.as_slice() else { return None };
        let edit = Edit::insert(id.end(), ", { enforceSSL: true }");
        return Some(META.finding(at, format!("{head}; set `enforceSSL: true`"), Some(vec![edit])));
    };
    match off {
        Some(v) => Some(crate::transforms::explicit_value(
            doc,
            &META,
            &v,
            &format!("{head}: it sets `enforceSSL: false`, written explicitly"),
            "turned it on (review: clients using `http://` S3 endpoints will be refused)",
            vec![v.replace(&Value::Bool(true))],
        )),
        None => {
            let edits = props.insert("enforceSSL", &Value::Bool(true), Position::End);
            Some(META.finding(at, format!("{head}; set `enforceSSL: true`"), Some(edits)))
        }
    }
}

/// `new s3.CfnBucket(…)`: a statement appended to its `CfnBucketPolicy`, or a new one.
fn check_l1(doc: &Document, ts: &TsFile, r: &Resource) -> Option<Finding> {
    let at = r.node.start_byte();
    let head = format!("S3 bucket{} accepts plain-HTTP requests", name_of(r));
    let report = |why: &str| Some(META.finding(at, format!("{head}; add a `CfnBucketPolicy` statement denying `aws:SecureTransport: false` (not fixed: {why})"), None));
    if r.props.is_some_and(|p| p.has_spread()) {
        return None;
    }
    let Some(binding) = r.binding.as_deref() else {
        return report("the bucket is not bound to a variable the policy could refer to");
    };
    let own = policies_of(doc, r);
    if own.iter().any(|(p, _)| mentions_secure_transport(doc.text(p.node))) {
        return None;
    }
    if r.props.is_some_and(|p| p.has("websiteConfiguration")) {
        return Some(META.finding(at, format!("{head}; {WEBSITE_NOTE}"), None));
    }
    if let Some(why) = undecided(doc, &own) {
        return report(&why);
    }
    let arn = format!("{binding}.attrArn");
    if let Some((policy, _)) = own.first() {
        if let Some(why) = drops_log_delivery(doc, r, policy) {
            return report(&why);
        }
        let statements = policy.props.and_then(|p| p.get_path(&["policyDocument", "Statement"])).and_then(|v| v.as_list());
        return match statements {
            Some(list) if policy.type_name == CDK_POLICIES[1] => {
                let message = format!("{head}; appended a `{SID}` statement to its `CfnBucketPolicy`");
                Some(META.finding(policy.node.start_byte(), message, Some(list.push(&json_statement(&arn)))))
            }
            _ => report("its bucket policy's statements are not a literal list in a `CfnBucketPolicy`"),
        };
    }
    if let Some(why) = managed_elsewhere(doc, r) {
        return report(&why);
    }
    let Some(stmt) = r.statement.filter(|s| in_block(*s)) else {
        return report("the bucket is a class field, where no statement can follow it");
    };
    let args = ts.args(r.node.child_by_field_name("arguments")?);
    let (scope, id) = (args.first()?.text(), args.get(1)?);
    let (class, import) = ts.reference("aws-cdk-lib/aws-s3", "CfnBucketPolicy", "s3");
    let document = Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(vec![json_statement(&arn)]))]);
    let props = Value::map([("bucket", Value::code(format!("{binding}.ref"))), ("policyDocument", document)]);
    let call = Value::Call(format!("new {class}"), vec![Value::code(scope), Value::code(policy_id(doc, *id)), props]);
    let mut edits = vec![ts.insert_after(stmt, &ts.statement_text(&two_space_ts(doc, &call)))];
    edits.extend(import);
    let message = format!("{head}; added a `CfnBucketPolicy` denying `aws:SecureTransport: false`{}", elsewhere(binding));
    Some(META.finding(at, message, Some(edits)))
}

// ---------------------------------------------------------------- CDKTF

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    doc.of_type(TF_BUCKET).filter_map(|b| check_tf_bucket(doc, ts, b)).collect()
}

fn check_tf_bucket<'a>(doc: &Document<'a>, ts: &TsFile<'a>, b: &Resource<'a>) -> Option<Finding> {
    let at = b.node.start_byte();
    let head = format!("S3 bucket{} accepts plain-HTTP requests", name_of(b));
    let report = |why: &str| Some(META.finding(at, format!("{head}; add an `S3BucketPolicy` statement denying `aws:SecureTransport: false` ({why})"), None));
    if b.props.is_some_and(|p| p.has_spread()) {
        return None;
    }
    if let Some(inline) = b.props.and_then(|p| p.get("policy")) {
        if mentions_secure_transport(inline.text()) {
            return None;
        }
        return report("not fixed: it uses the deprecated inline `policy`, which an `S3BucketPolicy` would fight with");
    }
    let Some(binding) = b.binding.as_deref() else {
        return report("not fixed: the bucket is not bound to a variable the policy could refer to");
    };
    let own = policies_of(doc, b);
    if own.iter().any(|(p, _)| mentions_secure_transport(&tf_policy_text(doc, p))) {
        return None;
    }
    // A website configuration tied to it by reference, by its literal name, or one that may
    // be its own (the tool cannot tell which bucket it is for).
    let website = !targeting(doc, TF_WEBSITE, "bucket", b, BUCKET_ATTRS).is_empty()
        || {
            let (named, maybe) = crate::transforms::bucket_configurations(doc, &crate::transforms::TF_BUCKET_WEBSITES, b);
            named || maybe.is_some()
        };
    if b.props.is_some_and(|p| p.has("website")) || website {
        return Some(META.finding(at, format!("{head}; {WEBSITE_NOTE}"), None));
    }
    if let Some(why) = undecided(doc, &own) {
        return report(&format!("not fixed: {why}"));
    }
    match own.as_slice() {
        [(policy, _)] => match drops_log_delivery(doc, b, policy) {
            Some(why) => report(&format!("not fixed: {why}")),
            None => append_tf_statement(doc, ts, binding, policy, &head),
        },
        [_, (second, _), ..] => report(&format!(
            "not fixed: it already has more than one `S3BucketPolicy` (line {} too), which overwrite each other: keep one",
            doc.line_of(second.node.start_byte())
        )),
        [] => {
            if let Some(why) = managed_elsewhere(doc, b) {
                return report(&format!("not fixed: {why}"));
            }
            let blocks = targeting(doc, TF_ACCESS_BLOCK, "bucket", b, BUCKET_ATTRS);
            // A block naming the bucket other than by reference (its literal name, another
            // construct's attribute): the new policy could not be made to wait for it.
            let unreferenced = crate::transforms::resource_policies_of(doc, &crate::transforms::TF_BUCKET_BLOCKS, b)
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| !blocks.iter().any(|x| x.node.id() == k.node.id()))
                .find(|k| k.props.and_then(|p| p.get("bucket")).is_some_and(|v| !crate::transforms::through_alias(doc, v.text(), v.node)));
            if let [first, second, ..] = blocks.as_slice() {
                return report(&format!(
                    "not fixed: it has more than one public access block (lines {} and {}), which overwrite each other, and a new policy would wait for one of them only; keep one, then add the deny statement with a policy that depends on it",
                    doc.line_of(first.node.start_byte()),
                    doc.line_of(second.node.start_byte())
                ));
            }
            if let Some(k) = unreferenced {
                return report(&format!(
                    "not fixed: a public access block (line {}) may be this bucket's, and it names the bucket other than through its variable; S3 aborts a policy and a block written at the same time, so add the deny statement with a policy that depends on that block",
                    doc.line_of(k.node.start_byte())
                ));
            }
            // A public access block the new policy cannot wait for (another method, a
            // helper given the bucket): S3 aborts one of two concurrent writes.
            let reachable = |k: &&Resource| {
                k.statement.zip(b.statement).is_some_and(|(s, bs)| same_block(s, bs) && s.start_byte() > bs.start_byte())
            };
            if let Some(far) = blocks.iter().find(|k| !reachable(k)) {
                return report(&format!(
                    "not fixed: its public access block (line {}) is written where a new policy cannot depend on it, and S3 aborts a policy and a block written at the same time; add the deny statement there, or a policy that depends on that block",
                    doc.line_of(far.node.start_byte())
                ));
            }
            new_tf_policy(doc, ts, b, binding, blocks.first().copied(), &head)
        }
    }
}

/// How CDKTF resources name the bucket they configure.
const BUCKET_ATTRS: &[&str] = &["id", "bucket"];

/// A policy construct's text, with its `DataAwsIamPolicyDocument` when it uses one.
fn tf_policy_text(doc: &Document, p: &Resource) -> String {
    let mut text = doc.text(p.node).to_string();
    let data = p.props.and_then(|m| m.get("policy")).and_then(|v| v.text().strip_suffix(".json").map(str::to_string));
    if let Some(data) = data {
        text.extend(data_policy_document(doc, &data).map(|r| doc.text(r.node)));
    }
    text
}

fn append_tf_statement<'a>(doc: &Document<'a>, ts: &TsFile<'a>, binding: &str, policy: &Resource<'a>, head: &str) -> Option<Finding> {
    let at = policy.node.start_byte();
    let value = policy.props.and_then(|p| p.get("policy"));
    let Some((list, json)) = value.and_then(|v| tf_policy_statements(doc, ts, v)) else {
        let message = format!("{head}; add a statement denying `aws:SecureTransport: false` to its `S3BucketPolicy` (not fixed: the policy is not written as `JSON.stringify({{ Statement: [...] }})` or a `DataAwsIamPolicyDocument` of this file)");
        return Some(META.finding(at, message, None));
    };
    let arn = format!("{binding}.arn");
    let statement = if json { json_statement(&arn) } else { data_statement(&arn) };
    let message = format!("{head}; appended a `{SID}` statement to its bucket policy");
    Some(META.finding(at, message, Some(list.push(&statement))))
}

/// The bucket and its objects, from the bucket's ARN expression (`data.arn`).
fn arns(arn: &str) -> Value {
    Value::List(vec![Value::code(arn), Value::code(format!("`${{{arn}}}/*`"))])
}

/// The deny statement in IAM JSON keys, for `JSON.stringify`.
fn json_statement(arn: &str) -> Value {
    Value::map([
        ("Sid", Value::str(SID)),
        ("Effect", Value::str("Deny")),
        ("Principal", Value::str("*")),
        ("Action", Value::str("s3:*")),
        ("Resource", arns(arn)),
        ("Condition", Value::map([("Bool", Value::map([(CONDITION_KEY, Value::str("false"))]))])),
    ])
}

/// The deny statement as a `DataAwsIamPolicyDocument` statement.
fn data_statement(arn: &str) -> Value {
    let strings = |items: &[&str]| Value::List(items.iter().map(|s| Value::str(*s)).collect());
    Value::map([
        ("sid", Value::str(SID)),
        ("effect", Value::str("Deny")),
        ("principals", Value::List(vec![Value::map([("type", Value::str("*")), ("identifiers", strings(&["*"]))])])),
        ("actions", strings(&["s3:*"])),
        ("resources", arns(arn)),
        (
            "condition",
            Value::List(vec![Value::map([
                ("test", Value::str("Bool")),
                ("variable", Value::str(CONDITION_KEY)),
                ("values", strings(&["false"])),
            ])]),
        ),
    ])
}

/// A new `S3BucketPolicy` after the bucket (or after its public access block).
fn new_tf_policy(doc: &Document, ts: &TsFile, b: &Resource, binding: &str, block: Option<&Resource>, head: &str) -> Option<Finding> {
    let at = b.node.start_byte();
    let Some(bucket_stmt) = b.statement.filter(|s| in_block(*s)) else {
        let message = format!("{head}; add an `S3BucketPolicy` denying `aws:SecureTransport: false` (not fixed: the bucket is a class field, where no statement can follow it)");
        return Some(META.finding(at, message, None));
    };
    // Only a bucket declared or assigned by its own statement: under a braceless `if` the
    // policy after it would run (and use the binding) when the bucket does not exist.
    if let Err(why) = crate::transforms::companion_anchor(b, "bucket") {
        let message = format!("{head}; add an `S3BucketPolicy` denying `aws:SecureTransport: false` (not fixed: {why})");
        return Some(META.finding(at, message, None));
    }
    let args = ts.args(b.node.child_by_field_name("arguments")?);
    let (scope, id) = (args.first()?.text(), args.get(1)?);
    let mut edits = Vec::new();
    let ctor = doc.text(b.node.child_by_field_name("constructor")?);
    let class = match ctor.strip_suffix(".s3Bucket.S3Bucket") {
        Some(ns) => format!("{ns}.s3BucketPolicy.S3BucketPolicy"),
        None => {
            let (class, e) = ts.reference(&format!("{TF_PREFIX}s3-bucket-policy"), "S3BucketPolicy", "s3BucketPolicy");
            edits.extend(e);
            class
        }
    };
    let placement = match placement(b) {
        Ok(p) => p,
        Err(why) => {
            let message = format!("{head}; add an `S3BucketPolicy` denying `aws:SecureTransport: false` (not fixed: {why})");
            return Some(META.finding(at, message, None));
        }
    };
    let mut props: Vec<(&str, Value)> = placement.into_iter().map(|(k, v)| (k, Value::code(v))).collect();
    props.extend([
        ("bucket", Value::code(format!("{binding}.id"))),
        ("policy", Value::Call("JSON.stringify".into(), vec![Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(vec![json_statement(&format!("{binding}.arn"))]))])])),
    ]);
    let mut after = bucket_stmt;
    let mut note = String::new();
    // Same block, declared later: the policy goes after the block and waits for it.
    if let Some(block) = block.filter(|k| k.statement.is_some_and(|s| same_block(s, bucket_stmt) && s.start_byte() > bucket_stmt.start_byte())) {
        let block_stmt = block.statement?;
        let (name, bind) = match block.binding.as_deref() {
            Some(n) => (n.to_string(), None),
            None if block.node.parent().is_some_and(|p| p.id() == block_stmt.id()) && block_stmt.kind() == "expression_statement" => {
                let base = binding.rsplit('.').next().unwrap_or(binding);
                let name = unique(&format!("{base}PublicAccessBlock"), |c| doc.has_word(c));
                (name.clone(), Some(Edit::insert(block.node.start_byte(), format!("const {name} = "))))
            }
            None => (String::new(), None),
        };
        if !name.is_empty() {
            edits.extend(bind);
            props.push(("dependsOn", Value::List(vec![Value::code(name.clone())])));
            after = block_stmt;
            note = format!(", after its public access block `{name}`, which it depends on");
        }
    }
    let call = Value::Call(format!("new {class}"), vec![Value::code(scope), Value::code(policy_id(doc, *id)), Value::map(props)]);
    edits.push(ts.insert_after(after, &ts.statement_text(&two_space_ts(doc, &call))));
    let message = format!("{head}; added an `S3BucketPolicy` denying `aws:SecureTransport: false`{note}{}", elsewhere(binding));
    Some(META.finding(at, message, Some(edits)))
}

/// A bucket exposed as `this.x` may get its policy in another file, which this one
/// cannot see: the message says where to look.
fn elsewhere(binding: &str) -> &'static str {
    if binding.starts_with("this.") {
        " (a bucket has one policy: if another file gives it one, move the statement there)"
    } else {
        ""
    }
}

/// A statement directly in a block or the program (not a class field).
fn in_block(stmt: Node) -> bool {
    stmt.parent().is_some_and(|p| matches!(p.kind(), "statement_block" | "program"))
}

fn same_block(a: Node, b: Node) -> bool {
    a.parent().map(|p| p.id()) == b.parent().map(|p| p.id())
}

/// The policy's construct id from the bucket's: `'data'` → `'data-policy'`,
/// `'Data'` → `'DataPolicy'`, unique among the file's literals; expressions get a template.
fn policy_id(doc: &Document, id: ValueNode) -> String {
    let q = doc.parsed.style.quote;
    let suffix = |s: &str| if s.chars().any(|c| c.is_ascii_uppercase()) { "Policy" } else { "-policy" };
    if let Some(s) = id.as_str() {
        let base = format!("{s}{}", suffix(&s));
        let taken = |c: &str| has_string_literal(doc, c);
        return quote(&unique(&base, taken), q);
    }
    let t = id.text();
    if id.node.kind() == "template_string" {
        return format!("{}{}`", &t[..t.len() - 1], suffix(t));
    }
    format!("`${{{t}}}-policy`")
}

/// TypeScript text of `value` with two-space levels and `\n`, as `insert_after` expects.
fn two_space_ts(doc: &Document, value: &Value) -> String {
    let style = Style { indent: "  ".into(), newline: "\n", ..doc.parsed.style.clone() };
    Renderer::new(Syntax::TypeScript, &style).value(value, "")
}

// ---------------------------------------------------------------- CloudFormation

/// Why a bucket without a policy of its own in the file cannot get a new one: it is
/// a log destination whose policy AWS log delivery or the owner manages elsewhere.
fn managed_elsewhere(doc: &Document, b: &Resource) -> Option<String> {
    let w = log_writers_of(doc, b).into_iter().next()?;
    let writer = w.resource.logical_id.as_deref().or(w.resource.binding.as_deref()).unwrap_or_default().to_string();
    let line = doc.line_of(w.resource.node.start_byte());
    let who = if w.vended {
        "AWS log delivery writes its own `delivery.logs.amazonaws.com` statements into the bucket policy when the writer is created"
    } else {
        "the service needs a bucket policy statement the template does not hold, so the bucket's policy is managed outside the template"
    };
    Some(format!(
        "it receives logs from `{writer}` ({}, line {line}); {who}, and a policy added here would replace it and stop the logs. Add the deny to the bucket's existing policy (keeping the log-delivery statements)",
        w.resource.type_name
    ))
}

/// A policy that names the bucket and is a vended-log destination must already hold
/// the log-delivery statements: changing it makes CloudFormation rewrite the whole
/// document and drop whatever AWS log delivery added.
fn drops_log_delivery(doc: &Document, b: &Resource, policy: &Resource) -> Option<String> {
    let text = doc.text(policy.node.parent().unwrap_or(policy.node));
    let w = log_writers_of(doc, b).into_iter().find(|w| w.vended)?;
    if text.contains("delivery.logs.amazonaws.com") || text.contains("logDeliveryService") {
        return None;
    }
    let writer = w.resource.logical_id.as_deref().or(w.resource.binding.as_deref()).unwrap_or_default();
    Some(format!(
        "the bucket receives vended logs from `{writer}` (line {}), whose `delivery.logs.amazonaws.com` statements AWS adds to the policy itself; updating the policy would drop them, so add them to it together with the deny",
        doc.line_of(w.resource.node.start_byte())
    ))
}

/// Policies that may be the bucket's but cannot be told apart: the report says which.
fn undecided(doc: &Document, own: &[(&Resource, Naming)]) -> Option<String> {
    let (p, naming) = own.iter().find(|(_, n)| *n != Naming::Exact)?;
    // Its logical id, construct id or binding, when it has one written out.
    let named = p.logical_id.as_deref().or(p.binding.as_deref()).map_or(String::new(), |id| format!(" `{id}`"));
    let line = doc.line_of(p.node.start_byte());
    let bucket = p.props.and_then(|m| m.get(if doc.flavor.is_cfn() { "Bucket" } else { "bucket" }));
    let how = match bucket {
        Some(v) => format!(" (`{}`)", v.text().split_whitespace().collect::<Vec<_>>().join(" ")),
        None => " (its props are built elsewhere)".to_string(),
    };
    let what = match naming {
        Naming::Mentioned => "names a bucket through an expression that refers to this one",
        _ => "names a bucket the tool cannot evaluate, which may be this one",
    };
    Some(format!(
        "bucket policy{named} (line {line}) {what}{how}; a bucket has one policy, and a second one would overwrite it. Check which bucket it is for and add the deny there"
    ))
}

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let Some(resources) = doc.template.and_then(|t| t.get("Resources")).and_then(|v| v.as_map()) else {
        return vec![];
    };
    let entries = resources.entries();
    let position: std::collections::HashMap<usize, usize> = entries.iter().enumerate().map(|(i, e)| (e.node.start_byte(), i)).collect();
    // Logical ids share one namespace with parameters (`!Ref` names either).
    let parameters = doc.template.and_then(|t| t.get("Parameters")).and_then(|v| v.as_map());
    let mut taken: std::collections::HashSet<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    taken.extend(parameters.iter().flat_map(|p| p.entries().into_iter().map(|e| p.key_text(&e))));
    let hazard = macro_hazard(doc);
    let mut out = Vec::new();
    for b in doc.of_type(CFN_BUCKET) {
        let Some(id) = b.logical_id.as_deref() else { continue };
        let at = b.node.start_byte();
        let head = format!("S3 bucket `{id}` accepts plain-HTTP requests");
        let report = |why: &str| META.finding(at, format!("{head}; add a statement denying `aws:SecureTransport: false` to its bucket policy (not fixed: {why})"), None);
        let own = policies_of(doc, b);
        if own.iter().any(|(p, _)| p.body.is_some_and(|body| mentions_secure_transport(doc.text(body.node)))) {
            continue;
        }
        if b.props.is_some_and(|p| p.has("WebsiteConfiguration")) {
            out.push(META.finding(at, format!("{head}; {WEBSITE_NOTE}"), None));
            continue;
        }
        if let Some(why) = undecided(doc, &own) {
            out.push(report(&why));
            continue;
        }
        if let Some(why) = &hazard {
            out.push(report(why));
            continue;
        }
        let finding = match own.as_slice() {
            [(policy, _)] => match drops_log_delivery(doc, b, policy) {
                Some(why) => report(&why),
                None => append_cfn_statement(id, policy, &head),
            },
            [_, second, ..] => report(&format!(
                "it already has more than one bucket policy (`{}` at line {} too), which overwrite each other: keep one",
                second.0.logical_id.as_deref().unwrap_or_default(),
                doc.line_of(second.0.node.start_byte())
            )),
            [] => {
                if let Some(why) = managed_elsewhere(doc, b) {
                    out.push(report(&why));
                    continue;
                }
                let Some(&i) = position.get(&b.node.start_byte()) else { continue };
                let policy_id = cfn_logical_id(id, "Policy", |c| taken.contains(c));
                taken.insert(policy_id.clone());
                let condition = b.body.and_then(|body| body.get("Condition")).and_then(|c| c.as_str());
                let mut edits = resources.insert(&policy_id, &cfn_policy(id, condition), Position::AfterMember(entries[i].node));
                blank_line_between_resources(doc, &entries, i, &mut edits);
                META.finding(at, format!("{head}; added `AWS::S3::BucketPolicy` `{policy_id}` denying `aws:SecureTransport: false`"), Some(edits))
            }
        };
        out.push(finding);
    }
    out
}

fn cfn_statement(id: &str) -> Value {
    Value::map([
        ("Sid", Value::str(SID)),
        ("Effect", Value::str("Deny")),
        ("Principal", Value::str("*")),
        ("Action", Value::str("s3:*")),
        (
            "Resource",
            Value::List(vec![Value::GetAtt(id.into(), "Arn".into()), Value::Fn("Fn::Sub".into(), Box::new(Value::str(format!("${{{id}.Arn}}/*"))))]),
        ),
        ("Condition", Value::map([("Bool", Value::map([(CONDITION_KEY, Value::str("false"))]))])),
    ])
}

fn cfn_policy(id: &str, condition: Option<String>) -> Value {
    let mut body = vec![("Type".to_string(), Value::str(CFN_POLICY))];
    if let Some(c) = condition {
        body.push(("Condition".into(), Value::str(c)));
    }
    let document = Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(vec![cfn_statement(id)]))]);
    body.push(("Properties".into(), Value::map([("Bucket", Value::Ref(id.into())), ("PolicyDocument", document)])));
    Value::Map(body)
}

fn append_cfn_statement(id: &str, policy: &Resource, head: &str) -> Finding {
    let at = policy.node.start_byte();
    let policy_id = policy.logical_id.as_deref().unwrap_or_default();
    match statement_list(policy.props) {
        Some(list) => {
            let message = format!("{head}; appended a `{SID}` statement to its bucket policy `{policy_id}`");
            META.finding(at, message, Some(list.push(&cfn_statement(id))))
        }
        None => {
            let message = format!("{head}; add a statement denying `aws:SecureTransport: false` to its bucket policy `{policy_id}` (not fixed: its `PolicyDocument.Statement` is not written out literally)");
            META.finding(at, message, None)
        }
    }
}

/// `PolicyDocument.Statement` when both are written out (no intrinsic, no parameter).
fn statement_list<'a>(props: Option<MapNode<'a>>) -> Option<crate::lang::mapping::ListNode<'a>> {
    let document = props?.get("PolicyDocument")?;
    if document.intrinsic().is_some() {
        return None;
    }
    let statements = document.as_map()?.get("Statement")?;
    if statements.intrinsic().is_some() {
        return None;
    }
    statements.as_list()
}
