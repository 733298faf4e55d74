//! ## What it fixes
//! Logical ids CloudFormation does not accept: a resource, parameter, mapping or output
//! whose name is not alphanumeric (`my-bucket`, `Lambda_Role`, `web.server`), and a
//! condition whose name holds other characters than letters, digits, `_` and `&`
//! (`is-prod`). The fix renames it to an alphanumeric id (`MyBucket`, `LambdaRole`,
//! `WebServer`, `IsProd`; a digit is appended when the name is taken) and every
//! reference to it:
//! - resources and parameters: `Ref` / `!Ref`, `Fn::GetAtt` in both forms (`[A, Attr]`
//!   and `A.Attr`, `!GetAtt A.Attr`), `${A}` and `${A.Attr}` in `Fn::Sub` strings (both
//!   forms; a name the Sub's own variable map defines is the variable, not the resource,
//!   and stays), `DependsOn` (a string or a list), anything nested in them (Step Functions
//!   `DefinitionSubstitutions`, SAM event sources, `Fn::Sub` `DefinitionString`s);
//!   for parameters also the console layout in `Metadata` `AWS::CloudFormation::Interface`
//!   (`ParameterGroups[].Parameters`, the `ParameterLabels` keys);
//! - conditions: the `Condition` of resources and outputs, `Fn::If`, `Condition` inside
//!   other conditions (`!Condition X`);
//! - mappings: `Fn::FindInMap`'s map name;
//! - outputs: nothing in the template names them. Cross-stack `Export` names are
//!   values, not logical ids, and are not changed.
//!
//! ## Why
//! CloudFormation requires alphanumeric logical ids ("The logical ID must be
//! alphanumeric (A-Za-z0-9) and unique within the template", Resources section of the
//! user guide) and rejects such a template before it creates anything ("Template
//! format error: Resource name my-bucket is non alphanumeric"); AWS CDK enforces the
//! same (`VALID_LOGICALID_REGEX = /^[A-Za-z0-9]{1,255}$/`). cfn-lint reports E3001
//! (resources), E2001 (parameters), E7001 (mappings), E8001 (conditions: its pattern
//! allows `_` and `&`), E6001 (outputs).
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Resources:
//!   my-bucket:                        # → MyBucket:
//!     Type: AWS::S3::Bucket
//!   Reader:
//!     DependsOn: my-bucket            # → MyBucket
//!     Properties:
//!       Bucket: !Ref my-bucket        # → !Ref MyBucket
//!       Arn: !GetAtt my-bucket.Arn    # → !GetAtt MyBucket.Arn
//!       Url: !Sub 'https://${my-bucket.DomainName}/'   # → ${MyBucket.DomainName}
//! ```
//! CloudFormation JSON alike; quoting is kept, only the name inside changes.
//!
//! Left alone: entries that define nothing (`"/* ===== NETWORK ===== */": {}`, a
//! divider some drafts put in `Resources`: no `Type`). Reported without a fix: a name
//! with no letter or digit; a name holding a `.` (`!GetAtt a.b.Attr` cannot be split
//! into id and attribute with certainty); a template with an
//! unmodelled `Transform` macro, an `Fn::Transform` (`AWS::Include`), a pre-processor
//! tag or an `Fn::ForEach` loop (they may name the id in text the tool cannot read or
//! generate ids from it); and a name that also stands as a plain string somewhere the
//! tool does not know as a reference (a SAM connector's `Id`, a custom resource
//! property, a Step Functions definition that is not an `Fn::Sub`): which of those
//! name the logical id is for the author to say.
//!
//! ## Applicability
//! Renaming a logical id on a deployed stack replaces the resource (CloudFormation
//! creates the new one and deletes the old). Here no stack can exist: CloudFormation
//! rejects the template as written. So resource, mapping and condition renames are
//! safe. Parameter and output renames are review: what passes the parameter
//! (`--parameter-overrides`, a parameter file, a pipeline, a parent stack) or reads the
//! output by key must use the new name.
//!
//! ## Equivalent checks
//! cfn-lint E3001, E2001, E7001, E8001, E6001.

use crate::edit::{Applicability, Edit, Finding, Fix};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use std::collections::{HashMap, HashSet};

pub struct CfnLogicalId;
pub static TRANSFORM: CfnLogicalId = CfnLogicalId;

static META: Meta = Meta {
    id: "cfn-logical-id",
    title: "Rename logical ids that are not alphanumeric, with every reference",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["E3001", "E2001", "E7001", "E8001", "E6001"],
    options: &[],
};

