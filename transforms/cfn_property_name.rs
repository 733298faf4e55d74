//! ## What it fixes
//! CloudFormation properties whose name is a near miss of a valid one: wrong case
//! (`Bucketname`), singular for plural (`Tag` → `Tags`,
//! `PointInTimeRecoverySpecifications` → `PointInTimeRecoverySpecification`), the old
//! `…Updates` suffix, or a typo within two edits (`SSEEnabeld` → `SSEEnabled`). Nested
//! objects are checked too (`BucketEncryption.ServerSideEncryptionConfiguration[]…`,
//! branches of an `Fn::If`), against the resource type's CloudFormation schema.
//!
//! ## Why
//! CloudFormation rejects a property its schema does not know, so the stack fails at
//! deploy time; cfn-lint reports it (E3002, "Did you mean…") but cannot fix it.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Table:
//!   Type: AWS::DynamoDB::Table
//!   Properties:
//!     PointInTimeRecoverySpecifications:   # → PointInTimeRecoverySpecification:
//!       PointInTimeRecoveryEnabled: true
//!     SSESpecification: { SSEEnabeld: true } # → { SSEEnabled: true }
//! ```
//! CloudFormation JSON: `"Tag": [...]` → `"Tags": [...]` (only the key changes; its
//! quotes and everything else are kept).
//!
//! The candidates are tried in order, and the first rule that finds any decides:
//! the same name ignoring case; the singular or plural; the name without an `Updates`
//! suffix; then the names closest by Damerau–Levenshtein distance, at most 2 edits and
//! at most one edit per four characters of the name (`Id` is never "corrected" to
//! `Ip`). Read-only properties are never candidates. Reported without a fix: two or
//! more equally close names (ambiguous), a name with no close match (the message lists
//! every property the schema allows there, never a guess, so the author picks without
//! looking the type up), a rename onto a
//! name that is already set (or that another key of the same mapping also renames
//! to), and a rename whose value is of a kind the property does not take
//! (`ResourceIds: [...]` for the single `ResourceId`). Left alone: types without a schema (`Custom::…`, SAM `AWS::Serverless::…`,
//! third-party types), objects that allow any key (tags maps, `Parameters`…),
//! mappings holding an `Fn::Transform`, templates whose macros (a `Transform` other
//! than SAM or `AWS::LanguageExtensions`) may rewrite properties, resource attributes
//! (`Metadata`, `DependsOn`…), and the Athena `…ConfigurationUpdates` keys, which
//! `athena-result-configuration` rewrites (merging and dropping update-only flags).
//!
//! A key that starts with a character another syntax uses as a quote (`` `anagedPolicyArns ``
//! in JSON or YAML) is renamed like any other; a key the fix cannot rewrite as written is
//! reported once without a fix.
//!
//! ## Applicability
//! safe: the unknown key made the template invalid; the renamed one is the property
//! the author meant.
//!
//! ## Equivalent checks
//! cfn-lint E3002.

use crate::edit::{apply_edits, Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::Entry;
use crate::model::Document;
use crate::schema::Kind;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{schema_maps, SchemaFlaw, SchemaMap};
use std::collections::HashMap;

pub struct CfnPropertyName;
pub static TRANSFORM: CfnPropertyName = CfnPropertyName;

static META: Meta = Meta {
    id: "cfn-property-name",
    title: "Rename misspelt CloudFormation properties to the schema's name",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["E3002"],
    options: &[],
};

/// Keys `athena-result-configuration` owns (it also merges and drops `Remove…` flags).
const ATHENA_UPDATES: &[&str] = &["WorkGroupConfigurationUpdates", "ResultConfigurationUpdates"];

impl Transform for CfnPropertyName {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        schema_maps(doc, SchemaFlaw::UnknownKey).iter().filter(|m| m.shape.is_closed()).flat_map(check_map).collect()
    }
}

