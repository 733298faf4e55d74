//! The write guard's reading of a template: a digest per unit instead of the value.
//!
//! [`super::cfn_data::check_write`] asks one question of the template before and after a
//! pass of fixes: which top-level keys, and which entries of the sections
//! (`Resources`, `Parameters`, …), differ as data. Building the whole template as a
//! `serde_json::Value` for that (and dropping it a pass later) was a fifth of the fixer's
//! work on YAML templates (issue 20). A [`Digest`] holds, for a value, a 64-bit hash that
//! is equal for equal values (`serde_json::Value` equality: mappings compare without
//! regard to key order, `1` and `1.0` differ, `0.0` and `-0.0` do not), plus the
//! members of the two outer levels of mappings with their own digests. Two values with
//! equal hashes are taken as equal: a false "equal" needs a 64-bit collision between a
//! unit before and after one pass.
//!
//! [`Digest::read_checked`] reads a JSON or YAML text with the strict check of
//! [`super::verify::check`] in the same reading (`None` when the check fails, and for a
//! few rare forms it leaves to the value path); [`Digest::of_value`] digests a value read
//! by [`super::cfn_data::to_value_as_written`] (every other case).
//! Only generic template structure is known here; no AWS service.

use super::Syntax;
use serde_json::{Number, Value};
use std::hash::Hasher;

/// Levels of mapping members a digest keeps: the template's top-level keys, and the
/// entries of each top-level mapping (a section's resources, parameters, …).
const KEPT_LEVELS: usize = 2;

/// A value's digest: its hash, and its members when it is a mapping within
/// [`KEPT_LEVELS`] of the template's root.
#[derive(Clone, Debug)]
pub struct Digest {
    hash: u64,
    /// `Some` for a mapping within the kept levels: `(key, digest)` sorted by key (the
    /// order in which `serde_json::Map`, a `BTreeMap` in this build, lists them).
    members: Option<Vec<(String, Digest)>>,
}

impl PartialEq for Digest {
    /// Equal as data (see the module documentation): the hashes are equal.
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
    }
}

impl Digest {
    /// The members of a mapping of the outer levels (`None` for any other value).
    pub fn members(&self) -> Option<&[(String, Digest)]> {
        self.members.as_deref()
    }

    /// The member `key` of a mapping of the outer levels.
    pub fn get(&self, key: &str) -> Option<&Digest> {
        let members = self.members()?;
        let i = members
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()?;
        Some(&members[i].1)
    }

    /// The hash of the whole value (equal for values equal as data).
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The digest of `value` (a template read by
    /// [`super::cfn_data::to_value_as_written`]).
    pub fn of_value(value: &Value) -> Digest {
        digest_value(value, KEPT_LEVELS)
    }

    /// The digest of the template in `source` and the strict check of the text, from one
    /// reading: `Some` when the text passes [`super::verify::check`] strictly (YAML:
    /// without its flow-indentation fallback) and reads as a template, with the digest
    /// [`Digest::of_value`] gives for [`super::cfn_data::to_value_as_written`];
    /// `None` when either fails, and for a YAML text with a byte-order mark or a mapping
    /// key that is not a string (an alias, a collection, a tagged or non-string plain
    /// scalar): the caller then runs the check and the value reading on their own.
    pub fn read_checked(syntax: Syntax, source: &str) -> Option<Digest> {
        match syntax {
            Syntax::Yaml => Self::read_checked_yaml(source).map(|(d, _)| d),
            Syntax::Json => {
                let text = source.strip_prefix('\u{feff}').unwrap_or(source);
                let mut de = serde_json::Deserializer::from_str(text);
                let digest = serde::de::DeserializeSeed::deserialize(JsonSeed(0), &mut de).ok()?;
                de.end().ok()?;
                Some(digest)
            }
            Syntax::TypeScript => None,
        }
    }

    /// [`Digest::read_checked`] of a YAML text, with the deepest nesting of collections
    /// in any of its documents (1: a mapping of scalars), for the caller's depth limit.
    pub fn read_checked_yaml(source: &str) -> Option<(Digest, usize)> {
        use saphyr_parser::Event;
        if source.starts_with('\u{feff}') {
            return None;
        }
        let mut parser = saphyr_parser::Parser::new_from_str(source);
        let mut strict = super::verify::StrictYaml::default();
        let mut builder = Some(YamlDigest::default());
        let mut digest = None;
        let (mut open, mut nesting) = (0usize, 0usize);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.ok()?;
            strict.event(&event, &span).ok()?;
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    open += 1;
                    nesting = nesting.max(open);
                }
                Event::SequenceEnd | Event::MappingEnd => open = open.saturating_sub(1),
                _ => {}
            }
            if let Some(b) = &mut builder {
                if b.event(event)? {
                    digest = builder.take().map(YamlDigest::finish);
                }
            }
        }
        digest
            .or_else(|| builder.map(YamlDigest::finish))
            .map(|d| (d, nesting))
    }
}

