//! A CloudFormation template as data, and what a fix may change in it.
//!
//! [`to_value`] reads a JSON or YAML template into a `serde_json::Value` with every
//! YAML short tag in its long form (`!Ref X` is `{"Ref": "X"}`, `!GetAtt a.b` is
//! `{"Fn::GetAtt": ["a", "b"]}`, `!Condition c` is `{"Condition": "c"}`, any other
//! `!Name v` is `{"Fn::Name": v}`: the expansion CloudFormation, cfn-lint and the AWS
//! CLI apply), aliases expanded, plain scalars resolved as YAML 1.2 core schema types.
//! Two texts that CloudFormation reads as the same template give equal values.
//!
//! [`differences`] lists the minimal differences between two values (by key, list
//! items by index), the CloudFormation-level oracle (`tests/cfn_effect.rs`) checks them
//! against each fixture's `.effect` file, and [`check_write`] is the run-time guard:
//! before a fixed template is written, every resource, parameter, condition and output
//! and every other top-level key that no applied edit lies inside must be equal as data.
//!
//! Only generic template structure is known here (the top-level sections); no AWS
//! service.

use super::cfn_digest::Digest;
use super::mapping::MapNode;
use super::{cfn, Parsed, Syntax};
use serde_json::{Map, Number, Value};
use std::collections::BTreeSet;
use std::ops::Range;

/// Top-level sections whose entries are compared one by one (each entry is a unit a
/// fix may own); every other top-level key is one unit.
pub const SECTIONS: [&str; 4] = ["Resources", "Parameters", "Conditions", "Outputs"];

/// The template in `source` as data (YAML tags in long form). Errors: the text does
/// not parse strictly (the reason, with line:column for YAML).
pub fn to_value(syntax: Syntax, source: &str) -> Result<Value, String> {
    to_value_with(syntax, source, true)
}

/// The template as written: like [`to_value`], but a YAML alias stays a reference
/// (`{"*": <anchor number>}`) instead of a copy of its anchor's value. The write guard
/// compares these: editing an anchored value legitimately changes every alias of it,
/// and the entries holding the aliases are not what the fix's edits touched.
pub fn to_value_as_written(syntax: Syntax, source: &str) -> Result<Value, String> {
    to_value_with(syntax, source, false)
}

fn to_value_with(syntax: Syntax, source: &str, expand_aliases: bool) -> Result<Value, String> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    match syntax {
        Syntax::Json => serde_json::from_str(source).map_err(|e| format!("JSON: {e}")),
        Syntax::Yaml => yaml_value(source, expand_aliases),
        Syntax::TypeScript => Err("not a template syntax".into()),
    }
}

/// One open YAML collection while events are folded into values.
enum Open {
    Seq(Vec<Value>, usize, Option<String>),
    /// Entries so far, a key waiting for its value, anchor, tag.
    Map(Map<String, Value>, Option<String>, usize, Option<String>),
}

fn yaml_value(source: &str, expand_aliases: bool) -> Result<Value, String> {
    let mut parser = saphyr_parser::Parser::new_from_str(source);
    let mut builder = YamlValue::new(expand_aliases);
    while let Some(next) = parser.next_event() {
        let (event, _) = next.map_err(|e| {
            let m = e.marker();
            format!("YAML at {}:{}: {}", m.line(), m.col() + 1, e.info())
        })?;
        if builder.event(event)? {
            break;
        }
    }
    Ok(builder.finish())
}

/// Folds YAML events into the template's value ([`yaml_value`]), one event at a time.
struct YamlValue {
    expand_aliases: bool,
    anchors: std::collections::HashMap<usize, Value>,
    stack: Vec<Open>,
    document: Option<Value>,
}

impl YamlValue {
    fn new(expand_aliases: bool) -> Self {
        YamlValue {
            expand_aliases,
            anchors: Default::default(),
            stack: Vec::new(),
            document: None,
        }
    }

