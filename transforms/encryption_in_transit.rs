//! ## What it fixes
//! Connections that may travel unencrypted or with old TLS versions:
//! - OpenSearch / Elasticsearch domains without node-to-node encryption, or whose
//!   endpoint accepts plain HTTP (`DomainEndpointOptions.EnforceHTTPS`) or TLS 1.0
//!   (`TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07`);
//! - ElastiCache replication groups without `TransitEncryptionEnabled`;
//! - CloudFront distributions with a custom certificate whose viewer
//!   `MinimumProtocolVersion` is absent or older than TLS 1.2 (`TLSv1`, `TLSv1_2016`,
//!   `TLSv1.1_2016`, `SSLv3`);
//! - HTTPS and TLS listeners of Application/Network Load Balancers without an
//!   `SslPolicy` (the default `ELBSecurityPolicy-2016-08` accepts TLS 1.0) or with a policy
//!   that accepts TLS 1.0/1.1;
//! - Redshift cluster parameter groups without `require_ssl`.
//!
//! Explicit choices (`require_ssl: false`, a DocumentDB cluster parameter group with
//! `tls: disabled`, any wanted switch written as `false`, `EnforceHTTPS: false`) are
//! turned on as `review` fixes, or reported without a fix when a comment records why
//! (the shared rule for explicit values, `explicit_value`); an MSK cluster with `ClientBroker: PLAINTEXT`/`TLS_PLAINTEXT` or
//! `InCluster: false` is reported only.
//!
//! ## Why
//! Without TLS, credentials and data cross the network readable by anyone on the path;
//! TLS 1.0 and 1.1 have known weaknesses and are deprecated (RFC 8996).
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; CDK L1 `Cfn*` constructs with the camelCase names):
//! ```yaml
//! Search:
//!   Type: AWS::OpenSearchService::Domain
//!   Properties:
//!     EngineVersion: OpenSearch_2.11
//!     NodeToNodeEncryptionOptions:        # added (safe)
//!       Enabled: true
//!     DomainEndpointOptions:              # added (review)
//!       EnforceHTTPS: true
//!       TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07
//! Listener:
//!   Type: AWS::ElasticLoadBalancingV2::Listener
//!   Properties:
//!     Protocol: HTTPS
//!     SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06   # added or replaced (review)
//! Params:
//!   Type: AWS::Redshift::ClusterParameterGroup
//!   Properties:
//!     Parameters:
//!       - ParameterName: enable_user_activity_logging
//!         ParameterValue: 'true'
//!       - ParameterName: require_ssl      # added (review)
//!         ParameterValue: 'true'
//! ```
//! CDK L2: `opensearch.Domain` / `elasticsearch.Domain` get `nodeToNodeEncryption: true`
//! (safe) and `enforceHttps: true` (review; the L2's `tlsSecurityPolicy` is left to its author, its
//! default accepts TLS 1.0). CDKTF: `OpensearchDomain` /
//! `ElasticsearchDomain` get `nodeToNodeEncryption: { enabled: true }` and
//! `domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: … }`,
//! `ElasticacheReplicationGroup` `transitEncryptionEnabled: true`, `LbListener` /
//! `AlbListener` with `protocol: 'HTTPS'`/`'TLS'` an `sslPolicy`.
//!
//! ## Applicability
//! - Node-to-node encryption of an OpenSearch domain: safe (applied in place with a
//!   blue/green deployment; clients see no change). On Elasticsearch engine versions it is
//!   review: existing domains need Elasticsearch 6.7 or later.
//! - Everything clients see is review: enforcing HTTPS and TLS 1.2 refuses clients that
//!   use plain HTTP or older TLS; ElastiCache clients must connect with TLS (and an
//!   existing group can switch in place only on Redis OSS 7+ / Valkey, through
//!   `TransitEncryptionMode: preferred`; older engines need a new group); a new
//!   CloudFront minimum or load balancer policy refuses old browsers and SDKs;
//!   `require_ssl` refuses clients without SSL after the cluster reboots.
//! - A wanted switch written as `false` and the explicit choices above: `review`, or no
//!   fix when a comment next to the value records why (quoted). Values we cannot read
//!   (intrinsics, parameters, expressions), props with a `...spread`, CloudFront's default
//!   certificate (its minimum protocol cannot be changed) and CDK Mixins that mention
//!   encryption or TLS are left alone.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_6, CKV_AWS_30, CKV_AWS_83, CKV_AWS_103, CKV_AWS_174, CKV_AWS_105,
//! CKV_AWS_90, CKV_AWS_81; cdk-nag AwsSolutions-OS2, AwsSolutions-AEC3 (with
//! `encryption-at-rest`), AwsSolutions-CFR4, AwsSolutions-RS1, AwsSolutions-MSK2,
//! AwsSolutions-MSK3.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{
    camel_tree, cdk_camel, decision_note, finding_with, l1_class, merge_upgrading, mixin_applies, Plan,
};
use crate::value::Value;
use serde_json::Value as Json;

