//! Reading and writing the properties of a construct or resource: names per flavor, literal
//! booleans, switches that should be on, several entries inserted at once, props created.

/// `ResultConfiguration` as CloudFormation spells it → `resultConfiguration` for CDK props.
pub(crate) fn prop_name(flavor: crate::flavor::Flavor, pascal: &str) -> String {
    if flavor.is_cfn() {
        return pascal.to_string();
    }
    let mut c = pascal.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A boolean property as written: `true`/`false` literals, and in CloudFormation also
/// the strings `"true"`/`"false"`. `None` for expressions, intrinsics and parameters.
pub(crate) fn literal_bool(v: &crate::lang::mapping::ValueNode) -> Option<bool> {
    if v.tag.is_some() {
        return None;
    }
    v.as_bool().or_else(|| {
        if v.doc.syntax == crate::lang::Syntax::TypeScript {
            return None;
        }
        match v.as_str()?.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    })
}

/// How a boolean setting that should be on stands in a mapping.
pub(crate) enum Switch<'a> {
    /// The key is absent (and no spread could hide it).
    Missing,
    /// Written as a literal `false`: someone chose it, so turning it on is `review`.
    Off(crate::lang::mapping::ValueNode<'a>),
    /// `true`, or an expression, parameter or intrinsic we leave to its author.
    Left,
}

pub(crate) fn switch<'a>(map: &crate::lang::mapping::MapNode<'a>, key: &str) -> Switch<'a> {
    match map.get(key) {
        None if map.has_spread() || map.has(key) => Switch::Left,
        None => Switch::Missing,
        Some(v) if literal_bool(&v) == Some(false) => Switch::Off(v),
        Some(_) => Switch::Left,
    }
}

/// The comment that records a decision about an explicit value: a comment after the
/// value on its own line (`isMultiRegionTrail: false, // one trail per region`, also after
/// the `});` that closes a one-line construct) or a
/// comment line right above it. An explicit value with such a comment was chosen on
/// purpose, so a transform reports it without a fix instead of overruling it. A comment
/// that asks for a change (`TODO`, `FIXME`, `XXX`) records no decision. Returns the
/// comment's text (markers stripped) and its byte offset: name its line with
/// [`crate::model::Document::line_of`], which gives the line of the file as the user wrote it.
pub(crate) fn recorded_decision(v: &crate::lang::mapping::ValueNode) -> Option<(String, usize)> {
    let parsed = v.doc;
    let src: &str = &parsed.source;
    let comment = |t: &str| {
        let t = t.trim();
        let body = ["//", "/*", "#"].iter().find_map(|m| t.strip_prefix(m))?;
        // A block comment ends at its `*/` (`}) /* scratch */;`).
        let body = if t.starts_with("/*") {
            body.split("*/").next().unwrap_or(body)
        } else {
            body
        };
        let body = body.trim().trim_end_matches("*/").trim();
        let lower = body.to_ascii_lowercase();
        let asks_change = ["todo", "fixme", "xxx"]
            .iter()
            .any(|w| lower.starts_with(w) || lower.contains(&format!(" {w}")));
        (!body.is_empty() && !asks_change).then(|| body.to_string())
    };
    // The rest of the value's line up to a comment: closing brackets and the end of the
    // statement count (`new X(this, 'id', { monitoring: false }); // cost`).
    let after = &src[v.end()..parsed.line_end(v.end())];
    if let Some(text) = comment(after.trim_start_matches([',', ' ', '\t', '}', ')', ';'])) {
        return Some((text, v.end()));
    }
    // A value on the lines below its key (a YAML block list or mapping, a TS object
    // opened on the key's line): the key's line and the line above the key count.
    let entry = v
        .outer
        .parent()
        .filter(|p| matches!(p.kind(), "block_mapping_pair" | "pair" | "flow_pair"))
        .map_or(v.start(), |p| p.start_byte());
    if parsed.line_start(entry) < parsed.line_start(v.start()) {
        let key_end = parsed.line_end(entry);
        let last = parsed
            .root()
            .descendant_for_byte_range(key_end.saturating_sub(1), key_end.saturating_sub(1))
            .filter(|n| n.kind() == "comment");
        if let Some(text) = last.and_then(|n| comment(&src[n.byte_range()])) {
            return Some((text, last.map_or(entry, |n| n.start_byte())));
        }
    }
    let start = parsed.line_start(entry.min(v.start()));
    if start == 0 {
        return None;
    }
    let above_start = parsed.line_start(start - 1);
    comment(&src[above_start..start]).map(|text| (text, above_start))
}

