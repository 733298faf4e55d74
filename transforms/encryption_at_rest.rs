//! ## What it fixes
//! Resources that store data unencrypted although the service encrypts it with its AWS
//! managed KMS key (or its own key) for free, with one property: SNS topics, SQS queues,
//! EBS volumes, EBS volumes of launch templates and launch configurations, EFS file
//! systems, ElastiCache replication groups, Kinesis streams, Neptune and DocumentDB
//! clusters, DAX clusters, Redshift clusters, OpenSearch and Elasticsearch domains, the
//! Glue Data Catalog, ECR repositories and WorkSpaces.
//!
//! The per-type facts are data, not code: `data/encryption-at-rest.json` holds, per
//! CloudFormation type, the properties to write (enable flag, key id, encryption type,
//! nested configuration, `*` for every item of a list), the properties whose presence
//! means the author chose already (a key of their own, a snapshot to restore from), the
//! CDKTF class and its arguments, the checkov / cdk-nag ids, and a source URL per row.
//! Its `create_only` column comes from the pinned cfn-lint's provider schemas
//! (`scripts/refresh-encryption-at-rest.py`); CDK L1 names are the CloudFormation names
//! camel-cased as CDK does (`SSESpecification` → `sseSpecification`).
//!
//! ## Why
//! Unencrypted volumes, queues, caches and clusters expose their data to anyone who gets
//! the storage media or a snapshot, and fail most compliance baselines. The AWS managed
//! keys cost nothing and need no key policy for principals of the same account.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! Queue:
//!   Type: AWS::SQS::Queue
//!   Properties:
//!     VisibilityTimeout: 60
//!     SqsManagedSseEnabled: true        # added (SSE-SQS)
//! Data:
//!   Type: AWS::EFS::FileSystem
//!   Properties:
//!     PerformanceMode: generalPurpose
//!     Encrypted: true                   # added: review (replaces an existing file system)
//! Template:
//!   Type: AWS::EC2::LaunchTemplate
//!   Properties:
//!     LaunchTemplateData:
//!       BlockDeviceMappings:
//!         - DeviceName: /dev/xvda
//!           Ebs:
//!             VolumeSize: 20
//!             Encrypted: true           # added to every item with `Ebs`
//! ```
//! CDK TypeScript, L1 constructs (`sqs.CfnQueue`, `efs.CfnFileSystem`, …): the same
//! properties in camelCase (`sqsManagedSseEnabled: true`). L2 constructs that do not
//! encrypt by default: `ec2.Volume` gets `encrypted: true`, `opensearch.Domain` and
//! `elasticsearch.Domain` get `encryptionAtRest: { enabled: true }`; an `sns.Topic`
//! without `masterKey` is reported without a fix (it needs a key object: see below).
//! CDKTF TypeScript: `SqsQueue` gets `sqsManagedSseEnabled: true`, `SnsTopic`
//! `kmsMasterKeyId: 'alias/aws/sns'`, `EbsVolume` / `EfsFileSystem` `encrypted: true`,
//! `NeptuneCluster` / `DocdbCluster` `storageEncrypted: true`, `DaxCluster`
//! `serverSideEncryption: { enabled: true }`, `OpensearchDomain` / `ElasticsearchDomain`
//! `encryptAtRest: { enabled: true }`, `KinesisStream` `encryptionType: 'KMS'` with
//! `kmsKeyId: 'alias/aws/kinesis'`.
//!
//! ## What makes a fix unsafe, and what the transform does
//! - **Replacement.** When the property is create-only (EFS, ElastiCache, Neptune,
//!   DocumentDB, DAX, ECR, launch configurations; CDKTF: the argument forces a new
//!   resource), encrypting an existing resource replaces it: CloudFormation creates an
//!   empty one and deletes the old one with its data. Where the service cannot encrypt
//!   in place although the property is updatable (EBS volumes, WorkSpaces) or does it
//!   with a long read-only migration (Redshift), the same. These fixes are `review`, and
//!   the message says what happens to an existing resource.
//! - **AWS managed keys and service publishers.** The key policy of an AWS managed key
//!   (`alias/aws/sns`, `alias/aws/sqs`) cannot be changed, so AWS service principals
//!   cannot use it: a topic encrypted with `alias/aws/sns` no longer receives from
//!   CloudWatch alarms, S3 event notifications, EventBridge rules, CodeStar
//!   notifications and other services
//!   (<https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services>);
//!   the same holds for SQS queues and SNS, S3 and EventBridge
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services>).
//!   SQS queues therefore get SSE-SQS (`SqsManagedSseEnabled: true`), which needs no KMS
//!   permission and works with every publisher: `safe`. An SNS topic that a service
//!   publisher in the same file refers to (an alarm action, a bucket notification, a rule
//!   target, `SnsAction`, `SnsDestination`, `targets.SnsTopic`, …) gets a finding without
//!   a fix that says to use a customer managed key whose key policy lets that service
//!   principal use it; any other topic gets `KmsMasterKeyId: alias/aws/sns` as `review`
//!   (publishers in other stacks or accounts cannot be seen).
//! - **Explicit choices.** A property written with the opposite value
//!   (`Encrypted: false`, `SqsManagedSseEnabled: false`, `CatalogEncryptionMode:
//!   DISABLED`, CDK `QueueEncryption.UNENCRYPTED`) is a decision: turned as a `review` fix
//!   (with the create-only warnings above), or reported without a fix when a comment next
//!   to it records why (quoted) (the shared rule for explicit values, `explicit_value`). Left alone: the properties of a row's `unless` column (a key of
//!   the author's own, a snapshot or source cluster to restore from: its encryption
//!   decides), values we cannot read (intrinsics, parameters, expressions), and props with
//!   a `...spread`.
//! - **Shared Kinesis streams.** Other accounts cannot use the AWS managed key
//!   `alias/aws/kinesis`, so a stream that a Kinesis resource policy of the file shares
//!   (its `ResourceArn` names the stream, or its ARN cannot be tied to a stream of the
//!   file; TypeScript also `addToResourcePolicy` on the stream's own binding) is
//!   `review`; the file's other streams stay `safe`.
//! - **CDK Mixins.** A construct with `.with(…)` or a `Mixins.of(…).apply(…)` in the file
//!   whose arguments mention encryption is left alone: the Mixin may already apply it.
//! - **Defaults.** L2 constructs that encrypt by default are not touched: `sqs.Queue`
//!   (SSE-SQS; an explicit `QueueEncryption.UNENCRYPTED` is reported), `efs.FileSystem`, `kinesis.Stream`, `docdb.DatabaseCluster`. An
//!   OpenSearch domain on `t2` instances is left alone (they do not support encryption
//!   at rest). CDKTF `RedshiftCluster` and `ElasticacheReplicationGroup` are not covered
//!   (provider 6.x types those arguments as strings with provider-side defaults).
//!
//! ## Applicability
//! safe for SQS, Kinesis, OpenSearch/Elasticsearch, Glue and launch templates (the
//! resource is updated in place; for launch templates, instances launched from the new
//! version get encrypted volumes); review where noted above.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_3, CKV_AWS_5, CKV_AWS_8, CKV_AWS_26, CKV_AWS_27, CKV_AWS_29,
//! CKV_AWS_42, CKV_AWS_43, CKV_AWS_44, CKV_AWS_47, CKV_AWS_64, CKV_AWS_74, CKV_AWS_94,
//! CKV_AWS_136, CKV_AWS_155, CKV_AWS_156; cdk-nag AwsSolutions-EC26, AwsSolutions-EFS1,
//! AwsSolutions-KDS1, AwsSolutions-N4, AwsSolutions-DOC1, AwsSolutions-DDB4,
//! AwsSolutions-RS6, AwsSolutions-OS8, AwsSolutions-SQS2, AwsSolutions-AEC3 (with
//! `encryption-in-transit`). checkov 3.3's CloudFormation
//! CKV_AWS_27 reads only `KmsMasterKeyId`, so it still reports a queue with SSE-SQS; we
//! keep SSE-SQS because `alias/aws/sqs` breaks SNS, S3 and EventBridge delivery.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{
    camel_tree, cdk_camel, decision_note, finding_with, l1_class, merge, mixin_applies, to_value, Plan,
};
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::OnceLock;

