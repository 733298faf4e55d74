//! ## What it fixes
//! EC2 launch templates that still answer Instance Metadata Service version 1 (IMDSv1)
//! requests: CloudFormation `AWS::EC2::LaunchTemplate` and CDK `ec2.CfnLaunchTemplate`
//! without `MetadataOptions.HttpTokens: required`, CDK `ec2.LaunchTemplate` without
//! `requireImdsv2: true`, CDKTF `LaunchTemplate` without `metadataOptions.httpTokens`.
//!
//! ## Why
//! IMDSv1 answers any GET to 169.254.169.254, so a server-side request forgery in an
//! application on the instance hands out the instance role's credentials. IMDSv2 needs a
//! session token obtained with a PUT, which SSRF bugs cannot send. Unless the AMI says
//! otherwise, launch templates allow both versions.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; `ec2.CfnLaunchTemplate` alike in camelCase):
//! ```yaml
//! Template:
//!   Type: AWS::EC2::LaunchTemplate
//!   Properties:
//!     LaunchTemplateData:
//!       ImageId: ami-123
//!       MetadataOptions:         # added
//!         HttpTokens: required
//! ```
//! CDK `new ec2.LaunchTemplate(this, 'T', { machineImage })` →
//! `{ machineImage, requireImdsv2: true }`; CDKTF `LaunchTemplate` gets
//! `metadataOptions: { httpTokens: 'required' }`.
//!
//! Reported without a fix: a launch template whose instances run containers (its user
//! data, or in TypeScript the file, mentions `ECS_CLUSTER`, `docker`, `containerd`, the EKS
//! bootstrap) and that sets no hop limit: with IMDSv2 required and the default
//! `HttpPutResponseHopLimit` of 1 the token never reaches a container, so the message asks
//! for IMDSv2 with a hop limit of 2.
//!
//! Left alone: `HttpEndpoint: disabled` (no metadata service at all); an explicit
//! `HttpTokens: optional` with a comment that records why (reported without a fix);
//! parameters, intrinsics, variables, `...spread`; CDK constructs configured by a Mixin.
//!
//! ## Applicability
//! review: software on the instances that still uses IMDSv1 (old AWS SDKs and CLIs, older
//! agents, scripts that `curl` the metadata service without a token) stops getting
//! credentials and metadata. Check with the `MetadataNoToken` CloudWatch metric first.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_79.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::MapNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, prop_name, Setting, Want};

pub struct LaunchTemplateImdsv2;
pub static TRANSFORM: LaunchTemplateImdsv2 = LaunchTemplateImdsv2;

static META: Meta = Meta {
    id: "launch-template-imdsv2",
    title: "Require IMDSv2 on EC2 launch templates",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_79"],
    options: &[],
};

const REVIEW: Option<Applicability> = Some(Applicability::Review);
const SUBJECT: &str = "EC2 launch template";
const LACKS: &str = "lets instances use IMDSv1";
const FIX: &str = "required IMDSv2 session tokens (review: software that reads the metadata service without a token, such as old SDKs, agents or curl scripts, stops getting credentials; check the MetadataNoToken metric first)";
const TOKENS: Want = Want::Str { value: "required", accepted: &[] };

static TABLE: &[Setting] = &[
    Setting { types: &["AWS::EC2::LaunchTemplate", "aws-cdk-lib/aws-ec2.CfnLaunchTemplate"], path: &["LaunchTemplateData", "MetadataOptions", "HttpTokens"], want: TOKENS, absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: Some(endpoint_disabled), hold: Some(runs_containers) },
    Setting { types: &["@cdktf/provider-aws/lib/launch-template.LaunchTemplate"], path: &["metadataOptions", "httpTokens"], want: TOKENS, absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: Some(endpoint_disabled), hold: Some(runs_containers) },
    Setting { types: &["aws-cdk-lib/aws-ec2.LaunchTemplate"], path: &["requireImdsv2"], want: Want::Bool(true), absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: Some(endpoint_disabled), hold: Some(runs_containers) },
];

/// Words that say the instances run containers: the ECS agent's configuration, Docker,
/// containerd, the EKS node bootstrap (`bootstrap.sh`, `nodeadm`).
const CONTAINER_MARKERS: &[&str] = &["ecs_cluster", "ecs.config", "docker", "containerd", "/etc/eks/bootstrap.sh", "nodeadm", "kubelet"];

/// `Some(why)` when the launch template's instances run containers and no hop limit is
/// written: with IMDSv2 required, the token's PUT response is limited to
/// `HttpPutResponseHopLimit` hops (default 1), and a container behind a bridge network is
/// one hop further, so containers that read the instance's credentials from the metadata
/// service lose them; AWS recommends a hop limit of 2 for containers
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html>,
/// "Instance metadata access considerations"). Looked for in the resource's text
/// (CloudFormation: its `UserData`) and, in TypeScript, the whole file (user data is
/// usually built beside the construct).
fn runs_containers(doc: &Document, r: &Resource) -> Option<String> {
    let whole = if doc.flavor.is_cfn() { r.node.parent().unwrap_or(r.node) } else { r.statement.unwrap_or(r.node) };
    if doc.text(whole).to_ascii_lowercase().contains("putresponsehoplimit") {
        return None;
    }
    let (text, base) = if doc.flavor.is_cfn() { (doc.text(whole), whole.start_byte()) } else { (doc.source(), 0) };
    let lower = text.to_ascii_lowercase();
    let (at, marker) = CONTAINER_MARKERS.iter().filter_map(|m| lower.find(m).map(|i| (i, *m))).min()?;
    let shown = &text[at..at + marker.len()];
    Some(format!(
        "the instances run containers (`{shown}` at line {}): with IMDSv2 required and the default hop limit of 1, \
         the token never reaches a container, so containers lose the instance's credentials; require IMDSv2 \
         together with a hop limit of 2 (`HttpPutResponseHopLimit: 2`) by hand",
        doc.line_of(base + at)
    ))
}

/// `HttpEndpoint: disabled` (CDK L2 `httpEndpoint: false`): the metadata service is off.
fn endpoint_disabled(doc: &Document, r: &Resource, props: &MapNode) -> bool {
    let name = |k: &str| if r.type_name.contains("/aws-ec2.Cfn") { prop_name(doc.flavor, k) } else { k.to_string() };
    let value = match r.type_name.as_ref() {
        "aws-cdk-lib/aws-ec2.LaunchTemplate" => return props.get("httpEndpoint").is_some_and(|v| v.as_bool() == Some(false)),
        t if t.starts_with("@cdktf/") => props.get_path(&["metadataOptions", "httpEndpoint"]),
        _ => props.get_path(&[&name("LaunchTemplateData"), &name("MetadataOptions"), &name("HttpEndpoint")]),
    };
    value.and_then(|v| v.as_str()).is_some_and(|s| s.eq_ignore_ascii_case("disabled"))
}

impl Transform for LaunchTemplateImdsv2 {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        check_settings(&META, doc, TABLE)
    }

    fn interest(&self) -> crate::transform::Interest {
        crate::transforms::table_interest(TABLE)
    }
}
