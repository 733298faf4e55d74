//! ## What it fixes
//! CDKTF code written for another `@cdktf/provider-aws` than the pinned one (21.22.1,
//! Terraform AWS provider 6.25.0):
//! - a resource class imported under the name its module does not export, where the module's
//!   class is that name plus the `A` jsii appends on a name clash (`S3BucketVersioning` →
//!   `S3BucketVersioningA`, `S3BucketServerSideEncryptionConfiguration` →
//!   `S3BucketServerSideEncryptionConfigurationA`, `S3BucketLogging` → `S3BucketLoggingA`…):
//!   renamed in the import and at every use (fixed);
//! - a module or class an older major exported and the pinned one no longer has
//!   (`lib/db-security-group`, `lib/data-aws-subnet-ids`): reported with the last provider
//!   version that had it and, where the module name says so (`x-v2` → `x`), its replacement;
//! - a config attribute an older major's resource took and the pinned one does not
//!   (`stageName` of `ApiGatewayDeployment`): reported with that version, or renamed where
//!   the provider only renamed it (`replicationGroupDescription` → `description` of
//!   `ElasticacheReplicationGroup`, `name` → `dbName` of `DbInstance`, `vpc: true` →
//!   `domain: "vpc"` of `Eip`; a `review` fix unless the new name is set too: a synth that
//!   does not type-check drops the unknown old name silently, so a deployed stack never had
//!   the setting, and adding `dbName` or `domain` replaces the resource);
//! - the inline `S3Bucket` blocks the Terraform AWS provider deprecated in 4.0 when it split
//!   the bucket into separate resources (`versioning`, `serverSideEncryptionConfiguration`,
//!   `logging`, `lifecycleRule`, `acl`…): reported with the resource that replaces each.
//!
//! ## Why
//! A class name the module does not export is a compile error (`Module has no exported member
//! 'S3BucketVersioning'`): `cdktf synth` fails before Terraform sees anything. Code generated
//! from old examples or older provider majors keeps using the names and blocks that were
//! removed or deprecated; tsc only says the name is missing, not what replaced it.
//!
//! ## Before → after
//! CDKTF TypeScript:
//! ```ts
//! import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
//! new S3BucketVersioning(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
//! // becomes
//! import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
//! new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
//! ```
//! Namespace imports are renamed alike (`aws.s3BucketVersioning.S3BucketVersioning` →
//! `aws.s3BucketVersioning.S3BucketVersioningA`), type positions included. An aliased import
//! (`{ S3BucketVersioning as Versioning }`) only changes the imported name.
//!
//! Left alone: a name the file declares itself (a user class `S3BucketVersioning`), a name the
//! module exports (the pinned class, its config interface and structs), the old service-folder
//! layout of majors 9 and older (`@cdktf/provider-aws/lib/s3`). Reported without a fix: a
//! rename whose target name is already bound in the file, and a local name used as an object
//! shorthand (`{ S3BucketVersioning }`), which a rename would change into another key.
//!
//! The inline-block rewrites into separate resources are not made here: `s3-versioning`
//! already adds `S3BucketVersioningA`, and the other blocks change shape (`rule` lists, a
//! bucket reference that may need a variable), so each is reported with its replacement.
//!
//! ## Data
//! `data/cdktf-provider-changes.json`, written by `scripts/refresh-cdktf-provider-changes.sh`
//! from the packages themselves (`npm pack`, nothing installed): the pinned
//! @cdktf/provider-aws 21.22.1 against the newest release of each older major from 10 on:
//! 10.0.12, 11.0.10, 12.0.13, 13.0.0, 14.0.4, 15.0.0 (Terraform AWS provider 4.x), 16.0.9,
//! 17.0.11, 18.2.0, 19.65.1, 20.1.0 (5.x). A message names the last release that had what
//! is gone and its Terraform AWS provider version. The inline S3
//! blocks come from the Terraform AWS provider's 4.0 upgrade guide (the S3 bucket refactor),
//! checked against the pinned provider's module names by a unit test.
//!
//! ## Applicability
//! safe for the class renames; review for the attribute renames (above). A renamed class is the same Terraform resource type under the name the module
//! exports; the old name is undefined at run time, so the code could not even synthesize before.
//! That holds for the pinned provider only: when the nearest `package.json` declares
//! `@cdktf/provider-aws` at another major version, every finding is reported without a fix,
//! naming both versions (the code's own provider may still export the old names).
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag (tsc reports the missing name; the Terraform AWS
//! provider warns about the deprecated inline blocks at plan time).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::ts::{KindSet, TsFile};
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use tree_sitter::Node;

pub struct CdktfProviderUpgrade;
pub static TRANSFORM: CdktfProviderUpgrade = CdktfProviderUpgrade;

static META: Meta = Meta {
    id: "cdktf-provider-upgrade",
    title: "Migrate CDKTF code to the pinned @cdktf/provider-aws (renamed, removed and deprecated classes)",
    flavors: &[Flavor::CdktfTs],
    applicability: Applicability::Safe,
    equivalents: &[],
    options: &[],
};

const LIB: &str = "@cdktf/provider-aws/lib/";
const ROOT: &str = "@cdktf/provider-aws";

static DATA: &str = include_str!("../data/cdktf-provider-changes.json");

/// One package version the data was made from.
#[derive(Deserialize)]
struct Version {
    version: String,
    terraform: String,
}

#[derive(Deserialize)]
struct RemovedModule {
    last: String,
    classes: Vec<String>,
    replacement: Option<String>,
}

#[derive(Deserialize)]
struct RemovedClass {
    last: String,
    replacement: Option<String>,
}

/// `data/cdktf-provider-changes.json` (see `scripts/refresh-cdktf-provider-changes.js`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    pinned: Version,
    compared: Vec<Version>,
    /// Pinned: module → its construct classes.
    modules: HashMap<String, Vec<String>>,
    /// Pinned: module → name without the `A` suffix → the class.
    aliases: HashMap<String, HashMap<String, String>>,
    removed_modules: HashMap<String, RemovedModule>,
    removed_classes: HashMap<String, HashMap<String, RemovedClass>>,
    /// module → config attribute → the last version that had it.
    removed_attributes: HashMap<String, HashMap<String, String>>,
}

fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    D.get_or_init(|| serde_json::from_str(DATA).expect("data/cdktf-provider-changes.json is valid"))
}

/// The inline `S3Bucket` attributes the Terraform AWS provider deprecated in 4.0 (its
/// upgrade guide's "S3 Bucket Refactor"), with the module and class that replace each.
const S3_INLINE: &[(&str, &str, &str)] = &[
    ("accelerationStatus", "s3-bucket-accelerate-configuration", "S3BucketAccelerateConfiguration"),
    ("acl", "s3-bucket-acl", "S3BucketAcl"),
    ("corsRule", "s3-bucket-cors-configuration", "S3BucketCorsConfiguration"),
    ("grant", "s3-bucket-acl", "S3BucketAcl"),
    ("lifecycleRule", "s3-bucket-lifecycle-configuration", "S3BucketLifecycleConfiguration"),
    ("logging", "s3-bucket-logging", "S3BucketLoggingA"),
    ("objectLockConfiguration", "s3-bucket-object-lock-configuration", "S3BucketObjectLockConfigurationA"),
    ("policy", "s3-bucket-policy", "S3BucketPolicy"),
    ("replicationConfiguration", "s3-bucket-replication-configuration", "S3BucketReplicationConfigurationA"),
    ("requestPayer", "s3-bucket-request-payment-configuration", "S3BucketRequestPaymentConfiguration"),
    (
        "serverSideEncryptionConfiguration",
        "s3-bucket-server-side-encryption-configuration",
        "S3BucketServerSideEncryptionConfigurationA",
    ),
    ("versioning", "s3-bucket-versioning", "S3BucketVersioningA"),
    ("website", "s3-bucket-website-configuration", "S3BucketWebsiteConfiguration"),
];