    /// Takes one event; `Ok(true)` once the first document is complete (the rest of the
    /// text is not the template).
    fn event(&mut self, event: saphyr_parser::Event) -> Result<bool, String> {
        use saphyr_parser::{Event, ScalarStyle};
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.as_deref();
                let plain = style == ScalarStyle::Plain;
                let value = match tag {
                    Some(t) if t.handle == "tag:yaml.org,2002:" => core_tagged(&t.suffix, &text),
                    _ if plain => plain_scalar(&text),
                    _ => Value::String(text.into_owned()),
                };
                (long_form(local_tag(tag), value), anchor)
            }
            Event::Alias(id) if !self.expand_aliases => {
                let mut reference = Map::new();
                reference.insert("*".into(), Value::from(id));
                (Value::Object(reference), 0)
            }
            Event::Alias(id) => (self.anchors.get(&id).cloned().unwrap_or(Value::Null), 0),
            Event::SequenceStart(anchor, tag) => {
                self.stack
                    .push(Open::Seq(Vec::new(), anchor, local_tag(tag.as_deref())));
                return Ok(false);
            }
            Event::MappingStart(anchor, tag) => {
                self.stack.push(Open::Map(
                    Map::new(),
                    None,
                    anchor,
                    local_tag(tag.as_deref()),
                ));
                return Ok(false);
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Seq(items, anchor, tag)) => {
                    (long_form(tag, Value::Array(items)), anchor)
                }
                Some(Open::Map(map, _, anchor, tag)) => {
                    (long_form(tag, Value::Object(map)), anchor)
                }
                None => return Err("YAML: unbalanced collection".into()),
            },
            // Only the first document is the template.
            Event::DocumentEnd => return Ok(self.document.is_some()),
            _ => return Ok(false),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            Some(Open::Seq(items, ..)) => items.push(value),
            Some(Open::Map(map, key, ..)) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => *key = Some(key_string(value)),
            },
            None => self.document = Some(value),
        }
        Ok(false)
    }

    fn finish(self) -> Value {
        self.document.unwrap_or(Value::Null)
    }
}

/// The CloudFormation function a local tag (`!Ref`, `!Sub`) names; `None` for none or a
/// core-schema tag (`!!str`).
fn local_tag(tag: Option<&saphyr_parser::Tag>) -> Option<String> {
    let t = tag?;
    (t.handle == "!").then(|| t.suffix.clone())
}

/// `!Name value` in its long form.
fn long_form(tag: Option<String>, value: Value) -> Value {
    let Some(name) = tag else { return value };
    let (key, value) = match name.as_str() {
        "Ref" => ("Ref".to_string(), value),
        "Condition" => ("Condition".to_string(), value),
        "GetAtt" => {
            let value = match value {
                Value::String(s) => match s.split_once('.') {
                    Some((a, b)) => Value::Array(vec![a.into(), b.into()]),
                    None => Value::String(s),
                },
                other => other,
            };
            ("Fn::GetAtt".to_string(), value)
        }
        other => (format!("Fn::{other}"), value),
    };
    let mut map = Map::new();
    map.insert(key, value);
    Value::Object(map)
}

/// A mapping key as text (CloudFormation keys are strings; others print as JSON).
fn key_string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A plain scalar resolved by the YAML 1.2 core schema.
fn plain_scalar(text: &str) -> Value {
    plain_scalar_typed(text).unwrap_or_else(|| Value::String(text.to_string()))
}

/// A plain scalar's value when the YAML 1.2 core schema resolves it to null, a boolean
/// or a number; `None` when it is a string (its text).
pub(crate) fn plain_scalar_typed(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned) {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Value::Number(i.into()));
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Some(Value::Number(i.into()));
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Some(Value::Number(i.into()));
        }
    }
    let float_like = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Some(Value::Number(n));
        }
    }
    None
}

/// A scalar with a `!!type` tag.
fn core_tagged(suffix: &str, text: &str) -> Value {
    match suffix {
        "str" => Value::String(text.to_string()),
        _ => plain_scalar(text),
    }
}

/// How a path differs between two templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Absent before, present after.
    Added,
    /// Present before, absent after.
    Removed,
    /// Present in both with different scalars or kinds.
    Changed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One minimal difference: at `path` (keys, list items by index), every strict
/// prefix of which is present in both templates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    pub change: Change,
    pub path: Vec<String>,
}

impl std::fmt::Display for Difference {
    /// As a line of an `.effect` file: `changed Resources/Fn/Properties/X`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.change.as_str(), self.path.join("/"))
    }
}

