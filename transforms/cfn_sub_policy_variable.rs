//! ## What it fixes
//! IAM policy variables written inside an `Fn::Sub` string without Sub's escape:
//! `!Sub 'arn:aws:iam::${AWS::AccountId}:user/${aws:username}'`. The `!` that tells Sub to
//! leave a `${…}` alone is added: `${!aws:username}`, which Sub turns into the literal
//! `${aws:username}` that IAM evaluates at request time.
//!
//! ## Why
//! Sub treats every `${Name}` as a parameter, resource or pseudo parameter and rejects the
//! template when there is none of that name (`Unresolved resource dependencies
//! [aws:username]`); cfn-lint reports it (E1019). A name of the form `service:key`
//! (`aws:username`, `aws:PrincipalTag/team`, `s3:prefix`, `cognito-identity.amazonaws.com:sub`)
//! is never a template name (logical ids are alphanumeric, pseudo parameters are `AWS::…`):
//! it is a policy variable the author meant IAM to see.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Resource: !Sub 'arn:aws:iam::${AWS::AccountId}:user/${aws:username}'
//! # → Resource: !Sub 'arn:aws:iam::${AWS::AccountId}:user/${!aws:username}'
//! ```
//! CloudFormation JSON: `{"Fn::Sub": "…/${aws:username}"}` → `{"Fn::Sub": "…/${!aws:username}"}`.
//! Both Sub forms are read; in the list form a variable the map defines (`{ "aws:x": … }`)
//! is left alone. Only a plain string argument is edited (not a YAML tag such as
//! `!Rain::Embed`), and only when its text in the file holds the variable as written.
//!
//! ## Applicability
//! safe: the template could not deploy with the unescaped variable; escaped, the policy
//! holds exactly the text the author wrote.
//!
//! ## Equivalent checks
//! cfn-lint E1019 (for policy variables).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};

pub struct CfnSubPolicyVariable;
pub static TRANSFORM: CfnSubPolicyVariable = CfnSubPolicyVariable;

static META: Meta = Meta {
    id: "cfn-sub-policy-variable",
    title: "Escape IAM policy variables (`${aws:username}`) inside `Fn::Sub` strings",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["E1019"],
    options: &[],
};

impl Transform for CfnSubPolicyVariable {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// Only an `Fn::Sub` (`Sub`, `!Sub`) can misread a policy variable.
    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::{Interest, Need};
        Interest::Any(vec![Need::Word("Sub")])
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        if doc.template.is_none() || !doc.has_word("Sub") || !doc.source().contains("${") {
            return vec![];
        }
        let mut out = vec![];
        for t in doc.template_values() {
            let Some((name, arg)) = &t.intrinsic else { continue };
            if name != "Fn::Sub" {
                continue;
            }
            let (string, defined): (ValueNode, Vec<String>) = match arg.as_list() {
                Some(list) => {
                    let items = list.items();
                    let Some(first) = items.first() else { continue };
                    let defined = items
                        .get(1)
                        .and_then(|m| m.as_map())
                        .map(|m| m.entries().iter().map(|e| m.key_text(e)).collect())
                        .unwrap_or_default();
                    (*first, defined)
                }
                None => (*arg, vec![]),
            };
            if string.tag.is_some() {
                continue;
            }
            let Some(value) = string.as_str() else { continue };
            let raw = doc.text(string.node);
            let mut edits = vec![];
            let mut names = vec![];
            for (i, var) in policy_variables(raw) {
                if defined.iter().any(|d| d == var) || !value.contains(&format!("${{{var}}}")) {
                    continue;
                }
                edits.push(Edit::insert(string.node.start_byte() + i + 2, "!"));
                names.push(format!("`${{{var}}}`"));
            }
            if edits.is_empty() {
                continue;
            }
            let at = string.node.start_byte();
            out.push(META.finding(
                at,
                format!(
                    "`Fn::Sub` at line {} treats the IAM policy variable {} as a template name and fails (no parameter or resource has that name); escaped as `${{!…}}`, Sub leaves it for IAM",
                    doc.line_of(at),
                    names.join(", ")
                ),
                Some(edits),
            ));
        }
        out
    }
}

/// The `${service:key}` variables of `text` with the offset of their `${`: a lower-case
/// service prefix (letters, digits, `.`, `-`), one colon, and a key (letters, digits, `_`,
/// `/`, `.`, `-`). `${AWS::Region}`, `${Bucket.Arn}` and escaped `${!…}` are not.
fn policy_variables(text: &str) -> Vec<(usize, &str)> {
    let mut out = vec![];
    for (i, _) in text.match_indices("${") {
        let rest = &text[i + 2..];
        let Some(end) = rest.find('}') else { continue };
        let var = &rest[..end];
        let Some((service, key)) = var.split_once(':') else { continue };
        let service_ok = service.starts_with(|c: char| c.is_ascii_lowercase())
            && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        let key_ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '-'));
        if service_ok && key_ok {
            out.push((i, var));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::policy_variables;

    #[test]
    fn finds_policy_variables_only() {
        let vars: Vec<&str> = policy_variables("arn:${AWS::Partition}:iam::${AWS::AccountId}:user/${aws:username}/${Bucket.Arn}/${!aws:userid}/${s3:prefix}/${aws:PrincipalTag/team}")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(vars, ["aws:username", "s3:prefix", "aws:PrincipalTag/team"]);
    }
}
