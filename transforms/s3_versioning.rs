//! ## What it fixes
//! S3 buckets without versioning: CDK `s3.Bucket` without `versioned: true`,
//! `s3.CfnBucket` and CloudFormation `AWS::S3::Bucket` without
//! `VersioningConfiguration` `Status: Enabled`, CDKTF `S3Bucket`s with neither a
//! `S3BucketVersioningA` nor inline `versioning` enabled.
//!
//! ## Why
//! Without versioning an overwrite or a delete is final: a buggy job, a compromised
//! credential or ransomware that rewrites objects destroys the data. With versioning
//! every overwrite keeps the previous version and a delete only adds a delete marker,
//! so objects can be restored; it is also required for replication and Object Lock.
//!
//! ## Before → after
//! CDK TypeScript (every import style):
//! ```ts
//! new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.S3_MANAGED });
//! // becomes
//! new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.S3_MANAGED, versioned: true });
//! ```
//! `s3.CfnBucket` gets `versioningConfiguration: { status: 'Enabled' }` as in
//! CloudFormation.
//!
//! CDKTF TypeScript: AWS provider 4 moved bucket settings into separate resources
//! and deprecated the inline blocks. A bucket without versioning gets a new
//! `S3BucketVersioningA` right after its statement (an unbound `new S3Bucket(…);` is
//! first bound to a `const`; the bucket's `provider` is copied):
//! ```ts
//! const logs = new S3Bucket(this, 'logs', { bucketPrefix: 'logs-' });
//! new S3BucketVersioningA(this, 'logs-versioning', {
//!   bucket: logs.id,
//!   versioningConfiguration: { status: 'Enabled' },
//! });
//! ```
//! except in files written in the old inline style (no split `S3Bucket*` resource
//! imported, and a bucket of the file configures an inline block such as
//! `serverSideEncryptionConfiguration`, `lifecycleRule`, `logging` or `acl`), where
//! the bucket gets `versioning: { enabled: true }` like its neighbours. A bucket is
//! already handled when an `S3BucketVersioningA` refers to it (`<bucket>.id` or
//! `<bucket>.bucket`) or it has inline `versioning`.
//!
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! VersioningConfiguration:
//!   Status: Enabled
//! ```
//! An explicit choice against versioning (`versioned: false`, `Status: Suspended`,
//! CDKTF `enabled: false` or `status: 'Suspended'`) is turned on as well (review, as every
//! fix here), unless a comment records why: then it is reported without a fix
//! (the shared rule for explicit values, `explicit_value`). Left alone:
//! values written as expressions, parameters or intrinsics; props with a `...spread`.
//!
//! On a versioned bucket an expiration only adds a delete marker and the object stays
//! as a noncurrent version forever (AWS S3 User Guide, "Lifecycle configuration on a
//! bucket that has versioning enabled"). So every lifecycle rule that expires objects
//! and has no noncurrent expiration gets one with the same days, in the same fix:
//! CFN `NoncurrentVersionExpiration: { NoncurrentDays: 30 }` next to `ExpirationInDays: 30`
//! (CDK `CfnBucket` alike in lower camel case), CDK `noncurrentVersionExpiration` with the
//! rule's `expiration` `Duration`, CDKTF inline `noncurrentVersionExpiration: { days }`,
//! CDKTF `S3BucketLifecycleConfiguration` `noncurrentVersionExpiration: [{ noncurrentDays }]`.
//! A rule that expires on a date, days given as an expression, rules that are not
//! written out, or a rule with noncurrent transitions (S3 wants the noncurrent expiration
//! later than the last of them, and those days are the author's): the bucket is reported
//! without a fix.
//!
//! ## Applicability
//! review: every overwritten or deleted object keeps a billed noncurrent version
//! until a lifecycle rule expires it (consider `noncurrentVersionExpiration`), and
//! buckets written to constantly (logs, scratch data) grow accordingly. Once enabled,
//! versioning can only be suspended, never removed.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_21; cdk-nag NIST/HIPAA/PCI `S3BucketVersioningEnabled`; AWS Config /
//! cfn-guard `S3_BUCKET_VERSIONING_ENABLED`.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{add_props, companion_anchor, companion_id, fresh_const, of_module, prop_name, same_provider, targeting, switch, Switch, tf_class};
use crate::value::Value;

pub struct S3Versioning;
pub static TRANSFORM: S3Versioning = S3Versioning;

