//! Resource-policy facts several transforms ask about every bucket, topic and queue,
//! indexed once per document (`Document::memo`) so that asking for each resource stays
//! linear in the file: which policy resources name a resource ([`policies_of`] for S3
//! buckets, [`resource_policies_of`] with a [`PolicyKind`] for SNS topics and SQS queues),
//! which resources write logs into a bucket ([`log_writers_of`]), and which string
//! literals a file holds ([`has_string_literal`], for unique construct ids).
//!
//! A bucket, a topic and a queue each have exactly one resource policy; two policy
//! resources on it overwrite each other (the last write wins). So "which policies name
//! this resource" must recognise every way a template names it, and say when it cannot
//! tell. One policy may name several resources (`AWS::SNS::TopicPolicy` `Topics`,
//! `AWS::SQS::QueuePolicy` `Queues`, CDK `topics: [...]`): each item is read alone.
//! - CloudFormation: `!Ref B`, `!GetAtt B.<attr>`, `!Sub '${B}'`, the resource's literal
//!   name (`BucketName`, `TopicName`, `QueueName`), or the same expression as its name
//!   (`!Sub`/`!Join`/`!Ref P` compared as data, short and long forms alike) name it
//!   exactly; an expression that merely contains `B` (`Fn::If`, a longer `Fn::Sub`)
//!   mentions it; an expression that names no resource of the template and cannot be
//!   evaluated (a parameter, an `Fn::ImportValue`, a `Fn::Sub` over parameters) may hold
//!   the name of any resource that has one, unless its literal parts rule that name out;
//!   a literal names only a resource whose name can be that literal (topics and queues are
//!   named by ARN or URL: the part after the last `:` or `/` is compared).
//! - CDK / CDKTF: `bucket: b`, `b.id`, `b.bucket`, `b.ref`, `this.b.bucketName`,
//!   `topics: [t]`, `arn: t.arn`, `queueUrl: q.url` (any attribute of the binding), the
//!   literal name, or the same expression as its name; other expressions as above.
//!
//! A resource without a name of its own (a generated name) can only be named through a
//! reference to it, so undecidable expressions never concern it.

use crate::lang::mapping::ValueNode;
use crate::model::{Document, Resource};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// One family of resources with a resource policy: the resource types with the property
/// holding the resource's own name, and the policy types with the property naming their
/// resource(s) (`true`: a list of them).
pub(crate) struct PolicyKind {
    /// `Document::memo` key of the family's index.
    memo: &'static str,
    pub targets: &'static [(&'static str, &'static str)],
    pub policies: &'static [(&'static str, &'static str, bool)],
    /// Policies name the resource by ARN or URL, whose last `:`/`/` segment is its name.
    by_arn: bool,
}

/// Bucket types and the property holding the bucket's own name, per flavor.
const BUCKETS: &[(&str, &str)] = &[
    ("AWS::S3::Bucket", "BucketName"),
    ("aws-cdk-lib/aws-s3.Bucket", "bucketName"),
    ("aws-cdk-lib/aws-s3.CfnBucket", "bucketName"),
    ("@cdktf/provider-aws/lib/s3-bucket.S3Bucket", "bucket"),
];

/// S3 buckets and their bucket policies.
pub(crate) static BUCKET_POLICIES: PolicyKind = PolicyKind {
    memo: "bucket-policies",
    targets: BUCKETS,
    policies: &[
        ("AWS::S3::BucketPolicy", "Bucket", false),
        ("aws-cdk-lib/aws-s3.BucketPolicy", "bucket", false),
        ("aws-cdk-lib/aws-s3.CfnBucketPolicy", "bucket", false),
        (
            "@cdktf/provider-aws/lib/s3-bucket-policy.S3BucketPolicy",
            "bucket",
            false,
        ),
    ],
    by_arn: false,
};

/// CDKTF S3 buckets and the resources that configure one bucket each, naming it by
/// `bucket` as its policy does (`bucket: b.id`, its literal name, another construct's
/// attribute): a public access block, versioning, a website configuration, an ACL. The
/// same index as [`BUCKET_POLICIES`] tells which bucket each is for, and when it cannot
/// tell ([`Naming::Undecidable`]), so a second one is not added beside one the tool could
/// not tie to its bucket.
pub(crate) static TF_BUCKET_BLOCKS: PolicyKind = tf_bucket_kind(
    "tf-bucket-blocks",
    &[(
        "@cdktf/provider-aws/lib/s3-bucket-public-access-block.S3BucketPublicAccessBlock",
        "bucket",
        false,
    )],
);
/// See [`TF_BUCKET_BLOCKS`].
pub(crate) static TF_BUCKET_VERSIONINGS: PolicyKind = tf_bucket_kind(
    "tf-bucket-versionings",
    &[
        (
            "@cdktf/provider-aws/lib/s3-bucket-versioning.S3BucketVersioningA",
            "bucket",
            false,
        ),
        (
            "@cdktf/provider-aws/lib/s3-bucket-versioning.S3BucketVersioning",
            "bucket",
            false,
        ),
    ],
);
/// See [`TF_BUCKET_BLOCKS`].
pub(crate) static TF_BUCKET_WEBSITES: PolicyKind = tf_bucket_kind(
    "tf-bucket-websites",
    &[(
        "@cdktf/provider-aws/lib/s3-bucket-website-configuration.S3BucketWebsiteConfiguration",
        "bucket",
        false,
    )],
);
/// See [`TF_BUCKET_BLOCKS`].
pub(crate) static TF_BUCKET_ACLS: PolicyKind = tf_bucket_kind(
    "tf-bucket-acls",
    &[(
        "@cdktf/provider-aws/lib/s3-bucket-acl.S3BucketAcl",
        "bucket",
        false,
    )],
);

