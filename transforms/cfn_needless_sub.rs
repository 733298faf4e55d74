//! ## What it fixes
//! `Fn::Sub` / `!Sub` applied to a string that has no `${…}` variable: the function
//! does nothing, so the plain string replaces it.
//!
//! ## Why
//! A `Sub` without variables makes a reader look for a substitution that is not there
//! and costs an intrinsic-function evaluation; cfn-lint warns about it (W1020).
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! QueueName: !Sub 'orders-dead-letter'   # → QueueName: 'orders-dead-letter'
//! Port: !Sub 8080                          # → Port: '8080' (a plain scalar that would
//!                                          #   read as a number or boolean is quoted)
//! Description:
//!   Fn::Sub: nightly export                # → Description: nightly export
//! Pattern: !Sub 'arn:${!Partition}'        # → Pattern: arn:${Partition} (`${!…}` is Sub's
//!                                          #   escape for a literal `${…}`; re-rendered)
//! ```
//! CloudFormation JSON: `{"Fn::Sub": "orders-dead-letter"}` → `"orders-dead-letter"`.
//! The string keeps its quotes and block style (`!Sub |` → `|`). Only the `Fn::Sub` node
//! is replaced; a function around it stays (`UserData: !Base64` + `Fn::Sub: |` on the
//! next line → `UserData: !Base64 |`; `!If`, `!Join`, `!Select` items alike).
//! Only a plain string argument is read: a tagged node (`Fn::Sub: !Rain::Embed
//! server.sh`, whose file a pre-processor inlines, `${…}` variables and all), a mapping
//! (`{"Rain::Embed": …}`) or a list whose first item is not a plain string is left
//! alone. The list form
//! (`!Sub ['text', {Var: …}]`) is reported without a fix: dropping its variable map
//! could drop a `Ref` that orders resources. Like cfn-lint, it looks in resources,
//! conditions and outputs, and skips SAM templates (`Transform: AWS::Serverless-…`).
//!
//! ## Applicability
//! safe: CloudFormation resolves a `Sub` without variables to the string itself.
//!
//! ## Equivalent checks
//! cfn-lint W1020.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};

pub struct CfnNeedlessSub;
pub static TRANSFORM: CfnNeedlessSub = CfnNeedlessSub;

static META: Meta = Meta {
    id: "cfn-needless-sub",
    title: "Replace `Fn::Sub` of a string without variables by the string",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["W1020"],
    options: &[],
};

/// The template sections where cfn-lint evaluates intrinsic functions.
const SECTIONS: &[&str] = &["Resources", "Conditions", "Outputs"];
const SAM: &str = "AWS::Serverless-2016-10-31";

impl Transform for CfnNeedlessSub {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// Only an `Fn::Sub` (`Sub`, `!Sub`) can be needless.
    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::{Interest, Need};
        Interest::Any(vec![Need::Word("Sub")])
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(root) = doc.template else {
            return vec![];
        };
        if !doc.has_word("Sub") || super::cfn_transforms(doc).iter().any(|t| t == SAM) {
            return vec![];
        }
        let mut out = Vec::new();
        for section in SECTIONS.iter().filter_map(|s| root.get(s)) {
            super::walk_template(doc, section, &mut |t, _| {
                if let Some((name, arg)) = &t.intrinsic {
                    out.extend(needless(&t.value, name, *arg));
                }
            });
        }
        out
    }
}

/// A finding for `v`, the intrinsic `name` with argument `arg`, when it is a `Sub`
/// without variables.
fn needless(v: &ValueNode, name: &str, arg: ValueNode) -> Option<Finding> {
    if name != "Fn::Sub" {
        return None;
    }
    let at = v.start();
    if let Some(list) = arg.as_list() {
        let text = super::plain_string(list.items().first()?)?;
        has_no_variable(&text).then_some(())?;
        let message = "`Fn::Sub` has no `${…}` variable in its string; write the string without `Sub` \
                       (the variable map is left to you: it may hold a `Ref` that orders resources)";
        return Some(META.finding(at, message, None));
    }
    let text = super::plain_string(&arg)?;
    has_no_variable(&text).then_some(())?;
    let plain = text.replace("${!", "${");
    let edit = if plain == text {
        v.unwrap_to(&arg)
    } else {
        v.replace_scalar(&plain)
    };
    let message = "`Fn::Sub` of a string without `${…}` variables: the plain string does the same";
    Some(META.finding(at, message, Some(vec![edit])))
}

/// cfn-lint's test (`\$\{\s*([^!\s].*?)\s*\}`): no `${`, blanks, then a character other
/// than `!` (Sub's escape) with a `}` after it. Where cfn-lint's pattern could also
/// match across lines this says "variable", so nothing it does not flag is rewritten.
fn has_no_variable(text: &str) -> bool {
    text.match_indices("${").all(|(i, _)| {
        let mut rest = text[i + 2..].trim_start().chars();
        match rest.next() {
            None | Some('!') => true,
            Some(_) => !rest.as_str().contains('}'),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::has_no_variable;

    #[test]
    fn variables_as_cfn_lint_sees_them() {
        assert!(has_no_variable("plain"));
        assert!(has_no_variable("arn:${!Partition}:x"));
        assert!(!has_no_variable("arn:${AWS::Partition}:x"));
        assert!(!has_no_variable("${ Name }"));
        assert!(!has_no_variable("${!Literal}-${Name}"));
    }
}