// ---- hashing: one function per kind of value, shared by both readings ----

const NULL: u64 = 0x6e75_6c6c;
const TRUE: u64 = 0x7472_7565;
const FALSE: u64 = 0x6661_6c73;

/// A strong 64-bit mix (splitmix64's finalizer): spreads every input bit over the output,
/// so sums of mixed entries (mappings) do not cancel.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn hash_str(s: &str) -> u64 {
    // SipHash with fixed keys: the same in every run (digests are only compared within one).
    let mut h = std::hash::DefaultHasher::new();
    h.write(s.as_bytes());
    mix(h.finish() ^ 0x5354_5200)
}

/// `serde_json::Number` equality: `PosInt`, `NegInt` and `Float` are distinct variants;
/// floats compare with `==` (`0.0 == -0.0`; NaN is never a `Number`).
fn hash_number(n: &Number) -> u64 {
    if let Some(u) = n.as_u64() {
        mix(u ^ 0x504f_5300)
    } else if let Some(i) = n.as_i64() {
        mix((i as u64) ^ 0x4e45_4700).rotate_left(1)
    } else {
        let f = n.as_f64().unwrap_or(0.0);
        let bits = if f == 0.0 { 0 } else { f.to_bits() };
        mix(bits ^ 0x464c_5400).rotate_left(2)
    }
}

/// A sequence, item by item (order matters).
#[derive(Clone, Copy)]
struct SeqHash {
    state: u64,
    len: u64,
}

impl SeqHash {
    fn new() -> Self {
        SeqHash {
            state: 0x5345_5100,
            len: 0,
        }
    }
    fn push(&mut self, item: u64) {
        self.state = mix(self.state.rotate_left(7) ^ item);
        self.len += 1;
    }
    fn finish(self) -> u64 {
        mix(self.state ^ self.len.wrapping_mul(0x2545_f491_4f6c_dd1d))
    }
}

/// A mapping: the sum of its mixed entries (order does not matter), keys distinct.
#[derive(Clone, Copy)]
struct MapHash {
    sum: u64,
    len: u64,
}

impl MapHash {
    fn new() -> Self {
        MapHash { sum: 0, len: 0 }
    }
    fn push(&mut self, key: u64, value: u64) {
        self.sum = self.sum.wrapping_add(mix(key ^ mix(value ^ 0x4d41_5000)));
        self.len += 1;
    }
    fn finish(self) -> u64 {
        mix(self.sum ^ mix(self.len ^ 0x4f42_4a00))
    }
}

fn digest_value(value: &Value, keep: usize) -> Digest {
    match value {
        Value::Object(map) => {
            let mut h = MapHash::new();
            let mut members = (keep > 0).then(|| Vec::with_capacity(map.len()));
            for (k, v) in map {
                let d = digest_value(v, keep.saturating_sub(1));
                h.push(hash_str(k), d.hash);
                if let Some(m) = &mut members {
                    m.push((k.clone(), d));
                }
            }
            Digest {
                hash: h.finish(),
                members: members.map(sorted),
            }
        }
        Value::Array(items) => {
            let mut h = SeqHash::new();
            for item in items {
                h.push(digest_value(item, 0).hash);
            }
            plain(h.finish())
        }
        Value::Null => plain(mix(NULL)),
        Value::Bool(true) => plain(mix(TRUE)),
        Value::Bool(false) => plain(mix(FALSE)),
        Value::Number(n) => plain(hash_number(n)),
        Value::String(s) => plain(hash_str(s)),
    }
}

/// Members sorted by key (keys are distinct).
fn sorted(mut members: Vec<(String, Digest)>) -> Vec<(String, Digest)> {
    members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    members
}

/// A one-entry mapping `{key: inner}` (a YAML tag's long form).
fn single_entry(key: &str, inner: Digest, keep: bool) -> Digest {
    let mut h = MapHash::new();
    h.push(hash_str(key), inner.hash);
    Digest {
        hash: h.finish(),
        members: keep.then(|| vec![(key.to_string(), inner)]),
    }
}

// ---- YAML: the digest of `cfn_data::yaml_value` (aliases as written), from events ----