const fn tf_bucket_kind(
    memo: &'static str,
    policies: &'static [(&'static str, &'static str, bool)],
) -> PolicyKind {
    PolicyKind {
        memo,
        targets: &[("@cdktf/provider-aws/lib/s3-bucket.S3Bucket", "bucket")],
        policies,
        by_arn: false,
    }
}

/// `infra.bucket.id`: an attribute of a field of something other than `this` (another
/// construct's instance): the fields it reads (`["bucket"]`), which [`naming`] ties to the
/// resources assigned to `this.<field>`; empty for any other expression.
fn instance_fields(text: &str) -> Vec<String> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() < 3 || parts[0] == "this" {
        return vec![];
    }
    parts[1..parts.len() - 1]
        .iter()
        .map(|f| f.to_string())
        .collect()
}

/// The configurations of `kind` (see [`TF_BUCKET_BLOCKS`]) for a CDKTF `bucket` beyond
/// those [`crate::transforms::targeting`] finds: `(named, maybe)`. `named`: one names it by
/// its literal name or name expression; `maybe`: the first that may be its own without the
/// tool being able to tell (its `bucket` is another construct's attribute, or a name the tool
/// cannot evaluate). Those read through a parameter or loop variable, or whose props are not
/// written out, are left to `targeting`, which follows them to the buckets the file hands out.
pub(crate) fn bucket_configurations<'d, 'a>(
    doc: &'d Document<'a>,
    kind: &'static PolicyKind,
    bucket: &Resource,
) -> (bool, Option<&'d Resource<'a>>) {
    let mut named = false;
    let mut maybe = None;
    for (r, naming) in resource_policies_of(doc, kind, bucket) {
        if naming != Naming::Undecidable {
            named = true;
            continue;
        }
        let Some(v) = r.props.and_then(|p| p.get("bucket")) else {
            continue;
        };
        if crate::transforms::through_alias(doc, v.text(), v.node)
            && instance_fields(v.text()).is_empty()
        {
            continue;
        }
        maybe = maybe.or(Some(r));
    }
    (named, maybe)
}

/// The report for a CDKTF bucket whose configuration of `class` (`S3BucketPublicAccessBlock`,
/// `S3BucketVersioningA`) may be `other`, which [`bucket_configurations`] cannot tie to it:
/// no second one is added beside it; `check` says what the author should look at.
/// `bucket_name` is the bucket's name for messages, with a leading space (or empty).
pub(crate) fn maybe_own_message(
    doc: &Document,
    bucket_name: &str,
    other: &Resource,
    class: &str,
    check: &str,
) -> String {
    let named = other
        .logical_id
        .as_deref()
        .or(other.binding.as_deref())
        .map_or(String::new(), |id| format!(" `{id}`"));
    format!(
        "S3 bucket{bucket_name} has no {class} of its own that the tool can see; the {class}{named} (line {}) may be this bucket's (which bucket it is for cannot be read here): {check} (not fixed: a second one would fight it)",
        doc.line_of(other.node.start_byte())
    )
}

/// SNS topics and their topic policies (`AWS::SNS::TopicPolicy` covers many topics,
/// `TopicInlinePolicy` one; CDK `sns.TopicPolicy({ topics })`; CDKTF `SnsTopicPolicy`).
pub(crate) static TOPIC_POLICIES: PolicyKind = PolicyKind {
    memo: "topic-policies",
    targets: &[
        ("AWS::SNS::Topic", "TopicName"),
        ("aws-cdk-lib/aws-sns.Topic", "topicName"),
        ("aws-cdk-lib/aws-sns.CfnTopic", "topicName"),
        ("@cdktf/provider-aws/lib/sns-topic.SnsTopic", "name"),
    ],
    policies: &[
        ("AWS::SNS::TopicPolicy", "Topics", true),
        ("AWS::SNS::TopicInlinePolicy", "TopicArn", false),
        ("aws-cdk-lib/aws-sns.TopicPolicy", "topics", true),
        ("aws-cdk-lib/aws-sns.CfnTopicPolicy", "topics", true),
        (
            "aws-cdk-lib/aws-sns.CfnTopicInlinePolicy",
            "topicArn",
            false,
        ),
        (
            "@cdktf/provider-aws/lib/sns-topic-policy.SnsTopicPolicy",
            "arn",
            false,
        ),
    ],
    by_arn: true,
};

