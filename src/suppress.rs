//! Suppressions: places where a person decided to keep what a transform would change.
//!
//! iac-fix's own forms:
//! - `// iac-fix-ignore: id, id` (TS) or `# iac-fix-ignore: id` (YAML) on the line before a
//!   statement, construct, property or resource, or at the end of its first line; no ids = all;
//! - `// iac-fix-ignore-file: id` anywhere (file-wide);
//! - CloudFormation resource `Metadata: { iac-fix: { ignore: [id, …] } }`.
//!
//! Other tools' forms count when they name one of the transform's equivalent ids:
//! checkov `checkov:skip=ID`, KICS `kics-scan disable=ID`, Trivy `trivy:ignore:ID` comments;
//! CFN `Metadata` of `checkov.skip[].id`, `cfn-lint.config.ignore_checks` (resource or
//! template), `cfn_nag.rules_to_suppress[].id`, `cdk_nag.rules_to_suppress[].id`, cfn-guard
//! `guard.SuppressedRules` (resource or template; guard / AWS Config rule names such as
//! `S3_BUCKET_VERSIONING_ENABLED`, listed in the transforms' equivalents); cdk-nag
//! `NagSuppressions.addResourceSuppressions(x, [{ id }])`, `addStackSuppressions` and v3
//! `Validations.of(x).acknowledge({ id })`.

use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::{descendants, named_children, Syntax};
use crate::model::Document;
use crate::transform::Meta;
use std::cell::Cell;
use std::ops::Range;
use tree_sitter::Node;

/// One suppression: the byte range it covers, the ids it names (empty: all), where it is.
#[derive(Debug)]
struct Rule {
    range: Range<usize>,
    ids: Vec<String>,
    /// What to show: `iac-fix-ignore` at line 12, `checkov:skip=CKV_AWS_116`…
    origin: String,
    /// Line (1-based) of an own `iac-fix-ignore` comment, for the unused-suppression report.
    own_line: Option<usize>,
    used: Cell<bool>,
}

#[derive(Debug, Default)]
pub struct Suppressions {
    rules: Vec<Rule>,
}

impl Suppressions {
    pub fn of(doc: &Document) -> Suppressions {
        let mut s = Suppressions::default();
        let whole = 0..doc.source().len();
        // Most files hold no suppression comment: skip the walk for them.
        let markers = ["iac-fix-ignore", "checkov:", "kics-scan", "trivy:"];
        let has_comments = markers.iter().any(|m| doc.source().contains(m));
        let nodes: &[Node] = if has_comments { doc.nodes() } else { &[] };
        for &comment in nodes.iter().filter(|n| n.kind() == "comment") {
            s.comment(doc, comment, &whole);
        }
        if doc.flavor.is_cfn() {
            s.cfn_metadata(doc, &whole);
        } else {
            s.cdk_nag(doc, &whole);
        }
        s
    }

    /// What suppresses a finding of the transform `meta` at `offset` (a byte offset in the
    /// text these suppressions were read from), if anything.
    pub fn by(&self, offset: usize, meta: &Meta) -> Option<String> {
        let rule = self.rules.iter().find(|r| {
            r.range.contains(&offset)
                && (r.ids.is_empty()
                    || r.ids
                        .iter()
                        .any(|id| id == meta.id || meta.equivalents.contains(&id.as_str())))
        })?;
        rule.used.set(true);
        Some(rule.origin.clone())
    }

    /// Own `iac-fix-ignore` comments that suppressed nothing, as (line, ids), among those
    /// naming only transforms `enabled` says ran.
    pub fn unused(&self, enabled: impl Fn(&str) -> bool) -> Vec<(usize, String)> {
        self.rules
            .iter()
            .filter(|r| !r.used.get() && !r.ids.is_empty() && r.ids.iter().all(|id| enabled(id)))
            .filter_map(|r| Some((r.own_line?, r.ids.join(", "))))
            .collect()
    }