pub struct EncryptionAtRest;
pub static TRANSFORM: EncryptionAtRest = EncryptionAtRest;

static META: Meta = Meta {
    id: "encryption-at-rest",
    title: "Encrypt data at rest with the service's AWS managed key",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[
        "CKV_AWS_3",
        "CKV_AWS_5",
        "CKV_AWS_8",
        "CKV_AWS_26",
        "CKV_AWS_27",
        "CKV_AWS_29",
        "CKV_AWS_42",
        "CKV_AWS_43",
        "CKV_AWS_44",
        "CKV_AWS_47",
        "CKV_AWS_64",
        "CKV_AWS_74",
        "CKV_AWS_94",
        "CKV_AWS_136",
        "CKV_AWS_155",
        "CKV_AWS_156",
        "AwsSolutions-EC26",
        "AwsSolutions-EFS1",
        "AwsSolutions-KDS1",
        "AwsSolutions-N4",
        "AwsSolutions-DOC1",
        "AwsSolutions-DDB4",
        "AwsSolutions-RS6",
        "AwsSolutions-OS8",
        "AwsSolutions-SQS2",
        "AwsSolutions-AEC3",
    ],
    options: &[],
};

/// One row of `data/encryption-at-rest.json` (see its `about`).
#[derive(Deserialize)]
struct Row {
    cfn: String,
    what: String,
    set: Json,
    #[serde(default)]
    unless: Vec<String>,
    cdktf: Option<String>,
    cdktf_set: Option<Json>,
    #[serde(default)]
    cdktf_replaces: bool,
    #[serde(default)]
    publishers: bool,
    #[serde(default)]
    in_place: Option<String>,
    #[cfg_attr(not(test), allow(dead_code))]
    ids: Vec<String>,
    #[allow(dead_code)]
    source: String,
    create_only: bool,
}