pub struct EncryptionInTransit;
pub static TRANSFORM: EncryptionInTransit = EncryptionInTransit;

static META: Meta = Meta {
    id: "encryption-in-transit",
    title: "Encrypt connections in transit and require TLS 1.2",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_6",
        "CKV_AWS_30",
        "CKV_AWS_83",
        "CKV_AWS_103",
        "CKV_AWS_174",
        "CKV_AWS_105",
        "CKV_AWS_90",
        "CKV_AWS_81",
        "AwsSolutions-OS2",
        "AwsSolutions-AEC3",
        "AwsSolutions-CFR4",
        "AwsSolutions-RS1",
        "AwsSolutions-MSK2",
        "AwsSolutions-MSK3",
    ],
    options: &[],
};

/// A current load balancer policy (TLS 1.3 and 1.2), client-visible.
const LISTENER_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/// Listener policies that accept nothing older than TLS 1.2 (as checkov CKV_AWS_103 reads them).
const GOOD_POLICY_PREFIXES: &[&str] = &[
    "ELBSecurityPolicy-FS-1-2",
    "ELBSecurityPolicy-TLS-1-2",
    "ELBSecurityPolicy-TLS13-1-2",
    "ELBSecurityPolicy-TLS13-1-3",
];
const CLOUDFRONT_MINIMUM: &str = "TLSv1.2_2021";

/// One wanted setting of one family of resources.
struct Setting {
    /// CloudFormation types (CDK L1 classes follow from them).
    cfn: &'static [&'static str],
    /// CDKTF classes and the setting in their argument names.
    cdktf: &'static [&'static str],
    cdktf_set: Option<&'static str>,
    /// CDK L2 classes and the setting in their prop names.
    l2: &'static [&'static str],
    l2_set: Option<&'static str>,
    what: &'static str,
    /// What is wrong, for the message (`has no node-to-node encryption`).
    wrong: &'static str,
    set: &'static str,
    /// `None`: safe; `Some(why)`: review, with what the user must check.
    review: Option<&'static str>,
}

const DOMAIN_TYPES: &[&str] = &["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"];
const DOMAIN_TF: &[&str] = &[
    "@cdktf/provider-aws/lib/opensearch-domain.OpensearchDomain",
    "@cdktf/provider-aws/lib/elasticsearch-domain.ElasticsearchDomain",
];
const DOMAIN_L2: &[&str] = &["aws-cdk-lib/aws-opensearchservice.Domain", "aws-cdk-lib/aws-elasticsearch.Domain"];