    fn push(
        &mut self,
        range: Range<usize>,
        ids: Vec<String>,
        origin: String,
        own_line: Option<usize>,
    ) {
        self.rules.push(Rule {
            range,
            ids,
            origin,
            own_line,
            used: Cell::new(false),
        });
    }

    fn comment(&mut self, doc: &Document, comment: Node, whole: &Range<usize>) {
        let text = doc.text(comment);
        let body = text
            .trim_start_matches(['/', '*', '#', ' '])
            .trim_end_matches(['*', '/', ' ']);
        let line = comment.start_position().row + 1;
        if let Some(rest) = directive(body, "iac-fix-ignore-file") {
            self.push(
                whole.clone(),
                ids(rest),
                format!("iac-fix-ignore-file at line {line}"),
                None,
            );
        } else if let Some(rest) = directive(body, "iac-fix-ignore") {
            let range = target(doc, comment);
            self.push(
                range,
                ids(rest),
                format!("iac-fix-ignore at line {line}"),
                Some(line),
            );
        } else if let Some((tool, found)) = foreign(body) {
            // Inside a CloudFormation resource, checkov-style comments cover that resource.
            let range =
                resource_around(doc, comment.start_byte()).unwrap_or_else(|| target(doc, comment));
            let origin = format!("{tool}{} at line {line}", found.join(","));
            self.push(range, found, origin, None);
        }
    }

    fn cfn_metadata(&mut self, doc: &Document, whole: &Range<usize>) {
        if let Some(meta) = doc
            .template
            .and_then(|t| t.get("Metadata"))
            .and_then(|m| m.as_map())
        {
            for (path, origin) in [
                (
                    &["cfn-lint", "config", "ignore_checks"][..],
                    "template Metadata cfn-lint ignore_checks",
                ),
                (
                    &["guard", "SuppressedRules"][..],
                    "template Metadata guard.SuppressedRules",
                ),
            ] {
                if let Some(found) = meta.get_path(path) {
                    let found = strings(found);
                    if !found.is_empty() {
                        self.push(whole.clone(), found, origin.into(), None);
                    }
                }
            }
        }
        for r in &doc.resources {
            let Some(meta) = r
                .body
                .and_then(|b| b.get("Metadata"))
                .and_then(|m| m.as_map())
            else {
                continue;
            };
            let range = r
                .node
                .parent()
                .map_or(r.node.byte_range(), |p| p.byte_range());
            let id = r.logical_id.as_deref().unwrap_or("");
            for (path, key) in [
                (&["iac-fix", "ignore"][..], None),
                (&["checkov", "skip"][..], Some("id")),
                (&["cfn-lint", "config", "ignore_checks"][..], None),
                (&["cfn_nag", "rules_to_suppress"][..], Some("id")),
                (&["cdk_nag", "rules_to_suppress"][..], Some("id")),
                (&["guard", "SuppressedRules"][..], None),
            ] {
                let Some(v) = meta.get_path(path) else {
                    continue;
                };
                let found = match key {
                    Some(k) => v
                        .as_list()
                        .map(|l| {
                            l.items()
                                .iter()
                                .filter_map(|i| i.as_map()?.get(k)?.as_str())
                                .collect()
                        })
                        .unwrap_or_default(),
                    None => strings(v),
                };
                let origin = format!("{id} Metadata {}", path.join("."));
                // An empty `iac-fix.ignore` list means every transform; other tools' must name ids.
                if !found.is_empty() || path[0] == "iac-fix" {
                    self.push(range.clone(), found, origin, None);
                }
            }
        }
    }

