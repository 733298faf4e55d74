//! ## What it fixes
//! `AWS::RDS::DBInstance`, `AWS::RDS::DBCluster` and `AWS::RDS::GlobalCluster` resources whose literal
//! `EngineVersion` is deprecated for their literal `Engine` (MySQL, PostgreSQL, Aurora
//! MySQL, Aurora PostgreSQL): the version becomes the newest supported version of the
//! same major version (`8.0.28` → `8.0.46`, `13.4` → `13.23`).
//!
//! ## Why
//! RDS cannot create new instances or clusters on a deprecated version: the template
//! works for the stack that exists and fails for the next environment, a restore or a
//! replacement. Staying within the major version keeps the upgrade a minor one.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Database:
//!   Type: AWS::RDS::DBInstance
//!   Properties:
//!     Engine: postgres
//!     EngineVersion: '13.4'      # → '13.23'
//! ```
//! CloudFormation JSON: `"EngineVersion": "8.0.mysql_aurora.3.04.0"` on an `aurora-mysql`
//! cluster → the newest supported `8.0.mysql_aurora.3.…`, the quotes kept. When every
//! version of the major version is deprecated (PostgreSQL 9.6, Aurora MySQL 5.7…) the
//! finding has no fix: a major upgrade needs a plan.
//! `EngineVersion` or `Engine` given as a parameter or an intrinsic is left alone.
//!
//! A major-only version (`'16'`, `'8.0'`) asks RDS for the default minor version of
//! that major version and is left alone (cfn-lint's W3690 list holds the bare
//! aurora-postgresql majors, a false positive its own E3690 does not share); it is
//! reported without a fix only when every version of that major is deprecated.
//!
//! A global database (`AWS::RDS::GlobalCluster` and the `AWS::RDS::DBCluster`s whose
//! `GlobalClusterIdentifier` is a `Ref` to it or its literal identifier) runs one
//! engine version: the global cluster and its clusters move together in one fix (the
//! global cluster uses the clusters' version table). When one of them cannot move
//! (its version is a parameter, another engine or another version), each is reported
//! without a fix.
//!
//! A version RDS does not offer at all (cfn-lint E3690 for clusters, E3691 for
//! instances: `15.1`, which never shipped) moves the same way, for the engines whose
//! versions are numbers (MySQL, MariaDB, PostgreSQL, Aurora): to the newest offered
//! version of the same major version, never to another major version (no target: a
//! finding without a fix). A version after the newest known one of its major version
//! (`16.99` while the table ends at `16.15`) may be newer than the data: reported
//! without a fix, never moved down.
//!
//! The version table follows cfn-lint's own data (the lists behind W3690/W3691 and
//! E3690/E3691);
//! `scripts/rds-engine-versions.py` regenerates it from the installed cfn-lint.
//!
//! ## Applicability
//! review: changing `EngineVersion` upgrades the existing database in place at the next
//! deployment (a short outage); check the release notes and the maintenance window.
//!
//! ## Equivalent checks
//! cfn-lint W3690, W3691, E3690, E3691.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;

pub struct RdsEngineVersion;
pub static TRANSFORM: RdsEngineVersion = RdsEngineVersion;

static META: Meta = Meta {
    id: "rds-engine-version",
    title: "Move deprecated RDS and Aurora engine versions to the current minor version",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["W3690", "W3691", "E3690", "E3691"],
    options: &[],
};

impl Transform for RdsEngineVersion {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        if !doc.flavor.is_cfn() || !doc.has_word("EngineVersion") {
            return vec![];
        }
        let mut out = Vec::new();
        let mut grouped: Vec<usize> = Vec::new();
        for global in doc.of_type(GLOBAL) {
            let members = members_of(doc, global);
            grouped.extend(members.iter().map(|m| m.node.start_byte()));
            out.extend(check_global(global, &members));
        }
        for r in doc.of_types(&["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]) {
            if grouped.contains(&r.node.start_byte()) {
                continue;
            }
            let kind = r.type_name.trim_start_matches("AWS::RDS::");
            let Some(db) = Db::of(r) else { continue };
            let (Some(engine), Some(version)) = (&db.engine, &db.version) else { continue };
            let id = r.logical_id.as_deref().unwrap_or_default();
            let finding = match assess(kind, engine, version) {
                Verdict::Fine => continue,
                Verdict::Newer(known) => META.finding(
                    db.value.start(),
                    format!("`{id}`: {engine} {version} is not in the versions cfn-lint {CFN_LINT} knows RDS to offer, whose newest {} version is {known}: if {version} is newer, the list is out of date (leave it); otherwise fix it by hand", major(engine, version)),
                    None,
                ),
                Verdict::Upgrade(new) => META.finding(
                    db.value.start(),
                    format!("`{id}`: {} {version} {}; {new} is the current {} version", engine, status(kind, engine, version), major(engine, version)),
                    Some(vec![db.value.replace(&Value::str(new))]),
                ),
                Verdict::NoTarget(major) => META.finding(
                    db.value.start(),
                    format!("`{id}`: {engine} {version} {}, and no {major} version is current: plan a major-version upgrade", status(kind, engine, version)),
                    None,
                ),
            };
            out.push(finding);
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([GLOBAL, "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"])
    }
}

const GLOBAL: &str = "AWS::RDS::GlobalCluster";

/// An RDS resource's `Engine` and `EngineVersion` (`None`: absent or not a literal).
struct Db<'a> {
    engine: Option<String>,
    version: Option<String>,
    value: ValueNode<'a>,
}