#[derive(Deserialize)]
struct Table {
    types: Vec<Row>,
}

fn table() -> &'static [Row] {
    static TABLE: OnceLock<Table> = OnceLock::new();
    &TABLE
        .get_or_init(|| {
            serde_json::from_str(include_str!("../data/encryption-at-rest.json"))
                .expect("data/encryption-at-rest.json is valid")
        })
        .types
}

/// CDK L2 constructs that do not encrypt by default, with the props that encrypt them.
/// (`sqs.Queue`, `efs.FileSystem`, `kinesis.Stream`, `docdb.DatabaseCluster` encrypt by
/// default: aws-cdk-lib 2.269 `QueueProps.encryption`, `FileSystemProps.encrypted`,
/// `StreamProps.encryption`, `DatabaseClusterProps.storageEncrypted`.)
struct L2 {
    class: &'static str,
    /// The table row whose facts (what, ids, review reasons) apply.
    cfn: &'static str,
    set: &'static str,
    unless: &'static [&'static str],
}

/// What the CDK and CDKTF checks read of each row of [`table`] (same order), spelled once
/// for the process instead of on every pass.
struct Spelled {
    /// The row's L1 class (`aws-cdk-lib/aws-s3.CfnBucket`).
    l1_class: String,
    /// The row's `set` with CDK's L1 prop names.
    l1_set: Json,
    /// The row's `unless` names as CDK (and provider-aws) spell them.
    unless: Vec<String>,
}

fn spellings() -> &'static [Spelled] {
    static SPELLED: OnceLock<Vec<Spelled>> = OnceLock::new();
    SPELLED.get_or_init(|| {
        table()
            .iter()
            .map(|row| Spelled {
                l1_class: l1_class(&row.cfn),
                l1_set: camel_tree(&row.set),
                unless: row.unless.iter().map(|u| cdk_camel(u)).collect(),
            })
            .collect()
    })
}

/// Each of [`L2S`]' `set` parsed and `unless` owned (same order), once for the process.
fn l2_sets() -> &'static [(Json, Vec<String>)] {
    static SETS: OnceLock<Vec<(Json, Vec<String>)>> = OnceLock::new();
    SETS.get_or_init(|| {
        L2S.iter()
            .map(|l2| {
                let set: Json = serde_json::from_str(l2.set).expect("L2 props are JSON");
                (set, l2.unless.iter().map(|s| s.to_string()).collect())
            })
            .collect()
    })
}

