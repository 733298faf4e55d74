//! The CloudFormation-level oracle: for every fixture, what the fix changes in the
//! deployable result must be exactly what its `<case>.effect` file declares.
//!
//! The deployable result is the template as data for CloudFormation fixtures (YAML
//! short tags in long form, see `iac_fix::lang::cfn_data`), and the synthesized
//! template (CDK, aws-cdk-lib) or `cdk.tf.json` (CDKTF) for TypeScript fixtures,
//! synthesized by `tests/synth/harness.js` in one node process with the pinned
//! libraries in `.oracle/node_modules`, cached under `.oracle/synth-cache/`.
//!
//! The effect file is `<case>.effect`, or `<case>.<ext>.effect` (it wins) where cases
//! of several extensions share a name (`cfn-buckets.json`, `cfn-buckets.yaml`).
//! An `.effect` file holds one statement per line (`#` comments):
//! `added P` (P absent before, present after), `removed P` (the opposite), `changed P`
//! (P present in both, something at or under it differs), `skip-synth REASON`
//! (CDK/CDKTF: synth cannot run for this fixture). P is a `/`-separated path of keys
//! (list items by index); a segment may hold `*` (any characters). Every difference
//! must be covered by a line and every line must match a difference; a fixture with
//! no `.effect` file must not change the result at all.
//!
//! Without `.oracle/` the synthesized fixtures are skipped (the CloudFormation ones
//! still run), unless `IAC_FIX_REQUIRE_ORACLES=1` (CI) makes that a failure.
//! `scripts/cfn-effect.sh <fixture>` prints a fixture's actual differences.

use iac_fix::flavor::{self, Flavor};
use iac_fix::lang::cfn_data::{differences, to_value, Change, Difference};
use iac_fix::lang::{Parsed, Syntax};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One fixture: input, expected output, its flavor and its declared effect.
struct Fixture {
    input: PathBuf,
    expected: PathBuf,
    kind: Kind,
    effect: Effect,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Template(Syntax),
    Cdk,
    Cdktf,
    /// TypeScript that is neither (nothing to synthesize).
    Other,
}

#[derive(Default)]
struct Effect {
    /// `(line number, change, path segments)`.
    lines: Vec<(usize, Change, Vec<String>)>,
    skip_synth: Option<String>,
    errors: Vec<String>,
}

fn parse_effect(path: &Path) -> Effect {
    let mut effect = Effect::default();
    let Ok(text) = std::fs::read_to_string(path) else {
        return effect;
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let change = match verb {
            "added" => Change::Added,
            "removed" => Change::Removed,
            "changed" => Change::Changed,
            "skip-synth" => {
                effect.skip_synth = Some(rest.to_string());
                continue;
            }
            other => {
                effect
                    .errors
                    .push(format!("line {}: unknown statement `{other}`", i + 1));
                continue;
            }
        };
        if rest.is_empty() {
            effect
                .errors
                .push(format!("line {}: `{verb}` needs a path", i + 1));
            continue;
        }
        effect
            .lines
            .push((i + 1, change, rest.split('/').map(str::to_string).collect()));
    }
    effect
}

/// `*` in `pattern` stands for any characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

fn prefix_matches(pattern: &[String], path: &[String]) -> bool {
    pattern.len() <= path.len() && pattern.iter().zip(path).all(|(p, s)| glob(p, s))
}

/// Whether an effect line covers a difference.
fn covers(change: Change, pattern: &[String], d: &Difference) -> bool {
    match change {
        // P present in both and something at or under it differs.
        Change::Changed => {
            prefix_matches(pattern, &d.path)
                && (d.path.len() > pattern.len() || d.change == Change::Changed)
        }
        _ => {
            d.change == change && d.path.len() == pattern.len() && prefix_matches(pattern, &d.path)
        }
    }
}

/// Problems of one fixture: uncovered differences and unmatched lines.
fn check(effect: &Effect, diffs: &[Difference]) -> Vec<String> {
    let mut out = Vec::new();
    for d in diffs {
        if !effect.lines.iter().any(|(_, c, p)| covers(*c, p, d)) {
            out.push(format!("  not declared: {d}"));
        }
    }
    for (n, c, p) in &effect.lines {
        if !diffs.iter().any(|d| covers(*c, p, d)) {
            out.push(format!(
                "  line {n} matches no difference: {} {}",
                c.as_str(),
                p.join("/")
            ));
        }
    }
    out
}

fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|d| d.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for input in files {
            let name = input.file_name().unwrap().to_string_lossy().to_string();
            let Some(syntax) = flavor::syntax_for_path(&input) else {
                continue;
            };
            if name.contains(".expected.") {
                continue;
            }
            let stem = input.file_stem().unwrap().to_string_lossy().to_string();
            let ext = input.extension().unwrap().to_string_lossy().to_string();
            let expected = input.with_file_name(format!("{stem}.expected.{ext}"));
            let text = std::fs::read_to_string(&input).unwrap();
            let kind = match syntax {
                Syntax::TypeScript => match flavor::detect(&Parsed::new(syntax, text)) {
                    Some(Flavor::CdktfTs) => Kind::Cdktf,
                    Some(Flavor::CdkTs) => Kind::Cdk,
                    _ => Kind::Other,
                },
                s => Kind::Template(s),
            };
            // `<case>.<ext>.effect` when cases of several extensions share a name.
            let own = input.with_file_name(format!("{stem}.{ext}.effect"));
            let effect = parse_effect(&if own.exists() {
                own
            } else {
                input.with_file_name(format!("{stem}.effect"))
            });
            out.push(Fixture {
                input,
                expected,
                kind,
                effect,
            });
        }
    }
    out
}

/// The oracle folder, or `None` when synthesized fixtures should be skipped.
fn oracle() -> Option<PathBuf> {
    let dir = root().join(".oracle");
    if dir.join("stamp").exists() {
        return Some(dir);
    }
    if std::env::var("IAC_FIX_REQUIRE_ORACLES").is_ok_and(|v| v == "1") {
        panic!("oracles missing: run scripts/oracle-install.sh");
    }
    eprintln!("CDK/CDKTF fixtures skipped: .oracle/ not installed (scripts/oracle-install.sh)");
    None
}