/// The minimal differences from `before` to `after`, sorted by path.
pub fn differences(before: &Value, after: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    diff_into(before, after, &mut path, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.change.cmp(&b.change)));
    out
}

fn diff_into(before: &Value, after: &Value, path: &mut Vec<String>, out: &mut Vec<Difference>) {
    fn push(out: &mut Vec<Difference>, change: Change, path: &[String], key: String) {
        let mut p = path.to_vec();
        p.push(key);
        out.push(Difference { change, path: p });
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (k, bv) in b {
                match a.get(k) {
                    Some(av) if av == bv => {}
                    Some(av) => {
                        path.push(k.clone());
                        diff_into(bv, av, path, out);
                        path.pop();
                    }
                    None => push(out, Change::Removed, path, k.clone()),
                }
            }
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                push(out, Change::Added, path, k.clone());
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            for i in 0..b.len().max(a.len()) {
                match (b.get(i), a.get(i)) {
                    (Some(bv), Some(av)) if av == bv => {}
                    (Some(bv), Some(av)) => {
                        path.push(i.to_string());
                        diff_into(bv, av, path, out);
                        path.pop();
                    }
                    (Some(_), None) => push(out, Change::Removed, path, i.to_string()),
                    (None, _) => push(out, Change::Added, path, i.to_string()),
                }
            }
        }
        _ if before == after => {}
        _ => out.push(Difference {
            change: Change::Changed,
            path: path.clone(),
        }),
    }
}

/// An edit a fix applied, in the coordinates of the text it was applied to.
#[derive(Clone, Debug)]
pub struct AppliedEdit {
    pub transform: &'static str,
    pub range: Range<usize>,
}

/// Where one unit (a top-level key, or an entry of a section) lies in the text.
struct Unit {
    /// The entry itself: key start to value end.
    span: Range<usize>,
    /// The entry and the gaps to its neighbours (previous sibling's end to next
    /// sibling's start): an edit inside it belongs to this entry.
    region: Range<usize>,
}

/// `(key, unit)` for the entries of `map`.
fn units(map: MapNode<'_>) -> Vec<(String, Unit)> {
    let doc = map.doc;
    let entries = map.entries();
    let container = map.node.start_byte()..doc.trim_back(map.node.end_byte());
    let ends: Vec<usize> = entries
        .iter()
        .map(|e| doc.trim_back(e.node.end_byte()).max(e.node.start_byte()))
        .collect();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let start = e.node.start_byte();
            let region_start = if i == 0 { container.start } else { ends[i - 1] };
            // The last entry reaches over the blanks after it (an edit may end there).
            let region_end = entries.get(i + 1).map_or_else(
                || {
                    let end = container.end.max(ends[i]);
                    end + doc.source[end..].len() - doc.source[end..].trim_start().len()
                },
                |n| n.node.start_byte(),
            );
            (
                map.key_text(e),
                Unit {
                    span: start..ends[i],
                    region: region_start.min(comment_lead(doc, start))..region_end.max(ends[i]),
                },
            )
        })
        .collect()
}