const L2S: &[L2] = &[
    L2 {
        class: "aws-cdk-lib/aws-ec2.Volume",
        cfn: "AWS::EC2::Volume",
        set: r#"{"encrypted": true}"#,
        unless: &["encryptionKey", "snapshotId"],
    },
    L2 {
        class: "aws-cdk-lib/aws-opensearchservice.Domain",
        cfn: "AWS::OpenSearchService::Domain",
        set: r#"{"encryptionAtRest": {"enabled": true}}"#,
        unless: &[],
    },
    L2 {
        class: "aws-cdk-lib/aws-elasticsearch.Domain",
        cfn: "AWS::Elasticsearch::Domain",
        set: r#"{"encryptionAtRest": {"enabled": true}}"#,
        unless: &[],
    },
];

const CDK_TOPIC: &str = "aws-cdk-lib/aws-sns.Topic";
const CDK_QUEUE: &str = "aws-cdk-lib/aws-sqs.Queue";

/// Where the instance type of a search domain stands, per flavor spelling.
const INSTANCE_TYPE_PATHS: &[&[&str]] = &[
    &["ClusterConfig", "InstanceType"],
    &["ElasticsearchClusterConfig", "InstanceType"],
    &["clusterConfig", "instanceType"],
    &["elasticsearchClusterConfig", "instanceType"],
    &["capacity", "dataNodeInstanceType"],
];

impl Transform for EncryptionAtRest {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, row) in table().iter().enumerate() {
            match doc.flavor {
                Flavor::CfnJson | Flavor::CfnYaml => {
                    for r in doc.of_type(&row.cfn) {
                        out.extend(check_resource(doc, r, row, &row.set, &row.unless, row.create_only));
                    }
                }
                Flavor::CdkTs => {
                    let spelled = &spellings()[i];
                    for r in doc.of_type(&spelled.l1_class) {
                        out.extend(check_resource(doc, r, row, &spelled.l1_set, &spelled.unless, row.create_only));
                    }
                }
                Flavor::CdktfTs => {
                    let (Some(class), Some(set)) = (&row.cdktf, &row.cdktf_set) else { continue };
                    // provider-aws spells these arguments as CDK does (`kms_key_id` → `kmsKeyId`).
                    let unless = &spellings()[i].unless;
                    for r in doc.of_type(class) {
                        out.extend(check_resource(doc, r, row, set, unless, row.cdktf_replaces));
                    }
                }
            }
        }
        if doc.flavor == Flavor::CdkTs {
            for (l2, (set, unless)) in L2S.iter().zip(l2_sets()) {
                let Some(row) = table().iter().find(|r| r.cfn == l2.cfn) else { continue };
                for r in doc.of_type(l2.class) {
                    out.extend(check_resource(doc, r, row, set, unless, row.create_only));
                }
            }
            for r in doc.of_type(CDK_TOPIC) {
                out.extend(check_l2_topic(doc, r));
            }
            for r in doc.of_type(CDK_QUEUE) {
                out.extend(check_l2_queue(doc, r));
            }
        }
        out.sort_by_key(|f| f.offset);
        out
    }
}

fn name_of(r: &Resource) -> String {
    r.logical_id
        .as_deref()
        .or(r.binding.as_deref())
        .map_or_else(String::new, |n| format!(" `{n}`"))
}

