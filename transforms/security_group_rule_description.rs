//! ## What it fixes
//! Security-group rules without a `Description`: the inline `SecurityGroupIngress` /
//! `SecurityGroupEgress` rules of a security group, and standalone ingress/egress rule
//! resources. The description is generated from the rule itself (protocol, ports, peer),
//! so it states what the rule does and nothing it cannot know.
//!
//! ## Why
//! A rule without a description says nothing about why it exists; reviewers and incident
//! responders cannot tell a forgotten rule from a needed one. checkov CKV_AWS_23 fails
//! every security group with one rule lacking a description.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; CDK L1 `ec2.CfnSecurityGroup`,
//! `CfnSecurityGroupIngress`/`Egress` alike in camelCase):
//! ```yaml
//! Web:
//!   Type: AWS::EC2::SecurityGroup
//!   Properties:
//!     GroupDescription: web
//!     SecurityGroupIngress:
//!       - IpProtocol: tcp
//!         FromPort: 443
//!         ToPort: 443
//!         CidrIp: 10.0.0.0/16
//!         Description: Allow tcp 443 from 10.0.0.0/16      # added
//! AdminIn:
//!   Type: AWS::EC2::SecurityGroupIngress
//!   Properties:
//!     GroupId: !Ref Web
//!     IpProtocol: tcp
//!     FromPort: 22
//!     ToPort: 22
//!     SourceSecurityGroupId: !GetAtt Bastion.GroupId
//!     Description: Allow tcp 22 from Bastion               # added
//! ```
//! CDKTF: `SecurityGroup` `ingress`/`egress` blocks, `SecurityGroupRule`,
//! `VpcSecurityGroupIngressRule`/`VpcSecurityGroupEgressRule` get `description`.
//!
//! The text: `Allow <protocol> <ports> from|to <peer>`; protocol `-1` is "all traffic",
//! numbers are named (`6` tcp, `17` udp, `1` icmp, `58` icmpv6); the peer is the literal
//! CIDR or prefix list, or the name of the referenced resource or parameter (`!Ref
//! VpcCidr`, `!GetAtt Bastion.GroupId`, CDK/CDKTF `bastion.securityGroupId` → `bastion`);
//! characters EC2 does not accept in a description are dropped (a-z, A-Z, 0-9, spaces and
//! `._-:/()#,@[]+=&;{}!$*` only).
//!
//! ## Left alone or reported
//! CDK L2 security groups: `addIngressRule(peer, port)` / `connections.allowFrom(…)`
//! without a description get CDK's own (`from <peer>:<port>`, aws-cdk-lib
//! `aws-ec2/lib/security-group.js`), so they need nothing. A rule whose `Description` is
//! written (even as an intrinsic), a rule list or rule given as an intrinsic, a parameter
//! or a variable, props with a `...spread`. A rule with an empty `Description` is
//! reported without a fix (someone wrote it; what to say is theirs to decide).
//!
//! ## Applicability
//! safe: standalone rule resources (`AWS::EC2::SecurityGroupIngress`/`Egress`, CDKTF
//! `SecurityGroupRule`, `VpcSecurityGroup*Rule`): CloudFormation and the Terraform provider
//! update their description in place (`UpdateSecurityGroupRuleDescriptions*` /
//! `ModifySecurityGroupRules`, "Update requires: No interruption").
//! review: inline rules of a security group. CloudFormation applies any change to an inline
//! rule, a description included, by revoking the rule and authorizing it again
//! (aws-cloudformation/cloudformation-coverage-roadmap#2259), and the Terraform provider
//! does the same for a changed `ingress`/`egress` block (hashicorp/terraform-provider-aws
//! #4726): a deployed group is without the rule for a moment, and connections it tracked
//! may be dropped. Deploy outside busy hours, or move the rule to a standalone resource.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_23 (CloudFormation: `AWS::EC2::SecurityGroup` inline rules,
//! `AWS::EC2::SecurityGroupIngress`/`Egress`; Terraform: `aws_security_group`,
//! `aws_security_group_rule`, `aws_vpc_security_group_*_rule`). `GroupDescription` is
//! required by CloudFormation and not part of the check.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{finding_with, insert_entries, prop_name};
use crate::value::Value;