fn check_map(m: &SchemaMap) -> Vec<Finding> {
    let entries = m.map.entries();
    let keys: Vec<String> = entries.iter().map(|e| m.map.key_text(e)).collect();
    let unknown: Vec<usize> = (0..keys.len()).filter(|&i| is_unknown(m, &keys[i])).collect();
    if unknown.is_empty() {
        return vec![];
    }
    let names: Vec<&'static str> = m.shape.names().filter(|n| !m.schema.is_read_only(&with(&m.path, n))).collect();
    let picks: Vec<Vec<&str>> = unknown.iter().map(|&i| remembered_candidates(&keys[i], &names)).collect();
    let mut claims: HashMap<&str, usize> = HashMap::new();
    for pick in picks.iter().filter(|p| p.len() == 1) {
        *claims.entry(pick[0]).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut renames: Vec<(usize, &str)> = Vec::new();
    for (&i, pick) in unknown.iter().zip(&picks) {
        let key = &keys[i];
        let at = entries[i].key_node.start_byte();
        let here = m.describe(key);
        let ty = &m.type_name;
        let message = match pick.as_slice() {
            [] => {
                let valid = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                format!("`{here}` is not a property of `{ty}` and no valid name is close (the schema allows {valid}): fix it by hand")
            }
            [target] if keys.iter().any(|k| k == target) => {
                format!("`{here}` is not a property of `{ty}`; `{target}` is, but it is already set: merge them by hand")
            }
            [target] if let Some(kind) = misfit(m, target, &entries[i]) => {
                format!("`{here}` is not a property of `{ty}`; `{target}` is, but it does not take {kind}: fix it by hand")
            }
            [target] if claims[target] > 1 => {
                format!("`{here}` is not a property of `{ty}`; `{target}` is, but another key here is also close to it: fix it by hand")
            }
            [target] => {
                renames.push((i, target));
                continue;
            }
            several => {
                let list = several.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
                format!("`{here}` is not a property of `{ty}`; it could be any of {list}: fix it by hand")
            }
        };
        out.push(META.finding(at, message, None));
    }
    // A key the mapping cannot rename (its text is not found as written) is reported
    // once without a fix; a fix that changes nothing would come back at every pass.
    let (renames, stuck): (Vec<_>, Vec<_>) = renames.into_iter().partition(|&(i, t)| m.map.rename(&keys[i], t).is_some());
    for (i, target) in stuck {
        let message = format!(
            "`{}` is not a property of `{}`; `{target}` is: rename it by hand (the key cannot be rewritten as written)",
            m.describe(&keys[i]),
            m.type_name
        );
        out.push(META.finding(entries[i].key_node.start_byte(), message, None));
    }
    out.extend(rename_all(m, &entries, &keys, &renames));
    out
}

/// One finding for every rename in a mapping, whose fix rewrites the whole mapping. Another transform's fix inside the mapping
/// (say, inserting the property this key is a misspelling of) then conflicts with it
/// and waits for the next pass, where it sees the corrected key instead of adding a
/// duplicate one.
fn rename_all(m: &SchemaMap, entries: &[Entry], keys: &[String], renames: &[(usize, &str)]) -> Option<Finding> {
    let (&(first, _), doc) = (renames.first()?, m.map.doc);
    let source = doc.source.as_str();
    let start = m.map.node.start_byte();
    let node_end = m.map.node.end_byte();
    // A YAML block mapping ends with its last value, before where an entry is appended
    // (after a trailing comment, say); braces already enclose every insertion point.
    let end = match m.map.node.kind() {
        "block_mapping" => source[node_end..].find('\n').map_or(source.len(), |i| node_end + i + 1),
        _ => node_end,
    };
    let edits: Vec<Edit> = renames.iter().filter_map(|&(i, target)| m.map.rename(&keys[i], target)).collect();
    let text = apply_edits(&source[start..end], &edits.iter().map(|e| shifted(e, start)).collect::<Vec<_>>().iter().collect::<Vec<_>>());
    let olds: Vec<String> = renames.iter().map(|&(i, _)| format!("`{}`", m.describe(&keys[i]))).collect();
    let news: Vec<String> = renames.iter().map(|&(_, target)| format!("`{target}`")).collect();
    let ty = &m.type_name;
    let message = match olds.as_slice() {
        [one] => format!("{one} is not a property of `{ty}`: renamed to {}", news[0]),
        _ => format!("{} are not properties of `{ty}`: renamed to {} (in that order)", olds.join(", "), news.join(", ")),
    };
    Some(META.finding(entries[first].key_node.start_byte(), message, Some(vec![Edit::replace(start..end, text)])))
}

fn shifted(e: &Edit, by: usize) -> Edit {
    Edit::replace(e.range.start - by..e.range.end - by, e.text.clone())
}

fn is_unknown(m: &SchemaMap, key: &str) -> bool {
    let athena = m.type_name == "AWS::Athena::WorkGroup" && ATHENA_UPDATES.contains(&key);
    // `<<` is a YAML merge key, not a property.
    m.shape.prop(key).is_none() && key != "<<" && !athena
}

/// What the value is, when `target` does not take that kind of value (list, object,
/// scalar) and the rename alone would leave the template invalid. An intrinsic's kind
/// is unknown and left to the author.
fn misfit(m: &SchemaMap, target: &str, entry: &Entry) -> Option<&'static str> {
    let (prop, value) = (m.shape.prop(target)?, entry.value?);
    let (kind, what) = if value.intrinsic().is_some() {
        return None;
    } else if value.as_map().is_some() {
        (Kind::Object, "an object")
    } else if value.as_list().is_some() {
        (Kind::List, "a list")
    } else {
        (Kind::Scalar, "a single value")
    };
    (!prop.accepts(kind)).then_some(what)
}

fn with<'p>(path: &'p [String], name: &'p str) -> Vec<&'p str> {
    path.iter().map(String::as_str).chain([name]).collect()
}