/// A resolved scalar, as `cfn_data` resolves it, without allocating strings.
enum Scalar<'t> {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'t str),
}

impl Scalar<'_> {
    fn hash(&self) -> u64 {
        match self {
            Scalar::Null => mix(NULL),
            Scalar::Bool(true) => mix(TRUE),
            Scalar::Bool(false) => mix(FALSE),
            Scalar::Number(n) => hash_number(n),
            Scalar::Str(s) => hash_str(s),
        }
    }
}

/// `cfn_data::plain_scalar` without building the value.
fn resolve_plain(text: &str) -> Scalar<'_> {
    match super::cfn_data::plain_scalar_typed(text) {
        Some(Value::Null) => Scalar::Null,
        Some(Value::Bool(b)) => Scalar::Bool(b),
        Some(Value::Number(n)) => Scalar::Number(n),
        _ => Scalar::Str(text),
    }
}

/// One open collection: its hash so far, and (outer levels) its members.
enum Open {
    Seq {
        hash: SeqHash,
        tag: Option<String>,
    },
    Map {
        hash: MapHash,
        /// The key read, waiting for its value.
        key: Option<(u64, String)>,
        members: Option<Vec<(String, Digest)>>,
        tag: Option<String>,
    },
}

/// Folds YAML events into the digest, as `cfn_data::YamlValue` folds them into the value
/// (aliases as written: `{"*": anchor id}`).
#[derive(Default)]
struct YamlDigest {
    stack: Vec<Open>,
    document: Option<Digest>,
}

impl YamlDigest {
    /// Whether the value completing at the current depth keeps its members.
    fn keep(&self) -> bool {
        self.stack.len() < KEPT_LEVELS
    }

    /// Takes one event: `Some(true)` once the first document is complete; `None` for a
    /// mapping key this reading leaves to the value path (see [`Digest::read_checked`]).
    fn event(&mut self, event: saphyr_parser::Event) -> Option<bool> {
        use saphyr_parser::{Event, ScalarStyle};
        let awaiting_key = matches!(self.stack.last(), Some(Open::Map { key: None, .. }));
        if awaiting_key
            && matches!(
                event,
                Event::Alias(_) | Event::SequenceStart(..) | Event::MappingStart(..)
            )
        {
            // An alias or a collection as a mapping key: left to the value path.
            return None;
        }
        let keep = self.keep();
        let digest = match event {
            Event::Scalar(text, style, _, tag) => {
                let tag = tag.as_deref();
                let core = tag.filter(|t| t.handle == "tag:yaml.org,2002:");
                let local = tag.filter(|t| t.handle == "!").map(|t| t.suffix.as_str());
                let scalar = match core {
                    Some(t) if t.suffix == "str" => Scalar::Str(&text),
                    Some(_) => resolve_plain(&text),
                    None if style == ScalarStyle::Plain => resolve_plain(&text),
                    None => Scalar::Str(&text),
                };
                if awaiting_key {
                    // A key: a string, not tagged with a CloudFormation function.
                    let (Scalar::Str(s), None) = (&scalar, local) else {
                        return None;
                    };
                    if let Some(Open::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some((hash_str(s), s.to_string()));
                    }
                    return Some(false);
                }
                // `!GetAtt a.b` is `{"Fn::GetAtt": ["a", "b"]}`.
                let split = match (local, &scalar) {
                    (Some("GetAtt"), Scalar::Str(s)) => s.split_once('.'),
                    _ => None,
                };
                let value = match split {
                    Some((a, b)) => {
                        let mut h = SeqHash::new();
                        h.push(hash_str(a));
                        h.push(hash_str(b));
                        plain(h.finish())
                    }
                    None => plain(scalar.hash()),
                };
                match local {
                    Some(name) => long_form(name, value, keep),
                    None => value,
                }
            }
            Event::Alias(id) => single_entry("*", plain(hash_number(&Number::from(id))), keep),
            Event::SequenceStart(_, tag) => {
                self.stack.push(Open::Seq {
                    hash: SeqHash::new(),
                    tag: local_tag(tag.as_deref()),
                });
                return Some(false);
            }
            Event::MappingStart(_, tag) => {
                self.stack.push(Open::Map {
                    hash: MapHash::new(),
                    key: None,
                    members: keep.then(Vec::new),
                    tag: local_tag(tag.as_deref()),
                });
                return Some(false);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, tag) = match self.stack.pop()? {
                    Open::Seq { hash, tag } => (plain(hash.finish()), tag),
                    Open::Map {
                        hash, members, tag, ..
                    } => (
                        Digest {
                            hash: hash.finish(),
                            members: members.map(sorted),
                        },
                        tag,
                    ),
                };
                match tag {
                    Some(t) => long_form(&t, value, self.keep()),
                    None => value,
                }
            }
            Event::DocumentEnd => return Some(self.document.is_some()),
            _ => return Some(false),
        };
        match self.stack.last_mut() {
            Some(Open::Seq { hash, .. }) => hash.push(digest.hash),
            Some(Open::Map {
                hash, key, members, ..
            }) => {
                let (k, name) = key.take()?;
                hash.push(k, digest.hash);
                if let Some(m) = members {
                    m.push((name, digest));
                }
            }
            None => self.document = Some(digest),
        }
        Some(false)
    }

    fn finish(self) -> Digest {
        self.document.unwrap_or_else(|| plain(mix(NULL)))
    }
}