pub struct SecurityGroupRuleDescription;
pub static TRANSFORM: SecurityGroupRuleDescription = SecurityGroupRuleDescription;

static META: Meta = Meta {
    id: "security-group-rule-description",
    title: "Describe security-group rules",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_23"],
    options: &[],
};

/// How a type holds its rules.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// A security group with inline rule lists (ingress key, egress key).
    Inline(&'static str, &'static str),
    /// A standalone rule resource of one direction (`true`: ingress).
    Rule(bool),
    /// CDKTF `SecurityGroupRule`: the direction is its `type`.
    TypedRule,
}

/// Rule key names of one family of types.
#[derive(Clone, Copy, PartialEq)]
enum Keys {
    /// CloudFormation and CDK L1 (camel-cased for CDK).
    Cfn,
    /// CDKTF `aws_security_group` blocks and `aws_security_group_rule`.
    Tf,
    /// CDKTF `aws_vpc_security_group_*_rule`.
    TfVpc,
}

static TYPES: &[(&str, Shape, Keys)] = &[
    ("AWS::EC2::SecurityGroup", Shape::Inline("SecurityGroupIngress", "SecurityGroupEgress"), Keys::Cfn),
    ("AWS::EC2::SecurityGroupIngress", Shape::Rule(true), Keys::Cfn),
    ("AWS::EC2::SecurityGroupEgress", Shape::Rule(false), Keys::Cfn),
    ("aws-cdk-lib/aws-ec2.CfnSecurityGroup", Shape::Inline("SecurityGroupIngress", "SecurityGroupEgress"), Keys::Cfn),
    ("aws-cdk-lib/aws-ec2.CfnSecurityGroupIngress", Shape::Rule(true), Keys::Cfn),
    ("aws-cdk-lib/aws-ec2.CfnSecurityGroupEgress", Shape::Rule(false), Keys::Cfn),
    ("@cdktf/provider-aws/lib/security-group.SecurityGroup", Shape::Inline("ingress", "egress"), Keys::Tf),
    ("@cdktf/provider-aws/lib/security-group-rule.SecurityGroupRule", Shape::TypedRule, Keys::Tf),
    ("@cdktf/provider-aws/lib/vpc-security-group-ingress-rule.VpcSecurityGroupIngressRule", Shape::Rule(true), Keys::TfVpc),
    ("@cdktf/provider-aws/lib/vpc-security-group-egress-rule.VpcSecurityGroupEgressRule", Shape::Rule(false), Keys::TfVpc),
];

