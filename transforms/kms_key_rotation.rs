//! ## What it fixes
//! Symmetric KMS keys without automatic rotation of their key material: CDK
//! `kms.Key` and `kms.CfnKey`, CDKTF `KmsKey` and CloudFormation `AWS::KMS::Key`
//! that leave `enableKeyRotation` out or set it to `false`.
//!
//! ## Why
//! A key that never rotates keeps encrypting with the same material for years: a
//! leak of it exposes everything ever encrypted. With rotation on, KMS makes new
//! material every year (or every `RotationPeriodInDays`) and keeps the old material
//! to decrypt what it encrypted: key id, ARN, aliases, policies and ciphertexts stay
//! as they are. Rotation is off by default in CloudFormation, CDK and Terraform.
//!
//! ## Before → after
//! CDK TypeScript (`kms.CfnKey` alike, every import style):
//! ```ts
//! new kms.Key(this, 'DataKey', { description: 'data' });
//! // becomes
//! new kms.Key(this, 'DataKey', { description: 'data', enableKeyRotation: true });
//! ```
//! A key created without props gets them (`new kms.Key(this, 'K')` →
//! `new kms.Key(this, 'K', { enableKeyRotation: true })`); `enableKeyRotation: false`
//! becomes `true` as a `review` fix, and is reported without a fix when a comment records
//! why (the shared rule for explicit values, `explicit_value`).
//! CDKTF TypeScript: `new KmsKey(this, 'key', { description: 'data' })` gets
//! `enableKeyRotation: true`.
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! DataKey:
//!   Type: AWS::KMS::Key
//!   Properties:
//!     KeyPolicy: …
//!     EnableKeyRotation: true      # added (or `false` → `true`)
//! ```
//! Left alone: asymmetric and HMAC keys (`keySpec`/`KeySpec`/`customerMasterKeySpec`
//! other than `SYMMETRIC_DEFAULT`, `keyUsage` other than `ENCRYPT_DECRYPT`), keys with
//! imported material or in a custom key store (`Origin` other than `AWS_KMS`,
//! `customKeyStoreId`, `xksKeyId`): KMS cannot rotate them automatically. Also left
//! alone: a CDK `kms.Key` with `rotationPeriod` (CDK already turns rotation on), any
//! of these props given as an expression we cannot read (a variable, an intrinsic),
//! and props that use a `...spread`.
//!
//! ## Applicability
//! safe: encryption and decryption work as before; each rotation adds $1 a month to
//! the key's cost (for the first two rotations).
//!
//! ## Equivalent checks
//! checkov CKV_AWS_7; cdk-nag AwsSolutions-KMS5.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;

pub struct KmsKeyRotation;
pub static TRANSFORM: KmsKeyRotation = KmsKeyRotation;

static META: Meta = Meta {
    id: "kms-key-rotation",
    title: "Turn on automatic rotation of symmetric KMS keys",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["CKV_AWS_7", "NIST.800.53.R4-KMSBackingKeyRotationEnabled", "NIST.800.53.R5-KMSBackingKeyRotationEnabled", "PCI.DSS.321-KMSBackingKeyRotationEnabled", "AwsSolutions-KMS5", "CMK_BACKING_KEY_ROTATION_ENABLED"],
    options: &[],
};

const CDK_KEY: &str = "aws-cdk-lib/aws-kms.Key";
const CDK_CFN_KEY: &str = "aws-cdk-lib/aws-kms.CfnKey";
const CDKTF_KEY: &str = "@cdktf/provider-aws/lib/kms-key.KmsKey";
const CFN_KEY: &str = "AWS::KMS::Key";

/// What a key's props say about rotation.
enum Verdict<'a> {
    /// Rotation is on, cannot be on, or we cannot tell.
    Leave,
    /// `enableKeyRotation` is absent.
    Missing,
    /// `enableKeyRotation: false`.
    Disabled(ValueNode<'a>),
}

impl Transform for KmsKeyRotation {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        match doc.flavor {
            Flavor::CdkTs => {
                for r in doc.of_types(&[CDK_KEY, CDK_CFN_KEY]) {
                    let l2 = r.type_name == CDK_KEY;
                    let rules = Rules {
                        spec: "keySpec",
                        usage: "keyUsage",
                        origin: (!l2).then_some("origin"),
                        forbidden: if l2 { &["rotationPeriod"] } else { &[] },
                        flag: "enableKeyRotation",
                        description: "description",
                    };
                    out.extend(check_ts(doc, r, &rules));
                }
            }
            Flavor::CdktfTs => {
                let rules = Rules {
                    spec: "customerMasterKeySpec",
                    usage: "keyUsage",
                    origin: None,
                    forbidden: &["customKeyStoreId", "xksKeyId"],
                    flag: "enableKeyRotation",
                    description: "description",
                };
                for r in doc.of_type(CDKTF_KEY) {
                    out.extend(check_ts(doc, r, &rules));
                }
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                let rules = Rules {
                    spec: "KeySpec",
                    usage: "KeyUsage",
                    origin: Some("Origin"),
                    forbidden: &[],
                    flag: "EnableKeyRotation",
                    description: "Description",
                };
                for r in doc.of_type(CFN_KEY) {
                    out.extend(check_cfn(doc, r, &rules));
                }
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([CDK_KEY, CDK_CFN_KEY, CDKTF_KEY, CFN_KEY])
    }
}

/// The prop names of one flavor.
struct Rules {
    /// The prop holding the key spec (`KeySpec`; CDKTF: `customerMasterKeySpec`).
    spec: &'static str,
    usage: &'static str,
    origin: Option<&'static str>,
    /// Props whose presence means "leave this key alone".
    forbidden: &'static [&'static str],
    flag: &'static str,
    description: &'static str,
}