/// The finding for one resource or construct of `row`, with `set` in its flavor's names.
fn check_resource(
    doc: &Document,
    r: &Resource,
    row: &Row,
    set: &Json,
    unless: &[String],
    replaces: bool,
) -> Option<Finding> {
    let at = r.node.start_byte();
    let name = name_of(r);
    let what = &row.what;
    if mixin_applies(doc, r) {
        return None;
    }
    let props = r.props;
    if let Some(props) = props {
        if props.has_spread() || unless.iter().any(|k| props.has(k)) {
            return None;
        }
        if INSTANCE_TYPE_PATHS.iter().any(|p| {
            props
                .get_path(p)
                .and_then(|v| v.as_str())
                .is_some_and(|t| t.starts_with("t2."))
        }) {
            return None; // T2 instances cannot encrypt at rest.
        }
    }
    let mut plan = Plan::default();
    match props {
        Some(props) => merge(props, set, "", &mut plan),
        None => {
            // No props at all: only a flat `set` can be written as new props.
            let Json::Object(want) = set else { return None };
            if want.values().any(|v| v.as_object().is_some_and(|o| o.contains_key("*"))) {
                return None;
            }
            if want.len() != 1 {
                return None;
            }
            let (key, value) = want.iter().next()?;
            plan.edits = crate::transforms::add_props(doc, r, key, to_value(value))?;
            plan.added.push(key.clone());
        }
    }
    // Explicit opposite values are decisions: kept (reported) when a comment says why,
    // else turned as `review` with the rest of the fix (see `explicit_value`).
    let mut explicit = String::new();
    if let Some((path, value)) = plan.off.first() {
        let line = doc.line_of(value.start());
        let shown = format!("{what}{name} sets `{path}: {}` at line {line}", value.text().trim());
        if let Some(note) = plan.off.iter().find_map(|(_, v)| decision_note(doc, v)) {
            return Some(META.finding(value.start(), format!("{shown}: an explicit choice not to encrypt; {note}"), None));
        }
        explicit = format!(
            "{shown}, written explicitly: turned it on (review: find out why it was switched off; nothing in the file records a reason)"
        );
        plan.edits.append(&mut plan.off_edits);
    }
    if plan.edits.is_empty() {
        return None;
    }
    // A finding about an explicit value stands at that value (a suppression trailing its
    // line covers it, as for every other transform).
    let at = plan.off.first().map_or(at, |(_, v)| v.start());
    let added = plan.added.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
    let mut message = if explicit.is_empty() {
        format!("{what}{name} is not encrypted at rest; set {added}")
    } else if added.is_empty() {
        explicit.clone()
    } else {
        format!("{explicit}; set {added}")
    };
    let mut applicability = if explicit.is_empty() { Applicability::Safe } else { Applicability::Review };
    if replaces {
        applicability = Applicability::Review;
        message.push_str(&format!(
            "; review: the property cannot change on an existing {what}, so deploying this \
             replaces it (a new, empty {what}; the old one is deleted with its data): apply it to a \
             new resource, or move the data first"
        ));
    } else if let Some(why) = &row.in_place {
        applicability = Applicability::Review;
        message.push_str(&format!("; review: {why}"));
    }
    if let Some(why) = elasticsearch_engine(r) {
        applicability = Applicability::Review;
        message.push_str(&format!("; review: {why}"));
    }
    if row.cfn == "AWS::Kinesis::Stream" && shared_by_policy(doc, r) {
        applicability = Applicability::Review;
        message.push_str(
            "; review: a Kinesis resource policy in this file shares this stream with other principals, and \
             other accounts cannot use the AWS managed key `alias/aws/kinesis`: a cross-account consumer \
             or producer would need a customer managed key whose key policy allows it",
        );
    }
    if row.publishers {
        let publishers = service_publishers(doc, r);
        if !publishers.is_empty() {
            let message = format!(
                "{what}{name} is not encrypted at rest, and AWS services publish to it ({}); the AWS \
                 managed key `alias/aws/sns` would stop their deliveries (its key policy cannot let \
                 service principals use it): encrypt it with a customer managed key whose key policy \
                 allows those service principals `kms:GenerateDataKey*` and `kms:Decrypt`",
                publishers.join(", ")
            );
            return Some(META.finding(at, message, None));
        }
        applicability = Applicability::Review;
        message.push_str(
            "; review: with the AWS managed key, AWS services (CloudWatch alarms, S3 notifications, \
             EventBridge rules, …) can no longer publish to the topic, and other accounts neither; none \
             in this file does, check the publishers defined elsewhere",
        );
    }
    Some(finding_with(&META, applicability, at, message, plan.edits))
}