    fn cdk_nag(&mut self, doc: &Document, whole: &Range<usize>) {
        let Some(ts) = &doc.ts else { return };
        for call in &ts.calls {
            let method = doc.text(call.method);
            let receiver = doc.text(call.receiver);
            let args = named_children(call.arguments);
            let (target, list) = match (method, receiver) {
                ("addResourceSuppressions" | "addStackSuppressions", r)
                    if r.ends_with("NagSuppressions") =>
                {
                    (args.first().copied(), args.get(1).copied())
                }
                // `Validations.of(x).acknowledge({ id })`
                ("acknowledge", _) if receiver.starts_with("Validations.of(") => {
                    let of_args = call.receiver.child_by_field_name("arguments");
                    (
                        of_args.and_then(|a| named_children(a).first().copied()),
                        args.first().copied(),
                    )
                }
                _ => continue,
            };
            let (Some(target), Some(list)) = (target, list) else {
                continue;
            };
            let found = nag_ids(doc, list);
            if found.is_empty() {
                continue;
            }
            let origin = format!(
                "cdk-nag suppression of {} at line {}",
                found.join(","),
                call.node.start_position().row + 1
            );
            if method == "addStackSuppressions" {
                self.push(whole.clone(), found, origin, None);
                continue;
            }
            let targets = if target.kind() == "array" {
                named_children(target)
            } else {
                vec![target]
            };
            for t in targets {
                let name = doc.text(t);
                for r in doc
                    .resources
                    .iter()
                    .filter(|r| r.binding.as_deref() == Some(name))
                {
                    let range = r.statement.map_or(r.node.byte_range(), |s| s.byte_range());
                    self.push(range, found.clone(), origin.clone(), None);
                }
            }
        }
    }
}

/// `iac-fix-ignore: a, b` → `Some(" a, b")`; the name must be followed by `:`, space or end.
fn directive<'t>(body: &'t str, name: &str) -> Option<&'t str> {
    let rest = body.strip_prefix(name)?;
    match rest.chars().next() {
        None => Some(""),
        Some(':') => Some(&rest[1..]),
        Some(' ') => Some(rest),
        _ => None,
    }
}

fn ids(list: &str) -> Vec<String> {
    list.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// checkov / KICS / Trivy comment forms: (tool prefix, ids).
fn foreign(body: &str) -> Option<(&'static str, Vec<String>)> {
    let body = body.trim();
    if let Some(rest) = body.strip_prefix("checkov:skip=") {
        return Some((
            "checkov:skip=",
            vec![rest.split(':').next()?.trim().to_string()],
        ));
    }
    if let Some(rest) = body.strip_prefix("kics-scan disable=") {
        return Some(("kics-scan disable=", ids(rest)));
    }
    if let Some(rest) = body.strip_prefix("trivy:ignore:") {
        return Some((
            "trivy:ignore:",
            vec![rest.split_whitespace().next()?.to_string()],
        ));
    }
    None
}

/// A list of strings, or one string.
fn strings(v: ValueNode) -> Vec<String> {
    match v.as_list() {
        Some(l) => l.items().iter().filter_map(|i| i.as_str()).collect(),
        None => v.as_str().into_iter().collect(),
    }
}

/// `id: '…'` values anywhere inside a cdk-nag suppression list.
fn nag_ids(doc: &Document, list: Node) -> Vec<String> {
    descendants(list)
        .into_iter()
        .filter(|n| n.kind() == "object")
        .filter_map(|n| {
            MapNode {
                doc: doc.parsed,
                node: n,
            }
            .get("id")?
            .as_str()
        })
        .collect()
}

/// The range a line comment governs: the outermost node starting on the next code line
/// (own-line comment) or on its own line (trailing comment).
fn target(doc: &Document, comment: Node) -> Range<usize> {
    let parsed = doc.parsed;
    let src = parsed.source.as_str();
    let line_start = parsed.line_start(comment.start_byte());
    let trailing = !src[line_start..comment.start_byte()].trim().is_empty();
    let mut at = if trailing {
        line_start
    } else {
        parsed.line_end(comment.end_byte())
    };
    // Skip to the first code character (over blank lines and further comments).
    loop {
        let rest = &src[at..];
        let skip = rest.len() - rest.trim_start().len();
        at += skip;
        match descendants_at(doc, at) {
            Some(n) if n.kind() == "comment" && n.start_byte() == at => at = n.end_byte(),
            _ => break,
        }
    }
    // A comment that is the last thing in its TS object (`{ // iac-fix-ignore: x }`, props
    // with nothing else in them) governs what the object belongs to: the call or `new`
    // that takes it (a construct and its props), else the object itself.
    if doc.parsed.syntax == Syntax::TypeScript && src[at..].starts_with('}') {
        let object = ancestor(comment, "object").filter(|o| o.end_byte() == at + 1);
        if let Some(object) = object {
            let owner = object
                .parent()
                .filter(|p| p.kind() == "arguments")
                .and_then(|a| a.parent())
                .filter(|c| matches!(c.kind(), "new_expression" | "call_expression"));
            return owner.unwrap_or(object).byte_range();
        }
    }
    let Some(mut node) = descendants_at(doc, at) else {
        return 0..0;
    };
    while let Some(parent) = node.parent() {
        let container = matches!(
            parent.kind(),
            "program"
                | "statement_block"
                | "class_body"
                | "object"
                | "block_mapping"
                | "block_sequence"
                | "flow_mapping"
                | "document"
                | "stream"
        );
        if parent.start_byte() != at || container {
            break;
        }
        node = parent;
    }
    // A YAML key's line: cover its whole pair (`Fn:` then the indented body).
    if doc.parsed.syntax == Syntax::Yaml {
        if let Some(pair) = ancestor(node, "block_mapping_pair").filter(|p| p.start_byte() == at) {
            node = pair;
        }
    }
    node.start_byte()..node.end_byte()
}

fn descendants_at<'t>(doc: &'t Document, at: usize) -> Option<Node<'t>> {
    doc.parsed.root().descendant_for_byte_range(at, at)
}