/// What a name is: which section defines it and which references can name it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Resource,
    Parameter,
    Mapping,
    Condition,
    Output,
}

const SECTIONS: [(&str, Kind); 5] = [
    ("Resources", Kind::Resource),
    ("Parameters", Kind::Parameter),
    ("Mappings", Kind::Mapping),
    ("Conditions", Kind::Condition),
    ("Outputs", Kind::Output),
];

impl Kind {
    fn valid(self, name: &str) -> bool {
        let extra: &[char] = if self == Kind::Condition { &['_', '&'] } else { &[] };
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    }
    fn what(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::Parameter => "parameter",
            Kind::Mapping => "mapping",
            Kind::Condition => "condition",
            Kind::Output => "output",
        }
    }
}

/// The intrinsic functions CloudFormation knows, as YAML short tags (without `!`).
const INTRINSIC_TAGS: &[&str] = &[
    "Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
    "Select", "Split", "Sub", "Transform", "If", "And", "Equals", "Not", "Or", "ToJsonString",
    "Length",
];

/// One name to rename.
struct Rename {
    kind: Kind,
    old: String,
    new: String,
    key_at: usize,
    edits: Vec<Edit>,
    /// Plain strings equal to the old name where no reference is known (offsets).
    unknown: Vec<usize>,
}

impl Transform for CfnLogicalId {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(root) = doc.template else { return vec![] };
        let mut bad: Vec<(Kind, MapNode, String, usize)> = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        for (section, kind) in SECTIONS {
            let Some(map) = root.get(section).and_then(|s| s.as_map()) else { continue };
            for e in map.entries() {
                let name = map.key_text(&e);
                taken.insert(name.clone());
                // `Fn::ForEach::X` loops and `Fn::Transform` are not ids; `${…}`/`&{…}` are loop patterns.
                if name.starts_with("Fn::") || name.contains("${") || name.contains("&{") || kind.valid(&name) {
                    continue;
                }
                // A divider such as `"/* ===== NETWORK ===== */": {}` is no definition to rename.
                if !defines(kind, e.value) {
                    continue;
                }
                bad.push((kind, map, name, e.key_node.start_byte()));
            }
        }
        if bad.is_empty() {
            return vec![];
        }
        let hazard = hazard(doc);
        let mut out = Vec::new();
        let mut renames: Vec<Rename> = Vec::new();
        for (kind, map, old, key_at) in bad {
            let line = doc.line_of(key_at);
            let rejected = format!(
                "{} `{old}` (line {line}) is not alphanumeric: CloudFormation rejects the template",
                kind.what()
            );
            if let Some(why) = &hazard {
                out.push(META.finding(key_at, format!("{rejected}; rename it by hand: {why}"), None));
                continue;
            }
            if old.contains('.') {
                // `!GetAtt a.b.Attr` and `${a.b.Attr}` cannot be split into id and attribute
                // unambiguously, so some references could be missed.
                let message = format!(
                    "{rejected}; its name holds a `.`, so `GetAtt`/`Sub` references such as `{old}.Arn` cannot \
                     be told from an attribute path: rename it and its references by hand"
                );
                out.push(META.finding(key_at, message, None));
                continue;
            }
            let Some(new) = fresh_name(&old, &taken) else {
                let message = format!("{rejected}; it has no letter or digit to keep: choose a name by hand");
                out.push(META.finding(key_at, message, None));
                continue;
            };
            taken.insert(new.clone());
            let edits = map.rename(&old, &new).into_iter().collect();
            renames.push(Rename { kind, old, new, key_at, edits, unknown: vec![] });
        }
        collect_references(doc, root, &mut renames);
        for r in renames {
            let line = doc.line_of(r.key_at);
            let (kind, old, new) = (r.kind.what(), &r.old, &r.new);
            if let Some(&at) = r.unknown.first() {
                let message = format!(
                    "{kind} `{old}` (line {line}) is not alphanumeric: CloudFormation rejects the template; the \
                     string `{old}` at line {} may name it where the tool knows no reference (a SAM connector, a \
                     custom resource property, a state machine definition): rename it to `{new}` there and here \
                     by hand",
                    doc.line_of(at)
                );
                out.push(META.finding(r.key_at, message, None));
                continue;
            }
            let references = match r.edits.len() - 1 {
                0 => String::new(),
                1 => " and the one reference to it".to_string(),
                n => format!(" and the {n} references to it"),
            };
            let mut message = format!(
                "{kind} `{old}` (line {line}) is not alphanumeric: CloudFormation rejects the template (so no stack \
                 has it yet); renamed to `{new}`{references}"
            );
            let applicability = match r.kind {
                Kind::Parameter => {
                    message.push_str(
                        "; whatever passes the parameter (`--parameter-overrides`, a parameter file, a pipeline, a \
                         parent stack) must use the new name",
                    );
                    Applicability::Review
                }
                Kind::Output => {
                    message.push_str("; scripts or a parent stack that read the output by its key must use the new name");
                    Applicability::Review
                }
                _ => Applicability::Safe,
            };
            out.push(Finding {
                transform: META.id,
                message,
                offset: r.key_at,
                // Other fixes of this pass may add text that names the old id.
                fix: Some(Fix::new(applicability, r.edits).alone()),
            });
        }
        out
    }
}