impl<'a> Db<'a> {
    /// `None` when the resource has no `EngineVersion`.
    fn of(r: &Resource<'a>) -> Option<Db<'a>> {
        let props = r.props?;
        let literal = |key| props.get(key).filter(|v| v.tag.is_none() && v.as_map().is_none()).and_then(|v| v.as_str());
        Some(Db { engine: literal("Engine"), version: literal("EngineVersion"), value: props.get("EngineVersion")? })
    }
}

enum Verdict {
    Fine,
    /// Not a known version, but after the newest known one of its major version: the
    /// data may be older than RDS (never "upgraded" downwards).
    Newer(&'static str),
    Upgrade(&'static str),
    NoTarget(String),
}

/// What to do with a version. A major-only version (`'16'`, `'8.0'`) asks RDS for the
/// default minor version of a supported major version and is left alone, although
/// cfn-lint's deprecation list holds the bare majors of aurora-postgresql (a false
/// positive: its own E3690 accepts them); it is reported only when no version of
/// the major version is supported any more.
fn assess(kind: &str, engine: &str, version: &str) -> Verdict {
    let major = major(engine, version);
    let target = current(kind, engine, &major);
    if major == version {
        return match target {
            Some(_) => Verdict::Fine,
            None if deprecated(kind, engine, version) => Verdict::NoTarget(major),
            None => Verdict::Fine,
        };
    }
    let unknown = !deprecated(kind, engine, version) && offered(kind, engine).is_some_and(|mut all| all.all(|v| v != version));
    if !deprecated(kind, engine, version) && !unknown {
        return Verdict::Fine;
    }
    match target {
        Some(newest) if unknown && order(version) > order(newest) => Verdict::Newer(newest),
        Some(newest) => Verdict::Upgrade(newest),
        None => Verdict::NoTarget(major),
    }
}

/// The cfn-lint release the version tables come from (`scripts/rds-engine-versions.py`).
const CFN_LINT: &str = "1.58.0";

/// What is wrong with a version the verdict is not `Fine` for.
fn status(kind: &str, engine: &str, version: &str) -> &'static str {
    if deprecated(kind, engine, version) {
        "is deprecated: RDS cannot create new databases on it"
    } else {
        "is not a version RDS offers (cfn-lint E3690/E3691): creating the database fails"
    }
}

/// Every version cfn-lint knows RDS to offer for the engine (numbered engines only).
fn offered(kind: &str, engine: &str) -> Option<impl Iterator<Item = &'static str>> {
    KNOWN.iter().find(|(k, e, _)| *k == kind && *e == engine).map(|row| row.2.split(' '))
}

/// A version as its numbers, for ordering (`8.0.mysql_aurora.3.04.0` → 8, 0, 3, 4, 0).
fn order(version: &str) -> Vec<u64> {
    version.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).filter_map(|n| n.parse().ok()).collect()
}

/// The DB clusters of a global database: `GlobalClusterIdentifier` is a `Ref` to the
/// global cluster or the literal identifier it declares.
fn members_of<'a, 'd>(doc: &'d Document<'a>, global: &Resource<'a>) -> Vec<&'d Resource<'a>> {
    let id = global.logical_id.as_deref().unwrap_or_default();
    let name = global.props.and_then(|p| p.get("GlobalClusterIdentifier")).and_then(|v| literal(&v));
    doc.of_type("AWS::RDS::DBCluster")
        .filter(|c| {
            let Some(v) = c.props.and_then(|p| p.get("GlobalClusterIdentifier")) else { return false };
            match v.intrinsic() {
                Some((f, arg)) => f == "Ref" && arg.as_str().as_deref() == Some(id),
                None => name.is_some() && literal(&v) == name,
            }
        })
        .collect()
}

fn literal(v: &ValueNode) -> Option<String> {
    (v.tag.is_none() && v.as_map().is_none() && v.as_list().is_none()).then(|| v.as_str())?
}

/// A global cluster and its clusters run one engine version: they move together in one
/// fix, or all are reported when one of them cannot move (a version given by a
/// parameter, another engine, another version).
fn check_global(global: &Resource, members: &[&Resource]) -> Vec<Finding> {
    let dbs: Vec<(&Resource, Db)> = std::iter::once(global)
        .chain(members.iter().copied())
        .filter_map(|r| Some((r, Db::of(r)?)))
        .collect();
    let Some((engine, version)) = dbs.iter().find_map(|(_, d)| Some((d.engine.clone()?, d.version.clone()?))) else {
        return vec![];
    };
    let verdict = assess("DBCluster", &engine, &version);
    if matches!(verdict, Verdict::Fine) {
        return vec![];
    }
    if let Verdict::Newer(known) = verdict {
        let message = format!(
            "global database: {engine} {version} is not in the versions cfn-lint {CFN_LINT} knows RDS to offer, whose newest {} version is {known}: if {version} is newer, the list is out of date (leave it); otherwise fix the global cluster and its clusters together by hand",
            major(&engine, &version)
        );
        return vec![META.finding(dbs[0].1.value.start(), message, None)];
    }
    let ids: Vec<String> = dbs.iter().map(|(r, _)| format!("`{}`", r.logical_id.as_deref().unwrap_or_default())).collect();
    let head = format!(
        "global database {}: {engine} {version} {}",
        ids.join(", "),
        status("DBCluster", &engine, &version)
    );
    let same = dbs.iter().all(|(_, d)| d.engine.as_deref() == Some(&engine) && d.version.as_deref() == Some(&version));
    let at = dbs[0].1.value.start();
    match verdict {
        Verdict::Upgrade(new) if same => {
            let edits = dbs.iter().map(|(_, d)| d.value.replace(&Value::str(new))).collect();
            let message = format!(
                "{head}; {new} is the current {} version: the global cluster and its clusters move to it together (a global database runs one engine version)",
                major(&engine, &version)
            );
            vec![META.finding(at, message, Some(edits))]
        }
        Verdict::Upgrade(new) => dbs
            .iter()
            .map(|(_, d)| {
                let message = format!(
                    "{head}; {new} is the current {} version, but not every member gives the same literal `Engine` and `EngineVersion`: upgrade the global cluster and its clusters together by hand",
                    major(&engine, &version)
                );
                META.finding(d.value.start(), message, None)
            })
            .collect(),
        _ => {
            let message = format!("{head}, and so is every {} version: plan a major-version upgrade of the global database", major(&engine, &version));
            vec![META.finding(at, message, None)]
        }
    }
}

fn deprecated(kind: &str, engine: &str, version: &str) -> bool {
    DEPRECATED
        .iter()
        .any(|(k, e, versions)| *k == kind && *e == engine && versions.split(' ').any(|v| v == version))
}

fn current(kind: &str, engine: &str, major: &str) -> Option<&'static str> {
    CURRENT.iter().find(|(k, e, m, _)| *k == kind && *e == engine && *m == major).map(|c| c.3)
}

/// The major version: `8.0` for MySQL-family `8.0.36`, `13` for PostgreSQL `13.4`
/// (before PostgreSQL 10 it took two numbers: `9.6`).
fn major(engine: &str, version: &str) -> String {
    let mut parts = version.split('.');
    let first = parts.next().unwrap_or_default();
    let modern = first.parse::<u32>().is_ok_and(|n| n >= 10);
    if engine.contains("postgres") && modern {
        return first.to_string();
    }
    match parts.next() {
        Some(second) => format!("{first}.{second}"),
        None => first.to_string(),
    }
}