/// The comments that belong to a resource as a whole: the block of comment lines directly
/// above its logical id (CloudFormation) or its statement (TypeScript), and every comment
/// inside its text (the first line of its body, a comment trailing a property line, a
/// comment after the `});` that ends a TypeScript statement on its last line). With
/// [`recorded_decision`] (a comment at one explicit value) this is the one lookup of
/// decisions written as comments; a transform that fixes an *absent* setting asks it for
/// a comment about that setting (`# keep logs forever: audit` above `AuditLogs:`) and
/// reports the resource without a fix when one is found. Returns each comment's text
/// (markers stripped) and byte offset (name its line with `Document::line_of`).
pub(crate) fn resource_comments(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
) -> Vec<(String, usize)> {
    let whole = if doc.flavor.is_cfn() {
        r.node.parent().unwrap_or(r.node)
    } else {
        r.statement.unwrap_or(r.node)
    };
    let src = doc.source();
    let parsed = doc.parsed;
    let strip = |t: &str| {
        let t = t.trim();
        ["//", "/*", "#"]
            .iter()
            .find_map(|m| t.strip_prefix(m))
            .map(|b| b.trim().trim_end_matches("*/").trim().to_string())
            .filter(|b| !b.is_empty())
    };
    let mut out = Vec::new();
    // The comment lines directly above (no blank line between).
    let mut start = parsed.line_start(whole.start_byte());
    let own_line = src[start..whole.start_byte()]
        .trim_start_matches([' ', '\t', '-'])
        .is_empty();
    while own_line && start > 0 {
        let above = parsed.line_start(start - 1);
        match strip(&src[above..start]) {
            Some(text) => {
                out.insert(0, (text, above));
                start = above;
            }
            None => break,
        }
    }
    // The comments inside the resource's text.
    let inner = whole.byte_range();
    let comments = crate::lang::descendants(whole)
        .into_iter()
        .filter(|n| n.kind() == "comment")
        .map(|n| n.byte_range());
    // YAML comments before a body's first entry lie outside the mapping node: add the
    // lines between the key and the end of the resource.
    let mut seen: Vec<usize> = Vec::new();
    for range in comments {
        if let Some(text) = strip(&src[range.clone()]) {
            seen.push(range.start);
            out.push((text, range.start));
        }
    }
    // A comment after the end of the statement on its last line (`new X(this, 'id', {
    // … }); // cost`): outside the statement's node, on a line of it.
    if doc.parsed.syntax == crate::lang::Syntax::TypeScript {
        let end = inner.end;
        let tail = &src[end..parsed.line_end(end)];
        let lead = tail.len() - tail.trim_start().len();
        let t = tail.trim_start();
        if t.starts_with("//") || t.starts_with("/*") {
            if let Some(text) = strip(t) {
                out.push((text, end + lead));
            }
        }
    }
    if doc.parsed.syntax == crate::lang::Syntax::Yaml {
        let mut at = inner.start;
        while at < inner.end {
            let end = parsed.line_end(at);
            let line = &src[at..end];
            if let Some(i) = line.find('#') {
                let offset = at + i;
                let in_comment = doc
                    .parsed
                    .root()
                    .descendant_for_byte_range(offset, offset)
                    .is_some_and(|n| n.kind() == "comment");
                if in_comment && !seen.contains(&offset) {
                    if let Some(text) = strip(&line[i..]) {
                        out.push((text, offset));
                    }
                }
            }
            at = end + 1;
        }
    }
    out
}

/// The one rule for an explicit value a transform would change (a literal `false`, an
/// opposite enum member, `DISABLED`): the value records a decision, so
/// - with a comment that records why ([`recorded_decision`]) it is reported without a fix
///   that quotes the comment and names its line;
/// - otherwise the fix is `review`, never `safe` (the project's rule: a safe fix never
///   overrules a decision the code records), and the message says the value was written
///   explicitly. The text cannot tell a leftover default from a deliberate choice, so
///   both get the same treatment: a person confirms.
///
/// `head` says what was found, `done` what the fix does and what to check.
pub(crate) fn explicit_value(
    doc: &crate::model::Document,
    meta: &'static crate::transform::Meta,
    v: &crate::lang::mapping::ValueNode,
    head: &str,
    done: &str,
    edits: Vec<crate::edit::Edit>,
) -> crate::edit::Finding {
    match decision_note(doc, v) {
        Some(note) => meta.finding(v.start(), format!("{head}; {note}"), None),
        None => finding_with(
            meta,
            crate::edit::Applicability::Review,
            v.start(),
            format!("{head}; {done}"),
            edits,
        ),
    }
}

/// "left alone: the comment at line N records the decision (…)" when a comment records
/// why the explicit value `v` was chosen ([`recorded_decision`]), for messages of findings
/// reported without a fix.
pub(crate) fn decision_note(
    doc: &crate::model::Document,
    v: &crate::lang::mapping::ValueNode,
) -> Option<String> {
    let (why, at) = recorded_decision(v)?;
    Some(format!(
        "left alone: the comment at line {} records the decision (\"{why}\"); change it by hand if the reason no longer holds",
        doc.line_of(at)
    ))
}

