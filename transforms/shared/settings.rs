//! Table-driven "one property should hold this value" fixes, shared by the small coverage
//! transforms (ECR scanning, IMDSv2, log-group retention, X-Ray tracing, log exports…).
//!
//! A [`Setting`] names resource types (CloudFormation types, CDK L1 `Cfn*` classes, CDK L2 and
//! CDKTF classes), a path of keys into their props and the value wanted there. The engine
//! finds the resources through the document's type index once per table, and for each:
//! * the path is absent (and no `...spread` could hide it): the value is inserted, creating the
//!   missing mappings (and the `Properties` / props argument itself), with the setting's
//!   `absent` applicability, or reported without a fix when that is `None`;
//! * the value is written as the opposite literal (`false`, `MUTABLE`, `optional`, an enum member
//!   of the same enum): it is replaced with the `opposite` applicability (a choice was written
//!   down: `review` at most, whatever the row says), or reported without a fix when a comment
//!   records the decision ([`super::recorded_decision`]) or `opposite` is `None`; the rule
//!   is [`super::explicit_value`]'s, shared with the encryption engine and the hand-written
//!   transforms;
//! * anything else (the wanted value, an intrinsic, a parameter, a variable) is left alone.
//!
//! A resource whose comment names the setting's property (above it, first in its body,
//! trailing one of its lines; see [`super::resource_comments`]) is reported without a fix:
//! someone thought about that setting.
//!
//! Paths are written in CloudFormation's PascalCase; for CDK L1 classes (`….Cfn*`) each key is
//! camel-cased as aws-cdk-lib does ([`super::prop_name`]); for L2 and CDKTF rows they are used as
//! written. CDK constructs that a Mixin configures (`new X(…).with(…)`, or a file that applies
//! `Mixins.of(…)`) are left alone: the Mixin may already set the property.

use crate::edit::{Applicability, Edit, Finding};
use crate::lang::mapping::{MapNode, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::Meta;
use crate::value::Value;

/// The value a [`Setting`] wants at its path.
#[derive(Clone, Copy)]
pub(crate) enum Want {
    /// A boolean (CloudFormation also accepts the strings `"true"`/`"false"`).
    Bool(bool),
    /// A string constant; `accepted` lists other values that also satisfy the check.
    Str {
        value: &'static str,
        accepted: &'static [&'static str],
    },
    /// A CDK enum member (`ecr.TagMutability.IMMUTABLE`), named through the file's import of
    /// `module` (added when missing, with `alias` as the namespace).
    Enum {
        module: &'static str,
        name: &'static str,
        member: &'static str,
        alias: &'static str,
        accepted: &'static [&'static str],
    },
    /// A value that must not be one of `forbidden` (absent is fine): a forbidden literal
    /// becomes `value`. With `cdk_enum` (module, enum, namespace alias) CDK enum members of
    /// that enum are compared by member name and replaced with the member `value`.
    NotIn {
        forbidden: &'static [&'static str],
        value: &'static str,
        cdk_enum: Option<(&'static str, &'static str, &'static str)>,
    },
    /// A boolean that must not be written as this literal (absent is fine): the literal is
    /// flipped (`EncryptionDisabled: true` → `false`).
    NotBool(bool),
    /// The deploying account: CloudFormation `!Ref AWS::AccountId`, CDK `cdk.Aws.ACCOUNT_ID`
    /// (any explicit value is left alone).
    AccountId,
    /// A number (a configurable default; any explicit number is left alone).
    Int(i64),
    /// A list of strings that should hold at least one of `accepted`; created with `insert`.
    Items {
        insert: &'static [&'static str],
        accepted: &'static [&'static str],
    },
    /// A list of `{name_key: name, value_key: value}` records (`ClusterSettings`,
    /// `LoadBalancerAttributes`) that should hold the record `name` with a value in `accepted`.
    Record {
        name_key: &'static str,
        name: &'static str,
        value_key: &'static str,
        value: &'static str,
        accepted: &'static [&'static str],
    },
}

/// Whether a resource is out of a setting's scope (another engine, a disabled endpoint…).
pub(crate) type Skip = fn(&Document, &Resource, &MapNode) -> bool;