/// The constant a value names: a string (`'RSA_2048'`) or a CDK enum member
/// (`kms.KeySpec.RSA_2048`); `None` for anything else.
fn constant(doc: &Document, v: &ValueNode) -> Option<String> {
    if v.tag.is_some() {
        return None;
    }
    if let Some(s) = v.as_str() {
        return Some(s);
    }
    let name = doc.ts.as_ref()?.resolve(v.node)?;
    let member = name.strip_prefix("aws-cdk-lib/aws-kms.KeySpec.").or_else(|| name.strip_prefix("aws-cdk-lib/aws-kms.KeyUsage."));
    member.map(str::to_string)
}

fn verdict<'a>(doc: &Document, props: &MapNode<'a>, rules: &Rules) -> Verdict<'a> {
    if props.has_spread() || rules.forbidden.iter().any(|k| props.has(k)) {
        return Verdict::Leave;
    }
    let is = |key: &str, wanted: &str| match props.get(key) {
        None => true,
        Some(v) => constant(doc, &v).is_some_and(|c| c == wanted),
    };
    let symmetric = is(rules.spec, "SYMMETRIC_DEFAULT")
        && is(rules.usage, "ENCRYPT_DECRYPT")
        && rules.origin.is_none_or(|k| is(k, "AWS_KMS"));
    if !symmetric {
        return Verdict::Leave;
    }
    match props.get(rules.flag) {
        None => Verdict::Missing,
        // CloudFormation also takes the string "false".
        Some(v) if v.tag.is_none() && (v.as_bool() == Some(false) || v.as_str().as_deref() == Some("false")) => {
            Verdict::Disabled(v)
        }
        Some(_) => Verdict::Leave,
    }
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

fn check_ts(doc: &Document, r: &Resource, rules: &Rules) -> Option<Finding> {
    let at = r.node.start_byte();
    let name = name_of(r);
    let Some(props) = r.props else {
        // No props object: add one when the call has just (scope, id).
        let ts = doc.ts.as_ref()?;
        let args = ts.args(r.node.child_by_field_name("arguments")?);
        let [_, id] = args.as_slice() else { return None };
        let text = format!(", {{ {}: true }}", rules.flag);
        let message = format!("KMS key{name} does not rotate its key material; enable automatic rotation");
        return Some(META.finding(at, message, Some(vec![Edit::insert(id.end(), text)])));
    };
    finding(props, rules, at, &name, doc)
}

fn check_cfn(doc: &Document, r: &Resource, rules: &Rules) -> Option<Finding> {
    let at = r.node.start_byte();
    let name = name_of(r);
    match r.props {
        Some(props) => finding(props, rules, at, &name, doc),
        None => {
            let body = r.body?;
            if body.has("Properties") {
                return None; // `Properties` that is not a mapping: not ours to guess.
            }
            let value = Value::map([("EnableKeyRotation", Value::Bool(true))]);
            let edits = body.insert("Properties", &value, Position::After("Type"));
            let message = format!("KMS key{name} does not rotate its key material; enable automatic rotation");
            Some(META.finding(at, message, Some(edits)))
        }
    }
}

fn finding(props: MapNode, rules: &Rules, at: usize, name: &str, doc: &Document) -> Option<Finding> {
    let (message, edits) = match verdict(doc, &props, rules) {
        Verdict::Leave => return None,
        Verdict::Missing => (
            format!("KMS key{name} does not rotate its key material; enable automatic rotation"),
            // Authors put the flag right after the description (or else last).
            props.insert(rules.flag, &Value::Bool(true), Position::After(rules.description)),
        ),
        // An explicit `false` is a decision: `review`, or reported with its comment.
        Verdict::Disabled(v) => {
            let head = format!("KMS key{name} has automatic rotation turned off (`{}`, written explicitly)", v.text().trim());
            return Some(crate::transforms::explicit_value(
                doc,
                &META,
                &v,
                &head,
                "turned it on (review: find out why it was turned off; rotation keeps old key material for decryption, and each rotation of a customer managed key is billed)",
                vec![v.replace(&Value::Bool(true))],
            ));
        }
    };
    Some(META.finding(at, message, Some(edits)))
}