/// Kinesis resource policies (CFN, CDK L1, CDKTF): a stream they share with another
/// account cannot use an AWS managed key.
const KINESIS_POLICIES: &[&str] = &[
    "AWS::Kinesis::ResourcePolicy",
    "aws-cdk-lib/aws-kinesis.CfnResourcePolicy",
    "aws-cdk-lib/aws-kinesis.ResourcePolicy",
    "@cdktf/provider-aws/lib/kinesis-resource-policy.KinesisResourcePolicy",
];

/// True when a Kinesis resource policy of this file may share the stream `r`: a policy
/// resource whose `ResourceArn` (CDK L2: `stream`) refers to it, or one whose ARN we
/// cannot tie to any stream of the file (a parameter, a literal ARN: it may be this one);
/// in TypeScript also `x.addToResourcePolicy(…)` on the stream's own binding. A policy for
/// another stream of the file, or `addToResourcePolicy` on another construct, does not
/// count.
fn shared_by_policy(doc: &Document, r: &Resource) -> bool {
    let streams: Vec<&Resource> = doc.of_types(&[
        "AWS::Kinesis::Stream",
        "aws-cdk-lib/aws-kinesis.CfnStream",
        "aws-cdk-lib/aws-kinesis.Stream",
        "@cdktf/provider-aws/lib/kinesis-stream.KinesisStream",
    ]);
    // The names a stream is known by in this flavor: CFN logical id, TS binding.
    let name = |s: &Resource| -> Option<String> {
        if doc.flavor.is_cfn() {
            s.logical_id.as_deref().map(str::to_string)
        } else {
            s.binding.as_deref().map(str::to_string)
        }
    };
    let own = name(r);
    for p in doc.of_types(KINESIS_POLICIES) {
        let refs = policy_target_names(doc, p);
        let names_a_stream = streams
            .iter()
            .filter_map(|s| name(s))
            .any(|n| refs.iter().any(|x| x == &n));
        if !names_a_stream || own.as_ref().is_some_and(|o| refs.contains(o)) {
            return true;
        }
    }
    match (&doc.ts, r.binding.as_deref()) {
        (Some(ts), Some(binding)) => ts.calls_on(binding, "addToResourcePolicy").next().is_some(),
        _ => false,
    }
}

/// What a Kinesis resource policy's target refers to: CFN the logical ids `Ref` /
/// `Fn::GetAtt` / `Fn::Sub` name in `ResourceArn`; TypeScript the expression of
/// `resourceArn` / `stream` with its last member dropped (`this.stream.streamArn` →
/// `this.stream`, `stream.attrArn` → `stream`, `stream` → `stream`).
fn policy_target_names(doc: &Document, p: &Resource) -> Vec<String> {
    let Some(props) = p.props else { return vec![] };
    if doc.flavor.is_cfn() {
        let Some(arn) = props.get("ResourceArn") else { return vec![] };
        let mut out = std::collections::HashSet::new();
        crate::transforms::cfn_references(arn, &mut out);
        return out.into_iter().collect();
    }
    ["resourceArn", "stream"]
        .iter()
        .filter_map(|k| props.get(k))
        .flat_map(|v| {
            let text = v.text().trim().to_string();
            let parent = text.rsplit_once('.').map(|(a, _)| a.to_string());
            [Some(text), parent].into_iter().flatten()
        })
        .collect()
}

/// Why encrypting an OpenSearch Service or Elasticsearch domain at rest needs review: the
/// Elasticsearch engine supports it from 5.1, and an existing domain can only turn it on
/// from 6.7 (<https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html>);
/// the legacy `AWS::Elasticsearch::Domain` defaults to Elasticsearch 1.5 when no version is
/// given. OpenSearch engines support it everywhere: `None`.
fn elasticsearch_engine(r: &Resource) -> Option<String> {
    let version = |keys: &[&str]| {
        let props = r.props?;
        keys.iter().find_map(|k| props.get(k)).map(|v| v.text().trim().to_string())
    };
    let legacy = r.type_name == "AWS::Elasticsearch::Domain"
        || r.type_name.ends_with("elasticsearch-domain.ElasticsearchDomain")
        || r.type_name.ends_with("aws-elasticsearch.CfnDomain")
        || r.type_name.ends_with("aws-elasticsearch.Domain");
    let written = version(&["EngineVersion", "engineVersion", "ElasticsearchVersion", "elasticsearchVersion", "version"]);
    let es_engine = written
        .as_deref()
        .is_some_and(|v| v.contains("Elasticsearch_") || v.contains("ELASTICSEARCH"));
    if !legacy && !es_engine {
        return None;
    }
    let shown = written.map_or_else(|| "no version (Elasticsearch 1.5 by default)".to_string(), |v| format!("`{v}`"));
    Some(format!(
        "the domain runs the Elasticsearch engine ({shown}): encryption at rest needs Elasticsearch 5.1 or \
         later, and an existing domain can only turn it on from 6.7; check the version first"
    ))
}

