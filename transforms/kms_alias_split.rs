//! ## What it fixes
//! KMS keys whose alias is declared inline through the CDK `Key`'s `alias` prop, and
//! alias names (CloudFormation `AWS::KMS::Alias`, CDKTF `KmsAlias`) that lack the
//! mandatory `alias/` prefix.
//!
//! ## Why
//! An inline alias is a hidden child construct (`<Key>/Alias`): it cannot be looked up,
//! tagged or given its own removal policy, and reviewers miss it. A separate
//! `kms.Alias` states it next to the key. KMS rejects an alias name without the
//! `alias/` prefix, so a template or CDKTF stack that omits it fails to deploy.
//!
//! ## Before → after
//! CDK TypeScript:
//! ```ts
//! const dataKey = new kms.Key(this, 'DataKey', { alias: 'data', enableKeyRotation: true });
//! // becomes
//! const dataKey = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
//! new kms.Alias(this, 'DataKeyAlias', {
//!   aliasName: 'alias/data',
//!   targetKey: dataKey,
//! });
//! ```
//! A key that is not bound (an expression statement, or a key created inline as
//! another construct's prop) is first bound to a `const` named after its construct
//! id, declared just before the statement that used it. Template literals keep their
//! expressions (`` `app-${env}` `` → `` `alias/app-${env}` ``); `alias/` is added only
//! when missing. Any other expression is passed through unchanged, since `kms.Alias`
//! adds the prefix itself to a name known at synth time. Keys declared as class
//! fields, or inside conditions, loops and callbacks, are reported without a fix.
//!
//! CloudFormation (JSON alike) and CDKTF:
//! ```yaml
//! AliasName: !Sub 'app-${Env}'      # → !Sub 'alias/app-${Env}'
//! ```
//! ```ts
//! new KmsAlias(this, 'alias', { name: 'app', targetKeyId: key.keyId }); // name → 'alias/app'
//! ```
//! Literal strings, `Fn::Sub` strings and the first piece of an `Fn::Join` get the
//! prefix; a `Ref` to a parameter is left alone.
//!
//! ## Applicability
//! review: the alias becomes a new construct with a new logical id, so CloudFormation
//! replaces the alias resource of a deployed stack. Because alias names are unique per
//! account and region, creating the new alias before deleting the old one can fail
//! with "already exists": deploy in two steps (remove the inline alias, then add the
//! new one) or rename the alias.
//!
//! ## Equivalent checks
//! cfn-lint E3031 (AliasName pattern `^alias/`); checkov CKV_AWS_7 concerns rotation,
//! not aliases, so none there.

use crate::edit::{apply_edits, Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use tree_sitter::Node;

pub struct KmsAliasSplit;
pub static TRANSFORM: KmsAliasSplit = KmsAliasSplit;

static META: Meta = Meta {
    id: "kms-alias-split",
    title: "Declare KMS aliases as their own construct, with the `alias/` prefix",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["E3031"],
    options: &[],
};

const CDK_KEY: &str = "aws-cdk-lib/aws-kms.Key";
const CDKTF_ALIAS: &str = "@cdktf/provider-aws/lib/kms-alias.KmsAlias";
const CFN_ALIAS: &str = "AWS::KMS::Alias";
const PREFIX: &str = "alias/";

/// Between a nested key and its statement, only these nodes may sit: anything else
/// (a condition, a loop, a callback) would change when the key is created if we
/// moved it out.
const MOVABLE_THROUGH: &[&str] = &[
    "arguments",
    "object",
    "pair",
    "array",
    "call_expression",
    "new_expression",
    "variable_declarator",
    "lexical_declaration",
    "variable_declaration",
    "expression_statement",
    "assignment_expression",
    "return_statement",
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
];

impl Transform for KmsAliasSplit {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => doc.of_type(CDK_KEY).filter_map(|key| split(doc, key)).collect(),
            Flavor::CdktfTs => prefix_names(doc.of_type(CDKTF_ALIAS).filter_map(|r| r.props?.get("name"))),
            Flavor::CfnJson | Flavor::CfnYaml => {
                prefix_names(doc.of_type(CFN_ALIAS).filter_map(|r| r.props?.get("AliasName")))
            }
        }
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

/// CDK: `new kms.Key(…, { alias })` → the key without `alias`, then a `kms.Alias`.
fn split<'a>(doc: &Document<'a>, key: &Resource<'a>) -> Option<Finding> {
    let ts = doc.ts.as_ref()?;
    let props = key.props?;
    let entry = props.entry("alias")?;
    let alias_value = entry.value?;
    let at = entry.key_node.start_byte();
    let args = ts.args(key.node.child_by_field_name("arguments")?);
    let remove = match (args.get(1), args.get(2)) {
        // `alias` was the only prop: drop the whole `, { alias: … }` argument.
        (Some(id), Some(arg)) if props.entries().len() == 1 && !props.has_spread() && !has_comment(arg.text()) => {
            vec![Edit::delete(id.end()..arg.end())]
        }
        _ => props.remove("alias"),
    };
    let Some(plan) = plan(doc, ts, key) else {
        let message = "KMS key declares its alias inline: move it to a `kms.Alias` (not fixed: the key cannot be bound to a variable here)";
        return Some(META.finding(at, message, None));
    };
    let scope = args.first()?.text();
    let id = args.get(1)?.text();
    let alias_id = match id.chars().next() {
        Some('\'' | '"' | '`') => format!("{}Alias{}", &id[..id.len() - 1], &id[id.len() - 1..]),
        _ => format!("`${{{id}}}Alias`"),
    };
    let alias_name = match add_prefix(alias_value) {
        Some(edit) => {
            let (text, k) = (alias_value.text(), edit.range.start - alias_value.node.start_byte());
            format!("{}{PREFIX}{}", &text[..k], &text[k..])
        }
        None => alias_value.text().to_string(),
    };
    let (alias_class, import) = ts.reference("aws-cdk-lib/aws-kms", "Alias", "kms");
    let comma = if doc.parsed.style.trailing_comma { "," } else { "" };
    let alias_stmt = ts.statement_text(&format!(
        "new {alias_class}({scope}, {alias_id}, {{\n  aliasName: {alias_name},\n  targetKey: {target}{comma}\n}})",
        target = plan.target,
    ));
    let mut edits = plan.edits(doc, ts, key.node, &remove, &alias_stmt)?;
    edits.extend(import);
    let message = format!("KMS key declares its alias inline: moved to `new {alias_class}(…, {alias_id}, …)` targeting `{}`", plan.target);
    Some(META.finding(at, message, Some(edits)))
}