/// SQS queues and their queue policies (`AWS::SQS::QueuePolicy` covers many queues,
/// `QueueInlinePolicy` one; CDK `sqs.QueuePolicy({ queues })`; CDKTF `SqsQueuePolicy`).
pub(crate) static QUEUE_POLICIES: PolicyKind = PolicyKind {
    memo: "queue-policies",
    targets: &[
        ("AWS::SQS::Queue", "QueueName"),
        ("aws-cdk-lib/aws-sqs.Queue", "queueName"),
        ("aws-cdk-lib/aws-sqs.CfnQueue", "queueName"),
        ("@cdktf/provider-aws/lib/sqs-queue.SqsQueue", "name"),
    ],
    policies: &[
        ("AWS::SQS::QueuePolicy", "Queues", true),
        ("AWS::SQS::QueueInlinePolicy", "Queue", false),
        ("aws-cdk-lib/aws-sqs.QueuePolicy", "queues", true),
        ("aws-cdk-lib/aws-sqs.CfnQueuePolicy", "queues", true),
        ("aws-cdk-lib/aws-sqs.CfnQueueInlinePolicy", "queue", false),
        (
            "@cdktf/provider-aws/lib/sqs-queue-policy.SqsQueuePolicy",
            "queueUrl",
            false,
        ),
    ],
    by_arn: true,
};

/// How a policy (or a log writer) names a bucket.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Naming {
    /// It is this bucket (a reference, its literal name, the same name expression).
    Exact,
    /// Its bucket expression contains a reference to this bucket (`Fn::If`, a longer
    /// `Fn::Sub`, a call taking the bucket).
    Mentioned,
    /// Its bucket expression cannot be evaluated here and may hold this bucket's name.
    Undecidable,
}

/// A bucket's own name, as far as it can be read.
#[derive(Clone, Debug)]
enum Name {
    /// None set: a generated name, reachable only through a reference.
    Generated,
    Literal(String),
    /// A `Fn::Sub`/`Fn::Join`/template string: literal parts with `*` between them.
    Pattern(String),
    /// Anything else (a parameter, a variable).
    Opaque,
}

/// The bucket expression of a policy that names no bucket of the file.
#[derive(Clone, Debug)]
enum Open {
    Literal(String),
    Pattern(String),
    Opaque,
    /// TypeScript: it goes through a parameter or a variable (`b.id` in a helper
    /// `policyFor(b)`), which may hold any bucket the file hands out, generated name or not.
    Alias,
}

impl Open {
    /// True when the expression may name a resource called `name`; `escapes`: the
    /// resource is handed to code that may pass it on (see [`escapes`]).
    fn may_be(&self, name: &Name, escapes: bool) -> bool {
        match (self, name) {
            (Open::Alias, Name::Generated) => escapes,
            (_, Name::Generated) => false,
            (Open::Literal(a), Name::Literal(b)) => a == b,
            (Open::Literal(l), Name::Pattern(p)) | (Open::Pattern(p), Name::Literal(l)) => {
                glob(p, l)
            }
            _ => true,
        }
    }
}

/// Resource indices of the file, by bucket.
struct Index {
    /// Bucket (resource index) → (policy resource index, naming).
    named: HashMap<usize, Vec<(usize, Naming)>>,
    /// Policies whose bucket expression names no bucket of the file.
    open: Vec<(usize, Open)>,
    /// Bucket node start → (bucket resource index, its name).
    buckets: HashMap<usize, (usize, Name)>,
    /// Resources (indices) handed to code that may pass them on, read when some policy
    /// names its resource through an alias.
    escaping: HashSet<usize>,
}

/// The bucket policies of the file that name `bucket`, with how they name it, in
/// source order. Linear overall: the file's policies are indexed on the first call.
pub(crate) fn policies_of<'d, 'a>(
    doc: &'d Document<'a>,
    bucket: &Resource,
) -> Vec<(&'d Resource<'a>, Naming)> {
    resource_policies_of(doc, &BUCKET_POLICIES, bucket)
}

/// The policies of `kind` in the file that name `target` (a bucket, topic or queue),
/// with how they name it, in source order; indexed once per file and kind.
pub(crate) fn resource_policies_of<'d, 'a>(
    doc: &'d Document<'a>,
    kind: &'static PolicyKind,
    target: &Resource,
) -> Vec<(&'d Resource<'a>, Naming)> {
    let index = doc.memo(kind.memo, |doc| build(doc, kind));
    let Some((i, name)) = index.buckets.get(&target.node.start_byte()) else {
        return vec![];
    };
    let mut out: Vec<(usize, Naming)> = index.named.get(i).cloned().unwrap_or_default();
    out.extend(
        index
            .open
            .iter()
            .filter(|(_, o)| o.may_be(name, index.escaping.contains(i)))
            .map(|(p, _)| (*p, Naming::Undecidable)),
    );
    out.sort_by_key(|(p, _)| *p);
    out.dedup_by_key(|(p, _)| *p);
    out.into_iter()
        .map(|(p, n)| (&doc.resources[p], n))
        .collect()
}