/// CDK `sns.Topic` without `masterKey`: the fix needs a key object (a customer managed
/// key with a policy for the publishers), so it is reported without one.
fn check_l2_topic(doc: &Document, r: &Resource) -> Option<Finding> {
    if mixin_applies(doc, r) {
        return None;
    }
    if let Some(props) = r.props {
        if props.has_spread() || props.has("masterKey") {
            return None;
        }
    }
    let publishers = service_publishers(doc, r);
    let seen = if publishers.is_empty() {
        String::new()
    } else {
        format!(" (AWS services publish to it: {})", publishers.join(", "))
    };
    let message = format!(
        "SNS topic{} is not encrypted at rest{seen}; set `masterKey` to a customer managed KMS key whose \
         key policy lets its publishers use it (the AWS managed key `alias/aws/sns` cannot be used by \
         AWS service publishers such as CloudWatch alarms, S3 notifications and EventBridge)",
        name_of(r)
    );
    Some(META.finding(r.node.start_byte(), message, None))
}

/// CDK `sqs.Queue` encrypts by default (SSE-SQS); `encryption: QueueEncryption.UNENCRYPTED`
/// is an explicit choice: reported with the comment that records why, else turned into
/// `QueueEncryption.SQS_MANAGED` as `review` (`explicit_value`'s rule).
fn check_l2_queue(doc: &Document, r: &Resource) -> Option<Finding> {
    let v = r.props?.get("encryption")?;
    let ts = doc.ts.as_ref()?;
    let name = ts.resolve(v.node)?;
    if name != "aws-cdk-lib/aws-sqs.QueueEncryption.UNENCRYPTED" {
        return None;
    }
    let head = format!(
        "SQS queue{} sets `encryption: QueueEncryption.UNENCRYPTED` at line {}, written explicitly",
        name_of(r),
        doc.line_of(v.start())
    );
    let (enum_ref, import) = ts.reference("aws-cdk-lib/aws-sqs", "QueueEncryption", "sqs");
    let mut edits = vec![v.replace(&crate::value::Value::code(format!("{enum_ref}.SQS_MANAGED")))];
    edits.extend(import);
    Some(crate::transforms::explicit_value(
        doc,
        &META,
        &v,
        &head,
        "encrypted it with `QueueEncryption.SQS_MANAGED` (review: find out why it was left unencrypted; \
         SSE-SQS needs no KMS permissions and works with every publisher)",
        edits,
    ))
}

/// CloudFormation types whose service publishes to an SNS topic named in their properties.
const CFN_PUBLISHERS: &[&str] = &[
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::CompositeAlarm",
    "AWS::S3::Bucket",
    "AWS::Events::Rule",
    "AWS::CodeStarNotifications::NotificationRule",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::Config::DeliveryChannel",
    "AWS::CloudTrail::Trail",
    "AWS::Budgets::Budget",
    "AWS::RDS::EventSubscription",
    "AWS::DMS::EventSubscription",
    "AWS::Redshift::EventSubscription",
    "AWS::DocDB::EventSubscription",
    "AWS::Neptune::EventSubscription",
    "AWS::Backup::BackupVault",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::CodeCommit::Repository",
    "AWS::SES::ConfigurationSetEventDestination",
    "AWS::Pipes::Pipe",
    "AWS::Scheduler::Schedule",
    "AWS::CloudFormation::Stack",
    "AWS::Glacier::Vault",
    "AWS::ElasticBeanstalk::Environment",
    "AWS::SSM::MaintenanceWindowTask",
    "AWS::Logs::SubscriptionFilter",
    "AWS::IoT::TopicRule",
];

