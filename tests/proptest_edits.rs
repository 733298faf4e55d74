//! Property tests of the edit engine (deterministic: every property runs from one fixed
//! seed, see [`config`], unless PROPTEST_RNG_SEED sets another, e.g. to explore; failures
//! are persisted under `proptest-regressions/`).
//! - `apply_edits` equals a reference splice for random non-overlapping edits given
//!   in any order;
//! - two fixes `fixes_conflict` says are independent compose: applying both at once
//!   equals applying one, then the other shifted;
//! - `MapNode` insert / set / remove / rename on generated JSON, YAML (block and flow)
//!   and TypeScript objects in several styles give text that parses strictly and
//!   holds the change.

use iac_fix::edit::{apply_edits, fixes_conflict, Edit, Fix};
use iac_fix::lang::mapping::{MapNode, Position};
use iac_fix::lang::{descendants, verify, Parsed, Syntax};
use iac_fix::value::Value;
use proptest::prelude::*;

/// `cases` cases from a fixed seed, so that a run (CI's included) is reproducible:
/// proptest's own default seed is random. `PROPTEST_RNG_SEED=<n>` picks another seed.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::with_cases(cases);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x1ac_f1c);
    }
    c
}

/// Source text with multi-byte characters, CRLF and tabs, so char boundaries matter.
fn source() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("bc"),
            Just("é"),
            Just("€"),
            Just("😀"),
            Just("\n"),
            Just("\r\n"),
            Just("\t"),
            Just(" ")
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Sorted distinct char-boundary cut points of `s`, paired into edits: each pair is a
/// replaced range or, when `insert`, an insertion at its first point.
fn edits_for(s: &str, picks: &[(usize, bool, String)]) -> Vec<Edit> {
    let bounds: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
    let mut points: Vec<usize> = picks.iter().map(|p| bounds[p.0 % bounds.len()]).collect();
    points.sort();
    points.dedup();
    points
        .chunks(2)
        .zip(picks)
        .map(|(c, (_, insert, text))| {
            let start = c[0];
            let end = if *insert || c.len() == 1 { start } else { c[1] };
            Edit::replace(start..end, text.clone())
        })
        .collect()
}

/// The obvious implementation: splice from the last edit to the first.
fn reference(source: &str, edits: &[Edit]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = source.to_string();
    for e in sorted {
        out.replace_range(e.range.clone(), &e.text);
    }
    out
}

fn picks() -> impl Strategy<Value = Vec<(usize, bool, String)>> {
    proptest::collection::vec((any::<usize>(), any::<bool>(), "[a-z€\n]{0,4}"), 0..12)
}

fn shuffled<T: Clone>(v: &[T], seed: u64) -> Vec<T> {
    let mut v = v.to_vec();
    let mut x = seed | 1;
    for i in (1..v.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn apply_edits_matches_reference_splice(s in source(), p in picks(), seed in any::<u64>()) {
        let edits = edits_for(&s, &p);
        let order = shuffled(&edits, seed);
        let refs: Vec<&Edit> = order.iter().collect();
        prop_assert_eq!(apply_edits(&s, &refs), reference(&s, &edits));
        // One fix holding them all never conflicts with an empty fix.
        prop_assert!(!fixes_conflict(&Fix::safe(edits.clone()), &Fix::safe(vec![])));
    }

    #[test]
    fn independent_fixes_compose(s in source(), p in picks(), split in any::<u64>()) {
        let edits = edits_for(&s, &p);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (i, e) in edits.into_iter().enumerate() {
            if split >> (i % 64) & 1 == 0 { a.push(e) } else { b.push(e) }
        }
        let (fa, fb) = (Fix::safe(a.clone()), Fix::safe(b.clone()));
        prop_assert_eq!(fixes_conflict(&fa, &fb), fixes_conflict(&fb, &fa));
        prop_assert!(!fixes_conflict(&fa, &fb), "distinct starts, disjoint ranges");
        let both: Vec<&Edit> = a.iter().chain(&b).collect();
        let at_once = apply_edits(&s, &both);
        // Apply `a`, then `b` moved by what `a` inserted or removed before each edit.
        let after_a = apply_edits(&s, &a.iter().collect::<Vec<_>>());
        let shifted: Vec<Edit> = b.iter().map(|e| {
            let delta: isize = a.iter()
                .filter(|x| x.range.start < e.range.start)
                .map(|x| x.text.len() as isize - x.range.len() as isize)
                .sum();
            let m = |o: usize| (o as isize + delta) as usize;
            Edit::replace(m(e.range.start)..m(e.range.end), e.text.clone())
        }).collect();
        prop_assert_eq!(at_once, apply_edits(&after_a, &shifted.iter().collect::<Vec<_>>()));
    }

    #[test]
    fn overlapping_or_same_point_fixes_conflict(
        s in 0usize..20, l in 0usize..5, t in 0usize..20, m in 0usize..5,
    ) {
        let a = Fix::safe(vec![Edit::replace(s..s + l, "x")]);
        let b = Fix::safe(vec![Edit::replace(t..t + m, "y")]);
        let overlap = (s < t + m && t < s + l) || s == t;
        prop_assert_eq!(fixes_conflict(&a, &b), overlap);
        prop_assert_eq!(fixes_conflict(&b, &a), overlap);
    }
}

// ---- MapNode edits on generated objects ----

#[derive(Clone, Debug)]
struct Shape {
    keys: Vec<String>,
    /// Which members hold a nested mapping (else a scalar).
    nested: Vec<bool>,
    indent: usize,
    crlf: bool,
    /// YAML: flow mapping `{ a: 1 }`; TS/JSON: all on one line.
    inline: bool,
    /// TS: trailing comma; YAML: comment after the first member.
    flag: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        proptest::collection::btree_set("[a-z][a-zA-Z0-9]{0,6}", 1..6),
        proptest::collection::vec(any::<bool>(), 6),
        prop_oneof![Just(2usize), Just(4)],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(keys, nested, indent, crlf, inline, flag)| Shape {
            keys: keys.into_iter().collect(),
            nested,
            indent,
            crlf,
            inline,
            flag,
        })
}

