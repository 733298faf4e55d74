//! TypeScript helpers shared by the CDK and CDKTF parts: where the queue statement goes,
//! what it is called, and whether spread props may already configure a DLQ.

use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transforms::lower_camel;
use crate::value::quote;

pub(super) use crate::transforms::{placement_before as placement, Placement};

/// Whether the `...spread`s of `props` set any of `keys`: `None` when a spread is not an
/// object literal bound to a const of this file (`...commonProps`).
pub(super) fn spreads_set(ts: &TsFile, props: MapNode, keys: &[&str]) -> Option<bool> {
    let mut set = false;
    for spread in crate::lang::named_children(props.node)
        .into_iter()
        .filter(|c| c.kind() == "spread_element")
    {
        let expr = spread.named_child(0)?;
        if expr.kind() != "identifier" {
            return None;
        }
        let name = ts.doc.text(expr);
        let object = ts.references(name, expr).into_iter().find_map(|n| {
            let decl = n.parent().filter(|p| p.kind() == "variable_declarator")?;
            (decl.child_by_field_name("name")?.id() == n.id()).then_some(())?;
            ValueNode::new(ts.doc, decl.child_by_field_name("value")?).as_map()
        })?;
        if object.has_spread() {
            return None;
        }
        set |= keys.iter().any(|k| object.has(k));
    }
    Some(set)
}

/// `handler` → `handlerDlq`, `this.processFn` → `processFnDlq`; from the id without a binding.
/// `owner`: the function the queue is for; other functions' queues of this pass get other
/// names ([`crate::transforms::unique_in_pass`]).
pub(super) fn queue_const(doc: &Document, owner: &str, binding: Option<&str>, id: Option<&str>) -> String {
    let base = match (binding, id) {
        (Some(b), _) => b.rsplit('.').next().unwrap_or(b).to_string(),
        (None, Some(id)) => lower_camel(id),
        _ => String::new(),
    };
    let base = if base.is_empty() {
        "function".to_string()
    } else {
        base
    };
    crate::transforms::unique_in_pass(doc, owner, &format!("{base}Dlq"), |c| doc.has_word(c))
}

/// `Handler` → `HandlerDLQ`; kebab-case ids (`order-fn`) → `order-fn-dlq`.
pub(super) fn dlq_id(id: &str) -> String {
    if !id.chars().any(|c| c.is_ascii_uppercase()) {
        let sep = if id.contains('_') && !id.contains('-') { '_' } else { '-' };
        format!("{id}{sep}dlq")
    } else {
        format!("{id}DLQ")
    }
}

/// The queue's construct id expression, unique among the file's string literals and the
/// ids other functions' queues get in this pass (`owner`: see [`queue_const`]).
pub(super) fn queue_id_expr(doc: &Document, owner: &str, p: &Placement, binding: Option<&str>) -> String {
    let q = doc.parsed.style.quote;
    let literal = |s: &str| {
        let s = crate::transforms::unique_in_pass(doc, owner, &dlq_id(s), |c| doc.has_quoted(c));
        quote(&s, q)
    };
    match p.id {
        Some(v) => match v.as_str() {
            Some(s) => literal(&s),
            None if v.node.kind() == "template_string" => {
                let t = v.text();
                let literal: String = t
                    .split("${")
                    .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
                    .collect();
                let suffix = if !literal.chars().any(|c| c.is_ascii_uppercase())
                    && literal.contains(|c: char| c.is_ascii_lowercase())
                {
                    "-dlq"
                } else {
                    "DLQ"
                };
                format!("{}{suffix}`", &t[..t.len() - 1])
            }
            None => format!("`${{{}}}DLQ`", v.text()),
        },
        None => literal(&upper_camel(binding.unwrap_or("Function"))),
    }
}

pub(super) fn upper_camel(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut c = last.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The construct id as written (`\`Fn${name}\``), for messages.
pub(super) fn construct_id_text(doc: &Document, r: &Resource) -> String {
    r.node
        .child_by_field_name("arguments")
        .and_then(|a| crate::lang::named_children(a).get(1).map(|n| doc.text(*n).to_string()))
        .unwrap_or_else(|| "function".into())
}

/// The queue statement text: `const name = new Class(scope, id, {\n  k: v,\n})`.
pub(super) fn queue_statement(ts: &TsFile, name: &str, class: &str, p_scope: &str, id: &str, props: &[String]) -> String {
    let tc = if ts.doc.style.trailing_comma { "," } else { "" };
    let body = props.join(",\n  ");
    ts.statement_text(&format!(
        "const {name} = new {class}({p_scope}, {id}, {{\n  {body}{tc}\n}})"
    ))
}

