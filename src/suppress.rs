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
//! `S3_BUCKET_VERSIONING_ENABLED`, listed in the transforms' equivalents), template-level
//! `iac-fix.ignore` (file-wide); cdk-nag v2 `NagSuppressions.addResourceSuppressions(x,
//! [{ id }])`, `addStackSuppressions`, `addResourceSuppressionsByPath(stack, '/S/Fn/Resource',
//! …)` (the deepest path segment that is a construct id of this file); CDK / cdk-nag v3
//! `Validations.of(x).acknowledge({ id, reason }, …)` (on a construct, a child of one, or
//! `this`/a stack: the class or the file); and the same forms written as construct
//! metadata: `x.node.addMetadata('cdk_nag' | 'checkov' | … | 'aws:cdk:acknowledged-rules',
//! …)`, `cfn.addMetadata(…)`, `cfn.cfnOptions.metadata = { … }`.
//!
//! Ids are compared as rules ([`rule_of`]): CDK records `acknowledge` ids with a namespace
//! (`Annotation::AwsSolutions-S1`, aws-cdk-lib `validation-id.js`), cdk-nag v3 prints
//! granular ids (`AwsSolutions-IAM5[Action::s3:*]`, cdk-nag `src/nag-pack.ts`); both are
//! reduced to the rule, so a granular acknowledgement keeps the whole transform away from
//! that construct. An id no transform knows is collected in
//! [`Suppressions::unknown`] (shown with `--verbose`).