fn build(doc: &Document, kind: &PolicyKind) -> Index {
    let mut index = Index {
        named: HashMap::new(),
        open: vec![],
        buckets: HashMap::new(),
        escaping: HashSet::new(),
    };
    // Ways to name a resource: its reference word, its name expression, its literal name.
    let mut by_ref: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_expr: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in doc.resources.iter().enumerate() {
        let Some((_, name_key)) = kind.targets.iter().find(|(t, _)| *t == r.type_name) else {
            continue;
        };
        let reference = if doc.flavor.is_cfn() {
            r.logical_id.as_deref()
        } else {
            r.binding.as_deref()
        };
        if let Some(word) = reference {
            by_ref.entry(word.to_string()).or_default().push(i);
        }
        let value = r.props.and_then(|p| p.get(name_key));
        let name = value.map_or(Name::Generated, |v| name_of(doc, &v));
        if let Some(v) = value {
            by_expr.entry(canon(doc, &v)).or_default().push(i);
        }
        index.buckets.insert(r.node.start_byte(), (i, name));
    }
    for (p, r) in doc.resources.iter().enumerate() {
        let Some((_, key, many)) = kind.policies.iter().find(|(t, _, _)| *t == r.type_name) else {
            continue;
        };
        let Some(v) = r.props.and_then(|m| m.get(key)) else {
            // TypeScript props that are not an object literal (`this.policyProps(b)`), or
            // that spread one (`{ ...common }`): the resource is not written here.
            let unread = r.props.is_none_or(|m| m.has_spread());
            if doc.ts.is_some() && unread && r.node.child_by_field_name("arguments").is_some() {
                index.open.push((p, Open::Alias));
            }
            continue;
        };
        // A list of resources: each item names one (a list given as an intrinsic or a
        // variable is read as one expression).
        let items = match v.as_list() {
            Some(list) if *many && v.intrinsic().is_none() => list.items(),
            _ => vec![v],
        };
        for v in items {
            for (b, n) in naming(doc, kind, &by_ref, &by_expr, &v, p, &mut index.open) {
                index.named.entry(b).or_default().push((p, n));
            }
        }
    }
    if doc.ts.is_some() && index.open.iter().any(|(_, o)| matches!(o, Open::Alias)) {
        index.escaping = index
            .buckets
            .values()
            .map(|(i, _)| *i)
            .filter(|i| crate::transforms::handed_out(doc, &doc.resources[*i]))
            .collect();
    }
    index
}

/// The resources one expression of policy `p` names; an expression naming none of the
/// file is recorded in `open`.
fn naming(
    doc: &Document,
    kind: &PolicyKind,
    by_ref: &HashMap<String, Vec<usize>>,
    by_expr: &HashMap<String, Vec<usize>>,
    v: &ValueNode,
    p: usize,
    open: &mut Vec<(usize, Open)>,
) -> Vec<(usize, Naming)> {
    let mut found: Vec<(usize, Naming)> = vec![];
    let all_refs = by_ref;
    let by_ref =
        |word: &str| Some(declared_here(doc, by_ref, word, v.node)).filter(|c| !c.is_empty());
    if let Some(b) = reference(doc, v).and_then(|w| prefixes(&w).find_map(by_ref)) {
        // One binding assigned several resources (`let b = …; b = …`, if/else): it may
        // name each of them.
        let naming = if b.len() == 1 {
            Naming::Exact
        } else {
            Naming::Undecidable
        };
        found.extend(b.into_iter().map(|b| (b, naming)));
    }
    if found.is_empty() {
        found.extend(
            by_expr
                .get(&canon(doc, v))
                .into_iter()
                .flatten()
                .map(|b| (*b, Naming::Exact)),
        );
    }
    if found.is_empty() {
        let mut seen = HashSet::new();
        for word in chains(v.text()) {
            for b in prefixes(word).find_map(by_ref).unwrap_or_default() {
                if seen.insert(b) {
                    found.push((b, Naming::Mentioned));
                }
            }
        }
    }
    if found.is_empty() && doc.ts.is_some() {
        // `infra.bucket.id`: a field of another construct's instance. The resources a class
        // of the file assigns to `this.bucket` may be it (which instance, the tool does not
        // follow).
        for field in instance_fields(v.text()) {
            for b in all_refs.get(&format!("this.{field}")).into_iter().flatten() {
                if !found.iter().any(|(x, _)| x == b) {
                    found.push((*b, Naming::Undecidable));
                }
            }
        }
        if !found.is_empty() {
            return found;
        }
    }
    if found.is_empty() && crate::transforms::through_alias(doc, v.text(), v.node) {
        open.push((p, Open::Alias));
        return found;
    }
    if found.is_empty() {
        let last = |s: String| {
            if kind.by_arn {
                s.rsplit([':', '/']).next().unwrap_or_default().to_string()
            } else {
                s
            }
        };
        let o = match name_of(doc, v) {
            Name::Literal(s) => Open::Literal(last(s)),
            Name::Pattern(s) => Open::Pattern(last(s)),
            _ => Open::Opaque,
        };
        open.push((p, o));
    }
    found
}

/// The resources `word` names when written at `at`: in a template, the one whose logical
/// id it is; in TypeScript, those whose binding it is, declared in the scope `at` sees
/// (two methods may each have a `const bucket`; one `let` may be assigned several).
fn declared_here(
    doc: &Document,
    by_word: &HashMap<String, Vec<usize>>,
    word: &str,
    at: tree_sitter::Node,
) -> Vec<usize> {
    let Some(candidates) = by_word.get(word) else {
        return vec![];
    };
    let Some(ts) = doc.ts.as_ref() else {
        return candidates.first().copied().into_iter().collect();
    };
    let here = ts.declared(word, at);
    candidates
        .iter()
        .copied()
        .filter(|&i| ts.declared(word, doc.resources[i].node) == here)
        .collect()
}

