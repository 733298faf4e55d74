//! ## What it fixes
//! KMS alias names that lack the mandatory `alias/` prefix where nothing adds it:
//! CloudFormation `AWS::KMS::Alias` `AliasName`, CDKTF `KmsAlias` `name`, and the CDK
//! L1 `kms.CfnAlias` `aliasName`.
//!
//! ## Why
//! KMS rejects an alias name without the `alias/` prefix, so a template or stack that
//! omits it fails to deploy (cfn-lint E3031 says the same for templates).
//!
//! ## Before → after
//! CloudFormation (JSON alike):
//! ```yaml
//! AliasName: !Sub 'app-${Env}'      # → !Sub 'alias/app-${Env}'
//! ```
//! CDKTF and CDK L1:
//! ```ts
//! new KmsAlias(this, 'alias', { name: 'app', targetKeyId: key.keyId });        // name → 'alias/app'
//! new kms.CfnAlias(this, 'Alias', { aliasName: `app-${stage}`, targetKeyId }); // → `alias/app-${stage}`
//! ```
//! Literal strings, template literals, `Fn::Sub` strings and the first piece of an
//! `Fn::Join` get the prefix; a `Ref` to a parameter, a variable or any other
//! expression is left alone (its value is not known here).
//!
//! Left alone entirely: the CDK L2 `kms.Key({ alias })` and `kms.Alias({ aliasName })`.
//! aws-cdk-lib's `Alias` adds `alias/` itself when it is missing (`REQUIRED_ALIAS_PREFIX`
//! in `aws-kms/lib/alias.js`), and `Key`'s `alias` prop creates that same `Alias`, so the
//! inline form is valid. (Earlier versions split it into a separate `kms.Alias`: that
//! gives the alias a new construct path, so a deployed stack fails with "already
//! exists", and an optional `alias?: string` became a required `aliasName` that does
//! not compile.) The id keeps its old name.
//!
//! ## Applicability
//! review: the name of a new alias is a guess at what the author meant (`app` →
//! `alias/app`); code or other stacks that look the alias up by name must use the new one.
//!
//! ## Equivalent checks
//! cfn-lint E3031 (AliasName pattern `^alias/`); checkov CKV_AWS_7 concerns rotation,
//! not aliases, so none there.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};

pub struct KmsAliasSplit;
pub static TRANSFORM: KmsAliasSplit = KmsAliasSplit;

static META: Meta = Meta {
    id: "kms-alias-split",
    title: "Give KMS alias names the `alias/` prefix where nothing adds it",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["E3031"],
    options: &[],
};

const CDK_CFN_ALIAS: &str = "aws-cdk-lib/aws-kms.CfnAlias";
const CDKTF_ALIAS: &str = "@cdktf/provider-aws/lib/kms-alias.KmsAlias";
const CFN_ALIAS: &str = "AWS::KMS::Alias";
const PREFIX: &str = "alias/";

impl Transform for KmsAliasSplit {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => prefix_names(doc.of_type(CDK_CFN_ALIAS).filter_map(|r| r.props?.get("aliasName"))),
            Flavor::CdktfTs => prefix_names(doc.of_type(CDKTF_ALIAS).filter_map(|r| r.props?.get("name"))),
            Flavor::CfnJson | Flavor::CfnYaml => {
                prefix_names(doc.of_type(CFN_ALIAS).filter_map(|r| r.props?.get("AliasName")))
            }
        }
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([CDK_CFN_ALIAS, CDKTF_ALIAS, CFN_ALIAS])
    }
}

/// CFN/CDKTF: add `alias/` to names written as literals (or `Fn::Sub`/`Fn::Join` pieces).
fn prefix_names<'a>(names: impl Iterator<Item = ValueNode<'a>>) -> Vec<Finding> {
    names
        .filter_map(|name| {
            let literal = literal_part(name)?;
            let edit = add_prefix(literal)?;
            let message = format!("KMS alias name {} lacks the required `alias/` prefix", literal.text());
            Some(META.finding(literal.start(), message, Some(vec![edit])))
        })
        .collect()
}

/// The string that starts the name: itself, a `Fn::Sub` string, or an `Fn::Join`'s first piece.
fn literal_part(v: ValueNode) -> Option<ValueNode> {
    match v.intrinsic() {
        None => Some(v),
        Some((name, inner)) if name == "Fn::Sub" => match inner.as_list() {
            Some(list) => list.items().into_iter().next(),
            None => Some(inner),
        },
        Some((name, inner)) if name == "Fn::Join" => {
            let items = inner.as_list()?.items();
            let pieces = items.get(1)?.as_list()?.items();
            pieces.into_iter().next()
        }
        Some(_) => None,
    }
}

/// An edit inserting `alias/` at the start of a string or template literal, or
/// `None` when it already starts so or is not a literal (a `Ref`, a variable…).
fn add_prefix(v: ValueNode) -> Option<Edit> {
    let text = v.text();
    let template = text.starts_with('`');
    let content = if template { text[1..].to_string() } else { v.as_str()? };
    if content.starts_with(PREFIX) || v.node.kind() == "block_scalar" {
        return None;
    }
    let quoted = text.starts_with(['\'', '"', '`']);
    Some(Edit::insert(v.node.start_byte() + usize::from(quoted), PREFIX))
}