use crate::edit::Edit;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::{descendants, named_children, Syntax};
use crate::model::Document;
use crate::transform::Meta;
use crate::value::Value;
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
    /// Line (1-based) where the suppression is written (0: unknown).
    line: usize,
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
        self.by_within(offset..offset + 1, meta)
    }

    /// What suppresses the transform `meta` over all of `span` (byte offsets, half-open;
    /// an empty span is a point between two bytes), if anything: a suppression whose range
    /// holds every byte of `span`, or for an empty span the bytes on both sides of it, so an
    /// insertion at the edge of a suppressed block (a new resource right before or after
    /// it) is not inside it.
    pub fn by_within(&self, span: Range<usize>, meta: &Meta) -> Option<String> {
        let (first, last) = if span.is_empty() {
            (span.start.checked_sub(1)?, span.start)
        } else {
            (span.start, span.end - 1)
        };
        let rule = self.rules.iter().find(|r| {
            r.range.contains(&first)
                && r.range.contains(&last)
                && (r.ids.is_empty()
                    || r.ids.iter().any(|id| {
                        let id = rule_of(id);
                        id == meta.id || meta.equivalents.contains(&id)
                    }))
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

    /// Ids named by suppressions that no transform has as its id or an equivalent
    /// (`known` says which are known): (line, id, what wrote it). Reported with
    /// `--verbose` only: a checkov skip of a check iac-fix does not fix is normal.
    pub fn unknown(&self, known: impl Fn(&str) -> bool) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        for r in &self.rules {
            for id in &r.ids {
                if !known(rule_of(id)) && !out.iter().any(|(l, i, _)| *l == r.line && i == id) {
                    out.push((r.line, id.clone(), r.origin.clone()));
                }
            }
        }
        out
    }

    fn push(
        &mut self,
        range: Range<usize>,
        ids: Vec<String>,
        origin: String,
        own_line: Option<usize>,
    ) {
        let line = own_line.unwrap_or(0);
        self.push_at(range, ids, origin, own_line, line);
    }

    fn push_at(
        &mut self,
        range: Range<usize>,
        ids: Vec<String>,
        origin: String,
        own_line: Option<usize>,
        line: usize,
    ) {
        self.rules.push(Rule {
            range,
            ids,
            origin,
            own_line,
            line,
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
            self.push_at(
                whole.clone(),
                ids(rest),
                format!("iac-fix-ignore-file at line {line}"),
                None,
                line,
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
            self.push_at(range, found, origin, None, line);
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
                (
                    &["iac-fix", "ignore"][..],
                    "template Metadata iac-fix.ignore",
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
            for (path, found) in metadata_ids(&meta) {
                let origin = format!("{id} Metadata {}", path.join("."));
                // An empty `iac-fix.ignore` list means every transform; other tools' must name ids.
                if !found.is_empty() || path[0] == "iac-fix" {
                    let line = r.node.start_position().row + 1;
                    self.push_at(range.clone(), found, origin, None, line);
                }
            }
        }
    }

    /// cdk-nag v2 `NagSuppressions.*`, v3 / CDK `Validations.of(x).acknowledge(…)`, and
    /// suppressions written as construct metadata (`x.node.addMetadata('cdk_nag', …)`,
    /// `cfn.addMetadata(…)`, `cfn.cfnOptions.metadata = { … }`), each covering the
    /// construct it names (see [`ts_scope`]).
    fn cdk_nag(&mut self, doc: &Document, whole: &Range<usize>) {
        let Some(ts) = &doc.ts else { return };
        for call in &ts.calls {
            let method = doc.text(call.method);
            let receiver = doc.text(call.receiver);
            let args = named_children(call.arguments);
            let line = call.node.start_position().row + 1;
            let (scope, found, tool) = match method {
                "addResourceSuppressions" | "addStackSuppressions"
                    if receiver.ends_with("NagSuppressions") =>
                {
                    let (Some(&target), Some(&list)) = (args.first(), args.get(1)) else {
                        continue;
                    };
                    let scope = if method == "addStackSuppressions" {
                        Scope::File
                    } else {
                        ts_scope(doc, target)
                    };
                    (scope, nag_ids(doc, list), "cdk-nag suppression")
                }
                // `NagSuppressions.addResourceSuppressionsByPath(stack, '/Stack/Fn/Resource', [...])`
                "addResourceSuppressionsByPath" if receiver.ends_with("NagSuppressions") => {
                    let (Some(&paths), Some(&list)) = (args.get(1), args.get(2)) else {
                        continue;
                    };
                    (
                        path_scope(doc, paths),
                        nag_ids(doc, list),
                        "cdk-nag suppression",
                    )
                }
                // `Validations.of(x).acknowledge({ id, reason }, …)` (CDK core; cdk-nag v3)
                "acknowledge" if is_validations_of(doc, call.receiver) => {
                    let of_args = call.receiver.child_by_field_name("arguments");
                    let Some(&target) = of_args
                        .as_ref()
                        .and_then(|a| named_children(*a).first().copied())
                        .as_ref()
                    else {
                        continue;
                    };
                    let found = args.iter().flat_map(|a| nag_ids(doc, *a)).collect();
                    (ts_scope(doc, target), found, "cdk-nag acknowledgement")
                }
                // `x.node.addMetadata('cdk_nag', { rules_to_suppress: [...] })`, `cfn.addMetadata(…)`
                "addMetadata" => {
                    let (Some(&key), Some(&value)) = (args.first(), args.get(1)) else {
                        continue;
                    };
                    let key_text = doc.text(key);
                    let key = if key_text.ends_with("ACKNOWLEDGED_RULES_METADATA_KEY") {
                        ACKNOWLEDGED.to_string()
                    } else {
                        match ValueNode::new(doc.parsed, key).as_str() {
                            Some(k) => k,
                            None => continue,
                        }
                    };
                    let target = receiver.strip_suffix(".node").map_or(call.receiver, |_| {
                        call.receiver
                            .child_by_field_name("object")
                            .unwrap_or(call.receiver)
                    });
                    let found = metadata_entry_ids(doc, &key, value);
                    (ts_scope(doc, target), found, "construct metadata")
                }
                _ => continue,
            };
            if found.is_empty() {
                continue;
            }
            let origin = format!("{tool} of {} at line {line}", found.join(","));
            self.push_scope(scope, whole, found, origin, line);
        }
        // `cfn.cfnOptions.metadata = { cdk_nag: …, checkov: … }`
        if doc.source().contains("cfnOptions") {
            for &n in doc
                .nodes()
                .iter()
                .filter(|n| n.kind() == "assignment_expression")
            {
                let (Some(left), Some(right)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    continue;
                };
                let left_text = doc.text(left);
                let Some(target_text) = left_text.strip_suffix(".cfnOptions.metadata") else {
                    continue;
                };
                let Some(map) = ValueNode::new(doc.parsed, right).as_map() else {
                    continue;
                };
                let found: Vec<String> = metadata_ids(&map)
                    .into_iter()
                    .flat_map(|(_, ids)| ids)
                    .collect();
                if found.is_empty() {
                    continue;
                }
                let line = n.start_position().row + 1;
                let target = left
                    .child_by_field_name("object")
                    .and_then(|o| o.child_by_field_name("object"))
                    .filter(|o| doc.text(*o) == target_text);
                let scope = target.map_or(Scope::File, |t| ts_scope(doc, t));
                let origin = format!("construct metadata of {} at line {line}", found.join(","));
                self.push_scope(scope, whole, found, origin, line);
            }
        }
    }

    fn push_scope(
        &mut self,
        scope: Scope,
        whole: &Range<usize>,
        found: Vec<String>,
        origin: String,
        line: usize,
    ) {
        match scope {
            Scope::File => self.push_at(whole.clone(), found, origin, None, line),
            // A construct path naming no construct of this file governs nothing here.
            Scope::Unresolved => {}
            Scope::Ranges(ranges) => {
                for range in ranges {
                    self.push_at(range, found.clone(), origin.clone(), None, line);
                }
            }
        }
    }
}

/// The metadata key CDK's `Validations.acknowledge` records rules under.
const ACKNOWLEDGED: &str = "aws:cdk:acknowledged-rules";

/// What a suppression in TypeScript covers.
enum Scope {
    /// The whole file (a stack-wide suppression, or a scope the tool cannot resolve
    /// to a construct of this file: better no fix than one a team refused).
    File,
    /// These statements (constructs of this file).
    Ranges(Vec<Range<usize>>),
    /// Nothing in this file (a construct path naming no construct here).
    Unresolved,
}

/// `Validations.of(…)` (also `cdk.Validations.of(…)`).
fn is_validations_of(doc: &Document, receiver: Node) -> bool {
    receiver.kind() == "call_expression"
        && receiver.child_by_field_name("function").is_some_and(|f| {
            let t = doc.text(f);
            t == "Validations.of" || t.ends_with(".Validations.of")
        })
}

/// The construct a TypeScript expression names: `fn`, `this.fn`, `fn.node.defaultChild as
/// CfnFunction`, `fn.role!` (a child of `fn`: `fn` is covered), `this` (the class being
/// built). An identifier that is no construct of this file (a stack, an app, a construct
/// from elsewhere) covers the whole file.
fn ts_scope(doc: &Document, expr: Node) -> Scope {
    let mut expr = expr;
    while matches!(
        expr.kind(),
        "as_expression"
            | "non_null_expression"
            | "parenthesized_expression"
            | "satisfies_expression"
    ) {
        match expr.named_child(0) {
            Some(inner) => expr = inner,
            None => break,
        }
    }
    let mut text: String = doc
        .text(expr)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    loop {
        let text_trimmed = text.trim_end_matches(['!', '?']);
        let ranges: Vec<Range<usize>> = doc
            .resources
            .iter()
            .filter(|r| r.binding.as_deref() == Some(text_trimmed))
            .map(|r| r.statement.map_or(r.node.byte_range(), |s| s.byte_range()))
            .collect();
        if !ranges.is_empty() {
            return Scope::Ranges(ranges);
        }
        if text_trimmed == "this" {
            return match ancestor_any(
                expr,
                &["class_declaration", "class", "abstract_class_declaration"],
            ) {
                Some(class) => Scope::Ranges(vec![class.byte_range()]),
                None => Scope::File,
            };
        }
        match text_trimmed.rfind('.') {
            Some(i) => text = text_trimmed[..i].to_string(),
            None => return Scope::File,
        }
    }
}

fn ancestor_any<'t>(mut node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    loop {
        if kinds.contains(&node.kind()) {
            return Some(node);
        }
        node = node.parent()?;
    }
}

/// The constructs of this file a cdk-nag construct path (`'/Stack/Fn/Resource'`, or a list
/// of them) names: the deepest path segment that is a construct id here.
fn path_scope(doc: &Document, paths: Node) -> Scope {
    let value = ValueNode::new(doc.parsed, paths);
    let paths: Vec<String> = match value.as_list() {
        Some(l) => l.items().iter().filter_map(|i| i.as_str()).collect(),
        None => value.as_str().into_iter().collect(),
    };
    if paths.is_empty() {
        // A computed path: the tool cannot tell what it names.
        return Scope::File;
    }
    let mut ranges = Vec::new();
    for path in paths {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        for seg in segments.iter().rev() {
            let hits: Vec<Range<usize>> = doc
                .resources
                .iter()
                .filter(|r| r.logical_id.as_deref() == Some(*seg))
                .map(|r| r.statement.map_or(r.node.byte_range(), |s| s.byte_range()))
                .collect();
            if !hits.is_empty() {
                ranges.extend(hits);
                break;
            }
        }
    }
    if ranges.is_empty() {
        Scope::Unresolved
    } else {
        Scope::Ranges(ranges)
    }
}

/// The ids a metadata entry `key: value` suppresses (TS `addMetadata(key, value)`).
fn metadata_entry_ids(doc: &Document, key: &str, value: Node) -> Vec<String> {
    let value = ValueNode::new(doc.parsed, value);
    if key == ACKNOWLEDGED {
        return value
            .as_map()
            .map(|m| m.entries().iter().map(|e| m.key_text(e)).collect())
            .unwrap_or_default();
    }
    let mut found = Vec::new();
    for (path, item_key) in METADATA_FORMS {
        if path[0] != key {
            continue;
        }
        let v = if path.len() == 1 {
            Some(value)
        } else {
            value.as_map().and_then(|m| m.get_path(&path[1..]))
        };
        if let Some(v) = v {
            found.extend(metadata_value_ids(v, *item_key));
        }
    }
    found
}

/// Suppression forms in CloudFormation `Metadata` (resource or construct): the path to
/// the list and, for lists of objects, the key holding each id.
const METADATA_FORMS: &[(&[&str], Option<&str>)] = &[
    (&["iac-fix", "ignore"], None),
    (&["checkov", "skip"], Some("id")),
    (&["cfn-lint", "config", "ignore_checks"], None),
    (&["cfn_nag", "rules_to_suppress"], Some("id")),
    (&["cdk_nag", "rules_to_suppress"], Some("id")),
    (&["guard", "SuppressedRules"], None),
];

fn metadata_value_ids(v: ValueNode, item_key: Option<&str>) -> Vec<String> {
    match item_key {
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
    }
}

/// (path, ids) of every suppression form present in a metadata mapping.
fn metadata_ids(meta: &MapNode) -> Vec<(&'static [&'static str], Vec<String>)> {
    METADATA_FORMS
        .iter()
        .filter_map(|(path, item_key)| {
            let v = meta.get_path(path)?;
            Some((*path, metadata_value_ids(v, *item_key)))
        })
        .collect()
}

/// An id as cdk-nag and CDK print or record it, reduced to the rule: a namespace prefix
/// (`Annotation::AwsSolutions-S1`, `AwsSolutions::AwsSolutions-S1`, outside brackets)
/// and a granular finding (`AwsSolutions-IAM5[Action::s3:*]`) are dropped. A granular
/// acknowledgement suppresses the whole transform: the tool cannot tell which finding
/// its fix would change, and a refused finding must never be fixed.
pub fn rule_of(id: &str) -> &str {
    let mut depth = 0usize;
    let bytes = id.as_bytes();
    let mut start = 0;
    let mut end = id.len();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' | b'{' => {
                if depth == 0 && end == id.len() && i > start {
                    end = i;
                }
                depth += 1;
            }
            b']' | b')' | b'}' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b':') && end == id.len() => {
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    id[start..end.max(start)].trim()
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

/// The ids of an own directive; a reason may follow ` -- ` (`iac-fix-ignore: a, b -- legacy`).
fn ids(list: &str) -> Vec<String> {
    let list = list.split("--").next().unwrap_or("");
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
    let first_code = node;
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
    // An own-line comment that is the first line inside a body (before the first entry of
    // a mapping or object) governs what the body belongs to, as a comment above it would.
    if !trailing {
        if let Some(owner) = body_owner(doc, comment, first_code, node) {
            return owner;
        }
    } else if let Some(last) = src[line_start..comment.start_byte()]
        .trim_end()
        .len()
        .checked_sub(1)
        .and_then(|i| descendants_at(doc, line_start + i))
    {
        // A trailing comment also governs the outermost node that starts on its line and
        // holds the line's last code (`.next(new Task(this, 'T', { // iac-fix-ignore`).
        let outer = std::iter::successors(Some(last), |n| n.parent())
            .take_while(|n| n.start_byte() >= line_start)
            .last()
            .unwrap_or(last);
        return node.start_byte().min(outer.start_byte())..node.end_byte().max(outer.end_byte());
    }
    node.start_byte()..node.end_byte()
}

/// When `comment` stands before the first entry `entry` of a resource's body (inside the
/// body, after its key or brace), the range of the resource: a CloudFormation YAML
/// resource's whole pair (its logical id's mapping or its `Properties`), or the TS call or
/// `new` that takes the object as an argument (a construct's props). `first_code` is the
/// first node after the comment.
fn body_owner(
    doc: &Document,
    comment: Node,
    first_code: Node,
    entry: Node,
) -> Option<Range<usize>> {
    let container = std::iter::successors(Some(first_code), |n| n.parent())
        .take_while(|n| n.start_byte() >= comment.end_byte() || n.kind() == "object")
        .find(|n| matches!(n.kind(), "block_mapping" | "flow_mapping" | "object"))?;
    let first = named_children(container)
        .into_iter()
        .find(|c| c.kind() != "comment")?;
    if first.start_byte() < comment.end_byte() || !first.byte_range().contains(&entry.start_byte())
    {
        return None;
    }
    if container.kind() == "object" {
        // TS: the comment must sit inside the braces.
        if comment.start_byte() <= container.start_byte() {
            return None;
        }
        let parent = container.parent()?;
        return match parent.kind() {
            "arguments" => parent
                .parent()
                .filter(|c| matches!(c.kind(), "new_expression" | "call_expression"))
                .map(|c| c.byte_range()),
            _ => None,
        };
    }
    // YAML: the pair whose value is the mapping, its key before the comment: a
    // CloudFormation resource (its logical id's pair) or a resource's `Properties`.
    let pair =
        ancestor(container, "block_mapping_pair").or_else(|| ancestor(container, "flow_pair"))?;
    let key = pair.child_by_field_name("key")?;
    if key.end_byte() > comment.start_byte() || !doc.flavor.is_cfn() {
        return None;
    }
    doc.resources.iter().find_map(|r| {
        let whole = r.node.parent()?;
        let properties = r.props.map(|p| p.node.id());
        let is_properties = properties.is_some_and(|id| {
            std::iter::successors(Some(container), |n| n.parent())
                .take_while(|n| n.start_byte() >= pair.start_byte())
                .any(|n| n.id() == id)
        }) && doc.text(key).trim_matches(['"', '\'']) == "Properties";
        (whole.id() == pair.id() || is_properties).then(|| whole.byte_range())
    })
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

/// `--add-ignore`: the edits that write, for every finding, the flavor's own suppression
/// naming its transform, so that a second run reports none of them; each finding is
/// given as (byte offset, transform id).
///
/// - TypeScript: `// iac-fix-ignore: id, id -- REASON` on its own line above the
///   statement holding the finding (the ids of one statement on one line);
/// - CloudFormation YAML: `# iac-fix-ignore: id -- REASON` above the resource's logical
///   id (or above the top-level key, `Outputs:`…, holding the finding);
/// - CloudFormation JSON (no comments): the resource's
///   `Metadata: { "iac-fix": { "ignore": [ids], "reason": REASON } }` (ids appended to
///   an existing list), and the template's `Metadata` for a finding outside resources.
///
/// A finding with no such place (a statement sharing its line with other code, a flow-
/// style YAML resource) gets a file-wide `iac-fix-ignore-file: id` comment at the top
/// (TS, YAML); in JSON it is left out (the caller re-checks and reports what remains).
/// Inserted text takes the file's indentation and line breaks; `reason` is one line.
pub fn ignore_edits(doc: &Document, findings: &[(usize, &str)], reason: &str) -> Vec<Edit> {
    let reason: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace("*/", "* /")
        .trim()
        .to_string();
    // Places (insertion offset, or a JSON mapping's start) → ids, in finding order.
    let mut places: Vec<(Place, Vec<String>)> = Vec::new();
    for &(offset, id) in findings {
        let place = match doc.parsed.syntax {
            Syntax::TypeScript => ts_place(doc, offset),
            Syntax::Yaml => yaml_place(doc, offset),
            Syntax::Json => json_place(doc, offset),
        };
        match places.iter_mut().find(|(p, _)| *p == place) {
            Some((_, ids)) if ids.iter().any(|i| i == id) => {}
            Some((_, ids)) => ids.push(id.to_string()),
            None => places.push((place, vec![id.to_string()])),
        }
    }
    let nl = doc.parsed.style.newline;
    let src = doc.source();
    let marker = if doc.parsed.syntax == Syntax::TypeScript {
        "//"
    } else {
        "#"
    };
    let tail = if reason.is_empty() {
        String::new()
    } else {
        format!(" -- {reason}")
    };
    let mut edits = Vec::new();
    let mut file_wide: Vec<String> = Vec::new();
    for (place, ids) in places {
        match place {
            Place::LineAbove(at) => {
                let indent =
                    &src[at..][..src[at..].len() - src[at..].trim_start_matches([' ', '\t']).len()];
                edits.push(Edit::insert(
                    at,
                    format!(
                        "{indent}{marker} iac-fix-ignore: {}{tail}{nl}",
                        ids.join(", ")
                    ),
                ));
            }
            Place::FileWide => {
                for id in ids {
                    if !file_wide.contains(&id) {
                        file_wide.push(id);
                    }
                }
            }
            Place::ResourceMetadata(i) => {
                if let Some(body) = doc.resources.get(i).and_then(|r| r.body) {
                    edits.extend(metadata_ignore_edits(&body, &ids, &reason));
                }
            }
            Place::TemplateMetadata => {
                if let Some(template) = doc.template {
                    edits.extend(metadata_ignore_edits(&template, &ids, &reason));
                }
            }
            Place::Nowhere => {}
        }
    }
    if !file_wide.is_empty() {
        // After a shebang, a BOM is not part of the parsed text.
        let at = if src.starts_with("#!") {
            doc.parsed.line_end(0) + nl.len().min(src.len() - doc.parsed.line_end(0))
        } else {
            0
        };
        edits.push(Edit::insert(
            at,
            format!(
                "{marker} iac-fix-ignore-file: {}{tail}{nl}",
                file_wide.join(", ")
            ),
        ));
    }
    edits
}

/// Where `--add-ignore` writes the suppression of one finding.
#[derive(Debug, PartialEq)]
enum Place {
    /// A comment line inserted at this offset (the start of the governed line).
    LineAbove(usize),
    /// A file-wide comment at the top.
    FileWide,
    /// JSON: the `Metadata` of `doc.resources[i]`.
    ResourceMetadata(usize),
    /// JSON: the template's `Metadata`.
    TemplateMetadata,
    /// No place (JSON without a template mapping).
    Nowhere,
}

/// The start of `node`'s line when only indentation precedes it there.
fn own_line_start(doc: &Document, node: Node) -> Option<usize> {
    let at = doc.parsed.line_start(node.start_byte());
    doc.source()[at..node.start_byte()]
        .trim_matches([' ', '\t'])
        .is_empty()
        .then_some(at)
}

fn ts_place(doc: &Document, offset: usize) -> Place {
    let Some(mut node) = doc.parsed.root().descendant_for_byte_range(offset, offset) else {
        return Place::FileWide;
    };
    loop {
        let Some(parent) = node.parent() else {
            return Place::FileWide;
        };
        if matches!(
            parent.kind(),
            "program" | "statement_block" | "class_body" | "switch_body"
        ) && node.kind() != "comment"
            && !matches!(node.kind(), "{" | "}")
        {
            return own_line_start(doc, node).map_or(Place::FileWide, Place::LineAbove);
        }
        node = parent;
    }
}

fn yaml_place(doc: &Document, offset: usize) -> Place {
    if let Some(r) = doc.resources.iter().find(|r| {
        r.node
            .parent()
            .is_some_and(|p| p.byte_range().contains(&offset))
    }) {
        let pair = r.node.parent().unwrap_or(r.node);
        return own_line_start(doc, pair).map_or(Place::FileWide, Place::LineAbove);
    }
    // A top-level key (`Outputs:`, `Conditions:`) holding the finding.
    let top = doc.template.map(|t| t.node);
    if let Some(top) = top {
        for pair in named_children(top) {
            if pair.byte_range().contains(&offset) && pair.kind() == "block_mapping_pair" {
                return own_line_start(doc, pair).map_or(Place::FileWide, Place::LineAbove);
            }
        }
    }
    Place::FileWide
}

fn json_place(doc: &Document, offset: usize) -> Place {
    if let Some(i) = doc.resources.iter().position(|r| {
        r.body.is_some()
            && r.node
                .parent()
                .is_some_and(|p| p.byte_range().contains(&offset))
    }) {
        return Place::ResourceMetadata(i);
    }
    if doc.template.is_some() {
        Place::TemplateMetadata
    } else {
        Place::Nowhere
    }
}

/// `Metadata.iac-fix.ignore` of a JSON mapping (a resource or the template) extended by
/// `ids`, with `reason` beside it when the entry is new.
fn metadata_ignore_edits(map: &MapNode, ids: &[String], reason: &str) -> Vec<Edit> {
    let strings =
        |ids: &[&String]| Value::List(ids.iter().map(|s| Value::str(s.as_str())).collect());
    if let Some(existing) = map.get_path(&["Metadata", "iac-fix", "ignore"]) {
        let Some(list) = existing.as_list() else {
            return vec![];
        };
        let present: Vec<String> = list.items().iter().filter_map(|i| i.as_str()).collect();
        let new: Vec<&String> = ids.iter().filter(|i| !present.contains(i)).collect();
        return match new.len() {
            0 => vec![],
            1 => list.push(&Value::str(new[0].as_str())),
            // Several: the list rewritten with all of them (pushes would share a point).
            _ => {
                let all: Vec<&String> = present.iter().chain(new.iter().copied()).collect();
                vec![existing.replace(&strings(&all))]
            }
        };
    }
    let all: Vec<&String> = ids.iter().collect();
    if let Some(own) = map.get_path(&["Metadata", "iac-fix"]) {
        // `iac-fix` without an `ignore` list: add one (not a mapping: leave it alone).
        return own
            .as_map()
            .map_or_else(Vec::new, |m| m.set("ignore", &strings(&all)));
    }
    let entry = if reason.is_empty() {
        Value::map([("ignore", strings(&all))])
    } else {
        Value::map([("ignore", strings(&all)), ("reason", Value::str(reason))])
    };
    map.set_path(&["Metadata", "iac-fix"], &entry)
}