impl Transform for CdktfProviderUpgrade {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(ts) = doc.ts.as_ref() else {
            return vec![];
        };
        if !ts.imports_from(ROOT) {
            return vec![];
        }
        let mut out = vec![];
        named_imports(doc, ts, &mut out);
        qualified_uses(doc, ts, &mut out);
        attributes(doc, &mut out);
        if !out.is_empty() {
            other_major(doc, &mut out);
        }
        out
    }
}

/// "@cdktf/provider-aws 21.22.1 (Terraform AWS provider 6.25.0)".
/// When the project's `package.json` declares `@cdktf/provider-aws` at another major
/// version than the pinned one, these facts (made by comparing the pinned release with
/// older ones) may not hold for the code's own provider: every fix becomes a finding
/// without a fix that names both versions.
fn other_major(doc: &Document, out: &mut [Finding]) {
    let Some((manifest, range)) = crate::packages::declared_version(doc.path, ROOT) else {
        return;
    };
    let pinned_major = crate::packages::major_of(&data().pinned.version);
    let Some(major) = crate::packages::major_of(&range) else {
        return;
    };
    if Some(major) == pinned_major {
        return;
    }
    let shown = manifest.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
    for f in out.iter_mut() {
        f.message = format!(
            "{}; not fixed: the project's {shown} declares `{ROOT}` {range} (major {major}), and these facts are for the pinned {}: upgrade the provider package first, then run again",
            f.message,
            pinned()
        );
        f.fix = None;
    }
}

fn pinned() -> String {
    let d = data();
    format!("@cdktf/provider-aws {} (Terraform AWS provider {})", d.pinned.version, d.pinned.terraform)
}

/// "12.0.13 (Terraform AWS provider 4.62.0)".
fn release(version: &str) -> String {
    match data().compared.iter().find(|v| v.version == version) {
        Some(v) if !v.terraform.is_empty() => format!("{version} (Terraform AWS provider {})", v.terraform),
        _ => version.to_string(),
    }
}