/// [`candidates`], remembered for the process by the key and the names (a misspelt key
/// that a fix cannot rename, or the other keys of a mapping being fixed, come back at
/// every fixer pass, and scoring every name costs a string distance each). The names
/// are the schema's own `'static` strings, so their addresses and lengths identify them.
fn remembered_candidates(key: &str, names: &[&'static str]) -> Vec<&'static str> {
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<(String, Vec<(usize, usize)>), Vec<&'static str>>>;
    /// Enough for any run; a long-lived process (the language server) starts over.
    const MAX: usize = 10_000;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let id = (key.to_string(), names.iter().map(|n| (n.as_ptr() as usize, n.len())).collect());
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
        return found.clone();
    }
    let found = candidates(key, names);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= MAX {
        cache.clear();
    }
    cache.insert(id, found.clone());
    found
}

/// The valid names `key` is a near miss of, by the first rule that finds any.
fn candidates<'s>(key: &str, names: &[&'s str]) -> Vec<&'s str> {
    let lower = key.to_ascii_lowercase();
    let forms = number_forms(&lower);
    let rules: [&dyn Fn(&str) -> bool; 3] = [
        &|n| n.eq_ignore_ascii_case(key),
        &|n| forms.contains(&n.to_ascii_lowercase()),
        &|n| key.strip_suffix("Updates") == Some(n),
    ];
    for rule in rules {
        let found: Vec<&str> = names.iter().copied().filter(|n| rule(n)).collect();
        if !found.is_empty() {
            return found;
        }
    }
    let scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(&lower, &n.to_ascii_lowercase()), *n))
        .filter(|&(d, _)| d <= 2 && d * 4 <= key.len())
        .collect();
    let best = scored.iter().map(|s| s.0).min();
    scored.into_iter().filter(|s| Some(s.0) == best).map(|s| s.1).collect()
}

/// The singular and plural spellings of a lower-case name (`policy` ↔ `policies`,
/// `address` ↔ `addresses`, `tag` ↔ `tags`).
fn number_forms(name: &str) -> Vec<String> {
    let mut out = vec![format!("{name}s"), format!("{name}es")];
    if let Some(stem) = name.strip_suffix('y') {
        out.push(format!("{stem}ies"));
    }
    if let Some(stem) = name.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    out.extend(name.strip_suffix("es").map(str::to_string));
    out.extend(name.strip_suffix('s').map(str::to_string));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every transform on, the misspelt key is renamed before another transform
    /// could add the property it stands for a second time.
    #[test]
    fn renames_before_other_transforms_insert_the_same_key() {
        let text = "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      BillingMode: PAY_PER_REQUEST\n      PointInTimeRecoverySpecifications:\n        PointInTimeRecoveryEnabled: true\n";
        let settings = crate::fixer::Settings { unsafe_fixes: true, ..Default::default() };
        let path = std::path::Path::new("t.yaml");
        let (_, outcome) = crate::files::process_text(path, crate::lang::Syntax::Yaml, text, crate::transforms::REGISTRY, &settings).unwrap().unwrap();
        assert_eq!(outcome.fixed.matches("PointInTimeRecoverySpecification").count(), 1, "{}", outcome.fixed);
        assert!(!outcome.fixed.contains("Specifications"));
    }

    /// A name with no near miss is reported with the schema's properties, never guessed.
    #[test]
    fn no_close_name_lists_the_schema_properties() {
        let text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Frobnicate: 1\n";
        let parsed = crate::lang::Parsed::new(crate::lang::Syntax::Yaml, text.into());
        let doc = Document::new(std::path::Path::new("t.yaml"), Flavor::CfnYaml, &parsed);
        let findings = TRANSFORM.check(&doc, &Options::default());
        let [f] = findings.as_slice() else { panic!("{findings:?}") };
        assert!(f.fix.is_none());
        assert!(f.message.contains("`QueueName`") && f.message.contains("`VisibilityTimeout`"), "{}", f.message);
        // Read-only attributes are not offered.
        assert!(!f.message.contains("`Arn`"), "{}", f.message);
    }

    #[test]
    fn picks_the_near_miss_by_the_first_rule_that_finds_one() {
        let names = ["Tags", "BucketName", "SSEEnabled", "Id", "Ip", "Policies", "ResultConfiguration"];
        assert_eq!(candidates("Tag", &names), ["Tags"]);
        assert_eq!(candidates("bucketname", &names), ["BucketName"]);
        assert_eq!(candidates("SSEEnabeld", &names), ["SSEEnabled"]);
        assert_eq!(candidates("Policy", &names), ["Policies"]);
        assert_eq!(candidates("ResultConfigurationUpdates", &names), ["ResultConfiguration"]);
        // Too short for an edit; two names equally close.
        assert!(candidates("Iq", &names).is_empty());
        assert_eq!(candidates("Ix", &["Id", "Ip", "Name"]).len(), 0);
        assert_eq!(candidates("Statu", &["State", "Status"]), ["Status"]);
        assert_eq!(candidates("Stane", &["State", "Stone"]), ["State", "Stone"]);
        assert_eq!(candidates("Stat", &["Stats", "State"]), ["Stats"]);
        assert_eq!(candidates("Statex", &["Stated", "Stater"]).len(), 2);
    }
}