/// A literal `false` that should be `true`: [`explicit_value`] with the literal turned on
/// (`review` whatever `applicability` says: an explicit value is a decision).
pub(crate) fn turn_on(
    doc: &crate::model::Document,
    meta: &'static crate::transform::Meta,
    _applicability: crate::edit::Applicability,
    v: &crate::lang::mapping::ValueNode,
    head: &str,
    done: &str,
) -> crate::edit::Finding {
    explicit_value(
        doc,
        meta,
        v,
        head,
        done,
        vec![v.replace(&crate::value::Value::Bool(true))],
    )
}

/// A finding whose fix has its own applicability (an explicit `false` turned on is
/// `review` even in a `safe` transform).
pub(crate) fn finding_with(
    meta: &'static crate::transform::Meta,
    applicability: crate::edit::Applicability,
    offset: usize,
    message: String,
    edits: Vec<crate::edit::Edit>,
) -> crate::edit::Finding {
    crate::edit::Finding {
        transform: meta.id,
        message,
        offset,
        fix: Some(crate::edit::Fix::new(applicability, edits)),
    }
}

/// New entries appended to a mapping as one insertion, so they keep their order
/// (two insertions at the same point would not). An empty TypeScript object gets them
/// all after the comments it holds; another empty mapping gets the first entry only (the
/// fixer's next pass adds the rest).
pub(crate) fn insert_entries(
    map: crate::lang::mapping::MapNode,
    entries: &[(&str, crate::value::Value)],
) -> Vec<crate::edit::Edit> {
    insert_entries_at(map, crate::lang::mapping::Position::End, entries)
}

/// `insert_entries` at a chosen position (e.g. right after `Type`).
pub(crate) fn insert_entries_at<'a>(
    map: crate::lang::mapping::MapNode<'a>,
    at: crate::lang::mapping::Position<'_, 'a>,
    entries: &[(&str, crate::value::Value)],
) -> Vec<crate::edit::Edit> {
    let Some(((first_key, first_value), _)) = entries.split_first() else {
        return vec![];
    };
    let doc = map.doc;
    let r = crate::value::Renderer {
        syntax: doc.syntax,
        style: &doc.style,
        flow: map.node.kind() == "flow_mapping",
    };
    let block = map.node.kind() == "block_mapping";
    let nl = doc.style.newline;
    let rendered = map.insert_with(at, |indent, multi_line| {
        let sep = match (multi_line, block) {
            (true, true) => format!("{nl}{indent}"),
            (true, false) => format!(",{nl}{indent}"),
            (false, _) => ", ".to_string(),
        };
        let texts: Vec<String> = entries.iter().map(|(k, v)| r.entry(k, v, indent)).collect();
        texts.join(&sep)
    });
    let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
    rendered
        .map(|edits| map.mark_members(edits, at, &keys))
        .or_else(|| map.fill_empty_entries(entries).map(|e| vec![e]))
        .unwrap_or_else(|| map.insert(first_key, first_value, at))
}

/// Props for a resource that has none: CFN `Properties` after `Type`, or a TS props
/// argument after the construct id. `None` when props exist but are not a mapping.
pub(crate) fn add_props(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    key: &str,
    value: crate::value::Value,
) -> Option<Vec<crate::edit::Edit>> {
    let props = crate::value::Value::map([(key, value)]);
    if let Some(body) = r.body {
        return (!body.has("Properties")).then(|| {
            body.insert(
                "Properties",
                &props,
                crate::lang::mapping::Position::After("Type"),
            )
        });
    }
    let mut args = crate::lang::named_children(r.node.child_by_field_name("arguments")?);
    args.retain(|n| n.kind() != "comment");
    let [_, id] = args.as_slice() else {
        return None;
    };
    let text = crate::value::Renderer::new(doc.parsed.syntax, &doc.parsed.style)
        .value(&props, doc.parsed.line_indent(id.start_byte()));
    Some(vec![crate::edit::Edit::insert(
        id.end_byte(),
        format!(", {text}"),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::mapping::Position;
    use crate::lang::{Parsed, Syntax};
    use crate::value::Value;

    fn after_type(syntax: Syntax, source: &str) -> String {
        let parsed = Parsed::new(syntax, source.to_string());
        let root = crate::lang::cfn::root_map(&parsed).unwrap();
        let entries = [("A", Value::str("p")), ("B", Value::str("q"))];
        let edits = insert_entries_at(root, Position::After("Type"), &entries);
        crate::edit::apply_edits(source, &edits.iter().collect::<Vec<_>>())
    }

    #[test]
    fn entries_inserted_in_order_at_a_position() {
        assert_eq!(
            after_type(Syntax::Yaml, "Type: T\nProperties: {}\n"),
            "Type: T\nA: p\nB: q\nProperties: {}\n"
        );
        assert_eq!(
            after_type(
                Syntax::Json,
                "{\n  \"Type\": \"T\",\n  \"Properties\": {}\n}\n"
            ),
            "{\n  \"Type\": \"T\",\n  \"A\": \"p\",\n  \"B\": \"q\",\n  \"Properties\": {}\n}\n"
        );
    }
}