impl Transform for SecurityGroupRuleDescription {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn interest(&self) -> crate::transform::Interest {
        crate::transform::Interest::types(TYPES.iter().map(|t| t.0))
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let types: Vec<&str> = TYPES.iter().map(|(t, _, _)| *t).collect();
        let mut out = Vec::new();
        for r in doc.of_types(&types) {
            let Some((_, shape, keys)) = TYPES.iter().find(|(t, _, _)| *t == r.type_name) else { continue };
            let Some(props) = r.props else { continue };
            if props.has_spread() {
                continue;
            }
            let key = |k: &str| if *keys == Keys::Cfn { prop_name(doc.flavor, k) } else { k.to_string() };
            match shape {
                Shape::Inline(ingress, egress) => out.extend(check_group(doc, r, props, &key(ingress), &key(egress), *keys)),
                Shape::Rule(inbound) => out.extend(check_rule(doc, r, props, *inbound, *keys)),
                Shape::TypedRule => {
                    let inbound = match props.get("type").and_then(|v| v.as_str()).as_deref() {
                        Some("ingress") => true,
                        Some("egress") => false,
                        _ => continue,
                    };
                    out.extend(check_rule(doc, r, props, inbound, *keys));
                }
            }
        }
        out
    }
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

/// What a rule's `Description` is.
enum Described {
    Yes,
    Empty,
    No,
}

fn described(doc: &Document, rule: &MapNode, keys: Keys) -> Described {
    let key = if keys == Keys::Cfn { prop_name(doc.flavor, "Description") } else { "description".into() };
    match rule.get(&key) {
        None => Described::No,
        Some(v) => match v.as_str() {
            Some(s) if s.trim().is_empty() => Described::Empty,
            _ => Described::Yes,
        },
    }
}

fn description_key(doc: &Document, keys: Keys) -> String {
    if keys == Keys::Cfn {
        prop_name(doc.flavor, "Description")
    } else {
        "description".into()
    }
}

fn check_group(doc: &Document, r: &Resource, props: MapNode, ingress: &str, egress: &str, keys: Keys) -> Option<Finding> {
    let mut edits = Vec::new();
    let (mut missing, mut empty) = (0, 0);
    for (list_key, inbound) in [(ingress, true), (egress, false)] {
        let Some(list) = props.get(list_key).and_then(|v| if v.intrinsic().is_some() { None } else { v.as_list() }) else { continue };
        for item in list.items() {
            if item.intrinsic().is_some() {
                continue;
            }
            let Some(rule) = item.as_map() else { continue };
            if rule.has_spread() {
                continue;
            }
            match described(doc, &rule, keys) {
                Described::Yes => {}
                Described::Empty => empty += 1,
                Described::No => {
                    missing += 1;
                    let text = describe(doc, &rule, inbound, keys);
                    edits.extend(insert_entries(rule, &[(&description_key(doc, keys), Value::str(text))]));
                }
            }
        }
    }
    if missing == 0 && empty == 0 {
        return None;
    }
    let head = format!("security group{} has {} rule{} without a description", name_of(r), missing + empty, if missing + empty == 1 { "" } else { "s" });
    let at = r.node.start_byte();
    let empty_note = if empty > 0 { format!("; {empty} with an empty description left for you to write") } else { String::new() };
    if missing == 0 {
        return Some(META.finding(at, format!("{head}{empty_note}"), None));
    }
    let how = if keys == Keys::Cfn { "CloudFormation revokes and re-authorizes an inline rule whose description changes" } else { "the Terraform provider revokes and re-authorizes a changed inline rule" };
    let message = format!("{head}; described {missing} from the rule itself{empty_note} (review: {how}, so a deployed group is briefly without the rule; deploy outside busy hours)");
    Some(finding_with(&META, Applicability::Review, at, message, edits))
}

fn check_rule(doc: &Document, r: &Resource, props: MapNode, inbound: bool, keys: Keys) -> Option<Finding> {
    let head = format!("security-group {} rule{} has no description", if inbound { "ingress" } else { "egress" }, name_of(r));
    let at = r.node.start_byte();
    match described(doc, &props, keys) {
        Described::Yes => None,
        Described::Empty => Some(META.finding(at, format!("{head}: its description is empty (write what it is for)"), None)),
        Described::No => {
            let text = describe(doc, &props, inbound, keys);
            let edits = insert_entries(props, &[(&description_key(doc, keys), Value::str(text.clone()))]);
            Some(finding_with(&META, Applicability::Safe, at, format!("{head}; described it as \"{text}\" (updated in place, no interruption)"), edits))
        }
    }
}

/// `Allow tcp 443 from 10.0.0.0/16` from the rule's own fields.
fn describe(doc: &Document, rule: &MapNode, inbound: bool, keys: Keys) -> String {
    let get = |k: &str| {
        let k = if keys == Keys::Cfn { prop_name(doc.flavor, k) } else { k.to_string() };
        rule.get(&k)
    };
    let (protocol_key, from_key, to_key) = match keys {
        Keys::Tf => ("protocol", "fromPort", "toPort"),
        Keys::TfVpc => ("ipProtocol", "fromPort", "toPort"),
        Keys::Cfn => ("IpProtocol", "FromPort", "ToPort"),
    };
    let protocol = get(protocol_key).map(|v| word(doc, &v));
    let protocol = match protocol.as_deref() {
        Some("-1") | Some("all") | Some("ALL") => "all traffic".to_string(),
        Some("6") => "tcp".into(),
        Some("17") => "udp".into(),
        Some("1") => "icmp".into(),
        Some("58") => "icmpv6".into(),
        Some(p) => p.to_ascii_lowercase(),
        None => "traffic".into(),
    };
    // An unreadable port (an expression) is left out rather than written empty.
    let from = get(from_key).map(|v| word(doc, &v)).filter(|w| !w.is_empty());
    let to = get(to_key).map(|v| word(doc, &v)).filter(|w| !w.is_empty());
    let ports = if protocol == "all traffic" {
        String::new()
    } else if protocol.starts_with("icmp") {
        match from.as_deref() {
            Some("-1") | None => String::new(),
            Some(t) => format!(" type {t}"),
        }
    } else {
        match (from.as_deref(), to.as_deref()) {
            (Some("-1"), _) => " all ports".into(),
            (None, None) if get(from_key).is_none() && get(to_key).is_none() => " all ports".into(),
            (None, None) => String::new(),
            (Some("0"), Some("65535")) => " all ports".into(),
            (Some(a), Some(b)) if a != b => format!(" {a}-{b}"),
            (Some(a), _) | (None, Some(a)) => format!(" {a}"),
        }
    };
    let peers: &[&str] = match (keys, inbound) {
        (Keys::Cfn, true) => &["CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourceSecurityGroupName", "SourcePrefixListId"],
        (Keys::Cfn, false) => &["CidrIp", "CidrIpv6", "DestinationSecurityGroupId", "DestinationPrefixListId"],
        (Keys::Tf, _) => &["cidrBlocks", "ipv6CidrBlocks", "sourceSecurityGroupId", "securityGroups", "prefixListIds"],
        (Keys::TfVpc, _) => &["cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId"],
    };
    let mut peer: Vec<String> = vec![];
    for k in peers {
        let Some(v) = get(k) else { continue };
        match v.as_list() {
            Some(list) if v.intrinsic().is_none() => peer.extend(list.items().iter().map(|i| word(doc, i))),
            _ => peer.push(word(doc, &v)),
        }
    }
    if keys == Keys::Tf && get("self").and_then(|v| v.as_bool()) == Some(true) {
        peer.push("itself".into());
    }
    peer.retain(|p| !p.is_empty());
    let direction = if inbound { "from" } else { "to" };
    let peer = match peer.as_slice() {
        [] => String::new(),
        [one] => format!(" {direction} {one}"),
        [first, rest @ ..] if rest.len() < 3 => format!(" {direction} {first}, {}", rest.join(", ")),
        [first, ..] => format!(" {direction} {first} and {} more", peer.len() - 1),
    };
    let text = format!("Allow {protocol}{ports}{peer}");
    let clean: String = text.chars().filter(|c| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(*c)).collect();
    clean.chars().take(255).collect()
}

/// A field's value as a word: a literal, or the name of what it refers to
/// (`!Ref VpcCidr` → `VpcCidr`, `!GetAtt Bastion.GroupId` → `Bastion`,
/// `bastion.securityGroupId` → `bastion`, `vpc.vpcCidrBlock` as written); empty when it
/// says nothing readable.
fn word(doc: &Document, v: &ValueNode) -> String {
    if let Some((f, arg)) = v.intrinsic() {
        return match f.as_str() {
            "Ref" => arg.as_str().unwrap_or_default(),
            "Fn::GetAtt" => match arg.as_list() {
                Some(l) => l.items().first().and_then(|i| i.as_str()).unwrap_or_default(),
                None => arg.as_str().map(|s| s.split('.').next().unwrap_or_default().to_string()).unwrap_or_default(),
            },
            "Fn::ImportValue" => arg.as_str().unwrap_or_default(),
            _ => String::new(),
        };
    }
    if let Some(s) = v.as_str() {
        return s;
    }
    let text = v.text().trim();
    if doc.flavor.is_cfn() {
        return text.to_string();
    }
    // TS: a number, or the object of a property chain (`this.bastion.securityGroupId` → `bastion`).
    if text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return text.to_string();
    }
    if text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        let parts: Vec<&str> = text.split('.').filter(|p| *p != "this").collect();
        return match parts.as_slice() {
            [.., object, "id" | "attrGroupId" | "attrId" | "securityGroupId" | "groupId"] => object.to_string(),
            _ => parts.join("."),
        };
    }
    String::new()
}