/// The entry is a definition of its kind (a resource or parameter with a `Type`, an
/// output with a `Value`, a mapping of mappings, a condition with a body), not a
/// divider or a placeholder a draft left in the section.
fn defines(kind: Kind, value: Option<ValueNode>) -> bool {
    let map = value.and_then(|v| v.as_map());
    match kind {
        Kind::Resource | Kind::Parameter => map.is_some_and(|m| m.has("Type")),
        Kind::Output => map.is_some_and(|m| m.has("Value")),
        Kind::Mapping => map.is_some_and(|m| !m.entries().is_empty()),
        Kind::Condition => value.is_some_and(|v| v.intrinsic().is_some()),
    }
}

/// Why the template's references cannot all be read: a macro, an `Fn::Transform`, a
/// pre-processor tag, an `Fn::ForEach` loop.
fn hazard(doc: &Document) -> Option<String> {
    if let Some(why) = crate::transforms::macro_hazard(doc) {
        return Some(why);
    }
    if doc.source().contains("Fn::ForEach") {
        return Some("the template has `Fn::ForEach` loops, whose patterns can build the id from text".to_string());
    }
    // The first tag, in pre-order, of the values below the root (the template-wide index).
    let tag = doc.template_values().iter().skip(1).find_map(|t| {
        let v = &t.value;
        let t = &v.doc.source[v.tag?.byte_range()];
        (!INTRINSIC_TAGS.contains(&t.trim_start_matches('!'))).then(|| (t.to_string(), v.start()))
    });
    tag.map(|(t, at)| format!("the pre-processor tag `{t}` at line {} may name it in text the tool cannot read", doc.line_of(at)))
}

/// An alphanumeric name for `old`: its letters and digits, each word after a separator
/// capitalised (`my-bucket` → `MyBucket`), a digit appended while the name is taken.
fn fresh_name(old: &str, taken: &HashSet<String>) -> Option<String> {
    let mut base = String::new();
    for word in old.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        let first = chars.next()?;
        base.push(first.to_ascii_uppercase());
        base.push_str(chars.as_str());
    }
    if base.is_empty() {
        return None;
    }
    if !taken.contains(&base) && !base.starts_with("AWS") {
        return Some(base);
    }
    (2..).map(|n| format!("{base}{n}")).find(|n| !taken.contains(n))
}

/// Where each rename's old name is referred to, as edits; and plain strings equal to
/// an old name that are no known reference.
fn collect_references<'a>(doc: &Document<'a>, root: MapNode<'a>, renames: &mut [Rename]) {
    let by_kind: HashMap<(Kind, String), usize> =
        renames.iter().enumerate().map(|(i, r)| ((r.kind, r.old.clone()), i)).collect();
    let mut w = Walker { doc, renames, by_kind, known: HashSet::new() };
    // Resource `DependsOn`, parameter `Metadata` layout and `Export` names first: they
    // are plain strings the general walk would otherwise count as unknown.
    if let Some(resources) = root.get("Resources").and_then(|r| r.as_map()) {
        for e in resources.entries() {
            let Some(depends) = e.value.and_then(|b| b.as_map()).and_then(|b| b.get("DependsOn")) else { continue };
            let items = depends.as_list().map_or_else(|| vec![depends], |l| l.items());
            for item in items {
                w.name(&item, &[Kind::Resource]);
            }
        }
    }
    if let Some(interface) = root.get_path(&["Metadata", "AWS::CloudFormation::Interface"]).and_then(|i| i.as_map()) {
        let groups = interface.get("ParameterGroups").and_then(|g| g.as_list()).map(|l| l.items()).unwrap_or_default();
        for group in groups {
            let params = group.as_map().and_then(|g| g.get("Parameters")).and_then(|p| p.as_list());
            for p in params.map(|l| l.items()).unwrap_or_default() {
                w.name(&p, &[Kind::Parameter]);
            }
        }
        if let Some(labels) = interface.get("ParameterLabels").and_then(|l| l.as_map()) {
            for e in labels.entries() {
                let key = labels.key_text(&e);
                if let Some(&i) = w.by_kind.get(&(Kind::Parameter, key.clone())) {
                    let new = w.renames[i].new.clone();
                    w.renames[i].edits.extend(labels.rename(&key, &new));
                }
            }
        }
    }
    if let Some(outputs) = root.get("Outputs").and_then(|o| o.as_map()) {
        for e in outputs.entries() {
            let name = e.value.and_then(|o| o.as_map()).and_then(|o| o.get_path(&["Export", "Name"]));
            w.known.extend(name.map(|n| n.node.start_byte()));
        }
    }
    for e in root.entries() {
        let section = root.key_text(&e);
        if matches!(section.as_str(), "AWSTemplateFormatVersion" | "Description" | "Transform") {
            continue;
        }
        if let Some(v) = e.value {
            w.visit(v);
        }
    }
}