// BEGIN generated by scripts/rds-engine-versions.py
/// (resource kind, engine, the versions cfn-lint reports as deprecated).
const DEPRECATED: &[(&str, &str, &str)] = &[
    ("DBInstance", "aurora-mysql", "5.7 5.7.12 5.7.mysql_aurora.2.02.3 5.7.mysql_aurora.2.03.2 5.7.mysql_aurora.2.03.3 5.7.mysql_aurora.2.03.4 5.7.mysql_aurora.2.04.0 5.7.mysql_aurora.2.04.1 5.7.mysql_aurora.2.04.2 5.7.mysql_aurora.2.04.3 5.7.mysql_aurora.2.04.4 5.7.mysql_aurora.2.04.5 5.7.mysql_aurora.2.04.6 5.7.mysql_aurora.2.04.7 5.7.mysql_aurora.2.04.8 5.7.mysql_aurora.2.04.8.3 5.7.mysql_aurora.2.04.9 5.7.mysql_aurora.2.05.0 5.7.mysql_aurora.2.05.1 5.7.mysql_aurora.2.06.0 5.7.mysql_aurora.2.07.0 5.7.mysql_aurora.2.07.1 5.7.mysql_aurora.2.07.10 5.7.mysql_aurora.2.07.2 5.7.mysql_aurora.2.07.3 5.7.mysql_aurora.2.07.4 5.7.mysql_aurora.2.07.5 5.7.mysql_aurora.2.07.6 5.7.mysql_aurora.2.07.7 5.7.mysql_aurora.2.07.8 5.7.mysql_aurora.2.07.9 5.7.mysql_aurora.2.08.0 5.7.mysql_aurora.2.08.1 5.7.mysql_aurora.2.08.2 5.7.mysql_aurora.2.08.3 5.7.mysql_aurora.2.08.4 5.7.mysql_aurora.2.09.0 5.7.mysql_aurora.2.09.1 5.7.mysql_aurora.2.09.2 5.7.mysql_aurora.2.09.3 5.7.mysql_aurora.2.10.0 5.7.mysql_aurora.2.10.0.1 5.7.mysql_aurora.2.10.1 5.7.mysql_aurora.2.10.2 5.7.mysql_aurora.2.10.3 5.7.mysql_aurora.2.11.0 5.7.mysql_aurora.2.12.0.1 8.0 8.0.mysql_aurora.3.01.0 8.0.mysql_aurora.3.01.1 8.0.mysql_aurora.3.02.0 8.0.mysql_aurora.3.02.1 8.0.mysql_aurora.3.02.2 8.0.mysql_aurora.3.02.3 8.0.mysql_aurora.3.03.0 8.0.mysql_aurora.3.03.1 8.0.mysql_aurora.3.03.2 8.0.mysql_aurora.3.03.3 8.0.mysql_aurora.3.05.0 8.0.mysql_aurora.3.05.0.1 8.0.mysql_aurora.3.05.1 8.0.mysql_aurora.3.05.2 8.0.mysql_aurora.3.06.0 8.0.mysql_aurora.3.06.1 8.0.mysql_aurora.3.07.0 8.0.mysql_aurora.3.07.1 8.0.mysql_aurora.3.11.0"),
    ("DBInstance", "aurora-postgresql", "10.21 10.7 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.20 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.20 12.4 12.7 12.8 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.18 13.20 13.21 13.22 13.3 13.4 13.5 13.6 13.7 13.8 14.10 14.11 14.12 14.13 14.15 14.3 14.4 14.5 14.7 14.8 14.9 15.2 15.3 15.4 15.5 15.6 15.7 15.8 16.1 16.2 16.3 16.4 16.6 9.6.22"),
    ("DBInstance", "mysql", "5.5.62 5.6.51 5.7.33 5.7.34 5.7.36 5.7.37 5.7.38 5.7.39 5.7.40 5.7.41 5.7.42 5.7.43 5.7.44 5.7.44-rds.20240408 5.7.44-rds.20240529 5.7.44-rds.20240808 5.7.44-rds.20250103 8.0.11 8.0.13 8.0.15 8.0.16 8.0.17 8.0.19 8.0.20 8.0.21 8.0.23 8.0.25 8.0.26 8.0.27 8.0.28 8.0.29 8.0.30 8.0.31 8.0.32 8.0.33 8.0.34 8.0.35 8.0.36 8.0.37 8.0.39 8.0.40 8.0.41 8.4.3 8.4.4"),
    ("DBInstance", "postgres", "10 10.1 10.10 10.11 10.12 10.13 10.14 10.15 10.16 10.17 10.18 10.19 10.20 10.21 10.22 10.23 10.3 10.4 10.5 10.6 10.7 10.9 11 11.1 11.10 11.11 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.2 11.20 11.21 11.22 11.22-rds.20240418 11.22-rds.20240509 11.22-rds.20240808 11.4 11.5 11.6 11.7 11.8 11.9 12 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.2 12.20 12.21 12.3 12.4 12.5 12.6 12.7 12.8 12.9 13 13.1 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.17 13.18 13.19 13.2 13.20 13.21 13.22 13.3 13.4 13.5 13.6 13.7 13.8 13.9 14 14.1 14.10 14.11 14.12 14.13 14.14 14.15 14.16 14.17 14.2 14.3 14.4 14.5 14.6 14.7 14.8 14.9 15 15.10 15.11 15.12 15.2 15.3 15.4 15.5 15.6 15.7 15.8 15.9 16 16.1 16.2 16.3 16.4 16.5 16.6 16.7 16.8 17 17.1 17.2 17.3 17.4 9 9.3.1 9.3.10 9.3.12 9.3.14 9.3.16 9.3.17 9.3.19 9.3.2 9.3.20 9.3.22 9.3.23 9.3.24 9.3.25 9.3.3 9.3.5 9.3.6 9.3.9 9.4.1 9.4.11 9.4.12 9.4.14 9.4.15 9.4.17 9.4.18 9.4.19 9.4.20 9.4.21 9.4.23 9.4.24 9.4.25 9.4.26 9.4.4 9.4.5 9.4.7 9.4.9 9.5.10 9.5.12 9.5.13 9.5.14 9.5.15 9.5.16 9.5.18 9.5.19 9.5.2 9.5.20 9.5.21 9.5.22 9.5.23 9.5.24 9.5.25 9.5.4 9.5.6 9.5.7 9.5.9 9.6.1 9.6.10 9.6.11 9.6.12 9.6.14 9.6.15 9.6.16 9.6.17 9.6.18 9.6.19 9.6.2 9.6.20 9.6.21 9.6.22 9.6.23 9.6.24 9.6.3 9.6.5 9.6.6 9.6.8 9.6.9"),
    ("DBCluster", "aurora-mysql", "5.7 5.7.12 5.7.mysql_aurora.2.02.3 5.7.mysql_aurora.2.03.2 5.7.mysql_aurora.2.03.3 5.7.mysql_aurora.2.03.4 5.7.mysql_aurora.2.04.0 5.7.mysql_aurora.2.04.1 5.7.mysql_aurora.2.04.2 5.7.mysql_aurora.2.04.3 5.7.mysql_aurora.2.04.4 5.7.mysql_aurora.2.04.5 5.7.mysql_aurora.2.04.6 5.7.mysql_aurora.2.04.7 5.7.mysql_aurora.2.04.8 5.7.mysql_aurora.2.04.8.3 5.7.mysql_aurora.2.04.9 5.7.mysql_aurora.2.05.0 5.7.mysql_aurora.2.05.1 5.7.mysql_aurora.2.06.0 5.7.mysql_aurora.2.07.0 5.7.mysql_aurora.2.07.1 5.7.mysql_aurora.2.07.10 5.7.mysql_aurora.2.07.2 5.7.mysql_aurora.2.07.3 5.7.mysql_aurora.2.07.4 5.7.mysql_aurora.2.07.5 5.7.mysql_aurora.2.07.6 5.7.mysql_aurora.2.07.7 5.7.mysql_aurora.2.07.8 5.7.mysql_aurora.2.07.9 5.7.mysql_aurora.2.08.0 5.7.mysql_aurora.2.08.1 5.7.mysql_aurora.2.08.2 5.7.mysql_aurora.2.08.3 5.7.mysql_aurora.2.08.4 5.7.mysql_aurora.2.09.0 5.7.mysql_aurora.2.09.1 5.7.mysql_aurora.2.09.2 5.7.mysql_aurora.2.09.3 5.7.mysql_aurora.2.10.0 5.7.mysql_aurora.2.10.0.1 5.7.mysql_aurora.2.10.1 5.7.mysql_aurora.2.10.2 5.7.mysql_aurora.2.10.3 5.7.mysql_aurora.2.11.0 5.7.mysql_aurora.2.12.0.1 8.0 8.0.mysql_aurora.3.01.0 8.0.mysql_aurora.3.01.1 8.0.mysql_aurora.3.02.0 8.0.mysql_aurora.3.02.1 8.0.mysql_aurora.3.02.2 8.0.mysql_aurora.3.02.3 8.0.mysql_aurora.3.03.0 8.0.mysql_aurora.3.03.1 8.0.mysql_aurora.3.03.2 8.0.mysql_aurora.3.03.3 8.0.mysql_aurora.3.05.0 8.0.mysql_aurora.3.05.0.1 8.0.mysql_aurora.3.05.1 8.0.mysql_aurora.3.05.2 8.0.mysql_aurora.3.06.0 8.0.mysql_aurora.3.06.1 8.0.mysql_aurora.3.07.0 8.0.mysql_aurora.3.07.1 8.0.mysql_aurora.3.11.0"),
    ("DBCluster", "aurora-postgresql", "10 10.21 10.7 11 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.20 12 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.20 12.4 12.7 12.8 13 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.18 13.20 13.21 13.22 13.3 13.4 13.5 13.6 13.7 13.8 14 14.10 14.11 14.12 14.13 14.15 14.3 14.4 14.5 14.7 14.8 14.9 15 15.2 15.3 15.4 15.5 15.6 15.7 15.8 16 16.1 16.2 16.3 16.4 16.6 9 9.6.22"),
    ("DBCluster", "mysql", "5.5.62 5.6.51 5.7.33 5.7.34 5.7.36 5.7.37 5.7.38 5.7.39 5.7.40 5.7.41 5.7.42 5.7.43 5.7.44 5.7.44-rds.20240408 5.7.44-rds.20240529 5.7.44-rds.20240808 5.7.44-rds.20250103 8.0.11 8.0.13 8.0.15 8.0.16 8.0.17 8.0.19 8.0.20 8.0.21 8.0.23 8.0.25 8.0.26 8.0.27 8.0.28 8.0.29 8.0.30 8.0.31 8.0.32 8.0.33 8.0.34 8.0.35 8.0.36 8.0.37 8.0.39 8.0.40 8.0.41 8.4.3 8.4.4"),
    ("DBCluster", "postgres", "10.1 10.10 10.11 10.12 10.13 10.14 10.15 10.16 10.17 10.18 10.19 10.20 10.21 10.22 10.23 10.3 10.4 10.5 10.6 10.7 10.9 11.1 11.10 11.11 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.2 11.20 11.21 11.22 11.22-rds.20240418 11.22-rds.20240509 11.22-rds.20240808 11.4 11.5 11.6 11.7 11.8 11.9 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.2 12.20 12.21 12.3 12.4 12.5 12.6 12.7 12.8 12.9 13.1 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.17 13.18 13.19 13.2 13.20 13.21 13.22 13.3 13.4 13.5 13.6 13.7 13.8 13.9 14.1 14.10 14.11 14.12 14.13 14.14 14.15 14.16 14.17 14.2 14.3 14.4 14.5 14.6 14.7 14.8 14.9 15.10 15.11 15.12 15.2 15.3 15.4 15.5 15.6 15.7 15.8 15.9 16.1 16.2 16.3 16.4 16.5 16.6 16.7 16.8 17.1 17.2 17.3 17.4 9.3.1 9.3.10 9.3.12 9.3.14 9.3.16 9.3.17 9.3.19 9.3.2 9.3.20 9.3.22 9.3.23 9.3.24 9.3.25 9.3.3 9.3.5 9.3.6 9.3.9 9.4.1 9.4.11 9.4.12 9.4.14 9.4.15 9.4.17 9.4.18 9.4.19 9.4.20 9.4.21 9.4.23 9.4.24 9.4.25 9.4.26 9.4.4 9.4.5 9.4.7 9.4.9 9.5.10 9.5.12 9.5.13 9.5.14 9.5.15 9.5.16 9.5.18 9.5.19 9.5.2 9.5.20 9.5.21 9.5.22 9.5.23 9.5.24 9.5.25 9.5.4 9.5.6 9.5.7 9.5.9 9.6.1 9.6.10 9.6.11 9.6.12 9.6.14 9.6.15 9.6.16 9.6.17 9.6.18 9.6.19 9.6.2 9.6.20 9.6.21 9.6.22 9.6.23 9.6.24 9.6.3 9.6.5 9.6.6 9.6.8 9.6.9"),
];
/// (resource kind, engine, major version, its newest supported version).
const CURRENT: &[(&str, &str, &str, &str)] = &[
    ("DBInstance", "aurora-mysql", "5.7", "5.7.mysql_aurora.2.12.6"),
    ("DBInstance", "aurora-mysql", "8.0", "8.0.mysql_aurora.3.13.0"),
    ("DBInstance", "aurora-mysql", "8.4", "8.4.mysql_aurora.8.4.8"),
    ("DBInstance", "aurora-postgresql", "11", "11.21"),
    ("DBInstance", "aurora-postgresql", "12", "12.22"),
    ("DBInstance", "aurora-postgresql", "13", "13.23"),
    ("DBInstance", "aurora-postgresql", "14", "14.24"),
    ("DBInstance", "aurora-postgresql", "15", "15.19"),
    ("DBInstance", "aurora-postgresql", "16", "16.15"),
    ("DBInstance", "aurora-postgresql", "17", "17.11"),
    ("DBInstance", "aurora-postgresql", "18", "18.6"),
    ("DBInstance", "mariadb", "10.0", "10.0.38"),
    ("DBInstance", "mariadb", "10.1", "10.1.48"),
    ("DBInstance", "mariadb", "10.2", "10.2.44"),
    ("DBInstance", "mariadb", "10.3", "10.3.39"),
    ("DBInstance", "mariadb", "10.4", "10.4.34"),
    ("DBInstance", "mariadb", "10.5", "10.5.29"),
    ("DBInstance", "mariadb", "10.6", "10.6.28"),
    ("DBInstance", "mariadb", "10.11", "10.11.19"),
    ("DBInstance", "mariadb", "11.4", "11.4.13"),
    ("DBInstance", "mariadb", "11.8", "11.8.9"),
    ("DBInstance", "mariadb", "12.3", "12.3.3"),
    ("DBInstance", "mysql", "8.0", "8.0.46"),
    ("DBInstance", "mysql", "8.4", "8.4.11"),
    ("DBInstance", "postgres", "12", "12.22"),
    ("DBInstance", "postgres", "13", "13.23"),
    ("DBInstance", "postgres", "14", "14.24"),
    ("DBInstance", "postgres", "15", "15.19"),
    ("DBInstance", "postgres", "16", "16.15"),
    ("DBInstance", "postgres", "17", "17.11"),
    ("DBInstance", "postgres", "18", "18.6"),
    ("DBCluster", "aurora-mysql", "5.7", "5.7.mysql_aurora.2.12.6"),
    ("DBCluster", "aurora-mysql", "8.0", "8.0.mysql_aurora.3.13.0"),
    ("DBCluster", "aurora-mysql", "8.4", "8.4.mysql_aurora.8.4.8"),
    ("DBCluster", "aurora-postgresql", "11", "11.21"),
    ("DBCluster", "aurora-postgresql", "12", "12.22"),
    ("DBCluster", "aurora-postgresql", "13", "13.23"),
    ("DBCluster", "aurora-postgresql", "14", "14.24"),
    ("DBCluster", "aurora-postgresql", "15", "15.19"),
    ("DBCluster", "aurora-postgresql", "16", "16.15"),
    ("DBCluster", "aurora-postgresql", "17", "17.11"),
    ("DBCluster", "aurora-postgresql", "18", "18.6"),
    ("DBCluster", "mysql", "8.0", "8.0.46"),
    ("DBCluster", "mysql", "8.4", "8.4.11"),
    ("DBCluster", "postgres", "12", "12.22"),
    ("DBCluster", "postgres", "13", "13.23"),
    ("DBCluster", "postgres", "14", "14.24"),
    ("DBCluster", "postgres", "15", "15.19"),
    ("DBCluster", "postgres", "16", "16.15"),
    ("DBCluster", "postgres", "17", "17.11"),
    ("DBCluster", "postgres", "18", "18.6"),
];
/// (resource kind, engine, every version cfn-lint knows RDS to offer: E3690/E3691 report the others).
const KNOWN: &[(&str, &str, &str)] = &[
    ("DBInstance", "aurora-mysql", "5.7 5.7.mysql_aurora.2.02.3 5.7.mysql_aurora.2.03.2 5.7.mysql_aurora.2.03.3 5.7.mysql_aurora.2.03.4 5.7.mysql_aurora.2.04.0 5.7.mysql_aurora.2.04.1 5.7.mysql_aurora.2.04.2 5.7.mysql_aurora.2.04.3 5.7.mysql_aurora.2.04.4 5.7.mysql_aurora.2.04.5 5.7.mysql_aurora.2.04.6 5.7.mysql_aurora.2.04.7 5.7.mysql_aurora.2.04.8 5.7.mysql_aurora.2.04.8.3 5.7.mysql_aurora.2.04.9 5.7.mysql_aurora.2.05.0 5.7.mysql_aurora.2.05.1 5.7.mysql_aurora.2.06.0 5.7.mysql_aurora.2.07.0 5.7.mysql_aurora.2.07.1 5.7.mysql_aurora.2.07.2 5.7.mysql_aurora.2.07.3 5.7.mysql_aurora.2.07.4 5.7.mysql_aurora.2.07.5 5.7.mysql_aurora.2.07.6 5.7.mysql_aurora.2.07.7 5.7.mysql_aurora.2.07.8 5.7.mysql_aurora.2.07.9 5.7.mysql_aurora.2.07.10 5.7.mysql_aurora.2.08.0 5.7.mysql_aurora.2.08.1 5.7.mysql_aurora.2.08.2 5.7.mysql_aurora.2.08.3 5.7.mysql_aurora.2.08.4 5.7.mysql_aurora.2.09.0 5.7.mysql_aurora.2.09.1 5.7.mysql_aurora.2.09.2 5.7.mysql_aurora.2.09.3 5.7.mysql_aurora.2.10.0 5.7.mysql_aurora.2.10.0.1 5.7.mysql_aurora.2.10.1 5.7.mysql_aurora.2.10.2 5.7.mysql_aurora.2.10.3 5.7.mysql_aurora.2.11.0 5.7.mysql_aurora.2.11.1 5.7.mysql_aurora.2.11.2 5.7.mysql_aurora.2.11.3 5.7.mysql_aurora.2.11.4 5.7.mysql_aurora.2.11.5 5.7.mysql_aurora.2.11.6 5.7.mysql_aurora.2.12.0 5.7.mysql_aurora.2.12.0.1 5.7.mysql_aurora.2.12.1 5.7.mysql_aurora.2.12.2 5.7.mysql_aurora.2.12.3 5.7.mysql_aurora.2.12.4 5.7.mysql_aurora.2.12.5 5.7.mysql_aurora.2.12.6 5.7.12 8.0 8.0.mysql_aurora.3.01.0 8.0.mysql_aurora.3.01.1 8.0.mysql_aurora.3.02.0 8.0.mysql_aurora.3.02.1 8.0.mysql_aurora.3.02.2 8.0.mysql_aurora.3.02.3 8.0.mysql_aurora.3.03.0 8.0.mysql_aurora.3.03.1 8.0.mysql_aurora.3.03.2 8.0.mysql_aurora.3.03.3 8.0.mysql_aurora.3.04.0 8.0.mysql_aurora.3.04.1 8.0.mysql_aurora.3.04.2 8.0.mysql_aurora.3.04.3 8.0.mysql_aurora.3.04.4 8.0.mysql_aurora.3.04.6 8.0.mysql_aurora.3.05.0 8.0.mysql_aurora.3.05.0.1 8.0.mysql_aurora.3.05.1 8.0.mysql_aurora.3.05.2 8.0.mysql_aurora.3.06.0 8.0.mysql_aurora.3.06.1 8.0.mysql_aurora.3.07.0 8.0.mysql_aurora.3.07.1 8.0.mysql_aurora.3.08.0 8.0.mysql_aurora.3.08.1 8.0.mysql_aurora.3.08.2 8.0.mysql_aurora.3.09.0 8.0.mysql_aurora.3.10.0 8.0.mysql_aurora.3.10.1 8.0.mysql_aurora.3.10.2 8.0.mysql_aurora.3.10.3 8.0.mysql_aurora.3.10.4 8.0.mysql_aurora.3.10.5 8.0.mysql_aurora.3.10.6 8.0.mysql_aurora.3.11.0 8.0.mysql_aurora.3.11.1 8.0.mysql_aurora.3.12.0 8.0.mysql_aurora.3.13.0 8.4 8.4.mysql_aurora.8.4.7 8.4.mysql_aurora.8.4.8"),
    ("DBInstance", "aurora-postgresql", "9.6.22 10.7 10.21 11.9 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.20 11.21 12.4 12.7 12.8 12.9 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.20 12.22 13.3 13.4 13.5 13.6 13.7 13.8 13.9 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.18 13.20 13.21 13.22 13.23 14.3 14.4 14.5 14.6 14.7 14.8 14.9 14.10 14.11 14.12 14.13 14.15 14.17 14.18 14.19 14.20 14.22 14.23 14.24 15.2 15.3 15.4 15.5 15.6 15.7 15.8 15.10 15.12 15.13 15.14 15.15 15.17 15.18 15.19 16.1 16.2 16.3 16.4 16.4-limitless 16.6 16.6-limitless 16.8 16.8-limitless 16.9 16.9-limitless 16.10 16.10-limitless 16.11 16.11-limitless 16.13 16.13-limitless 16.14 16.15 17.4 17.5 17.6 17.7 17.9 17.10 17.11 18.3 18.4 18.6"),
    ("DBInstance", "mariadb", "10.0.38 10.1.48 10.2.44 10.3.34 10.3.35 10.3.36 10.3.37 10.3.38 10.3.39 10.4.13 10.4.18 10.4.21 10.4.22 10.4.24 10.4.25 10.4.26 10.4.27 10.4.28 10.4.29 10.4.30 10.4.31 10.4.32 10.4.33 10.4.34 10.5.8 10.5.9 10.5.12 10.5.13 10.5.15 10.5.16 10.5.17 10.5.18 10.5.19 10.5.20 10.5.21 10.5.22 10.5.23 10.5.24 10.5.25 10.5.26 10.5.27 10.5.28 10.5.29 10.6.5 10.6.7 10.6.8 10.6.9 10.6.10 10.6.11 10.6.12 10.6.13 10.6.14 10.6.15 10.6.16 10.6.17 10.6.18 10.6.19 10.6.20 10.6.21 10.6.22 10.6.23 10.6.24 10.6.25 10.6.27 10.6.28 10.11.4 10.11.5 10.11.6 10.11.7 10.11.8 10.11.9 10.11.10 10.11.11 10.11.13 10.11.14 10.11.15 10.11.16 10.11.18 10.11.19 11.4.3 11.4.4 11.4.5 11.4.7 11.4.8 11.4.9 11.4.10 11.4.12 11.4.13 11.8.3 11.8.4 11.8.5 11.8.6 11.8.8 11.8.9 12.3.2 12.3.3"),
    ("DBInstance", "mysql", "5.5.62 5.6.51 5.7.33 5.7.34 5.7.36 5.7.37 5.7.38 5.7.39 5.7.40 5.7.41 5.7.42 5.7.43 5.7.44 5.7.44-rds.20240408 5.7.44-rds.20240529 5.7.44-rds.20240808 5.7.44-rds.20250103 5.7.44-rds.20250213 5.7.44-rds.20250508 5.7.44-rds.20250818 5.7.44-rds.20251212 5.7.44-rds.20260212 5.7.44-rds.20260521 5.7.44-rds.20260624 5.7.44-rds.20260902 8.0.11 8.0.13 8.0.15 8.0.16 8.0.17 8.0.19 8.0.20 8.0.21 8.0.23 8.0.25 8.0.26 8.0.27 8.0.28 8.0.29 8.0.30 8.0.31 8.0.32 8.0.33 8.0.34 8.0.35 8.0.36 8.0.37 8.0.39 8.0.40 8.0.41 8.0.42 8.0.43 8.0.44 8.0.45 8.0.46 8.0.46-rds.20260624 8.0.46-rds.20260908 8.4.3 8.4.4 8.4.5 8.4.6 8.4.7 8.4.8 8.4.9 8.4.10 8.4.11"),
    ("DBInstance", "postgres", "9 9.3.1 9.3.2 9.3.3 9.3.5 9.3.6 9.3.9 9.3.10 9.3.12 9.3.14 9.3.16 9.3.17 9.3.19 9.3.20 9.3.22 9.3.23 9.3.24 9.3.25 9.4.1 9.4.4 9.4.5 9.4.7 9.4.9 9.4.11 9.4.12 9.4.14 9.4.15 9.4.17 9.4.18 9.4.19 9.4.20 9.4.21 9.4.23 9.4.24 9.4.25 9.4.26 9.5.2 9.5.4 9.5.6 9.5.7 9.5.9 9.5.10 9.5.12 9.5.13 9.5.14 9.5.15 9.5.16 9.5.18 9.5.19 9.5.20 9.5.21 9.5.22 9.5.23 9.5.24 9.5.25 9.6.1 9.6.2 9.6.3 9.6.5 9.6.6 9.6.8 9.6.9 9.6.10 9.6.11 9.6.12 9.6.14 9.6.15 9.6.16 9.6.17 9.6.18 9.6.19 9.6.20 9.6.21 9.6.22 9.6.23 9.6.24 10 10.1 10.3 10.4 10.5 10.6 10.7 10.9 10.10 10.11 10.12 10.13 10.14 10.15 10.16 10.17 10.18 10.19 10.20 10.21 10.22 10.23 11 11.1 11.2 11.4 11.5 11.6 11.7 11.8 11.9 11.10 11.11 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.20 11.21 11.22 11.22-rds.20240418 11.22-rds.20240509 11.22-rds.20240808 11.22-rds.20241121 11.22-rds.20250220 11.22-rds.20250508 11.22-rds.20250814 11.22-rds.20251114 11.22-rds.20260224 11.22-rds.20260514 12 12.2 12.3 12.4 12.5 12.6 12.7 12.8 12.9 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.20 12.21 12.22 12.22-rds.20250220 12.22-rds.20250508 12.22-rds.20250814 12.22-rds.20251114 12.22-rds.20260224 12.22-rds.20260514 13 13.1 13.2 13.3 13.4 13.5 13.6 13.7 13.8 13.9 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.17 13.18 13.19 13.20 13.21 13.22 13.23 13.23-rds.20260224 13.23-rds.20260514 14 14.1 14.2 14.3 14.4 14.5 14.6 14.7 14.8 14.9 14.10 14.11 14.12 14.13 14.14 14.15 14.16 14.17 14.18 14.19 14.20 14.21 14.22 14.23 14.24 15 15.2 15.3 15.4 15.5 15.6 15.7 15.8 15.9 15.10 15.11 15.12 15.13 15.14 15.15 15.16 15.17 15.18 15.19 16 16.1 16.2 16.3 16.4 16.5 16.6 16.7 16.8 16.9 16.10 16.11 16.12 16.13 16.14 16.15 17 17.1 17.2 17.3 17.4 17.5 17.6 17.7 17.8 17.9 17.10 17.11 18 18.1 18.2 18.3 18.4 18.6"),
    ("DBCluster", "aurora-mysql", "5.7 5.7.mysql_aurora.2.02.3 5.7.mysql_aurora.2.03.2 5.7.mysql_aurora.2.03.3 5.7.mysql_aurora.2.03.4 5.7.mysql_aurora.2.04.0 5.7.mysql_aurora.2.04.1 5.7.mysql_aurora.2.04.2 5.7.mysql_aurora.2.04.3 5.7.mysql_aurora.2.04.4 5.7.mysql_aurora.2.04.5 5.7.mysql_aurora.2.04.6 5.7.mysql_aurora.2.04.7 5.7.mysql_aurora.2.04.8 5.7.mysql_aurora.2.04.8.3 5.7.mysql_aurora.2.04.9 5.7.mysql_aurora.2.05.0 5.7.mysql_aurora.2.05.1 5.7.mysql_aurora.2.06.0 5.7.mysql_aurora.2.07.0 5.7.mysql_aurora.2.07.1 5.7.mysql_aurora.2.07.2 5.7.mysql_aurora.2.07.3 5.7.mysql_aurora.2.07.4 5.7.mysql_aurora.2.07.5 5.7.mysql_aurora.2.07.6 5.7.mysql_aurora.2.07.7 5.7.mysql_aurora.2.07.8 5.7.mysql_aurora.2.07.9 5.7.mysql_aurora.2.07.10 5.7.mysql_aurora.2.08.0 5.7.mysql_aurora.2.08.1 5.7.mysql_aurora.2.08.2 5.7.mysql_aurora.2.08.3 5.7.mysql_aurora.2.08.4 5.7.mysql_aurora.2.09.0 5.7.mysql_aurora.2.09.1 5.7.mysql_aurora.2.09.2 5.7.mysql_aurora.2.09.3 5.7.mysql_aurora.2.10.0 5.7.mysql_aurora.2.10.0.1 5.7.mysql_aurora.2.10.1 5.7.mysql_aurora.2.10.2 5.7.mysql_aurora.2.10.3 5.7.mysql_aurora.2.11.0 5.7.mysql_aurora.2.11.1 5.7.mysql_aurora.2.11.2 5.7.mysql_aurora.2.11.3 5.7.mysql_aurora.2.11.4 5.7.mysql_aurora.2.11.5 5.7.mysql_aurora.2.11.6 5.7.mysql_aurora.2.12.0 5.7.mysql_aurora.2.12.0.1 5.7.mysql_aurora.2.12.1 5.7.mysql_aurora.2.12.2 5.7.mysql_aurora.2.12.3 5.7.mysql_aurora.2.12.4 5.7.mysql_aurora.2.12.5 5.7.mysql_aurora.2.12.6 5.7.12 8.0 8.0.mysql_aurora.3.01.0 8.0.mysql_aurora.3.01.1 8.0.mysql_aurora.3.02.0 8.0.mysql_aurora.3.02.1 8.0.mysql_aurora.3.02.2 8.0.mysql_aurora.3.02.3 8.0.mysql_aurora.3.03.0 8.0.mysql_aurora.3.03.1 8.0.mysql_aurora.3.03.2 8.0.mysql_aurora.3.03.3 8.0.mysql_aurora.3.04.0 8.0.mysql_aurora.3.04.1 8.0.mysql_aurora.3.04.2 8.0.mysql_aurora.3.04.3 8.0.mysql_aurora.3.04.4 8.0.mysql_aurora.3.04.6 8.0.mysql_aurora.3.05.0 8.0.mysql_aurora.3.05.0.1 8.0.mysql_aurora.3.05.1 8.0.mysql_aurora.3.05.2 8.0.mysql_aurora.3.06.0 8.0.mysql_aurora.3.06.1 8.0.mysql_aurora.3.07.0 8.0.mysql_aurora.3.07.1 8.0.mysql_aurora.3.08.0 8.0.mysql_aurora.3.08.1 8.0.mysql_aurora.3.08.2 8.0.mysql_aurora.3.09.0 8.0.mysql_aurora.3.10.0 8.0.mysql_aurora.3.10.1 8.0.mysql_aurora.3.10.2 8.0.mysql_aurora.3.10.3 8.0.mysql_aurora.3.10.4 8.0.mysql_aurora.3.10.5 8.0.mysql_aurora.3.10.6 8.0.mysql_aurora.3.11.0 8.0.mysql_aurora.3.11.1 8.0.mysql_aurora.3.12.0 8.0.mysql_aurora.3.13.0 8.4 8.4.mysql_aurora.8.4.7 8.4.mysql_aurora.8.4.8"),
    ("DBCluster", "aurora-postgresql", "9 9.6.22 10 10.7 10.21 11 11.9 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.20 11.21 12 12.4 12.7 12.8 12.9 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.20 12.22 13 13.3 13.4 13.5 13.6 13.7 13.8 13.9 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.18 13.20 13.21 13.22 13.23 14 14.3 14.4 14.5 14.6 14.7 14.8 14.9 14.10 14.11 14.12 14.13 14.15 14.17 14.18 14.19 14.20 14.22 14.23 14.24 15 15.2 15.3 15.4 15.5 15.6 15.7 15.8 15.10 15.12 15.13 15.14 15.15 15.17 15.18 15.19 16 16.1 16.2 16.3 16.4 16.4-limitless 16.6 16.6-limitless 16.8 16.8-limitless 16.9 16.9-limitless 16.10 16.10-limitless 16.11 16.11-limitless 16.13 16.13-limitless 16.14 16.15 17 17.4 17.5 17.6 17.7 17.9 17.10 17.11 18 18.3 18.4 18.6"),
    ("DBCluster", "mysql", "5.5.62 5.6.51 5.7.33 5.7.34 5.7.36 5.7.37 5.7.38 5.7.39 5.7.40 5.7.41 5.7.42 5.7.43 5.7.44 5.7.44-rds.20240408 5.7.44-rds.20240529 5.7.44-rds.20240808 5.7.44-rds.20250103 5.7.44-rds.20250213 5.7.44-rds.20250508 5.7.44-rds.20250818 5.7.44-rds.20251212 5.7.44-rds.20260212 5.7.44-rds.20260521 5.7.44-rds.20260624 5.7.44-rds.20260902 8.0.11 8.0.13 8.0.15 8.0.16 8.0.17 8.0.19 8.0.20 8.0.21 8.0.23 8.0.25 8.0.26 8.0.27 8.0.28 8.0.29 8.0.30 8.0.31 8.0.32 8.0.33 8.0.34 8.0.35 8.0.36 8.0.37 8.0.39 8.0.40 8.0.41 8.0.42 8.0.43 8.0.44 8.0.45 8.0.46 8.0.46-rds.20260624 8.0.46-rds.20260908 8.4.3 8.4.4 8.4.5 8.4.6 8.4.7 8.4.8 8.4.9 8.4.10 8.4.11"),
    ("DBCluster", "postgres", "9.3.1 9.3.2 9.3.3 9.3.5 9.3.6 9.3.9 9.3.10 9.3.12 9.3.14 9.3.16 9.3.17 9.3.19 9.3.20 9.3.22 9.3.23 9.3.24 9.3.25 9.4.1 9.4.4 9.4.5 9.4.7 9.4.9 9.4.11 9.4.12 9.4.14 9.4.15 9.4.17 9.4.18 9.4.19 9.4.20 9.4.21 9.4.23 9.4.24 9.4.25 9.4.26 9.5.2 9.5.4 9.5.6 9.5.7 9.5.9 9.5.10 9.5.12 9.5.13 9.5.14 9.5.15 9.5.16 9.5.18 9.5.19 9.5.20 9.5.21 9.5.22 9.5.23 9.5.24 9.5.25 9.6.1 9.6.2 9.6.3 9.6.5 9.6.6 9.6.8 9.6.9 9.6.10 9.6.11 9.6.12 9.6.14 9.6.15 9.6.16 9.6.17 9.6.18 9.6.19 9.6.20 9.6.21 9.6.22 9.6.23 9.6.24 10.1 10.3 10.4 10.5 10.6 10.7 10.9 10.10 10.11 10.12 10.13 10.14 10.15 10.16 10.17 10.18 10.19 10.20 10.21 10.22 10.23 11.1 11.2 11.4 11.5 11.6 11.7 11.8 11.9 11.10 11.11 11.12 11.13 11.14 11.15 11.16 11.17 11.18 11.19 11.20 11.21 11.22 11.22-rds.20240418 11.22-rds.20240509 11.22-rds.20240808 11.22-rds.20241121 11.22-rds.20250220 11.22-rds.20250508 11.22-rds.20250814 11.22-rds.20251114 11.22-rds.20260224 11.22-rds.20260514 12.2 12.3 12.4 12.5 12.6 12.7 12.8 12.9 12.10 12.11 12.12 12.13 12.14 12.15 12.16 12.17 12.18 12.19 12.20 12.21 12.22 12.22-rds.20250220 12.22-rds.20250508 12.22-rds.20250814 12.22-rds.20251114 12.22-rds.20260224 12.22-rds.20260514 13.1 13.2 13.3 13.4 13.5 13.6 13.7 13.8 13.9 13.10 13.11 13.12 13.13 13.14 13.15 13.16 13.17 13.18 13.19 13.20 13.21 13.22 13.23 13.23-rds.20260224 13.23-rds.20260514 14.1 14.2 14.3 14.4 14.5 14.6 14.7 14.8 14.9 14.10 14.11 14.12 14.13 14.14 14.15 14.16 14.17 14.18 14.19 14.20 14.21 14.22 14.23 14.24 15.2 15.3 15.4 15.5 15.6 15.7 15.8 15.9 15.10 15.11 15.12 15.13 15.14 15.15 15.16 15.17 15.18 15.19 16.1 16.2 16.3 16.4 16.5 16.6 16.7 16.8 16.9 16.10 16.11 16.12 16.13 16.14 16.15 17.1 17.2 17.3 17.4 17.5 17.6 17.7 17.8 17.9 17.10 17.11 18.1 18.2 18.3 18.4 18.6"),
];
// END generated

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_and_table() {
        assert_eq!(major("postgres", "13.4"), "13");
        assert_eq!(major("postgres", "9.6.22"), "9.6");
        assert_eq!(major("aurora-mysql", "5.7.mysql_aurora.2.11.2"), "5.7");
        assert_eq!(major("mysql", "8.0.28"), "8.0");
        assert!(deprecated("DBInstance", "mysql", "5.7.33"));
        assert!(!deprecated("DBInstance", "MySQL", "5.7.33"), "cfn-lint compares engines exactly");
        let newest = current("DBCluster", "aurora-mysql", "8.0").unwrap();
        assert!(newest.starts_with("8.0.mysql_aurora.3.") && !deprecated("DBCluster", "aurora-mysql", newest));
        // Unknown versions (E3690/E3691): moved within the major version, never down, never across.
        assert!(matches!(assess("DBInstance", "postgres", "15.1"), Verdict::Upgrade(v) if v.starts_with("15.")));
        assert!(matches!(assess("DBInstance", "postgres", "16.99"), Verdict::Newer(_)));
        assert!(matches!(assess("DBInstance", "postgres", "15.19"), Verdict::Fine));
        assert!(matches!(assess("DBInstance", "sqlserver-ee", "1.2.3"), Verdict::Fine), "not a numbered engine");
    }
}