/// Where the YAML comment lines (and blank lines) right above an entry that starts its
/// line begin: they belong to the entry, and a fix that removes the entry removes them
/// too (the region before the entry otherwise ends where the previous entry's node does,
/// and tree-sitter-yaml may count a comment after a block as part of it). `start`
/// itself for JSON, TypeScript and an entry with text before it on its line.
fn comment_lead(doc: &Parsed, start: usize) -> usize {
    if doc.syntax != Syntax::Yaml {
        return start;
    }
    let src = doc.source.as_str();
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    if !src[line_start..start].trim().is_empty() {
        return start;
    }
    let mut lead = line_start;
    while lead > 0 {
        let above = src[..lead - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = src[above..lead - 1].trim();
        if !(line.is_empty() || line.starts_with('#')) {
            break;
        }
        lead = above;
    }
    lead
}

fn within(edit: &Range<usize>, region: &Range<usize>) -> bool {
    region.start <= edit.start && edit.end <= region.end
}

fn overlaps(edit: &Range<usize>, region: &Range<usize>) -> bool {
    edit.start < region.end && region.start < edit.end
}

/// The run-time guard for one pass of fixes on a template.
///
/// `before` is the parsed text the `edits` apply to; `before_value`/`after_value` the
/// digests of the template as written before and after them ([`Digest::read_checked`],
/// or [`Digest::of_value`] of [`to_value_as_written`]). Every top-level key, and every entry
/// of `Resources`, `Parameters`, `Conditions` and `Outputs`, that differs as data must
/// be new or owned by an edit: an edit lies inside the entry's region (the entry and the
/// blanks/separators to its neighbours), or, for a section entry, an edit that lies
/// inside the section covers the whole entry (it removes it). Err: one line per
/// violation naming the unit and the transforms whose edits reach into it (all of the
/// pass's transforms when none do).
pub fn check_write(
    before: &Parsed,
    before_value: &Digest,
    after_value: &Digest,
    edits: &[AppliedEdit],
) -> Result<(), String> {
    if before_value == after_value {
        return Ok(());
    }
    let (Some(root), Some(b), Some(a)) = (
        cfn::root_map(before),
        before_value.members(),
        after_value.members(),
    ) else {
        return Err("the template is not a mapping before or after the fix".into());
    };
    let top = units(root);
    let unit_of = |units: &[(String, Unit)], key: &str| -> Option<Unit> {
        units.iter().find(|(k, _)| k == key).map(|(_, u)| Unit {
            span: u.span.clone(),
            region: u.region.clone(),
        })
    };
    // The edits by start, so a changed entry finds the edits inside it by binary search
    // instead of scanning them all (a pass may edit every resource of a large template).
    let mut sorted: Vec<&Range<usize>> = edits.iter().map(|e| &e.range).collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    // Some edit lies within `region`.
    let edit_within = |region: &Range<usize>| {
        let first = sorted.partition_point(|r| r.start < region.start);
        sorted[first..]
            .iter()
            .take_while(|r| r.start <= region.end)
            .any(|r| within(r, region))
    };
    // Some edit within `outer` covers `span` (it replaces the entry as a whole).
    let edit_covering = |span: &Range<usize>, outer: &Range<usize>| {
        let upto = sorted.partition_point(|r| r.start <= span.start);
        sorted[..upto]
            .iter()
            .rev()
            .any(|r| within(r, outer) && within(span, r))
    };
    let mut violations: Vec<(String, Vec<Range<usize>>)> = Vec::new();
    let keys: BTreeSet<&String> = b.iter().chain(a).map(|(k, _)| k).collect();
    for key in keys {
        let (bv, av) = (before_value.get(key), after_value.get(key));
        if bv == av || bv.is_none() {
            continue;
        }
        let Some(unit) = unit_of(&top, key) else {
            violations.push((key.clone(), vec![]));
            continue;
        };
        let section_maps = (
            bv.and_then(Digest::members),
            av.map_or(Some(&[][..]), Digest::members),
        );
        let owned_whole = edit_within(&unit.region);
        if let (true, (Some(bm), Some(am))) = (SECTIONS.contains(&key.as_str()), section_maps) {
            let inner = root
                .get(key)
                .and_then(|v| v.as_map())
                .map(units)
                .unwrap_or_default();
            // The section's entries by key (the first of a repeated key, as `unit_of` finds).
            let mut by_key: std::collections::HashMap<&str, &Unit> =
                std::collections::HashMap::new();
            for (k, u) in &inner {
                by_key.entry(k.as_str()).or_insert(u);
            }
            for (name, old) in bm {
                let now = am
                    .binary_search_by(|(k, _)| k.cmp(name))
                    .ok()
                    .map(|i| &am[i].1);
                if now == Some(old) {
                    continue;
                }
                let path = format!("{key}/{name}");
                let Some(entry) = by_key.get(name.as_str()) else {
                    violations.push((path, vec![unit.span.clone()]));
                    continue;
                };
                let owned = edit_within(&entry.region) || edit_covering(&entry.span, &unit.region);
                if !owned {
                    violations.push((path, vec![entry.region.clone()]));
                }
            }
        } else if !owned_whole {
            violations.push((key.clone(), vec![unit.region.clone()]));
        }
    }
    if violations.is_empty() {
        return Ok(());
    }
    let all: BTreeSet<&str> = edits.iter().map(|e| e.transform).collect();
    let lines: Vec<String> = violations
        .iter()
        .map(|(path, regions)| {
            let culprits: BTreeSet<&str> = edits
                .iter()
                .filter(|e| {
                    regions
                        .iter()
                        .any(|r| overlaps(&e.range, r) || e.range.start == r.start)
                })
                .map(|e| e.transform)
                .collect();
            let names = if culprits.is_empty() { &all } else { &culprits };
            let names: Vec<&str> = names.iter().copied().collect();
            format!(
                "{} changed `{path}`, which none of its edits lies inside",
                names.join(", ")
            )
        })
        .collect();
    Err(lines.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{apply_edits, Edit};

    fn yaml(s: &str) -> Value {
        to_value(Syntax::Yaml, s).unwrap()
    }

    #[test]
    fn short_tags_equal_long_form() {
        let short = yaml("A: !Ref X\nB: !GetAtt R.Arn\nC: !Sub 'a-${X}'\nD: !If [c, 1, !Ref AWS::NoValue]\nE: !Condition c\n");
        let long = to_value(
            Syntax::Json,
            r#"{"A": {"Ref": "X"}, "B": {"Fn::GetAtt": ["R", "Arn"]}, "C": {"Fn::Sub": "a-${X}"},
               "D": {"Fn::If": ["c", 1, {"Ref": "AWS::NoValue"}]}, "E": {"Condition": "c"}}"#,
        )
        .unwrap();
        assert_eq!(short, long);
    }

    #[test]
    fn scalars_and_aliases() {
        let v = yaml("a: 1\nb: '1'\nc: true\nd: 1.5\ne: ~\nf: &x [1, 2]\ng: *x\nh: 0x10\n");
        assert_eq!(v["a"], Value::from(1));
        assert_eq!(v["b"], Value::from("1"));
        assert_eq!(v["c"], Value::from(true));
        assert_eq!(v["d"], Value::from(1.5));
        assert_eq!(v["e"], Value::Null);
        assert_eq!(v["g"], v["f"]);
        assert_eq!(v["h"], Value::from(16));
        // Block scalars and quoted forms are strings.
        assert_eq!(yaml("a: |\n  x\n")["a"], Value::from("x\n"));
        assert_eq!(yaml("a: \"true\"\n")["a"], Value::from("true"));
    }

    #[test]
    fn minimal_differences() {
        let b = yaml("R:\n  A: {P: 1, Q: [1, 2]}\n  B: 1\n");
        let a = yaml("R:\n  A: {P: 2, Q: [1, 2, 3]}\n  C: 1\n");
        let d: Vec<String> = differences(&b, &a).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            d,
            ["changed R/A/P", "added R/A/Q/2", "removed R/B", "added R/C"]
        );
    }

    const TEMPLATE: &str = "\
Parameters:
  Env:
    Type: String
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Table
    Properties:
      QueueName: !Ref Env
Outputs:
  Url:
    Value: !Ref Queue
";

    fn guard(source: &str, edits: &[Edit]) -> Result<(), String> {
        let parsed = Parsed::new(Syntax::Yaml, source.to_string());
        let after = apply_edits(source, &edits.iter().collect::<Vec<_>>());
        let applied: Vec<AppliedEdit> = edits
            .iter()
            .map(|e| AppliedEdit {
                transform: "t",
                range: e.range.clone(),
            })
            .collect();
        check_write(
            &parsed,
            &Digest::of_value(&to_value_as_written(Syntax::Yaml, source).unwrap()),
            &Digest::of_value(&to_value_as_written(Syntax::Yaml, &after).unwrap()),
            &applied,
        )
    }

    fn at(s: &str) -> usize {
        TEMPLATE.find(s).unwrap()
    }

    #[test]
    fn edits_inside_their_unit_pass() {
        // Remove the DependsOn line (the intended fix).
        let line = at("    DependsOn");
        let end = at("    Properties:\n      Queue");
        assert!(guard(TEMPLATE, &[Edit::delete(line..end)]).is_ok());
        // Add a resource after the last one, and a new top-level key.
        let out = at("Outputs:");
        let new = Edit::insert(out, "  Dlq:\n    Type: AWS::SQS::Queue\n");
        assert!(guard(TEMPLATE, &[new]).is_ok());
        // Remove the whole Parameters section with its last user.
        let params = 0..at("Resources:");
        assert!(guard(TEMPLATE, &[Edit::delete(params)]).is_ok());
    }

    /// The cr-only-yaml-truncation shape: an edit meant to remove one line deletes
    /// everything after it; the guard names the transform and the lost units.
    #[test]
    fn truncating_edit_is_caught() {
        let line = at("    DependsOn");
        let err = guard(TEMPLATE, &[Edit::delete(line..TEMPLATE.len())]).unwrap_err();
        assert!(err.contains("`Resources/Queue`"), "{err}");
        assert!(err.contains("`Outputs/Url`"), "{err}");
        assert!(err.starts_with("t changed"), "{err}");
    }

    /// A fix that removes a section together with the comment right above it owns the
    /// section (the comment lies after the previous section's node); an edit that also
    /// reaches into the previous section's content still does not.
    #[test]
    fn removal_with_the_comment_above_passes() {
        let src = "Parameters:\n  Env:\n    Type: String\n# used by the stack\n\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  T:\n    Type: AWS::SNS::Topic\n";
        let comment = src.find("# used").unwrap();
        let end = src.find("Resources:").unwrap();
        assert!(guard(src, &[Edit::delete(comment..end)]).is_ok());
        let into_params = src.find("    Type: String").unwrap();
        let err = guard(src, &[Edit::delete(into_params..end)]).unwrap_err();
        assert!(err.contains("`Parameters/Env`"), "{err}");
    }

    /// A deliberately broken edit: meant for `Queue`, it also rewrites `Table`'s type.
    #[test]
    fn edit_reaching_into_a_neighbour_is_caught() {
        let from = at("AWS::DynamoDB::Table");
        let to = at("    DependsOn");
        let broken = Edit::replace(
            from..to,
            "AWS::SQS::Queue\n  Queue:\n    Type: AWS::SQS::Queue\n",
        );
        let err = guard(TEMPLATE, &[broken]).unwrap_err();
        assert!(err.contains("`Resources/Table`"), "{err}");
        // A fix editing only inside `Queue` but changing `Outputs` through an alias
        // is not modelled here; a plain edit elsewhere in the file is.
        let stray = Edit::replace(at("!Ref Queue")..at("!Ref Queue") + 10, "!Ref Table");
        let ok_queue = Edit::replace(at("!Ref Env")..at("!Ref Env") + 8, "!Ref AWS::StackName");
        let err = guard(TEMPLATE, std::slice::from_ref(&ok_queue)).map(|_| "ok");
        assert_eq!(err, Ok("ok"));
        assert!(guard(TEMPLATE, &[ok_queue, stray]).is_ok()); // both inside their units
    }

    #[test]
    fn json_units() {
        let src = "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"X\"},\n    \"B\": {\"Type\": \"Y\"}\n  }\n}\n";
        let parsed = Parsed::new(Syntax::Json, src.to_string());
        let run = |edits: Vec<Edit>| {
            let after = apply_edits(src, &edits.iter().collect::<Vec<_>>());
            let applied: Vec<AppliedEdit> = edits
                .iter()
                .map(|e| AppliedEdit {
                    transform: "t",
                    range: e.range.clone(),
                })
                .collect();
            check_write(
                &parsed,
                &Digest::read_checked(Syntax::Json, src).unwrap(),
                &Digest::read_checked(Syntax::Json, &after).unwrap(),
                &applied,
            )
        };
        // Delete B with its separating comma: inside B's region.
        let b = src.find(",\n    \"B\"").unwrap();
        let end = src.find("}\n  }").unwrap() + 1;
        assert!(run(vec![Edit::delete(b..end)]).is_ok());
        // Delete A and B's type in one edit: B is only partly covered.
        let a = src.find("\"A\"").unwrap();
        let y = src.find("\"Y\"").unwrap();
        assert!(run(vec![Edit::replace(
            a..y + 3,
            "\"A\": {\"Type\": \"X\"}, \"B\": {\"Type\": \"Z\""
        )])
        .is_err());
    }
}