/// What the pinned provider says about class `name` of module `module`.
enum Verdict {
    /// The module's class is `name` + `A`.
    Alias(&'static str),
    /// A message for a class or module that is gone.
    Gone(String),
}

fn verdict(module: &str, name: &str) -> Option<Verdict> {
    let d = data();
    if let Some(classes) = d.modules.get(module) {
        if classes.iter().any(|c| c == name) {
            return None;
        }
        if let Some(class) = d.aliases.get(module).and_then(|a| a.get(name)) {
            return Some(Verdict::Alias(class));
        }
        let removed = d.removed_classes.get(module)?.get(name)?;
        let instead = removed
            .replacement
            .as_deref()
            .map_or(String::new(), |r| format!("; the module's class now is `{r}`: compare its config with the old one"));
        return Some(Verdict::Gone(format!(
            "`{name}` of `{LIB}{module}` was exported up to @cdktf/provider-aws {} and is gone in the pinned {}{instead}",
            release(&removed.last),
            pinned()
        )));
    }
    let removed = d.removed_modules.get(module)?;
    if !removed.classes.iter().any(|c| c == name) {
        return None;
    }
    let instead = match &removed.replacement {
        Some(r) => format!(
            "; its successor is `{LIB}{r}` ({}): same resource, check the config's attribute names",
            d.modules.get(r).map_or(String::new(), |c| c.join(", "))
        ),
        None => "; the Terraform resource was removed from the provider: see the provider's upgrade guide for what replaces it".into(),
    };
    Some(Verdict::Gone(format!(
        "`{name}` (`{LIB}{module}`) was exported up to @cdktf/provider-aws {} and the module is gone in the pinned {}{instead}",
        release(&removed.last),
        pinned()
    )))
}

/// `import { A, B as C } from '@cdktf/provider-aws/lib/<module>'`.
fn named_imports(doc: &Document, ts: &TsFile, out: &mut Vec<Finding>) {
    for imp in &ts.imports {
        let Some(module) = imp.module.strip_prefix(LIB) else {
            continue;
        };
        let Some(named) = imp.named_node else {
            continue;
        };
        let mut cursor = named.walk();
        for spec in named.named_children(&mut cursor).filter(|n| n.kind() == "import_specifier") {
            let Some(name_node) = spec.child_by_field_name("name") else {
                continue;
            };
            let name = doc.text(name_node);
            let alias = spec.child_by_field_name("alias");
            let line = doc.line_of(spec.start_byte());
            match verdict(module, name) {
                None => {}
                Some(Verdict::Gone(why)) => out.push(META.finding(
                    spec.start_byte(),
                    format!("{why} (import at line {line}); not fixed: pick the replacement by hand"),
                    None,
                )),
                Some(Verdict::Alias(class)) => {
                    let head = format!(
                        "`{name}` is not exported by `{LIB}{module}` in the pinned {} (import at line {line}): its resource class is `{class}` (jsii appends `A` when a name clashes)",
                        pinned()
                    );
                    if alias.is_some() {
                        out.push(META.finding(
                            spec.start_byte(),
                            format!("{head}; the imported name becomes `{class}`, the local alias stays; same Terraform resource type, the plan does not change"),
                            Some(vec![Edit::replace(name_node.byte_range(), class)]),
                        ));
                        continue;
                    }
                    out.push(rename_everywhere(doc, ts, name, class, spec.start_byte(), &head));
                }
            }
        }
    }
}

/// Renames the local binding `name` to `class` at every use; reported without a fix when
/// the new name is taken or a use is an object shorthand.
fn rename_everywhere(doc: &Document, ts: &TsFile, name: &str, class: &str, at: usize, head: &str) -> Finding {
    if ts.binds(class) {
        return META.finding(at, format!("{head}; not fixed: `{class}` is already a name in this file, rename by hand"), None);
    }
    let mut edits = vec![];
    for &n in doc.nodes() {
        if doc.text(n) != name {
            continue;
        }
        match n.kind() {
            "identifier" | "type_identifier" => edits.push(Edit::replace(n.byte_range(), class)),
            "shorthand_property_identifier" | "shorthand_property_identifier_pattern" => {
                let line = doc.line_of(n.start_byte());
                return META.finding(
                    at,
                    format!("{head}; not fixed: line {line} uses it as an object shorthand (`{{ {name} }}`), which a rename would turn into another key"),
                    None,
                );
            }
            _ => {}
        }
    }
    let uses = edits.len().saturating_sub(1);
    META.finding(
        at,
        format!("{head}; renamed in the import and at its {uses} use(s); same Terraform resource type, the plan does not change"),
        Some(edits),
    )
}

/// `aws.s3BucketVersioning.S3BucketVersioning`, `ns.S3BucketVersioning` (namespace
/// imports), in expressions and types: one finding per class name, every use renamed.
fn qualified_uses(doc: &Document, ts: &TsFile, out: &mut Vec<Finding>) {
    let mut found: BTreeMap<(String, String), Vec<Node>> = BTreeMap::new();
    // Kinds compared by id: reading a kind's name for every node cost more than the walk.
    static QUALIFIED: OnceLock<KindSet> = OnceLock::new();
    let qualified = QUALIFIED.get_or_init(|| KindSet::new(&["member_expression", "nested_type_identifier"]));
    // Fields by id too (by name, each lookup searches the grammar's field names).
    let fields = crate::lang::ts::fields();
    for (i, &n) in doc.nodes().iter().enumerate() {
        if !qualified.has_id(doc.node_kind(i)) {
            continue;
        }
        // The member is the name the expression ends with (`last_name`, its last child):
        // the upper-case test below rules most out before any field is asked for.
        if !crate::lang::ts::last_name(doc.source(), n).starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let child = |field: u16| n.child_by_field_id(field);
        let Some(prop) = child(fields.property).or_else(|| child(fields.name)) else {
            continue;
        };
        // Class names start upper-case; a lower-case member is a module namespace or a value.
        if !doc.text(prop).starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let Some(q) = ts.resolve(n) else {
            continue;
        };
        let Some((module, name)) = q.strip_prefix(LIB).and_then(|r| r.split_once('.')) else {
            continue;
        };
        if name.contains('.') {
            continue;
        }
        found.entry((module.to_string(), name.to_string())).or_default().push(prop);
    }
    for ((module, name), props) in found {
        let at = props[0].start_byte();
        let line = doc.line_of(at);
        match verdict(&module, &name) {
            None => {}
            Some(Verdict::Gone(why)) => {
                out.push(META.finding(at, format!("{why} (line {line}); not fixed: pick the replacement by hand"), None));
            }
            Some(Verdict::Alias(class)) => {
                let edits = props.iter().map(|p| Edit::replace(p.byte_range(), class)).collect::<Vec<_>>();
                out.push(META.finding(
                    at,
                    format!(
                        "`{name}` is not exported by `{LIB}{module}` in the pinned {} (line {line}): its resource class is `{class}` (jsii appends `A` when a name clashes); renamed at {} place(s); same Terraform resource type, the plan does not change",
                        pinned(),
                        edits.len()
                    ),
                    Some(edits),
                ));
            }
        }
    }
}

/// Config attributes the pinned class no longer takes, and the deprecated inline blocks of
/// `S3Bucket`.
fn attributes(doc: &Document, out: &mut Vec<Finding>) {
    let d = data();
    for r in &doc.resources {
        let Some((module, class)) = r.type_name.strip_prefix(LIB).and_then(|t| t.split_once('.')) else {
            continue;
        };
        let Some(props) = r.props else {
            continue;
        };
        if !d.modules.get(module).is_some_and(|c| c.iter().any(|x| x == class)) {
            continue;
        }
        let removed = d.removed_attributes.get(module);
        for entry in props.entries() {
            let key = props.key_text(&entry);
            let key = key.as_str();
            let at = entry.key_node.start_byte();
            // Only a finding needs the line.
            let line = || doc.line_of(at);
            if let Some(last) = removed.and_then(|m| m.get(key)) {
                if let Some(f) = renamed_attribute(doc, &props, &entry, module, class, key, last) {
                    out.push(f);
                    continue;
                }
                out.push(META.finding(
                    at,
                    format!(
                        "`{key}` of `{class}` (line {}) was a config attribute up to @cdktf/provider-aws {} and is gone in the pinned {}; not fixed: see the provider's upgrade guide for where the setting moved",
                        line(),
                        release(last),
                        pinned()
                    ),
                    None,
                ));
            }
            if module == "s3-bucket" && class == "S3Bucket" {
                if let Some((_, m, c)) = S3_INLINE.iter().find(|(k, _, _)| *k == key) {
                    out.push(META.finding(
                        at,
                        format!(
                            "`{key}` of `S3Bucket` (line {}) is deprecated since the Terraform AWS provider 4.0 split the bucket into separate resources: use `{c}` (`{LIB}{m}`) with `bucket: <bucket>.id`; not fixed: moving it plans a new resource (and, for `acl`/`policy`/`versioning`, a setting Terraform then manages in two places until the inline one is removed)",
                            line()
                        ),
                        None,
                    ));
                }
            }
        }
    }
}

/// Config attributes the Terraform AWS provider renamed without changing what they hold
/// (its 4.0, 5.0 and 6.0 upgrade guides): module, class, old name, new name, and the value
/// the old one must have when the new one takes a different value (`vpc: true` →
/// `domain: "vpc"`).
const RENAMED: &[Renamed] = &[
    ("db-instance", "DbInstance", "name", "dbName", None),
    ("elasticache-replication-group", "ElasticacheReplicationGroup", "replicationGroupDescription", "description", None),
    ("eip", "Eip", "vpc", "domain", Some(("true", "vpc"))),
];

/// Module, class, old name, new name, and the (old, new) value when the value changes too.
type Renamed = (&'static str, &'static str, &'static str, &'static str, Option<(&'static str, &'static str)>);

/// The rename of a removed attribute to its successor, when [`RENAMED`] has one.
fn renamed_attribute(
    doc: &Document,
    props: &crate::lang::mapping::MapNode,
    entry: &crate::lang::mapping::Entry,
    module: &str,
    class: &str,
    key: &str,
    last: &str,
) -> Option<Finding> {
    let &(_, _, _, new, value) = RENAMED.iter().find(|(m, c, k, _, _)| *m == module && *c == class && *k == key)?;
    let at = entry.key_node.start_byte();
    let line = doc.line_of(at);
    let head = format!(
        "`{key}` of `{class}` (line {line}) was a config attribute up to @cdktf/provider-aws {} and is gone in the pinned {}: the provider renamed it `{new}`",
        release(last),
        pinned()
    );
    let report = |why: String| META.finding(at, format!("{head}; not fixed: {why}"), None);
    if props.has(new) {
        return Some(report(format!("`{new}` is set too: keep one")));
    }
    if entry.node.kind() != "pair" {
        return Some(report("it is written as a shorthand or spread: rename it by hand".into()));
    }
    let edit = match value {
        None => Edit::replace(entry.key_node.byte_range(), new),
        Some((old_value, new_value)) => {
            let v = entry.value?;
            if v.text().trim() != old_value {
                return Some(report(format!("its value is not `{old_value}`: set `{new}` by hand")));
            }
            let q = doc.parsed.style.quote;
            Edit::replace(entry.key_node.start_byte()..v.node.end_byte(), format!("{new}: {q}{new_value}{q}"))
        }
    };
    // Review: a transpile-only synth (ts-node, `cdktf synth` without type checking) drops the
    // unknown attribute silently, so a stack deployed from this code never had the setting;
    // adding it may replace the resource (`db_name` and `domain` force a new resource).
    Some(Finding {
        transform: META.id,
        message: format!("{head}; renamed (review: if this code was deployed, the old name was dropped at synth and the setting never reached Terraform; `terraform plan` shows whether adding it replaces the resource, as a new `dbName` or `domain` does)"),
        offset: at,
        fix: Some(crate::edit::Fix::review(vec![edit])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_replacements_exist_in_the_pinned_provider() {
        for (key, module, class) in S3_INLINE {
            let classes = data().modules.get(*module).unwrap_or_else(|| panic!("{key}: no module {module}"));
            assert!(classes.iter().any(|c| c == class), "{key}: {module} has {classes:?}, not {class}");
        }
    }

    #[test]
    fn data_knows_the_s3_aliases() {
        let a = &data().aliases;
        assert_eq!(a["s3-bucket-versioning"]["S3BucketVersioning"], "S3BucketVersioningA");
        assert_eq!(
            a["s3-bucket-server-side-encryption-configuration"]["S3BucketServerSideEncryptionConfiguration"],
            "S3BucketServerSideEncryptionConfigurationA"
        );
        assert!(!data().compared.is_empty());
    }

    fn findings(src: &str) -> Vec<Finding> {
        let parsed = crate::lang::Parsed::new(crate::lang::Syntax::TypeScript, src.into());
        let doc = Document::new(std::path::Path::new("main.ts"), Flavor::CdktfTs, &parsed);
        TRANSFORM.check(&doc, &Options::default())
    }

    /// A project on another provider major gets findings without fixes that name both
    /// versions; the pinned major (or no manifest) keeps the fix.
    #[test]
    fn another_provider_major_in_package_json_is_reported_not_fixed() {
        let src = "import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';\nnew S3BucketVersioning(this, 'v', { bucket: b.id, versioningConfiguration: { status: 'Enabled' } });\n";
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.ts");
        let check = |manifest: &str| {
            std::fs::write(dir.path().join("package.json"), manifest).unwrap();
            let parsed = crate::lang::Parsed::new(crate::lang::Syntax::TypeScript, src.into());
            let doc = Document::new(&file, Flavor::CdktfTs, &parsed);
            TRANSFORM.check(&doc, &Options::default())
        };
        let f = check(r#"{"dependencies": {"@cdktf/provider-aws": "^19.2.0"}}"#);
        let [f] = f.as_slice() else { panic!("{f:?}") };
        assert!(f.fix.is_none(), "{}", f.message);
        assert!(f.message.contains("^19.2.0 (major 19)") && f.message.contains("21.22.1"), "{}", f.message);
        let pinned_major = crate::packages::major_of(&data().pinned.version).unwrap();
        let f = check(&format!(r#"{{"dependencies": {{"@cdktf/provider-aws": "~{pinned_major}.1.0"}}}}"#));
        let [f] = f.as_slice() else { panic!("{f:?}") };
        assert!(f.fix.is_some(), "{}", f.message);
    }

    /// A module the pinned provider dropped is reported with the last release that had it.
    #[test]
    fn removed_module_is_reported_with_its_last_release() {
        let f = findings(
            "import { DbSecurityGroup } from '@cdktf/provider-aws/lib/db-security-group';\nnew DbSecurityGroup(this, 'sg', { name: 'x', ingress: [] });\n",
        );
        let [f] = f.as_slice() else { panic!("{f:?}") };
        assert!(f.fix.is_none());
        let last = &data().removed_modules["db-security-group"].last;
        assert!(f.message.contains(&format!("up to @cdktf/provider-aws {last}")), "{}", f.message);
        assert!(f.message.contains("21.22.1"), "{}", f.message);
    }

    /// A config attribute an older major took is reported on the pinned class.
    #[test]
    fn removed_attribute_is_reported() {
        let f = findings(
            "import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';\nnew ApiGatewayDeployment(this, 'd', { restApiId: api.id, stageName: 'prod' });\n",
        );
        let [f] = f.as_slice() else { panic!("{f:?}") };
        assert!(f.fix.is_none() && f.message.contains("`stageName` of `ApiGatewayDeployment`"), "{}", f.message);
    }

    /// A rename that would collide with a name in the file, or turn a shorthand into another
    /// key, is reported without a fix.
    #[test]
    fn unsafe_renames_are_reported() {
        let taken = "import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';\nconst S3BucketVersioningA = 1;\nnew S3BucketVersioning(this, 'v', { bucket: 'b', versioningConfiguration: { status: 'Enabled' } });\n";
        let f = findings(taken);
        let [f] = f.as_slice() else { panic!("{f:?}") };
        assert!(f.fix.is_none() && f.message.contains("already a name"), "{}", f.message);
        let shorthand = "import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';\nexport const classes = { S3BucketVersioning };\n";
        let f = findings(shorthand);
        let [f] = f.as_slice() else { panic!("{f:?}") };
        assert!(f.fix.is_none() && f.message.contains("shorthand"), "{}", f.message);
    }

    /// The same name from another module (the inline block's interface in `lib/s3-bucket`)
    /// is the pinned provider's own export: left alone.
    #[test]
    fn same_name_from_the_bucket_module_is_left_alone() {
        let src = "import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket';\nconst v: S3BucketVersioning = { enabled: true };\n";
        assert!(findings(src).is_empty());
    }

    /// A removed attribute with a plain successor is renamed; with a value it cannot map, reported.
    #[test]
    fn renamed_attributes() {
        let f = findings("import { Eip } from '@cdktf/provider-aws/lib/eip';\nnew Eip(this, 'ip', { vpc: true });\nnew Eip(this, 'ip2', { vpc: false });\n");
        let [a, b] = f.as_slice() else { panic!("{f:?}") };
        assert_eq!(a.fix.as_ref().unwrap().edits[0].text, "domain: 'vpc'");
        assert!(b.fix.is_none() && b.message.contains("not `true`"), "{}", b.message);
        let f = findings("import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';\nnew DbInstance(this, 'db', { name: 'app', dbName: 'app' });\n");
        let [a] = f.as_slice() else { panic!("{f:?}") };
        assert!(a.fix.is_none() && a.message.contains("set too"), "{}", a.message);
    }

    #[test]
    fn docs_name_the_pinned_version() {
        let docs = include_str!("cdktf_provider_upgrade.rs");
        assert!(docs.contains(&format!("@cdktf/provider-aws {}", data().pinned.version)), "update the docs when the data moves");
        assert!(docs.contains(&format!("Terraform AWS provider {}", data().pinned.terraform)));
        for v in &data().compared {
            assert!(docs.contains(&v.version), "the docs list the compared release {}", v.version);
        }
    }
}