fn render(syntax: Syntax, sh: &Shape) -> String {
    let nl = if sh.crlf { "\r\n" } else { "\n" };
    let ind = " ".repeat(sh.indent);
    let members: Vec<(String, bool)> = sh
        .keys
        .iter()
        .zip(&sh.nested)
        .map(|(k, n)| (k.clone(), *n))
        .collect();
    match syntax {
        Syntax::Json | Syntax::TypeScript => {
            let q = |k: &str| {
                if syntax == Syntax::Json {
                    format!("\"{k}\"")
                } else {
                    k.to_string()
                }
            };
            let val = |n: bool, i: usize| {
                if n {
                    format!("{{ {}: [1, 2] }}", q("inner"))
                } else if syntax == Syntax::Json {
                    format!("\"v{i}\"")
                } else {
                    format!("'v{i}'")
                }
            };
            let body: Vec<String> = members
                .iter()
                .enumerate()
                .map(|(i, (k, n))| format!("{}: {}", q(k), val(*n, i)))
                .collect();
            let obj = if sh.inline {
                format!("{{ {} }}", body.join(", "))
            } else {
                let trailing = if syntax == Syntax::TypeScript && sh.flag {
                    ","
                } else {
                    ""
                };
                format!(
                    "{{{nl}{ind}{}{trailing}{nl}}}",
                    body.join(&format!(",{nl}{ind}"))
                )
            };
            if syntax == Syntax::Json {
                format!("{obj}{nl}")
            } else {
                format!("import * as cdk from 'aws-cdk-lib';{nl}const props = {obj};{nl}")
            }
        }
        Syntax::Yaml => {
            if sh.inline {
                let body: Vec<String> = members
                    .iter()
                    .enumerate()
                    .map(|(i, (k, n))| {
                        if *n {
                            format!("{k}: {{ inner: [1, 2] }}")
                        } else {
                            format!("{k}: v{i}")
                        }
                    })
                    .collect();
                format!("Root: {{ {} }}{nl}", body.join(", "))
            } else {
                let mut out = format!("Root:{nl}");
                for (i, (k, n)) in members.iter().enumerate() {
                    let comment = if sh.flag && i == 0 { " # note" } else { "" };
                    if *n {
                        out.push_str(&format!(
                            "{ind}{k}:{comment}{nl}{ind}{ind}inner:{nl}{ind}{ind}{ind}- 1{nl}"
                        ));
                    } else {
                        out.push_str(&format!("{ind}{k}: v{i}{comment}{nl}"));
                    }
                }
                out
            }
        }
    }
}