struct Walker<'d, 'a, 'r> {
    doc: &'d Document<'a>,
    renames: &'r mut [Rename],
    by_kind: HashMap<(Kind, String), usize>,
    /// Scalars already read as references (or known not to be one).
    known: HashSet<usize>,
}

impl<'a> Walker<'_, 'a, '_> {
    /// The rename of `name` among `kinds`.
    fn find(&self, name: &str, kinds: &[Kind]) -> Option<usize> {
        kinds.iter().find_map(|k| self.by_kind.get(&(*k, name.to_string())).copied())
    }

    /// A scalar that is a whole name (a `Ref` target, a `DependsOn` item…): rename it.
    fn name(&mut self, v: &ValueNode<'a>, kinds: &[Kind]) {
        self.known.insert(v.node.start_byte());
        let Some(s) = v.as_str() else { return };
        if let Some(i) = self.find(&s, kinds) {
            self.replace_in(v, 0, &s, i);
        }
    }

    /// Replace the occurrence of the old name at or after `from` (in the value's
    /// unquoted text) by the new name, in the source as written.
    fn replace_in(&mut self, v: &ValueNode<'a>, from: usize, old: &str, i: usize) {
        let range = v.node.byte_range();
        let raw = &self.doc.source()[range.clone()];
        // The unquoted text starts after an opening quote, if any.
        let skip = usize::from(raw.starts_with(['"', '\'']));
        if let Some(pos) = raw[skip + from..].find(old) {
            let start = range.start + skip + from + pos;
            let new = self.renames[i].new.clone();
            self.renames[i].edits.push(Edit::replace(start..start + old.len(), new));
        }
    }

    fn visit(&mut self, v: ValueNode<'a>) {
        if let Some((name, arg)) = v.intrinsic() {
            self.intrinsic(&name, arg);
            return;
        }
        if let Some(map) = v.as_map() {
            for e in map.entries() {
                let key = map.key_text(&e);
                let Some(value) = e.value else { continue };
                // A resource's or output's `Condition` (IAM `Condition` blocks are mappings).
                if key == "Condition" && value.as_str().is_some() && value.intrinsic().is_none() {
                    self.name(&value, &[Kind::Condition]);
                    continue;
                }
                self.visit(value);
            }
        } else if let Some(list) = v.as_list() {
            for item in list.items() {
                self.visit(item);
            }
        } else {
            self.plain(&v);
        }
    }

    /// A plain string equal to an old name that no known reference covers.
    fn plain(&mut self, v: &ValueNode<'a>) {
        if self.known.contains(&v.node.start_byte()) {
            return;
        }
        let Some(s) = v.as_str() else { return };
        let all = [Kind::Resource, Kind::Parameter, Kind::Mapping, Kind::Condition, Kind::Output];
        if let Some(i) = self.find(&s, &all) {
            self.renames[i].unknown.push(v.node.start_byte());
        }
    }