fn ancestor<'t>(mut node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    loop {
        if node.kind() == kind {
            return Some(node);
        }
        node = node.parent()?;
    }
}

/// The CloudFormation resource (logical id pair) holding `offset`.
fn resource_around(doc: &Document, offset: usize) -> Option<Range<usize>> {
    if !doc.flavor.is_cfn() {
        return None;
    }
    doc.resources
        .iter()
        .filter_map(|r| r.node.parent().map(|p| p.byte_range()))
        .find(|range| range.contains(&offset))
}

/// The edit that suppresses `finding` in the file's own syntax: an own-line
/// `iac-fix-ignore: ID` comment (`//` in TypeScript, `#` in YAML) inserted before the
/// line the finding points at, indented like that line, with the file's line ending; a
/// `reason` goes on a comment line of its own just above (comments between a directive
/// and its code are skipped, see `target`). `None` when the syntax has no comments
/// (JSON: a resource's `Metadata` would be needed) or the line lies inside a string or
/// YAML block scalar, where a comment would become text. The language server's
/// "suppress" action; callers should check the result with [`Suppressions::by`].
pub fn suppression_edit(
    doc: &Document,
    finding: &crate::edit::Finding,
    reason: Option<&str>,
) -> Option<crate::edit::Edit> {
    let marker = match doc.parsed.syntax {
        Syntax::TypeScript => "//",
        Syntax::Yaml => "#",
        Syntax::Json => return None,
    };
    let src = doc.source();
    let offset = finding.offset.min(src.len());
    let line_start = doc.parsed.line_start(offset);
    let indent = doc.parsed.line_indent(offset);
    let code = line_start + indent.len();
    let mut node = descendants_at(doc, code);
    while let Some(n) = node {
        if matches!(
            n.kind(),
            "string" | "template_string" | "block_scalar" | "string_fragment"
        ) && n.start_byte() < code
        {
            return None;
        }
        node = n.parent();
    }
    let eol = doc.parsed.line_end(offset);
    let newline = if src[..eol].ends_with('\r') || src[eol..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut text = String::new();
    if let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        let reason = reason.replace(['\r', '\n'], " ");
        text.push_str(&format!("{indent}{marker} {reason}{newline}"));
    }
    text.push_str(&format!(
        "{indent}{marker} iac-fix-ignore: {}{newline}",
        finding.transform
    ));
    Some(crate::edit::Edit::insert(line_start, text))
}