/// The mapping under test: TS `props`, JSON's root object, YAML's `Root` value.
fn target_map(doc: &Parsed) -> MapNode<'_> {
    let node = match doc.syntax {
        Syntax::Yaml => descendants(doc.root())
            .into_iter()
            .filter(|n| matches!(n.kind(), "block_mapping" | "flow_mapping"))
            .nth(1)
            .expect("Root's mapping"),
        _ => descendants(doc.root())
            .into_iter()
            .find(|n| n.kind() == "object")
            .expect("an object"),
    };
    MapNode { doc, node }
}

#[derive(Clone, Debug)]
enum Op {
    InsertEnd(Value),
    InsertAfter(usize, Value),
    Set(usize, Value),
    Remove(usize),
    Rename(usize),
    SetPath(usize),
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-5i64..1000).prop_map(Value::Int),
        "[a-zA-Z0-9 :'\"#{}-]{0,12}".prop_map(Value::Str),
        Just(Value::Null),
        Just(Value::Ref("Other".into())),
        Just(Value::GetAtt("Other".into(), "Arn".into())),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::List),
            proptest::collection::vec(("[A-Z][a-z]{0,5}", inner), 1..3).prop_map(|kv| {
                let mut seen = std::collections::BTreeSet::new();
                Value::Map(
                    kv.into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        value().prop_map(Op::InsertEnd),
        (any::<usize>(), value()).prop_map(|(i, v)| Op::InsertAfter(i, v)),
        (any::<usize>(), value()).prop_map(|(i, v)| Op::Set(i, v)),
        any::<usize>().prop_map(Op::Remove),
        any::<usize>().prop_map(Op::Rename),
        any::<usize>().prop_map(Op::SetPath),
    ]
}

fn check_map_edit(syntax: Syntax, sh: &Shape, op: &Op) -> Result<(), TestCaseError> {
    let src = render(syntax, sh);
    prop_assert!(
        verify::check(syntax, &src).is_ok(),
        "generated input: {src}"
    );
    let doc = Parsed::new(syntax, src.clone());
    prop_assert!(!doc.root().has_error(), "tree-sitter: {}", src);
    let map = target_map(&doc);
    let key = |i: usize| sh.keys[i % sh.keys.len()].as_str();
    let new_key = "zzNew";
    let edits = match op {
        Op::InsertEnd(v) => map.insert(new_key, v, Position::End),
        Op::InsertAfter(i, v) => map.insert(new_key, v, Position::After(key(*i))),
        Op::Set(i, v) => map.set(key(*i), v),
        Op::Remove(i) => map.remove(key(*i)),
        Op::Rename(i) => map.rename(key(*i), new_key).into_iter().collect(),
        Op::SetPath(i) => map.set_path(&[key(*i), "inner", "deeper"], &Value::Int(7)),
    };
    let out = apply_edits(&src, &edits.iter().collect::<Vec<_>>());
    if let Err(e) = verify::check(syntax, &out) {
        return Err(TestCaseError::fail(format!(
            "{op:?} broke the file: {e}\n--- in\n{src}\n--- out\n{out}"
        )));
    }
    if matches!(op, Op::Remove(_)) && sh.keys.len() == 1 {
        return Ok(()); // the mapping may be gone (YAML `Root:` with nothing left)
    }
    // The change is visible to a fresh parse.
    let again = Parsed::new(syntax, out.clone());
    let m = target_map(&again);
    let removed = matches!(op, Op::Remove(_));
    match op {
        Op::InsertEnd(_) | Op::InsertAfter(..) | Op::Rename(_) => {
            prop_assert!(m.has(new_key), "{op:?}: no {new_key} in\n{out}")
        }
        Op::Remove(i) => prop_assert!(!m.has(key(*i)), "{out}"),
        Op::Set(i, _) | Op::SetPath(i) => prop_assert!(m.has(key(*i)), "{out}"),
    }
    if !removed {
        for k in &sh.keys {
            let renamed = matches!(op, Op::Rename(i) if key(*i) == k);
            prop_assert!(renamed || m.has(k), "{op:?} lost key {k}:\n{out}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn json_map_edits_reparse(sh in shape(), op in op()) {
        check_map_edit(Syntax::Json, &sh, &op)?;
    }

    #[test]
    fn yaml_map_edits_reparse(sh in shape(), op in op()) {
        check_map_edit(Syntax::Yaml, &sh, &op)?;
    }

    #[test]
    fn ts_map_edits_reparse(sh in shape(), op in op()) {
        check_map_edit(Syntax::TypeScript, &sh, &op)?;
    }
}