    fn intrinsic(&mut self, name: &str, arg: ValueNode<'a>) {
        let items = arg.as_list().map(|l| l.items()).unwrap_or_default();
        match name {
            "Ref" => self.name(&arg, &[Kind::Resource, Kind::Parameter]),
            "Condition" => self.name(&arg, &[Kind::Condition]),
            "Fn::GetAtt" => match items.first() {
                Some(first) => self.name(first, &[Kind::Resource]),
                None => {
                    self.known.insert(arg.node.start_byte());
                    if let Some(s) = arg.as_str() {
                        let resource = s.split('.').next().unwrap_or_default();
                        if let Some(i) = self.find(resource, &[Kind::Resource]).filter(|_| s.len() > resource.len()) {
                            let old = self.renames[i].old.clone();
                            self.replace_in(&arg, 0, &old, i);
                        }
                    }
                }
            },
            "Fn::If" => {
                if let Some(first) = items.first() {
                    self.name(first, &[Kind::Condition]);
                }
            }
            "Fn::FindInMap" => {
                if let Some(first) = items.first() {
                    self.name(first, &[Kind::Mapping]);
                }
            }
            "Fn::Sub" => {
                let (text, vars) = match items.as_slice() {
                    [] => (Some(arg), None),
                    [t, rest @ ..] => (Some(*t), rest.first().and_then(|v| v.as_map())),
                };
                let shadowed: HashSet<String> =
                    vars.map(|m| m.entries().iter().map(|e| m.key_text(e)).collect()).unwrap_or_default();
                if let Some(t) = text.filter(|t| crate::transforms::plain_string(t).is_some()) {
                    self.known.insert(t.node.start_byte());
                    self.sub_variables(&t, &shadowed);
                }
            }
            _ => {}
        }
        // Everything inside (other intrinsics, the Sub's variable values, `DefinitionSubstitutions`).
        if arg.intrinsic().is_some() || arg.as_map().is_some() {
            self.visit(arg);
        } else if let Some(list) = arg.as_list() {
            for item in list.items() {
                self.visit(item);
            }
        } else {
            self.plain(&arg);
        }
    }

    /// `${Name}` and `${Name.Attr}` of a Sub string that name a renamed resource or
    /// parameter (not `${!Literal}`, not a variable of the Sub's own map).
    fn sub_variables(&mut self, t: &ValueNode<'a>, shadowed: &HashSet<String>) {
        let range = t.node.byte_range();
        let raw = self.doc.source()[range.clone()].to_string();
        let mut at = 0;
        while let Some(pos) = raw[at..].find("${") {
            let start = at + pos + 2;
            at = start;
            if raw[start..].starts_with('!') {
                continue;
            }
            let Some(end) = raw[start..].find('}') else { break };
            let var = raw[start..start + end].trim();
            let resource = var.split('.').next().unwrap_or_default();
            let name = if shadowed.contains(var) { None } else { Some(resource) };
            let i = name.filter(|n| !shadowed.contains(*n)).and_then(|n| {
                let kinds: &[Kind] =
                    if var.contains('.') { &[Kind::Resource] } else { &[Kind::Resource, Kind::Parameter] };
                self.find(n, kinds)
            });
            if let Some(i) = i {
                let offset = raw[start..].find(resource).map_or(start, |p| start + p);
                let new = self.renames[i].new.clone();
                let abs = range.start + offset;
                self.renames[i].edits.push(Edit::replace(abs..abs + resource.len(), new));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_names_are_alphanumeric_and_free() {
        let taken: HashSet<String> = ["MyBucket", "MyBucket2", "Queue"].iter().map(|s| s.to_string()).collect();
        assert_eq!(fresh_name("raw-bucket", &taken).as_deref(), Some("RawBucket"));
        assert_eq!(fresh_name("Lambda_Role", &taken).as_deref(), Some("LambdaRole"));
        assert_eq!(fresh_name("SchemaSync Lambda", &taken).as_deref(), Some("SchemaSyncLambda"));
        assert_eq!(fresh_name("my-bucket", &taken).as_deref(), Some("MyBucket3"));
        assert_eq!(fresh_name("queue_", &taken).as_deref(), Some("Queue2"));
        assert_eq!(fresh_name("---", &taken), None);
        // A name starting with `AWS` reads like a pseudo parameter: never used bare.
        assert_eq!(fresh_name("aws-config", &taken).as_deref(), Some("AwsConfig"));
        assert_eq!(fresh_name("AWS-Config", &taken).as_deref(), Some("AWSConfig2"));
    }

    #[test]
    fn conditions_may_hold_underscores_and_ampersands() {
        assert!(Kind::Condition.valid("Is_Prod&Ready"));
        assert!(!Kind::Resource.valid("Is_Prod"));
        assert!(!Kind::Condition.valid("is-prod"));
    }
}