/// The word a value refers to a bucket by: CFN `Ref`/`GetAtt`/`Sub '${B}'`; TS the
/// binding of `b`, `b.id`, `this.b.bucketName` (checked against the file's bindings
/// by the caller through [`prefixes`]).
fn reference(doc: &Document, v: &ValueNode) -> Option<String> {
    if doc.flavor.is_cfn() {
        let (name, arg) = v.intrinsic()?;
        return match name.as_str() {
            "Ref" => arg.as_str(),
            "Fn::GetAtt" => match arg.as_list() {
                Some(l) => l.items().first().and_then(|i| i.as_str()),
                None => arg
                    .as_str()
                    .and_then(|s| s.split_once('.').map(|(b, _)| b.to_string())),
            },
            "Fn::Sub" => arg
                .as_str()
                .and_then(|s| {
                    s.strip_prefix("${")?
                        .strip_suffix('}')
                        .map(|w| w.split('.').next().unwrap_or(w).to_string())
                })
                .filter(|w| !w.contains(['$', '{', '}'])),
            _ => None,
        };
    }
    let text: String = v.text().chars().filter(|c| !c.is_whitespace()).collect();
    let chain = chains(&text).next()?;
    (chain.len() == text.len()).then(|| chain.to_string())
}

/// `this.a.b` → `this.a.b`, `this.a`, `this`.
fn prefixes(chain: &str) -> impl Iterator<Item = &str> {
    let mut cur = Some(chain);
    std::iter::from_fn(move || {
        let out = cur?;
        cur = out.rsplit_once('.').map(|(head, _)| head);
        Some(out)
    })
}

/// Maximal runs of identifier characters and dots (`this.bucket.arn`, `Data`).
fn chains(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
}

/// What a bucket-name expression is known to be.
fn name_of(doc: &Document, v: &ValueNode) -> Name {
    if v.tag.is_none() && v.intrinsic().is_none() {
        if let Some(s) = v.as_str() {
            return Name::Literal(s);
        }
        if v.node.kind() == "template_string" {
            let t = v.text();
            return Name::Pattern(sub_pattern(&t[1..t.len() - 1]));
        }
        return Name::Opaque;
    }
    if !doc.flavor.is_cfn() {
        return Name::Opaque;
    }
    let Some((f, arg)) = v.intrinsic() else {
        return Name::Opaque;
    };
    match f.as_str() {
        "Fn::Sub" => {
            let template = arg.as_str().or_else(|| {
                arg.as_list()
                    .and_then(|l| l.items().first().and_then(|i| i.as_str()))
            });
            template.map_or(Name::Opaque, |t| Name::Pattern(sub_pattern(&t)))
        }
        "Fn::Join" => {
            let items = arg.as_list().map(|l| l.items()).unwrap_or_default();
            let (Some(sep), Some(parts)) = (
                items.first().and_then(|s| s.as_str()),
                items.get(1).and_then(|p| p.as_list()),
            ) else {
                return Name::Opaque;
            };
            let parts: Vec<String> = parts
                .items()
                .iter()
                .map(|p| {
                    if p.tag.is_none() && p.intrinsic().is_none() {
                        p.as_str().unwrap_or_else(|| "*".into())
                    } else {
                        "*".into()
                    }
                })
                .collect();
            Name::Pattern(parts.join(&sep))
        }
        _ => Name::Opaque,
    }
}

/// `${AppName}-content-${AWS::AccountId}` → `*-content-*`.
fn sub_pattern(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `*` matches any run of characters (none included).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first)
        || !text[first.len()..].ends_with(last)
        || text.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// A value as data, the same for the short and long forms of an intrinsic, any
/// quoting and any layout: two expressions with equal `canon` evaluate alike.
fn canon(doc: &Document, v: &ValueNode) -> String {
    if doc.flavor.is_cfn() {
        if let Some((f, arg)) = v.intrinsic() {
            // `!GetAtt B.Arn` and `Fn::GetAtt: [B, Arn]` alike.
            if f == "Fn::GetAtt" {
                if let Some(s) = arg.as_str() {
                    let parts: Vec<String> = s.splitn(2, '.').map(|p| format!("{p:?}")).collect();
                    return format!("{f}([{}])", parts.join(","));
                }
            }
            return format!("{f}({})", canon(doc, &arg));
        }
        if let Some(map) = v.as_map() {
            let inner: Vec<String> = map
                .entries()
                .iter()
                .map(|e| {
                    format!(
                        "{:?}:{}",
                        map.key_text(e),
                        e.value.map_or_else(String::new, |x| canon(doc, &x))
                    )
                })
                .collect();
            return format!("{{{}}}", inner.join(","));
        }
        if let Some(list) = v.as_list() {
            let inner: Vec<String> = list.items().iter().map(|x| canon(doc, x)).collect();
            return format!("[{}]", inner.join(","));
        }
        return v
            .as_str()
            .map_or_else(|| v.text().to_string(), |s| format!("{s:?}"));
    }
    match v.as_str() {
        Some(s) => format!("{s:?}"),
        None => v.text().chars().filter(|c| !c.is_whitespace()).collect(),
    }
}