/// CDK and CDKTF classes that make an AWS service publish to a topic passed to them.
const TS_PUBLISHERS: &[&str] = &[
    "aws-cdk-lib/aws-cloudwatch-actions.SnsAction",
    "aws-cdk-lib/aws-s3-notifications.SnsDestination",
    "aws-cdk-lib/aws-events-targets.SnsTopic",
    "aws-cdk-lib/aws-codestarnotifications.NotificationRule",
    "aws-cdk-lib/aws-cloudwatch.CfnAlarm",
    "aws-cdk-lib/aws-events.CfnRule",
    "aws-cdk-lib/aws-s3.CfnBucket",
    "aws-cdk-lib/aws-autoscaling.CfnAutoScalingGroup",
    "aws-cdk-lib/aws-backup.BackupVault",
    "aws-cdk-lib/aws-cloudtrail.Trail",
    "@cdktf/provider-aws/lib/cloudwatch-metric-alarm.CloudwatchMetricAlarm",
    "@cdktf/provider-aws/lib/cloudwatch-event-target.CloudwatchEventTarget",
    "@cdktf/provider-aws/lib/s3-bucket-notification.S3BucketNotification",
    "@cdktf/provider-aws/lib/codestarnotifications-notification-rule.CodestarnotificationsNotificationRule",
    "@cdktf/provider-aws/lib/db-event-subscription.DbEventSubscription",
    "@cdktf/provider-aws/lib/autoscaling-notification.AutoscalingNotification",
    "@cdktf/provider-aws/lib/budgets-budget.BudgetsBudget",
];

/// The AWS services in this file that publish to topic `r` (`Alarm` (line 12)…).
fn service_publishers(doc: &Document, r: &Resource) -> Vec<String> {
    if doc.flavor.is_cfn() {
        let Some(id) = r.logical_id.as_deref() else { return vec![] };
        let index = doc.memo("encryption-at-rest/topic-publishers", cfn_publisher_index);
        return index.get(id).cloned().unwrap_or_default();
    }
    let (Some(ts), Some(binding)) = (doc.ts.as_ref(), r.binding.as_deref()) else { return vec![] };
    let mut out = Vec::new();
    for usage in crate::transforms::references_from(doc, binding, r.node) {
        let mut cur = ts.parent(usage);
        while let Some(node) = cur {
            if node.kind() == "new_expression" {
                let class = node.child_by_field_name("constructor").and_then(|c| ts.resolve(c));
                if let Some(class) = class.filter(|c| TS_PUBLISHERS.iter().any(|p| p == c)) {
                    let short = class.rsplit(['.', '/']).next().unwrap_or_default();
                    out.push(format!("`{short}` (line {})", doc.line_of(node.start_byte())));
                    break;
                }
            }
            cur = ts.parent(node);
        }
    }
    out.dedup();
    out
}

/// Topic logical id → the publisher resources of this template that name it.
fn cfn_publisher_index(doc: &Document) -> HashMap<String, Vec<String>> {
    let mut index: HashMap<String, Vec<String>> = HashMap::new();
    for p in doc.of_types(CFN_PUBLISHERS) {
        let Some(body) = p.body else { continue };
        let mut refs = std::collections::HashSet::new();
        for e in body.entries() {
            if let Some(v) = e.value {
                crate::transforms::cfn_references_in(doc, v, &mut refs);
            }
        }
        let who = format!(
            "`{}` ({}, line {})",
            p.logical_id.as_deref().unwrap_or_default(),
            p.type_name,
            doc.line_of(p.node.start_byte())
        );
        for id in refs {
            index.entry(id).or_default().push(who.clone());
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ids_are_declared_and_rows_parse() {
        for row in table() {
            for id in &row.ids {
                assert!(META.equivalents.contains(&id.as_str()), "{id} of {}", row.cfn);
            }
            assert!(row.set.is_object(), "{}", row.cfn);
            assert!(crate::schema::resource_schema(&row.cfn).is_some(), "{}", row.cfn);
        }
    }
}