fn plain(hash: u64) -> Digest {
    Digest {
        hash,
        members: None,
    }
}

/// The CloudFormation function a local tag names (see `cfn_data::local_tag`).
fn local_tag(tag: Option<&saphyr_parser::Tag>) -> Option<String> {
    let t = tag?;
    (t.handle == "!").then(|| t.suffix.clone())
}

/// `!Name value` in its long form (`cfn_data::long_form`; `GetAtt` of a scalar is handled
/// where the scalar is read).
fn long_form(name: &str, inner: Digest, keep: bool) -> Digest {
    match name {
        "Ref" | "Condition" => single_entry(name, inner, keep),
        "GetAtt" => single_entry("Fn::GetAtt", inner, keep),
        other => single_entry(&format!("Fn::{other}"), inner, keep),
    }
}

// ---- JSON: the digest of the value `cfn_data`'s checked reading gives ----

/// Reads one JSON value at `depth` (0: the root) into its digest, refusing an object with
/// the same key twice (as `verify::check` does; keys are compared by hash, so a collision
/// refuses too, and the caller's exact path decides).
#[derive(Clone, Copy)]
struct JsonSeed(usize);

impl<'de> serde::de::DeserializeSeed<'de> for JsonSeed {
    type Value = Digest;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Digest, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonSeed {
    type Value = Digest;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Digest, E> {
        Ok(plain(mix(if b { TRUE } else { FALSE })))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Digest, E> {
        Ok(plain(hash_number(&i.into())))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Digest, E> {
        Ok(plain(hash_number(&u.into())))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Digest, E> {
        Ok(plain(
            Number::from_f64(f).map_or_else(|| mix(NULL), |n| hash_number(&n)),
        ))
    }
    fn visit_str<E>(self, s: &str) -> Result<Digest, E> {
        Ok(plain(hash_str(s)))
    }
    fn visit_unit<E>(self) -> Result<Digest, E> {
        Ok(plain(mix(NULL)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Digest, A::Error> {
        let mut h = SeqHash::new();
        while let Some(d) = seq.next_element_seed(JsonSeed(usize::MAX))? {
            h.push(d.hash);
        }
        Ok(plain(h.finish()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Digest, A::Error> {
        let keep = self.0 < KEPT_LEVELS;
        let mut h = MapHash::new();
        let mut keys: Vec<u64> = Vec::new();
        let mut members = keep.then(Vec::new);
        while let Some((k, name)) = map.next_key_seed(JsonKey(keep))? {
            if keys.contains(&k) {
                return Err(serde::de::Error::custom("duplicate key"));
            }
            keys.push(k);
            let d = map.next_value_seed(JsonSeed(self.0.saturating_add(1)))?;
            h.push(k, d.hash);
            if let (Some(m), Some(name)) = (&mut members, name) {
                m.push((name, d));
            }
        }
        Ok(Digest {
            hash: h.finish(),
            members: members.map(sorted),
        })
    }
}

/// Reads a JSON object key: its hash, and (`true`: an outer level) the key itself.
#[derive(Clone, Copy)]
struct JsonKey(bool);

impl<'de> serde::de::DeserializeSeed<'de> for JsonKey {
    type Value = (u64, Option<String>);
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonKey {
    type Value = (u64, Option<String>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok((hash_str(s), self.0.then(|| s.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::cfn_data::to_value_as_written;

    /// The checked reading's digest is the value's, and there is one only for a text the
    /// strict check accepts (a refusal is the check's, or a form left to the value path).
    #[test]
    fn checked_digest_is_the_values() {
        let texts = [
            (
                Syntax::Json,
                "{\"b\": 1, \"a\": [-1, 1.5, 18446744073709551616, 1e3, null, true, \"\\u0041\"], \"c\": {\"d\": {\"e\": [0.0, -0.0]}}}",
            ),
            (Syntax::Json, "\u{feff}{\"A\": {\"B\": {}}}"),
            (Syntax::Json, "{\"A\": 1, \"A\": 2}"),
            (Syntax::Json, "{\"A\": {\"B\": 1, \"B\": 1}}"),
            (Syntax::Json, "{\"A\": 1} x"),
            (Syntax::Json, "{\"A\": 1e999}"),
            (
                Syntax::Yaml,
                "A: !Ref B\nC: &x {D: 1}\nE: *x\nF: [1, 2.5, yes, ~, '3', !!str 4, !!int 5]\nG: !GetAtt R.Arn\nH: !GetAtt [R, Arn]\nI: !Sub [a, {b: !Ref c}]\nJ: !Condition k\nK: !GetAtt NoDot\n",
            ),
            (Syntax::Yaml, "Resources: !Transform {A: 1}\nOutputs: !Ref X\n"),
            (Syntax::Yaml, "A: 1\n---\nA: 2\nA: 3\n"),
            (Syntax::Yaml, "A: 1\nA: 2\n"),
            (Syntax::Yaml, "A: [1, 2\n"),
            (Syntax::Yaml, "\u{feff}A: 1\n"),
            (Syntax::Yaml, "A:\n  Action: [\n    \"a\",\n  ]\n  B: 1\n"),
            (Syntax::Yaml, "true: 1\nTrue: 2\n"),
            (Syntax::Yaml, "? [a]\n: 1\n"),
            (Syntax::Yaml, "A: &a k\n*a : 1\n"),
            (Syntax::Yaml, "- 1\n- 2\n"),
            (Syntax::Yaml, ""),
        ];
        let mut read = 0;
        for (syntax, text) in texts {
            let strict = match syntax {
                Syntax::Yaml => crate::lang::verify::check_yaml_strict_for_tests(text),
                _ => crate::lang::verify::check(syntax, text),
            };
            match Digest::read_checked(syntax, text) {
                Some(d) => {
                    assert!(strict.is_ok(), "{text:?}");
                    let v = to_value_as_written(syntax, text).expect("a value");
                    assert_same(&Digest::of_value(&v), &d, text);
                    read += 1;
                }
                None => {
                    let left_to_values = text.starts_with('\u{feff}') && syntax == Syntax::Yaml
                        || text.contains("True")
                        || text.contains("? [")
                        || text.contains("*a :");
                    assert!(strict.is_err() || left_to_values, "{text:?}");
                }
            }
        }
        assert_eq!(read, 6);
    }

    fn assert_same(a: &Digest, b: &Digest, text: &str) {
        assert_eq!(a.hash, b.hash, "{text:?}");
        let names = |d: &Digest| {
            d.members().map(|m| {
                m.iter()
                    .map(|(k, d)| (k.clone(), d.hash))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(names(a), names(b), "{text:?}");
        for ((_, x), (_, y)) in a
            .members()
            .unwrap_or(&[])
            .iter()
            .zip(b.members().unwrap_or(&[]))
        {
            assert_eq!(names(x), names(y), "{text:?}");
        }
    }

    /// Equal values, equal digests; different values, different digests.
    #[test]
    fn digest_equality_is_value_equality() {
        let values = [
            "{}",
            "[]",
            "null",
            "true",
            "false",
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "1.0",
            "-1",
            "\"1\"",
            "\"\"",
            "[1, 2]",
            "[2, 1]",
            "[[1], 2]",
            "[1, [2]]",
            "{\"a\": 1}",
            "{\"a\": 1, \"b\": 2}",
            "{\"b\": 2, \"a\": 1}",
            "{\"a\": 2, \"b\": 1}",
            "{\"a\": {\"b\": 1}}",
            "{\"a\": [\"b\", 1]}",
            "{\"ab\": 1}",
            "{\"a\": \"b\"}",
            "[{}]",
            "[[]]",
            "[null]",
            "18446744073709551615",
            "-9223372036854775808",
        ];
        for a in values {
            for b in values {
                let (va, vb): (Value, Value) = (
                    serde_json::from_str(a).unwrap(),
                    serde_json::from_str(b).unwrap(),
                );
                let (da, db) = (Digest::of_value(&va), Digest::of_value(&vb));
                assert_eq!(va == vb, da == db, "{a} vs {b}");
            }
        }
    }
}