// ---------------------------------------------------------------- log delivery

/// Resources that write logs into an S3 bucket, the property that names the bucket,
/// and whether AWS log delivery (`delivery.logs.amazonaws.com`, "vended logs")
/// writes its own statements into the bucket policy when the writer is created.
///
/// Sources: AWS CloudWatch Logs User Guide, "Logs sent to Amazon S3" (vended logs:
/// VPC flow logs, Network Firewall, WAF, Route 53 Resolver query logs, MSK broker
/// logs, CloudWatch Logs delivery destinations add `AWSLogDeliveryWrite` /
/// `AWSLogDeliveryAclCheck` to the bucket policy themselves); Elastic Load Balancing,
/// CloudTrail and AWS Config need a bucket policy the owner writes (if the template
/// has none, it lives outside the template).
const WRITERS: &[(&str, &[&str], bool)] = &[
    ("AWS::EC2::FlowLog", &["LogDestination"], true),
    ("AWS::NetworkFirewall::LoggingConfiguration", &["LoggingConfiguration"], true),
    ("AWS::WAFv2::LoggingConfiguration", &["LogDestinationConfigs"], true),
    ("AWS::Route53Resolver::ResolverQueryLoggingConfig", &["DestinationArn"], true),
    ("AWS::Logs::DeliveryDestination", &["DestinationResourceArn"], true),
    ("AWS::MSK::Cluster", &["LoggingInfo"], true),
    ("AWS::CloudFront::Distribution", &["DistributionConfig", "Logging"], false),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", &["LoadBalancerAttributes"], false),
    ("AWS::ElasticLoadBalancing::LoadBalancer", &["AccessLoggingPolicy"], false),
    ("AWS::CloudTrail::Trail", &["S3BucketName"], false),
    ("AWS::Config::DeliveryChannel", &["S3BucketName"], false),
    ("aws-cdk-lib/aws-ec2.CfnFlowLog", &["logDestination"], true),
    ("aws-cdk-lib/aws-networkfirewall.CfnLoggingConfiguration", &["loggingConfiguration"], true),
    ("aws-cdk-lib/aws-wafv2.CfnLoggingConfiguration", &["logDestinationConfigs"], true),
    ("aws-cdk-lib/aws-route53resolver.CfnResolverQueryLoggingConfig", &["destinationArn"], true),
    ("aws-cdk-lib/aws-logs.CfnDeliveryDestination", &["destinationResourceArn"], true),
    ("aws-cdk-lib/aws-msk.CfnCluster", &["loggingInfo"], true),
    ("aws-cdk-lib/aws-cloudfront.CfnDistribution", &["distributionConfig", "logging"], false),
    ("aws-cdk-lib/aws-elasticloadbalancingv2.CfnLoadBalancer", &["loadBalancerAttributes"], false),
    ("aws-cdk-lib/aws-cloudtrail.CfnTrail", &["s3BucketName"], false),
    ("aws-cdk-lib/aws-config.CfnDeliveryChannel", &["s3BucketName"], false),
    ("@cdktf/provider-aws/lib/flow-log.FlowLog", &["logDestination"], true),
    ("@cdktf/provider-aws/lib/networkfirewall-logging-configuration.NetworkfirewallLoggingConfiguration", &["loggingConfiguration"], true),
    ("@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration.Wafv2WebAclLoggingConfiguration", &["logDestinationConfigs"], true),
    ("@cdktf/provider-aws/lib/route53-resolver-query-log-config.Route53ResolverQueryLogConfig", &["destinationArn"], true),
    ("@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination.CloudwatchLogDeliveryDestination", &["deliveryDestinationConfiguration"], true),
    ("@cdktf/provider-aws/lib/msk-cluster.MskCluster", &["loggingInfo"], true),
    ("@cdktf/provider-aws/lib/cloudfront-distribution.CloudfrontDistribution", &["loggingConfig"], false),
    ("@cdktf/provider-aws/lib/lb.Lb", &["accessLogs"], false),
    ("@cdktf/provider-aws/lib/alb.Alb", &["accessLogs"], false),
    ("@cdktf/provider-aws/lib/elb.Elb", &["accessLogs"], false),
    ("@cdktf/provider-aws/lib/cloudtrail.Cloudtrail", &["s3BucketName"], false),
    ("@cdktf/provider-aws/lib/config-delivery-channel.ConfigDeliveryChannel", &["s3BucketName"], false),
];

/// A resource that writes logs into a bucket.
pub(crate) struct LogWriter<'d, 'a> {
    pub resource: &'d Resource<'a>,
    /// AWS log delivery edits the bucket policy itself (vended logs).
    pub vended: bool,
}