/// Synthesize `files` (path, kind) in one node process; per path the result or error.
fn synth(oracle: &Path, files: &[(&Path, Kind)]) -> BTreeMap<PathBuf, Result<Value, String>> {
    if files.is_empty() {
        return BTreeMap::new();
    }
    let cache = std::env::var_os("IAC_FIX_SYNTH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| oracle.join("synth-cache"));
    let request = serde_json::json!({
        "oracle": oracle,
        "cache": cache,
        "files": files.iter().map(|(p, k)| serde_json::json!({
            "path": p,
            "kind": if *k == Kind::Cdktf { "cdktf" } else { "cdk" },
        })).collect::<Vec<_>>(),
    });
    let mut child = Command::new("node")
        .arg(root().join("tests/synth/harness.js"))
        .env("NODE_PATH", oracle.join("node_modules"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node (needed with .oracle/)");
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        request.to_string().as_bytes(),
    )
    .unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "synth harness failed: {}", {
        let err = String::from_utf8_lossy(&out.stderr);
        let skip = err.chars().count().saturating_sub(3000);
        err.chars().skip(skip).collect::<String>()
    });
    let results: BTreeMap<PathBuf, Value> =
        serde_json::from_slice(&out.stdout).expect("harness prints JSON");
    results
        .into_iter()
        .map(|(p, v)| {
            let r = match v.get("template") {
                Some(t) => Ok(t.clone()),
                None => Err(v["error"].as_str().unwrap_or("?").to_string()),
            };
            (p, r)
        })
        .collect()
}

/// What each fixture changes: `Ok(differences)`, or why it cannot be known.
struct Run {
    results: Vec<(Fixture, Result<Vec<Difference>, String>)>,
    synthesized: usize,
    skipped: Vec<String>,
}

fn run(filter: Option<&str>) -> Run {
    let all: Vec<Fixture> = fixtures()
        .into_iter()
        .filter(|f| filter.is_none_or(|s| f.input.to_string_lossy().contains(s)))
        .collect();
    let changed = |f: &Fixture| {
        std::fs::read(&f.input).unwrap() != std::fs::read(&f.expected).unwrap_or_default()
    };
    // Only fixtures whose text changes are synthesized: equal text, equal result.
    let to_synth: Vec<(&Path, Kind)> = all
        .iter()
        .filter(|f| matches!(f.kind, Kind::Cdk | Kind::Cdktf) && changed(f))
        .flat_map(|f| [(f.input.as_path(), f.kind), (f.expected.as_path(), f.kind)])
        .collect();
    let oracle = if to_synth.is_empty() { None } else { oracle() };
    let synthesized = match &oracle {
        Some(o) => synth(o, &to_synth),
        None => BTreeMap::new(),
    };
    let mut skipped = Vec::new();
    let mut results = Vec::new();
    let mut count = 0;
    for f in all {
        let result = if !changed(&f) {
            Ok(vec![])
        } else {
            match f.kind {
                Kind::Template(syntax) => {
                    let read = |p: &Path| to_value(syntax, &std::fs::read_to_string(p).unwrap());
                    match (read(&f.input), read(&f.expected)) {
                        (Ok(b), Ok(a)) => Ok(differences(&b, &a)),
                        (Err(e), _) | (_, Err(e)) => Err(format!("does not read as data: {e}")),
                    }
                }
                Kind::Other => Err("changed, but neither CDK nor CDKTF".into()),
                Kind::Cdk | Kind::Cdktf if oracle.is_none() => {
                    skipped.push(format!("{} (no .oracle)", f.input.display()));
                    continue;
                }
                Kind::Cdk | Kind::Cdktf => {
                    let get = |p: &Path| {
                        synthesized
                            .get(p)
                            .cloned()
                            .unwrap_or(Err("not synthesized".into()))
                    };
                    match (get(&f.input), get(&f.expected), &f.effect.skip_synth) {
                        (Ok(b), Ok(a), None) => {
                            count += 1;
                            Ok(differences(&b, &a))
                        }
                        (Ok(_), Ok(_), Some(_)) => Err(
                            "declares skip-synth, but both sides synthesize: remove it and declare the effect".into(),
                        ),
                        (_, _, Some(reason)) => {
                            skipped.push(format!("{}: {reason}", f.input.display()));
                            continue;
                        }
                        (Err(e), _, None) => Err(format!(
                            "the input does not synthesize ({e}); declare `skip-synth REASON` in its .effect file"
                        )),
                        (_, Err(e), None) => Err(format!(
                            "the expected output does not synthesize ({e}); declare `skip-synth REASON` in its .effect file"
                        )),
                    }
                }
            }
        };
        results.push((f, result));
    }
    Run {
        results,
        synthesized: count,
        skipped,
    }
}

#[test]
fn every_fixture_changes_what_its_effect_file_declares() {
    let start = std::time::Instant::now();
    let run = run(None);
    let mut failures = Vec::new();
    let mut templates = 0;
    for (f, result) in &run.results {
        if let Kind::Template(_) = f.kind {
            templates += 1;
        }
        let mut problems: Vec<String> = f.effect.errors.iter().map(|e| format!("  {e}")).collect();
        match result {
            Ok(diffs) => problems.extend(check(&f.effect, diffs)),
            Err(e) => problems.push(format!("  {e}")),
        }
        if f.effect.skip_synth.is_some() && matches!(f.kind, Kind::Template(_)) {
            problems.push("  skip-synth is for CDK/CDKTF fixtures".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}:\n{}", f.input.display(), problems.join("\n")));
        }
    }
    eprintln!(
        "cfn_effect: {} fixtures ({templates} templates, {} synthesized with changes, {} skipped) in {:.1?}",
        run.results.len() + run.skipped.len(),
        run.synthesized,
        run.skipped.len(),
        start.elapsed()
    );
    for s in &run.skipped {
        eprintln!("  skipped {s}");
    }
    assert!(
        failures.is_empty(),
        "CloudFormation-level effects differ from the .effect files ({} fixture(s); \
         scripts/cfn-effect.sh <fixture> prints the actual differences):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `IAC_FIX_EFFECT=<part of a fixture path> cargo test --test cfn_effect print_effect -- --nocapture`
/// (what `scripts/cfn-effect.sh` runs): the actual differences of the matching fixtures,
/// as `.effect` lines. A tool, not a check: ignored in the suite, run with `--ignored`.
#[test]
#[ignore = "a tool: scripts/cfn-effect.sh runs it with IAC_FIX_EFFECT set"]
fn print_effect() {
    let filter = std::env::var("IAC_FIX_EFFECT")
        .expect("IAC_FIX_EFFECT names the fixtures to print (scripts/cfn-effect.sh)");
    for (f, result) in run(Some(&filter)).results {
        println!("== {}", f.input.display());
        match result {
            Ok(diffs) if diffs.is_empty() => println!("# no change"),
            Ok(diffs) => diffs.iter().for_each(|d| println!("{d}")),
            Err(e) => println!("# {e}"),
        }
    }
}

#[test]
fn effect_lines_match_by_rule() {
    let d = |change, p: &str| Difference {
        change,
        path: p.split('/').map(str::to_string).collect(),
    };
    let pat = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
    let added = d(Change::Added, "Resources/FnDLQ1234");
    assert!(covers(Change::Added, &pat("Resources/FnDLQ*"), &added));
    assert!(!covers(Change::Changed, &pat("Resources/FnDLQ*"), &added));
    assert!(covers(Change::Changed, &pat("Resources"), &added));
    let deep = d(Change::Changed, "Resources/Fn/Properties/Timeout");
    assert!(covers(
        Change::Changed,
        &pat("Resources/Fn/Properties"),
        &deep
    ));
    assert!(covers(
        Change::Changed,
        &pat("Resources/Fn/Properties/Timeout"),
        &deep
    ));
    assert!(!covers(
        Change::Added,
        &pat("Resources/Fn/Properties/Timeout"),
        &deep
    ));
    assert!(glob("a*b*c", "aXbYc") && !glob("a*b", "ab_") && glob("*", ""));
}
