//! The deprecated APIs of aws-cdk-lib, from `data/cdk-deprecations.json`: written by
//! `scripts/refresh-cdk-deprecations.sh` from the pinned aws-cdk-lib's jsii manifest (the
//! `@deprecated` TSDoc of its `.d.ts` files) and parsed on first use.

use serde::Deserialize;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::sync::OnceLock;

static DATA: &str = include_str!("../../data/cdk-deprecations.json");

#[derive(Deserialize)]
struct Raw<'a> {
    version: String,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
    #[serde(borrow)]
    texts: Vec<Cow<'a, str>>,
    bases: HashMap<String, String>,
}

/// `[module, symbol, member, kind, text index, alias?]`, read as typed fields (reading
/// them as `serde_json::Value`s first cost most of the table's load), borrowed from the
/// embedded text where they need no unescaping.
#[derive(Deserialize)]
struct Entry<'a>(
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    Option<u64>,
    #[serde(default)] Option<String>,
);

/// One deprecated API (its kind decides which map of [`Table`] holds it: `class`, `interface`,
/// `enum`, `enum-member`, `static`, `static-method` in `symbols`; `prop` in `props`; `method`
/// and `property` in the members; `struct-prop` and `constructor` are not looked up).
#[derive(Debug)]
pub(crate) struct Deprecated {
    /// aws-cdk-lib's deprecation text (`Use \`addStackDependency\` instead.`).
    pub(crate) text: &'static str,
    /// For a method that only forwards its arguments: the member it forwards to
    /// (`addStackDependency`, `metrics.requestCount`).
    pub(crate) alias: Option<String>,
}

pub(crate) struct Table {
    pub(crate) version: String,
    /// `module.Symbol` and `module.Symbol.MEMBER` (enum members, statics) → the deprecation.
    pub(crate) symbols: HashMap<String, Deprecated>,
    /// `module.Class` → constructor prop → the deprecation.
    pub(crate) props: HashMap<String, HashMap<String, Deprecated>>,
    /// `module.Class` → instance member it declares → the deprecation.
    members: HashMap<String, HashMap<String, Deprecated>>,
    bases: HashMap<String, String>,
    /// Last name segments worth resolving (`PRIVATE_WITH_NAT`, `S3Origin`), and the member
    /// names of instance members: a quick filter before resolving a node.
    pub(crate) names: HashSet<String>,
    pub(crate) member_names: HashSet<String>,
}

impl Table {
    /// The deprecated instance member `name` of `class` or of a class it extends.
    pub(crate) fn member(&self, class: &str, name: &str) -> Option<&Deprecated> {
        let mut cur = class;
        for _ in 0..32 {
            if let Some(d) = self.members.get(cur).and_then(|m| m.get(name)) {
                return Some(d);
            }
            cur = self.bases.get(cur)?;
        }
        None
    }
}

pub(crate) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: Raw<'static> = serde_json::from_str(DATA).expect("data/cdk-deprecations.json is valid");
        let texts: &'static [Cow<'static, str>] = Box::leak(raw.texts.into_boxed_slice());
        let mut t = Table {
            version: raw.version,
            symbols: HashMap::default(),
            props: HashMap::default(),
            members: HashMap::default(),
            bases: raw.bases,
            names: HashSet::default(),
            member_names: HashSet::default(),
        };
        for Entry(module, symbol, member, kind, text, alias) in raw.entries {
            let text = text.and_then(|i| texts.get(i as usize)).map_or("", |t| t.as_ref());
            // `module.symbol` (and `.member`), joined without the formatting machinery.
            let join = |parts: &[&str]| {
                let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(p);
                }
                out
            };
            let class = join(&[&module, &symbol]);
            let member = member.into_owned();
            let d = Deprecated { text, alias };
            match kind.as_ref() {
                "prop" => {
                    t.props.entry(class).or_default().insert(member, d);
                }
                "method" | "property" => {
                    t.member_names.insert(member.clone());
                    t.members.entry(class).or_default().insert(member, d);
                }
                "struct-prop" | "constructor" => {}
                _ => {
                    let last = if member.is_empty() { symbol.rsplit('.').next().unwrap_or_default().to_string() } else { member.clone() };
                    t.names.insert(last);
                    let key = if member.is_empty() { class } else { join(&[&module, &symbol, &member]) };
                    t.symbols.insert(key, d);
                }
            }
        }
        t
    })
}