fn has_comment(code: &str) -> bool {
    code.contains("//") || code.contains("/*")
}

/// Where the key lives and how the alias will refer to it.
struct Plan<'a> {
    /// The expression naming the key (`dataKey`, `this.key`).
    target: String,
    statement: Node<'a>,
    how: Binding,
}

enum Binding {
    /// `const k = new Key(…)` or `this.k = new Key(…)`: alias goes after the statement.
    Bound,
    /// `new Key(…);` alone: it becomes `const k = new Key(…);`.
    Statement,
    /// Inside a bigger expression: hoisted to a `const` before the statement.
    Nested,
}

fn plan<'a>(doc: &Document<'a>, ts: &TsFile<'a>, key: &Resource<'a>) -> Option<Plan<'a>> {
    let statement = key.statement?;
    if statement.parent().is_some_and(|p| p.kind() == "class_body") {
        return None;
    }
    if let Some(binding) = &key.binding {
        let direct = key.node.parent()?;
        let ok = matches!(direct.kind(), "variable_declarator" | "assignment_expression")
            && direct.parent().is_some_and(|p| p.id() == statement.id() || p.parent().is_some_and(|g| g.id() == statement.id()));
        return ok.then(|| Plan { target: binding.to_string(), statement, how: Binding::Bound });
    }
    let target = fresh_name(doc, ts, key);
    if key.node.parent()?.id() == statement.id() && statement.kind() == "expression_statement" {
        return Some(Plan { target, statement, how: Binding::Statement });
    }
    let mut cur = key.node.parent()?;
    while cur.id() != statement.id() {
        if !MOVABLE_THROUGH.contains(&cur.kind()) {
            return None;
        }
        cur = cur.parent()?;
    }
    MOVABLE_THROUGH.contains(&statement.kind()).then_some(Plan { target, statement, how: Binding::Nested })
}

impl Plan<'_> {
    fn edits(&self, doc: &Document, ts: &TsFile, key: Node, remove: &[Edit], alias_stmt: &str) -> Option<Vec<Edit>> {
        match self.how {
            Binding::Bound => {
                let mut edits = remove.to_vec();
                edits.push(ts.insert_after(self.statement, alias_stmt));
                Some(edits)
            }
            Binding::Statement => {
                let mut edits = remove.to_vec();
                edits.push(Edit::insert(key.start_byte(), format!("const {} = ", self.target)));
                edits.push(ts.insert_after(self.statement, alias_stmt));
                Some(edits)
            }
            Binding::Nested => {
                let moved = moved_text(doc, key, remove)?;
                let decl = ts.statement_text(&format!("const {} = {moved}", self.target));
                Some(vec![
                    ts.insert_before(self.statement, &format!("{decl}\n{alias_stmt}")),
                    Edit::replace(key.byte_range(), self.target.clone()),
                ])
            }
        }
    }
}

/// The key expression with `remove` applied, its continuation lines re-expressed with
/// two-space levels relative to its first line (what `insert_before` expects).
fn moved_text(doc: &Document, key: Node, remove: &[Edit]) -> Option<String> {
    let start = key.start_byte();
    let local: Vec<Edit> = remove
        .iter()
        .map(|e| Edit::replace(e.range.start - start..e.range.end - start, e.text.clone()))
        .collect();
    let text = apply_edits(doc.text(key), &local.iter().collect::<Vec<_>>());
    if text.contains('`') && text.contains('\n') {
        return None; // a multi-line template literal would be re-indented
    }
    let base = doc.parsed.line_indent(start);
    Some(crate::value::relative_levels(&text, base, &doc.parsed.style.indent))
}

/// A `const` name for an unbound key, from its construct id: `'DataKey'` → `dataKey`,
/// `'audit-logs'` → `auditLogsKey`; numbered when the file already uses it.
fn fresh_name(doc: &Document, ts: &TsFile, key: &Resource) -> String {
    let id = key.logical_id.as_deref().unwrap_or("key");
    let mut name = String::new();
    let mut upper = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if name.is_empty() {
                if c.is_ascii_digit() {
                    name.push('k');
                    name.push(c);
                } else {
                    name.push(c.to_ascii_lowercase());
                }
            } else if upper {
                name.push(c.to_ascii_uppercase());
            } else {
                name.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if !name.to_ascii_lowercase().ends_with("key") {
        name.push_str("Key");
    }
    let taken = |n: &str| !ts.usages(n).is_empty() || doc.source().contains(&format!("const {n} ")) || doc.source().contains(&format!("let {n} "));
    if !taken(&name) {
        return name;
    }
    (2..).map(|i| format!("{name}{i}")).find(|n| !taken(n)).unwrap()
}