/// One row of a table-driven transform.
pub(crate) struct Setting {
    /// Type names as [`Document::of_types`] knows them (any flavor; a document only holds its own).
    pub types: &'static [&'static str],
    /// Keys from the props to the setting, in CloudFormation spelling (see the module docs).
    pub path: &'static [&'static str],
    pub want: Want,
    /// Applicability of inserting a missing setting; `None`: report without a fix.
    pub absent: Option<Applicability>,
    /// Applicability of replacing an explicit opposite value; `None`: report without a fix.
    pub opposite: Option<Applicability>,
    /// What the resource is (`ECR repository`).
    pub subject: &'static str,
    /// What is wrong, after the name (`does not scan images on push`).
    pub lacks: &'static str,
    /// What the fix does, or what to check for a review fix.
    pub fix: &'static str,
    pub skip: Option<Skip>,
    /// A reason found in the document to report without a fix (`Some(why)`), e.g. a mutable
    /// tag the template pushes or refers to.
    pub hold: Option<fn(&Document, &Resource) -> Option<String>>,
}

impl Setting {
    /// The row's path for a resource type: camel-cased for CDK L1 classes.
    fn keys(&self, type_name: &str) -> Vec<String> {
        self.path.iter().map(|k| key_for(type_name, k)).collect()
    }
}

fn key_for(type_name: &str, key: &str) -> String {
    if type_name.starts_with("aws-cdk-lib/") && type_name.contains(".Cfn") {
        super::prop_name(crate::flavor::Flavor::CdkTs, key)
    } else {
        key.to_string()
    }
}

/// What a table-driven transform looks at: the types of its rows ([`check_settings`]
/// finds nothing in a document without a resource of one of them).
pub(crate) fn table_interest(table: &[Setting]) -> crate::transform::Interest {
    crate::transform::Interest::types(table.iter().flat_map(|s| s.types.iter().copied()))
}

/// The findings of a table for one document, in source order of the resources.
pub(crate) fn check_settings(
    meta: &'static Meta,
    doc: &Document,
    table: &[Setting],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mixins = doc.ts.is_some() && doc.source().contains("Mixins.of(");
    for setting in table {
        for r in doc.of_types(setting.types) {
            if doc.ts.is_some() && (mixins || configured_by_mixin(doc, r)) {
                continue;
            }
            out.extend(check_one(meta, doc, r, setting));
        }
    }
    out.sort_by_key(|f| f.offset);
    out
}

/// `new X(…).with(…)` or `x.with(…)` on its binding: a CDK Mixin applied to the construct.
fn configured_by_mixin<'a>(doc: &Document<'a>, r: &Resource<'a>) -> bool {
    if r.binding
        .as_deref()
        .is_some_and(|b| doc.source().contains(&format!("{b}.with(")))
    {
        return true;
    }
    let Some(parent) = doc.parent(r.node) else {
        return false;
    };
    parent.kind() == "member_expression"
        && parent
            .child_by_field_name("property")
            .is_some_and(|p| doc.text(p) == "with")
        && parent
            .child_by_field_name("object")
            .is_some_and(|o| o.id() == r.node.id())
}

fn name_of(r: &Resource) -> String {
    r.logical_id
        .as_deref()
        .or(r.binding.as_deref())
        .map_or_else(String::new, |n| format!(" `{n}`"))
}

fn check_one(meta: &'static Meta, doc: &Document, r: &Resource, s: &Setting) -> Option<Finding> {
    // Computed only for a resource that gets a finding.
    let hold_fn = || {
        s.hold
            .and_then(|h| h(doc, r))
            .or_else(|| comment_names_setting(doc, r, s))
    };
    let hold: &dyn Fn() -> Option<String> = &hold_fn;
    let keys = s.keys(&r.type_name);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let head = format!("{}{} {}", s.subject, name_of(r), s.lacks);
    let at = r.node.start_byte();
    let Some(props) = r.props else {
        // CFN without `Properties`, or a construct created with (scope, id) only.
        // (`add_props` declines props passed as a variable: a call with more arguments.)
        if s.skip.is_some() && r.body.is_some() {
            return None; // a template resource whose scope depends on properties it lacks
        }
        if matches!(s.want, Want::NotIn { .. } | Want::NotBool(_)) {
            return None;
        }
        let (value, import) = inserted(doc, r, s)?;
        let nested = keys[1..]
            .iter()
            .rev()
            .fold(value, |acc, k| Value::map([(*k, acc)]));
        let mut edits = super::add_props(doc, r, keys[0], nested)?;
        edits.extend(import);
        return Some(found(meta, hold, at, &head, s, s.absent, edits));
    };
    if let Some(skip) = s.skip {
        if skip(doc, r, &props) {
            return None;
        }
    }
    // Walk to the deepest existing mapping on the path.
    let mut map = props;
    for (i, key) in keys.iter().enumerate() {
        if map.has_spread() {
            return None;
        }
        let last = i + 1 == keys.len();
        match map.get(key) {
            None if map.has(key) => return None,
            None if matches!(s.want, Want::NotIn { .. } | Want::NotBool(_)) => return None,
            None => {
                let (value, import) = inserted(doc, r, s)?;
                let mut edits = map.set_path(&keys[i..], &value);
                edits.extend(import);
                return Some(found(meta, hold, at, &head, s, s.absent, edits));
            }
            Some(v) if last => return check_value(meta, hold, doc, r, s, v, &head),
            Some(v) => map = v.as_map().filter(|_| v.tag.is_none())?,
        }
    }
    None
}