/// The resources of the file that write logs into `bucket` (named by a reference or
/// its literal name), indexed on the first call.
pub(crate) fn log_writers_of<'d, 'a>(
    doc: &'d Document<'a>,
    bucket: &Resource,
) -> Vec<LogWriter<'d, 'a>> {
    let index = doc.memo("bucket-log-writers", |doc| {
        // Buckets by reference word (checked against the scope it is written in) and by
        // literal name.
        let mut words: HashMap<String, Vec<usize>> = HashMap::new();
        let mut literals: HashMap<String, usize> = HashMap::new();
        for (i, r) in doc
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| BUCKETS.iter().any(|(t, _)| *t == r.type_name))
        {
            let reference = if doc.flavor.is_cfn() {
                r.logical_id.as_deref()
            } else {
                r.binding.as_deref()
            };
            if let Some(w) = reference {
                words.entry(w.to_string()).or_default().push(i);
            }
            let key = BUCKETS
                .iter()
                .find(|(t, _)| *t == r.type_name)
                .map(|(_, k)| *k)
                .unwrap_or_default();
            if let Some(Name::Literal(s)) =
                r.props.and_then(|p| p.get(key)).map(|v| name_of(doc, &v))
            {
                literals.insert(s, i);
            }
        }
        let mut by_bucket: HashMap<usize, Vec<(usize, bool)>> = HashMap::new();
        for (i, r) in doc.resources.iter().enumerate() {
            let Some((_, path, vended)) = WRITERS.iter().find(|(t, _, _)| *t == r.type_name) else {
                continue;
            };
            let Some(v) = r.props.and_then(|p| p.get_path(path)) else {
                continue;
            };
            let mut seen = HashSet::new();
            // Words of ARNs (`arn:aws:s3:::name/prefix`), domain names (`name.s3.amazonaws.com`), references.
            for token in v
                .text()
                .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.' | '-')))
            {
                let candidates = [token, token.split(".s3").next().unwrap_or(token)];
                for c in candidates
                    .iter()
                    .flat_map(|c| prefixes(c.trim_matches('.')))
                {
                    let found = declared_here(doc, &words, c, v.node)
                        .first()
                        .copied()
                        .or_else(|| literals.get(c).copied())
                        .map(|b| doc.resources[b].node.start_byte());
                    if let Some(b) = found {
                        if seen.insert(b) {
                            by_bucket.entry(b).or_default().push((i, *vended));
                        }
                    }
                }
            }
        }
        by_bucket
    });
    index
        .get(&bucket.node.start_byte())
        .into_iter()
        .flatten()
        .map(|(i, vended)| LogWriter {
            resource: &doc.resources[*i],
            vended: *vended,
        })
        .collect()
}

// ---------------------------------------------------------------- string literals