const SETTINGS: &[Setting] = &[
    Setting {
        cfn: DOMAIN_TYPES,
        cdktf: DOMAIN_TF,
        cdktf_set: Some(r#"{"nodeToNodeEncryption": {"enabled": true}}"#),
        l2: DOMAIN_L2,
        l2_set: Some(r#"{"nodeToNodeEncryption": true}"#),
        what: "search domain",
        wrong: "does not encrypt traffic between its nodes",
        set: r#"{"NodeToNodeEncryptionOptions": {"Enabled": true}}"#,
        review: None,
    },
    Setting {
        cfn: DOMAIN_TYPES,
        cdktf: DOMAIN_TF,
        cdktf_set: Some(r#"{"domainEndpointOptions": {"enforceHttps": true, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}"#),
        l2: DOMAIN_L2,
        l2_set: Some(r#"{"enforceHttps": true}"#),
        what: "search domain",
        wrong: "accepts plain HTTP or TLS 1.0 on its endpoint",
        set: r#"{"DomainEndpointOptions": {"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}"#,
        review: Some("clients that call the endpoint over plain HTTP or TLS 1.0/1.1 are refused: check them first"),
    },
    Setting {
        cfn: &["AWS::ElastiCache::ReplicationGroup"],
        cdktf: &["@cdktf/provider-aws/lib/elasticache-replication-group.ElasticacheReplicationGroup"],
        cdktf_set: Some(r#"{"transitEncryptionEnabled": true}"#),
        l2: &[],
        l2_set: None,
        what: "ElastiCache replication group",
        wrong: "does not encrypt connections",
        set: r#"{"TransitEncryptionEnabled": true}"#,
        review: Some(
            "clients must connect with TLS; an existing group switches in place only on Redis OSS 7+ or \
             Valkey (through `TransitEncryptionMode: preferred`, then `required`), older engines need a new \
             group",
        ),
    },
];

impl Transform for EncryptionInTransit {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in SETTINGS {
            let mut variants: Vec<(Vec<String>, Json)> = Vec::new();
            let set: Json = serde_json::from_str(s.set).expect("setting is JSON");
            match doc.flavor {
                Flavor::CfnJson | Flavor::CfnYaml => {
                    variants.push((s.cfn.iter().map(|t| t.to_string()).collect(), set));
                }
                Flavor::CdkTs => {
                    variants.push((s.cfn.iter().map(|t| l1_class(t)).collect(), camel_tree(&set)));
                    if let Some(l2) = s.l2_set {
                        let json = serde_json::from_str(l2).expect("setting is JSON");
                        variants.push((s.l2.iter().map(|t| t.to_string()).collect(), json));
                    }
                }
                Flavor::CdktfTs => {
                    if let Some(tf) = s.cdktf_set {
                        let json = serde_json::from_str(tf).expect("setting is JSON");
                        variants.push((s.cdktf.iter().map(|t| t.to_string()).collect(), json));
                    }
                }
            }
            for (types, want) in variants {
                let types: Vec<&str> = types.iter().map(String::as_str).collect();
                for r in doc.of_types(&types) {
                    out.extend(check_setting(doc, r, s, &want));
                }
            }
        }
        out.extend(check_listeners(doc));
        out.extend(check_cloudfront(doc));
        out.extend(check_parameter_groups(doc));
        out.extend(check_msk(doc));
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

/// A prop name in the document's flavor (`SslPolicy` → `sslPolicy` in TypeScript).
fn key(doc: &Document, cfn: &str) -> String {
    if doc.flavor.is_cfn() {
        cfn.to_string()
    } else {
        cdk_camel(cfn)
    }
}

/// An opposite literal the merge found (`TransitEncryptionEnabled: false`): an explicit
/// decision. With a comment that records why, the report without a fix (`Err`); else the
/// text that opens the message of the `review` fix that turns it (`Ok(Some)`), following
/// `explicit_value`'s rule. `Ok(None)`: no opposite literal.
fn explicit_choice(doc: &Document, r: &Resource, what: &str, off: &[(String, ValueNode)]) -> Result<Option<String>, Finding> {
    let Some((path, value)) = off.first() else { return Ok(None) };
    let line = doc.line_of(value.start());
    let shown = format!("{what}{} sets `{path}: {}` at line {line}", name_of(r), value.text().trim());
    if let Some(note) = off.iter().find_map(|(_, v)| decision_note(doc, v)) {
        let message = format!("{shown}: an explicit choice against encryption in transit; {note}");
        return Err(META.finding(value.start(), message, None));
    }
    Ok(Some(format!(
        "{shown}, written explicitly: turned it on (review: find out why it was switched off; nothing in \
         the file records a reason, and clients that cannot use TLS stop connecting)"
    )))
}

/// A parameter group that turns TLS off explicitly (`require_ssl: false`, `tls: disabled`):
/// reported with the comment that records why, else turned on as `review`
/// (`explicit_value`'s rule).
fn explicit_parameter(doc: &Document, r: &Resource, what: &str, path: &str, v: &ValueNode, turned: Value) -> Finding {
    let head = format!("{what}{} sets `{path}: {}` at line {}, written explicitly", name_of(r), v.text().trim(), doc.line_of(v.start()));
    crate::transforms::explicit_value(
        doc,
        &META,
        v,
        &head,
        "turned TLS on (review: find out why it was switched off; clients that connect without TLS are refused once the clusters reboot)",
        vec![v.replace(&turned)],
    )
}

/// Merge one setting into a resource and turn the plan into a finding.
fn check_setting(doc: &Document, r: &Resource, s: &Setting, want: &Json) -> Option<Finding> {
    let props = r.props?;
    if props.has_spread() || mixin_applies(doc, r) {
        return None;
    }
    let weaker = |k: &str, v: &str| k.eq_ignore_ascii_case("TLSSecurityPolicy") && v == "Policy-Min-TLS-1-0-2019-07";
    let mut plan = Plan::default();
    merge_upgrading(props, want, "", &mut plan, &weaker);
    let explicit = match explicit_choice(doc, r, s.what, &plan.off) {
        Err(report) => return Some(report),
        Ok(explicit) => explicit,
    };
    if explicit.is_some() {
        plan.edits.append(&mut plan.off_edits);
    }
    if plan.edits.is_empty() {
        return None;
    }
    let mut changes: Vec<String> = plan.added.iter().map(|p| format!("set `{p}`")).collect();
    changes.extend(plan.upgraded.iter().map(|u| format!("raise `{u}`")));
    let mut message = match &explicit {
        Some(head) if changes.is_empty() => head.clone(),
        Some(head) => format!("{head}; {}", changes.join(", ")),
        None => format!("{}{} {}; {}", s.what, name_of(r), s.wrong, changes.join(", ")),
    };
    let elasticsearch = r.type_name.contains("lasticsearch")
        || props
            .get(&key(doc, "EngineVersion"))
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.starts_with("Elasticsearch_"));
    let review = match s.review {
        Some(why) => Some(why.to_string()),
        None if elasticsearch => Some(
            "an existing Elasticsearch domain needs engine version 6.7 or later to turn node-to-node \
             encryption on (6.0 for a new one)"
                .to_string(),
        ),
        None => None,
    };
    let applicability = match &review {
        Some(why) => {
            message.push_str(&format!("; review: {why}"));
            Applicability::Review
        }
        None => Applicability::Safe,
    };
    let at = plan.off.first().map_or(r.node.start_byte(), |(_, v)| v.start());
    Some(finding_with(&META, applicability, at, message, plan.edits))
}

/// ALB/NLB listeners with protocol HTTPS or TLS: `SslPolicy` absent or accepting TLS 1.0/1.1.
fn check_listeners(doc: &Document) -> Vec<Finding> {
    let types: Vec<String> = match doc.flavor {
        Flavor::CfnJson | Flavor::CfnYaml => vec!["AWS::ElasticLoadBalancingV2::Listener".into()],
        Flavor::CdkTs => vec![l1_class("AWS::ElasticLoadBalancingV2::Listener")],
        Flavor::CdktfTs => vec![
            "@cdktf/provider-aws/lib/lb-listener.LbListener".into(),
            "@cdktf/provider-aws/lib/alb-listener.AlbListener".into(),
        ],
    };
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for r in doc.of_types(&types) {
        let Some(props) = r.props else { continue };
        if props.has_spread() || mixin_applies(doc, r) {
            continue;
        }
        let protocol = props.get(&key(doc, "Protocol")).and_then(|v| v.as_str());
        if !matches!(protocol.as_deref(), Some("HTTPS" | "TLS")) {
            continue;
        }
        let want = Json::Object(
            [(key(doc, "SslPolicy"), Json::String(LISTENER_POLICY.into()))]
                .into_iter()
                .collect(),
        );
        let weaker = |_: &str, v: &str| !GOOD_POLICY_PREFIXES.iter().any(|p| v.starts_with(p));
        let mut plan = Plan::default();
        merge_upgrading(props, &want, "", &mut plan, &weaker);
        if plan.edits.is_empty() {
            continue;
        }
        let found = if plan.upgraded.is_empty() {
            "has no `SslPolicy`, so it uses `ELBSecurityPolicy-2016-08`, which accepts TLS 1.0 and 1.1".to_string()
        } else {
            format!("uses `{}`, which accepts TLS versions older than 1.2", plan.upgraded.join(", "))
        };
        let message = format!(
            "{} listener{} {found}; set `{LISTENER_POLICY}`; review: clients that cannot speak TLS 1.2 (old \
             SDKs, Java 7, Windows 7 and older devices) are refused",
            protocol.unwrap_or_default(),
            name_of(r)
        );
        out.push(finding_with(&META, Applicability::Review, r.node.start_byte(), message, plan.edits));
    }
    out
}

/// CloudFront distributions with a custom certificate and a viewer minimum below TLS 1.2.
fn check_cloudfront(doc: &Document) -> Vec<Finding> {
    let (types, path): (Vec<String>, Vec<String>) = match doc.flavor {
        Flavor::CfnJson | Flavor::CfnYaml => (
            vec!["AWS::CloudFront::Distribution".into()],
            vec!["DistributionConfig".into(), "ViewerCertificate".into()],
        ),
        Flavor::CdkTs => (
            vec![l1_class("AWS::CloudFront::Distribution")],
            vec!["distributionConfig".into(), "viewerCertificate".into()],
        ),
        Flavor::CdktfTs => (
            vec!["@cdktf/provider-aws/lib/cloudfront-distribution.CloudfrontDistribution".into()],
            vec!["viewerCertificate".into()],
        ),
    };
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for r in doc.of_types(&types) {
        let Some(cert) = r.props.and_then(|p| p.get_path(&path)).and_then(|v| v.as_map()) else { continue };
        let custom = ["AcmCertificateArn", "IamCertificateId"]
            .iter()
            .any(|k| cert.has(&key(doc, k)));
        if !custom || cert.has_spread() || mixin_applies(doc, r) {
            continue;
        }
        let want = Json::Object(
            [(key(doc, "MinimumProtocolVersion"), Json::String(CLOUDFRONT_MINIMUM.into()))]
                .into_iter()
                .collect(),
        );
        let weaker = |_: &str, v: &str| !(v.starts_with("TLSv1.2_") || v.starts_with("TLSv1.3_"));
        let mut plan = Plan::default();
        merge_upgrading(cert, &want, &path.join("."), &mut plan, &weaker);
        if plan.edits.is_empty() {
            continue;
        }
        let found = if plan.upgraded.is_empty() {
            "sets no `MinimumProtocolVersion` for its custom certificate, so viewers may use TLS 1.0".to_string()
        } else {
            format!("allows viewers TLS older than 1.2 (`{}`)", plan.upgraded.join(", "))
        };
        let message = format!(
            "CloudFront distribution{} {found}; set `{CLOUDFRONT_MINIMUM}`; review: browsers and devices \
             without TLS 1.2 can no longer connect",
            name_of(r)
        );
        out.push(finding_with(&META, Applicability::Review, r.node.start_byte(), message, plan.edits));
    }
    out
}

/// Redshift cluster parameter groups without `require_ssl` (a new list item), or with it
/// `false` (reported); DocumentDB cluster parameter groups with `tls: disabled` (reported).
fn check_parameter_groups(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    let (redshift, docdb) = match doc.flavor {
        Flavor::CfnJson | Flavor::CfnYaml => (
            "AWS::Redshift::ClusterParameterGroup".to_string(),
            "AWS::DocDB::DBClusterParameterGroup".to_string(),
        ),
        Flavor::CdkTs => (
            l1_class("AWS::Redshift::ClusterParameterGroup"),
            l1_class("AWS::DocDB::DBClusterParameterGroup"),
        ),
        Flavor::CdktfTs => return out,
    };
    let (name_key, value_key) = (key(doc, "ParameterName"), key(doc, "ParameterValue"));
    for r in doc.of_type(&redshift) {
        let Some(props) = r.props else { continue };
        let Some(list) = props.get(&key(doc, "Parameters")).and_then(|v| v.as_list()) else { continue };
        let items = list.items();
        let mut found = None;
        let mut readable = true;
        for item in &items {
            let Some(m) = item.as_map() else {
                readable = false; // an `Fn::If` or another intrinsic: may hold it
                continue;
            };
            if m.get(&name_key).and_then(|v| v.as_str()).as_deref() == Some("require_ssl") {
                found = Some(m);
            }
        }
        match found {
            Some(m) => {
                let Some(v) = m.get(&value_key) else { continue };
                let off = crate::transforms::literal_bool(&v) == Some(false)
                    || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"));
                if off {
                    let turned = if crate::transforms::literal_bool(&v).is_some() && v.as_str().is_none() { Value::Bool(true) } else { Value::str("true") };
                    out.push(explicit_parameter(doc, r, "Redshift parameter group", "require_ssl", &v, turned));
                }
            }
            None if readable && !items.is_empty() => {
                let item = Value::map([
                    (name_key.clone(), Value::str("require_ssl")),
                    (value_key.clone(), Value::str("true")),
                ]);
                let message = format!(
                    "Redshift parameter group{} does not set `require_ssl`, so its clusters accept connections \
                     without SSL; add `require_ssl: true`; review: clients that connect without SSL are \
                     refused once the clusters reboot",
                    name_of(r)
                );
                out.push(finding_with(&META, Applicability::Review, r.node.start_byte(), message, list.push(&item)));
            }
            None => {}
        }
    }
    for r in doc.of_type(&docdb) {
        let Some(v) = r.props.and_then(|p| p.get(&key(doc, "Parameters"))).and_then(|p| p.as_map()).and_then(|m| m.get("tls")) else {
            continue;
        };
        if v.as_str().as_deref() == Some("disabled") {
            out.push(explicit_parameter(doc, r, "DocumentDB parameter group", "Parameters.tls", &v, Value::str("enabled")));
        }
    }
    out
}

/// MSK clusters that choose plaintext between clients and brokers or between brokers.
fn check_msk(doc: &Document) -> Vec<Finding> {
    let class = match doc.flavor {
        Flavor::CfnJson | Flavor::CfnYaml => "AWS::MSK::Cluster".to_string(),
        Flavor::CdkTs => l1_class("AWS::MSK::Cluster"),
        Flavor::CdktfTs => return vec![],
    };
    let mut out = Vec::new();
    for r in doc.of_type(&class) {
        let path: Vec<String> = ["EncryptionInfo", "EncryptionInTransit"].iter().map(|k| key(doc, k)).collect();
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let Some(transit) = r.props.and_then(|p| p.get_path(&path)).and_then(|v| v.as_map()) else { continue };
        let mut off = Vec::new();
        if let Some(v) = transit.get(&key(doc, "ClientBroker")) {
            if matches!(v.as_str().as_deref(), Some("PLAINTEXT" | "TLS_PLAINTEXT")) {
                off.push(("EncryptionInfo.EncryptionInTransit.ClientBroker".to_string(), v));
            }
        }
        if let Some(v) = transit.get(&key(doc, "InCluster")) {
            if crate::transforms::literal_bool(&v) == Some(false) {
                off.push(("EncryptionInfo.EncryptionInTransit.InCluster".to_string(), v));
            }
        }
        // Reported only: what MSK allows to change on a running cluster is not modelled here.
        match explicit_choice(doc, r, "MSK cluster", &off) {
            Err(report) => out.push(report),
            Ok(Some(head)) => out.push(META.finding(
                r.node.start_byte(),
                format!("{}: an explicit choice against encryption in transit, not changed automatically; change it by hand if the reason no longer holds (clients that connect in plaintext stop working)", head.split(", written explicitly").next().unwrap_or(&head)),
                None,
            )),
            Ok(None) => {}
        }
    }
    out
}