/// The value to insert where the setting is missing, and an import edit for CDK enums.
fn inserted(doc: &Document, r: &Resource, s: &Setting) -> Option<(Value, Option<Edit>)> {
    let k = |key: &str| key_for(&r.type_name, key);
    Some(match s.want {
        Want::Bool(b) => (Value::Bool(b), None),
        Want::Str { value, .. } => (Value::str(value), None),
        Want::Int(n) => (Value::Int(n), None),
        Want::NotIn { .. } | Want::NotBool(_) => return None,
        Want::AccountId => match &doc.ts {
            None => (Value::Ref("AWS::AccountId".into()), None),
            Some(ts) => {
                let (aws, import) = ts.reference("aws-cdk-lib", "Aws", "cdk");
                (Value::code(format!("{aws}.ACCOUNT_ID")), import)
            }
        },
        Want::Enum {
            module,
            name,
            member,
            alias,
            ..
        } => {
            let (text, import) = doc.ts.as_ref()?.reference(module, name, alias);
            (Value::code(format!("{text}.{member}")), import)
        }
        Want::Items { insert, .. } => (
            Value::List(insert.iter().map(|i| Value::str(*i)).collect()),
            None,
        ),
        Want::Record {
            name_key,
            name,
            value_key,
            value,
            ..
        } => (
            Value::List(vec![Value::map([
                (k(name_key), Value::str(name)),
                (k(value_key), Value::str(value)),
            ])]),
            None,
        ),
    })
}

fn found(
    meta: &'static Meta,
    hold: &dyn Fn() -> Option<String>,
    at: usize,
    head: &str,
    s: &Setting,
    applicability: Option<Applicability>,
    edits: Vec<Edit>,
) -> Finding {
    if let Some(why) = hold() {
        return meta.finding(at, format!("{head}; not fixed: {why}"), None);
    }
    match applicability {
        Some(a) => super::finding_with(meta, a, at, format!("{head}; {}", s.fix), edits),
        None => meta.finding(
            at,
            format!("{head}; not fixed automatically: {}", s.fix),
            None,
        ),
    }
}

/// `Some(why)` when a comment of the resource (above it, first in its body, trailing one of
/// its lines: [`super::resource_comments`]) names the setting's property (`# no
/// ScanOnPush: Inspector scans this registry`; spaces, `-` and `_` ignored, case-insensitive):
/// whoever wrote it thought about the setting, so it is reported, not changed.
fn comment_names_setting(doc: &Document, r: &Resource, s: &Setting) -> Option<String> {
    // A short last key (`Audit`) is too common a word: the whole path then (`LogsAudit`).
    let last = s.path.last()?;
    let key = if last.len() < 8 {
        s.path.concat()
    } else {
        last.to_string()
    }
    .to_ascii_lowercase();
    super::resource_comments(doc, r).into_iter().find_map(|(text, at)| {
        let squeezed: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect::<String>()
            .to_ascii_lowercase();
        squeezed.contains(&key).then(|| {
            format!(
                "the comment at line {} names the setting (\"{text}\"); it may have been left as it is on purpose",
                doc.line_of(at)
            )
        })
    })
}

/// A fix that replaces an explicit value is never `safe` (it overrules a written decision).
fn at_most_review(a: Option<Applicability>) -> Option<Applicability> {
    a.map(|a| a.max(Applicability::Review))
}