static META: Meta = Meta {
    id: "s3-versioning",
    title: "Enable versioning on S3 buckets",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_21", "HIPAA.Security-S3BucketVersioningEnabled", "NIST.800.53.R4-S3BucketVersioningEnabled", "NIST.800.53.R5-S3BucketVersioningEnabled", "PCI.DSS.321-S3BucketVersioningEnabled", "S3BucketVersioningEnabled", "S3_BUCKET_VERSIONING_ENABLED"],
    options: &[],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_CFN_BUCKET: &str = "aws-cdk-lib/aws-s3.CfnBucket";
const TF_LIB: &str = "@cdktf/provider-aws/lib/";
const TF_BUCKET: &str = "@cdktf/provider-aws/lib/s3-bucket.S3Bucket";
/// The module of `S3BucketVersioningA`, so that every class name it has had
/// (`S3BucketVersioning`, provider 4 betas' `S3BucketVersioningV2`) is recognised.
const TF_VERSIONING: &str = "@cdktf/provider-aws/lib/s3-bucket-versioning";
/// Inline `S3Bucket` blocks that provider 4 moved into separate resources: a file
/// using them (and no split resource) is written for the old provider style.
const TF_INLINE_BLOCKS: &[&str] = &[
    "acl",
    "corsRule",
    "lifecycleRule",
    "logging",
    "objectLockConfiguration",
    "replicationConfiguration",
    "serverSideEncryptionConfiguration",
    "website",
];
const CFN_BUCKET: &str = "AWS::S3::Bucket";
/// The module of `S3BucketLifecycleConfiguration` (and its `…V2` beta name).
const TF_LIFECYCLE: &str = "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
/// How CDKTF resources name the bucket they configure.
const BUCKET_ATTRS: &[&str] = &["id", "bucket"];

impl Transform for S3Versioning {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(ts) = doc.ts.as_ref() else {
            return doc.of_type(CFN_BUCKET).filter_map(|r| check_l1(doc, r)).collect();
        };
        match doc.flavor {
            Flavor::CdkTs => doc
                .of_types(&[CDK_BUCKET, CDK_CFN_BUCKET])
                .into_iter()
                .filter_map(|r| match r.type_name == CDK_BUCKET {
                    true => check_l2(doc, r),
                    false => check_l1(doc, r),
                })
                .collect(),
            _ => check_cdktf(doc, ts),
        }
    }
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

fn finding(r: &Resource, what: &str, edits: Vec<Edit>) -> Option<Finding> {
    let noun = if r.type_name.starts_with(TF_VERSIONING) { "S3BucketVersioningA" } else { "S3 bucket" };
    let message = format!("{noun}{} does not keep object versions: {what}", name_of(r));
    Some(META.finding(r.node.start_byte(), message, Some(edits)))
}

/// An explicit `false` / `Suspended` with a comment that records why: reported without a
/// fix (the shared rule of `explicit_value`; without a comment the fix is `review`, as
/// every fix of this transform).
fn kept(doc: &Document, r: &Resource, v: &ValueNode) -> Option<Finding> {
    let note = crate::transforms::decision_note(doc, v)?;
    let message = format!("S3 bucket{} does not keep object versions (`{}`, written explicitly); {note}", name_of(r), v.text().trim());
    Some(META.finding(v.start(), message, None))
}

/// A `status` that is a literal other than `Enabled` (`Suspended`, `Disabled`).
fn off_status(v: &ValueNode) -> bool {
    v.tag.is_none() && v.intrinsic().is_none() && v.as_str().is_some_and(|s| s != "Enabled")
}

/// How a flavor writes lifecycle rules that expire objects, and the noncurrent
/// expiration that keeps them in step once the bucket is versioned.
#[derive(Clone, Copy)]
enum Rules {
    /// CFN `Rules[].ExpirationInDays` → `NoncurrentVersionExpiration: { NoncurrentDays }`
    /// (CDK `CfnBucket` in lower camel case).
    L1,
    /// CDK `lifecycleRules[].expiration` → `noncurrentVersionExpiration` (same `Duration`).
    L2,
    /// CDKTF inline `lifecycleRule[].expiration.days` → `noncurrentVersionExpiration: { days }`.
    TfInline,
    /// CDKTF `S3BucketLifecycleConfiguration` `rule[].expiration[0].days` →
    /// `noncurrentVersionExpiration: [{ noncurrentDays }]`.
    TfSplit,
}

/// On a versioned bucket an expiration only adds a delete marker: the object stays as a
/// noncurrent version forever. For every rule of `rules` that expires objects and has no
/// noncurrent expiration, an edit adding one with the same days (AWS S3 User Guide,
/// "Lifecycle configuration on a bucket that has versioning enabled"). `Err` says why
/// a rule cannot be kept in step (a date, days given as an expression, rules that are
/// not written out); `Ok` with no edits when nothing expires.
fn in_step(doc: &Document, rules: Option<ValueNode>, kind: Rules) -> Result<Vec<Edit>, String> {
    let Some(rules) = rules else { return Ok(vec![]) };
    let name = |k: &str| match kind {
        Rules::L1 => prop_name(doc.flavor, k),
        _ => k.to_string(),
    };
    let items = match rules.as_list() {
        Some(l) if rules.intrinsic().is_none() => l.items(),
        _ if rules.as_map().is_some() && rules.intrinsic().is_none() => vec![rules],
        _ => return Err(format!("its lifecycle rules (`{}`) are not written out; add a noncurrent-version expiration to every rule that expires objects", one_line(rules.text()))),
    };
    let mut edits = Vec::new();
    for item in items {
        let Some(rule) = item.as_map().filter(|_| item.intrinsic().is_none()) else {
            return Err(format!("a lifecycle rule (`{}`) is not written out", one_line(item.text())));
        };
        if rule.has_spread() {
            return Err("a lifecycle rule uses a `...spread`".into());
        }
        let (expiry, date, noncurrent): (&str, &str, &[&str]) = match kind {
            Rules::L1 => ("ExpirationInDays", "ExpirationDate", &["NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays"]),
            Rules::L2 => ("expiration", "expirationDate", &["noncurrentVersionExpiration"]),
            Rules::TfInline | Rules::TfSplit => ("expiration", "", &["noncurrentVersionExpiration"]),
        };
        if noncurrent.iter().any(|k| rule.has(&name(k))) {
            continue;
        }
        // S3 refuses a noncurrent expiration that is not later than the rule's noncurrent
        // transitions ("'NoncurrentDays' in the NoncurrentVersionExpiration action must be
        // greater than 'NoncurrentDays' in the NoncurrentVersionTransition action"), and the
        // same days as the expiration would also delete versions the author sends to another
        // storage class: the days are the author's to choose.
        let transitions: &[&str] = match kind {
            Rules::L1 => &["NoncurrentVersionTransitions", "NoncurrentVersionTransition"],
            Rules::L2 => &["noncurrentVersionTransitions"],
            Rules::TfInline | Rules::TfSplit => &["noncurrentVersionTransition"],
        };
        if let Some(t) = transitions.iter().map(|k| name(k)).find(|k| rule.has(k)) {
            return Err(format!("a lifecycle rule moves noncurrent versions to another storage class (`{t}`), and S3 accepts a noncurrent-version expiration only later than its last transition: choose those days"));
        }
        if !date.is_empty() && rule.has(&name(date)) {
            return Err(format!("a lifecycle rule expires objects on a date (`{}`); add a matching noncurrent-version expiration", name(date)));
        }
        let Some(v) = rule.get(&name(expiry)) else { continue };
        let days = match kind {
            Rules::L1 | Rules::L2 => Some(v),
            Rules::TfInline => v.as_map().and_then(|m| m.get("days")),
            Rules::TfSplit => v.as_list().and_then(|l| l.items().first().copied()).or(Some(v)).and_then(|i| i.as_map()?.get("days")),
        };
        let days = days.filter(|d| match kind {
            Rules::L2 => true,
            _ => d.tag.is_none() && d.text().parse::<u32>().is_ok(),
        });
        let Some(days) = days else {
            return Err(format!("a lifecycle rule's expiration (`{}`) is not a number of days", one_line(v.text())));
        };
        let n = match days.text().parse::<i64>() {
            Ok(d) if !matches!(kind, Rules::L2) => Value::Int(d),
            _ => Value::code(days.text()),
        };
        let value = match kind {
            Rules::L1 => Value::map([(name("NoncurrentDays").as_str(), n)]),
            Rules::L2 => n,
            Rules::TfInline => Value::map([("days", n)]),
            Rules::TfSplit => Value::List(vec![Value::map([("noncurrentDays", n)])]),
        };
        edits.extend(rule.insert(&name(noncurrent[0]), &value, Position::End));
    }
    Ok(edits)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The versioning fix `what`/`edits` with the lifecycle rules kept in step, or a
/// report without a fix when they cannot be.
fn with_rules(r: &Resource, rules: Result<Vec<Edit>, String>, what: &str, edits: Vec<Edit>) -> Option<Finding> {
    match rules {
        Ok(mut kept) if kept.is_empty() => {
            kept.extend(edits);
            finding(r, what, kept)
        }
        Ok(mut kept) => {
            let n = kept.len();
            kept.extend(edits);
            finding(r, &format!("{what}, and a noncurrent-version expiration with the same days added to {n} expiring lifecycle rule(s) (on a versioned bucket an expiration only adds a delete marker; without it expired objects would be kept forever as noncurrent versions)"), kept)
        }
        Err(why) => {
            let message = format!("S3 bucket{} does not keep object versions; enable versioning by hand (not fixed: once versioned, expiring objects are kept forever as noncurrent versions, and {why})", name_of(r));
            Some(META.finding(r.node.start_byte(), message, None))
        }
    }
}

/// CFN `AWS::S3::Bucket` and CDK `CfnBucket`: `VersioningConfiguration.Status`.
fn check_l1(doc: &Document, r: &Resource) -> Option<Finding> {
    let key = prop_name(doc.flavor, "VersioningConfiguration");
    let status = prop_name(doc.flavor, "Status");
    let enabled = Value::map([(status.as_str(), Value::str("Enabled"))]);
    let Some(props) = r.props else {
        let edits = add_props(doc, r, &key, enabled)?;
        return finding(r, &format!("added `{key}` with status `Enabled`"), edits);
    };
    if props.has_spread() {
        return None;
    }
    let rules = props.get_path(&[&prop_name(doc.flavor, "LifecycleConfiguration"), &prop_name(doc.flavor, "Rules")]);
    let rules = in_step(doc, rules, Rules::L1);
    match props.get(&key) {
        None if props.has(&key) => None,
        None => with_rules(r, rules, &format!("added `{key}` with status `Enabled`"), props.insert(&key, &enabled, Position::End)),
        Some(v) => {
            let current = v.as_map().filter(|_| v.intrinsic().is_none())?.get(&status)?;
            off_status(&current).then_some(())?;
            if let Some(kept) = kept(doc, r, &current) {
                return Some(kept);
            }
            let what = format!("its status `{}` turned to `Enabled`", current.as_str().unwrap_or_default());
            with_rules(r, rules, &what, vec![current.replace(&Value::str("Enabled"))])
        }
    }
}

/// CDK `s3.Bucket`: `versioned: true`.
fn check_l2(doc: &Document, r: &Resource) -> Option<Finding> {
    let Some(props) = r.props else {
        let edits = add_props(doc, r, "versioned", Value::Bool(true))?;
        return finding(r, "set `versioned: true`", edits);
    };
    let rules = in_step(doc, props.get("lifecycleRules"), Rules::L2);
    match switch(&props, "versioned") {
        Switch::Missing => with_rules(r, rules, "set `versioned: true`", props.insert("versioned", &Value::Bool(true), Position::End)),
        Switch::Off(v) => kept(doc, r, &v).or_else(|| with_rules(r, rules, "turned `versioned: false` on", vec![v.replace(&Value::Bool(true))])),
        Switch::Left => None,
    }
}

/// CDKTF: a versioning resource per bucket, or inline `versioning` in old-style files.
fn check_cdktf(doc: &Document, ts: &TsFile) -> Vec<Finding> {
    let mut out = Vec::new();
    let resources: Vec<&Resource> = of_module(doc, TF_VERSIONING);
    let buckets: Vec<&Resource> = doc.of_type(TF_BUCKET).collect();
    let split = doc.resources.iter().any(|r| r.type_name.starts_with(&format!("{TF_LIB}s3-bucket-")))
        || !buckets.iter().any(|b| b.props.is_some_and(|p| TF_INLINE_BLOCKS.iter().any(|k| p.has(k))));
    for bucket in buckets {
        // Versioning tied to the bucket by reference (also through a helper it is handed to),
        // by its literal name or name expression; one the tool cannot tie to any bucket may be
        // this one's, and a second one would fight it.
        let (named, maybe) = crate::transforms::bucket_configurations(doc, &crate::transforms::TF_BUCKET_VERSIONINGS, bucket);
        let targeted = named || !targeting(doc, TF_VERSIONING, "bucket", bucket, BUCKET_ATTRS).is_empty();
        if targeted {
            continue;
        }
        if let Some(other) = maybe {
            let message = crate::transforms::maybe_own_message(doc, &name_of(bucket), other, "S3BucketVersioningA", "check that it enables versioning, or add one for this bucket");
            out.push(META.finding(bucket.node.start_byte(), message, None));
            continue;
        }
        let rules = tf_rules(doc, bucket);
        match bucket.props {
            Some(p) if p.has("versioning") => out.extend(fix_inline(doc, bucket, p, rules)),
            Some(p) if p.has_spread() => {}
            Some(p) if !split => out.extend(with_rules(
                bucket,
                rules,
                "added `versioning: { enabled: true }`",
                p.insert("versioning", &Value::map([("enabled", Value::Bool(true))]), Position::End),
            )),
            _ => out.extend(add_resource(doc, ts, bucket, rules)),
        }
    }
    for r in resources {
        let Some(status) = r.props.and_then(|p| p.get_path(&["versioningConfiguration", "status"])) else { continue };
        if off_status(&status) {
            if let Some(kept) = kept(doc, r, &status) {
                out.push(kept);
                continue;
            }
            let what = format!("its status `{}` turned to `Enabled`", status.as_str().unwrap_or_default());
            out.extend(finding(r, &what, vec![status.replace(&Value::str("Enabled"))]));
        }
    }
    out
}

/// The CDKTF bucket's lifecycle rules kept in step: its inline `lifecycleRule` and the
/// `S3BucketLifecycleConfiguration`s that refer to it.
fn tf_rules(doc: &Document, bucket: &Resource) -> Result<Vec<Edit>, String> {
    let mut edits = in_step(doc, bucket.props.and_then(|p| p.get("lifecycleRule")), Rules::TfInline)?;
    {
        for config in targeting(doc, TF_LIFECYCLE, "bucket", bucket, BUCKET_ATTRS) {
            edits.extend(in_step(doc, config.props.and_then(|p| p.get("rule")), Rules::TfSplit)?);
        }
    }
    Ok(edits)
}

/// Inline `versioning: { enabled: false }` (or without `enabled`) on an `S3Bucket`.
fn fix_inline(doc: &Document, bucket: &Resource, props: MapNode, rules: Result<Vec<Edit>, String>) -> Option<Finding> {
    let block = props.get("versioning")?.as_map()?;
    match switch(&block, "enabled") {
        Switch::Missing => with_rules(bucket, rules, "added `enabled: true` to its `versioning`", block.insert("enabled", &Value::Bool(true), Position::End)),
        Switch::Off(v) => kept(doc, bucket, &v).or_else(|| with_rules(bucket, rules, "turned `versioning.enabled` on", vec![v.replace(&Value::Bool(true))])),
        Switch::Left => None,
    }
}

/// A new `S3BucketVersioningA` right after the bucket's statement.
fn add_resource(doc: &Document, ts: &TsFile, bucket: &Resource, rules: Result<Vec<Edit>, String>) -> Option<Finding> {
    let fresh = fresh_const(doc, bucket, "Bucket");
    let provider = same_provider(bucket);
    let anchor = match provider.clone().and_then(|_| companion_anchor(bucket, &fresh).map_err(str::to_string)) {
        Ok(a) => a,
        Err(why) => {
            let message = format!("S3 bucket{} does not keep object versions; add an S3BucketVersioningA by hand (not fixed: {why})", name_of(bucket));
            return Some(META.finding(bucket.node.start_byte(), message, None));
        }
    };
    let scope = bucket
        .node
        .child_by_field_name("arguments")
        .and_then(|a| ts.args(a).first().map(|s| s.text().to_string()))
        .unwrap_or_else(|| "this".into());
    let id = companion_id(doc, bucket, "versioning", "Versioning");
    let (class, import) = tf_class(ts, bucket, "s3-bucket-versioning", "S3BucketVersioningA");
    let comma = if doc.parsed.style.trailing_comma { "," } else { "" };
    let enabled = crate::value::quote("Enabled", doc.parsed.style.quote);
    let code = ts.statement_text(&format!(
        "new {class}({scope}, {id}, {{\n{}  bucket: {}.id,\n  versioningConfiguration: {{ status: {enabled} }}{comma}\n}})",
        provider.unwrap_or_default(),
        anchor.target,
    ));
    let mut edits = anchor.edits;
    edits.push(ts.insert_after(anchor.statement, &code));
    edits.extend(import);
    with_rules(bucket, rules, &format!("added `new {class}(…, {id}, …)` with status `Enabled`"), edits)
}