/// True when the file holds a string literal whose value is `text` (collected once
/// per document), for picking construct ids nobody uses yet in linear time.
pub(crate) fn has_string_literal(doc: &Document, text: &str) -> bool {
    let all: Rc<HashSet<String>> = doc.memo("string-literals", |doc| {
        // TypeScript kinds compared by id (reading each node's kind name cost more than
        // the rest of this walk); other grammars by name.
        static KINDS: std::sync::OnceLock<crate::lang::ts::KindSet> = std::sync::OnceLock::new();
        let ts = doc.ts.is_some().then(|| {
            KINDS.get_or_init(|| crate::lang::ts::KindSet::new(&["string", "template_string"]))
        });
        doc.nodes()
            .iter()
            .enumerate()
            .filter(|&(i, n)| match ts {
                Some(kinds) => kinds.has_id(doc.node_kind(i)),
                None => matches!(n.kind(), "string" | "template_string"),
            })
            .map(|(_, n)| {
                let t = doc.text(*n);
                t.get(1..t.len().saturating_sub(1).max(1))
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    });
    all.contains(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor::Flavor;
    use crate::lang::{Parsed, Syntax};
    use std::path::Path;

    fn namings(syntax: Syntax, flavor: Flavor, src: &str) -> Vec<(String, Vec<(String, Naming)>)> {
        let parsed = Parsed::new(syntax, src.into());
        let doc = Document::new(Path::new("t"), flavor, &parsed);
        let buckets: Vec<&Resource> = doc
            .resources
            .iter()
            .filter(|r| BUCKETS.iter().any(|(t, _)| *t == r.type_name))
            .collect();
        buckets
            .iter()
            .map(|b| {
                let name = b
                    .logical_id
                    .as_deref()
                    .or(b.binding.as_deref())
                    .unwrap_or_default()
                    .to_string();
                let found = policies_of(&doc, b)
                    .into_iter()
                    .map(|(p, n)| (p.logical_id.as_deref().unwrap_or_default().to_string(), n))
                    .collect();
                (name, found)
            })
            .collect()
    }

    #[test]
    fn cfn_every_way_of_naming_a_bucket() {
        let src = "Parameters:\n  P:\n    Type: String\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub ${P}-a-${AWS::AccountId}\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: literal-b\n  C:\n    Type: AWS::S3::Bucket\n  D:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref P\n  PA:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket:\n        Fn::Sub: '${P}-a-${AWS::AccountId}'\n  PB:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: literal-b\n  PC:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !If [X, !Ref C, other]\n  PI:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !ImportValue shared-bucket\n  PL:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: some-other-name\n  PG:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !GetAtt C.Arn\n";
        let got = namings(Syntax::Yaml, Flavor::CfnYaml, src);
        let e = |p: &str, n: Naming| (p.to_string(), n);
        assert_eq!(
            got[0],
            (
                "A".into(),
                vec![e("PA", Naming::Exact), e("PI", Naming::Undecidable)]
            )
        );
        // `some-other-name` cannot be `literal-b`; the import can.
        assert_eq!(
            got[1],
            (
                "B".into(),
                vec![e("PB", Naming::Exact), e("PI", Naming::Undecidable)]
            )
        );
        // A generated name: only references reach it.
        assert_eq!(
            got[2],
            (
                "C".into(),
                vec![e("PC", Naming::Mentioned), e("PG", Naming::Exact)]
            )
        );
        assert_eq!(
            got[3],
            (
                "D".into(),
                vec![e("PI", Naming::Undecidable), e("PL", Naming::Undecidable)]
            )
        );
    }

    #[test]
    fn topic_policies_name_many_topics_by_reference_or_arn() {
        let src = "Parameters:\n  P:\n    Type: String\nResources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: named-b\n  C:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: named-c\n  PAB:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics:\n        - !Ref A\n        - !Ref B\n  PARN:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics:\n        - !Sub arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:named-c\n  PI:\n    Type: AWS::SNS::TopicInlinePolicy\n    Properties:\n      TopicArn: !Ref P\n";
        let parsed = Parsed::new(Syntax::Yaml, src.into());
        let doc = Document::new(Path::new("t"), Flavor::CfnYaml, &parsed);
        let of = |id: &str| {
            let t = doc
                .resources
                .iter()
                .find(|r| r.logical_id.as_deref() == Some(id))
                .unwrap();
            resource_policies_of(&doc, &TOPIC_POLICIES, t)
                .into_iter()
                .map(|(p, n)| (p.logical_id.as_deref().unwrap_or_default().to_string(), n))
                .collect::<Vec<_>>()
        };
        let e = |p: &str, n: Naming| (p.to_string(), n);
        // A generated name: only references reach it.
        assert_eq!(of("A"), vec![e("PAB", Naming::Exact)]);
        // `named-b` is not the ARN pattern's last segment (`named-c`); the parameter may be it.
        assert_eq!(
            of("B"),
            vec![e("PAB", Naming::Exact), e("PI", Naming::Undecidable)]
        );
        assert_eq!(
            of("C"),
            vec![e("PARN", Naming::Undecidable), e("PI", Naming::Undecidable)]
        );
    }

    #[test]
    fn ts_bindings_by_scope_and_through_parameters() {
        // Two methods bind `bucket`; a helper writes the policy of whatever bucket it is
        // given, and only `handed` is given to it.
        let src = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nimport { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';\nclass S {\n  a() { const bucket = new S3Bucket(this, 'a', {}); new S3BucketPolicy(this, 'pa', { bucket: bucket.id }); }\n  b() { const bucket = new S3Bucket(this, 'b', {}); }\n  c() { const handed = new S3Bucket(this, 'c', {}); this.policyFor(handed); }\n  policyFor(b: S3Bucket) { new S3BucketPolicy(this, 'pf', { bucket: b.id, policy: JSON.stringify({ Resource: `${b.arn}/*` }) }); }\n}\n";
        let got = namings(Syntax::TypeScript, Flavor::CdktfTs, src);
        let e = |p: &str, n: Naming| (p.to_string(), n);
        assert_eq!(got[0].1, vec![e("pa", Naming::Exact)]);
        assert_eq!(got[1].1, vec![]);
        assert_eq!(got[2].1, vec![e("pf", Naming::Undecidable)]);
    }

    #[test]
    fn literal_against_sub_pattern() {
        assert!(glob("*-content-*", "app-content-123"));
        assert!(!glob("*-content-*", "logs-bucket"));
        assert!(glob("a*", "a"));
        assert!(!glob("ab*ba", "aba"));
        assert_eq!(sub_pattern("${A}-x-${AWS::AccountId}"), "*-x-*");
    }

    #[test]
    fn cdktf_references_literals_and_expressions() {
        let src = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nimport { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';\nconst a = new S3Bucket(this, 'a', {});\nconst b = new S3Bucket(this, 'b', { bucket: 'named-b' });\nconst c = new S3Bucket(this, 'c', { bucket: `${env}-c` });\nnew S3BucketPolicy(this, 'pa', { bucket: a.id });\nnew S3BucketPolicy(this, 'pb', { bucket: 'named-b' });\nnew S3BucketPolicy(this, 'pc', { bucket: props.bucketName });\nnew S3BucketPolicy(this, 'pd', { bucket: pick(a).id });\n";
        let got = namings(Syntax::TypeScript, Flavor::CdktfTs, src);
        let e = |p: &str, n: Naming| (p.to_string(), n);
        assert_eq!(
            got[0].1,
            vec![e("pa", Naming::Exact), e("pd", Naming::Mentioned)]
        );
        assert_eq!(
            got[1].1,
            vec![e("pb", Naming::Exact), e("pc", Naming::Undecidable)]
        );
        assert_eq!(got[2].1, vec![e("pc", Naming::Undecidable)]);
    }
}