/// The setting is present: is it the opposite of what is wanted?
fn check_value(
    meta: &'static Meta,
    hold: &dyn Fn() -> Option<String>,
    doc: &Document,
    r: &Resource,
    s: &Setting,
    v: ValueNode,
    head: &str,
) -> Option<Finding> {
    if v.tag.is_some() || v.intrinsic().is_some() {
        return None;
    }
    // An explicit opposite value: `review` at most, none with a recorded reason or a hold
    // (see `super::explicit_value`, the rule every engine shares).
    let explicit = |replacement: Value, import: Option<Edit>, shown: &str| -> Option<Finding> {
        let head = format!("{head} (`{shown}`, written explicitly)");
        if let Some(note) = super::decision_note(doc, &v) {
            return Some(meta.finding(v.start(), format!("{head}; {note}"), None));
        }
        let mut edits = vec![v.replace(&replacement)];
        edits.extend(import);
        Some(found(
            meta,
            hold,
            v.start(),
            &head,
            s,
            at_most_review(s.opposite),
            edits,
        ))
    };
    let text = v.text().trim();
    match s.want {
        Want::Bool(b) => match super::literal_bool(&v) {
            Some(x) if x != b => explicit(Value::Bool(b), None, text),
            _ => None,
        },
        Want::Str { value, accepted } => {
            let got = v.as_str()?;
            let ok = got.eq_ignore_ascii_case(value)
                || accepted.iter().any(|a| got.eq_ignore_ascii_case(a));
            (!ok)
                .then(|| explicit(Value::str(value), None, text))
                .flatten()
        }
        Want::Enum {
            module,
            name,
            member,
            alias,
            accepted,
        } => {
            let ts = doc.ts.as_ref()?;
            let got = ts.resolve(v.node)?;
            let enum_prefix = format!("{module}.{name}.");
            let m = got.strip_prefix(&enum_prefix)?;
            if m == member || accepted.contains(&m) {
                return None;
            }
            let (text_ref, import) = ts.reference(module, name, alias);
            explicit(Value::code(format!("{text_ref}.{member}")), import, text)
        }
        Want::Int(_) | Want::AccountId => None,
        Want::NotBool(b) => match super::literal_bool(&v) {
            Some(x) if x == b => explicit(Value::Bool(!b), None, text),
            _ => None,
        },
        Want::NotIn {
            forbidden,
            value,
            cdk_enum,
        } => {
            let bad = |got: &str| forbidden.iter().any(|f| f.eq_ignore_ascii_case(got));
            if let Some(got) = v.as_str() {
                return bad(&got)
                    .then(|| explicit(Value::str(value), None, text))
                    .flatten();
            }
            let (module, name, alias) = cdk_enum?;
            let ts = doc.ts.as_ref()?;
            let got = ts.resolve(v.node)?;
            let member = got.strip_prefix(&format!("{module}.{name}."))?;
            if !bad(member) {
                return None;
            }
            let (text_ref, import) = ts.reference(module, name, alias);
            explicit(Value::code(format!("{text_ref}.{value}")), import, text)
        }
        Want::Items { insert, accepted } => {
            let list = v.as_list()?;
            let items = list.items();
            let mut strs = Vec::new();
            for i in &items {
                strs.push(i.as_str().filter(|_| i.tag.is_none())?);
            }
            if strs.iter().any(|x| accepted.contains(&x.as_str())) {
                return None;
            }
            // A list written without the wanted item is an explicit value too.
            if !items.is_empty() {
                if let Some(note) = super::decision_note(doc, &v) {
                    let head = format!("{head} (`{text}`, written explicitly)");
                    return Some(meta.finding(v.start(), format!("{head}; {note}"), None));
                }
            }
            // A list that names other items: the first wanted one joins them.
            let edits = list.push(&Value::str(*insert.first()?));
            Some(found(
                meta,
                hold,
                v.start(),
                head,
                s,
                if items.is_empty() {
                    s.absent
                } else {
                    at_most_review(s.opposite)
                },
                edits,
            ))
        }
        Want::Record {
            name_key,
            name,
            value_key,
            value,
            accepted,
        } => {
            let list = v.as_list()?;
            let (nk, vk) = (
                key_for(&r.type_name, name_key),
                key_for(&r.type_name, value_key),
            );
            for item in list.items() {
                let map = item.as_map()?;
                if map.get(&nk)?.as_str()? != name {
                    continue;
                }
                let got = map.get(&vk)?;
                let got_text = got.as_str().filter(|_| got.tag.is_none())?;
                if got_text == value || accepted.contains(&got_text.as_str()) {
                    return None;
                }
                let head = format!("{head} (`{name}` is `{got_text}`, written explicitly)");
                if let Some(note) = super::decision_note(doc, &got) {
                    return Some(meta.finding(got.start(), format!("{head}; {note}"), None));
                }
                return Some(found(
                    meta,
                    hold,
                    got.start(),
                    &head,
                    s,
                    at_most_review(s.opposite),
                    vec![got.replace(&Value::str(value))],
                ));
            }
            let record = Value::map([(nk, Value::str(name)), (vk, Value::str(value))]);
            Some(found(
                meta,
                hold,
                v.start(),
                head,
                s,
                s.absent,
                list.push(&record),
            ))
        }
    }
}
