//! The oracle test: every fixture's expected output must be no worse than its input
//! for the real tools. TypeScript fixtures are type-checked with `tsc --noEmit`
//! against aws-cdk-lib / constructs / cdktf / @cdktf/provider-aws; CloudFormation
//! fixtures are linted with cfn-lint. An error the output has and the input lacks fails.
//!
//! The tools live in `.oracle/` (installed, pinned, by `scripts/oracle-install.sh`,
//! which `.ci/run` calls). Without them the test skips, unless
//! `IAC_FIX_REQUIRE_ORACLES=1` (set by CI) makes their absence a failure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The oracle folder, or `None` (after saying why) when the test should skip.
fn oracle() -> Option<PathBuf> {
    let dir = root().join(".oracle");
    if dir.join("stamp").exists() {
        return Some(dir);
    }
    if std::env::var("IAC_FIX_REQUIRE_ORACLES").is_ok_and(|v| v == "1") {
        panic!("oracles missing: run scripts/oracle-install.sh");
    }
    eprintln!("skipped: .oracle/ not installed (scripts/oracle-install.sh)");
    None
}

/// `(input, expected)` pairs of top-level fixture files with one of `exts`.
fn pairs(exts: &[&str]) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_string())
                .unwrap_or_default();
            if !path.is_file() || name.contains(".expected.") || !exts.contains(&ext.as_str()) {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy();
            let expected = path.with_file_name(format!("{stem}.expected.{ext}"));
            out.push((path, expected));
        }
    }
    out.sort();
    out
}

/// Errors per file, as `code: message` with their counts; locations are left out
/// because the fix moves lines.
type Errors = BTreeMap<PathBuf, BTreeMap<String, usize>>;

/// The errors in `output` not already in `input`, as printable lines.
fn new_errors(errors: &Errors, input: &Path, output: &Path) -> Vec<String> {
    let empty = BTreeMap::new();
    let before = errors.get(input).unwrap_or(&empty);
    let after = errors.get(output).unwrap_or(&empty);
    after
        .iter()
        .filter(|(e, n)| before.get(*e).copied().unwrap_or(0) < **n)
        .map(|(e, _)| format!("{}: {e}", output.display()))
        .collect()
}

fn assert_no_new_errors(errors: &Errors, pairs: &[(PathBuf, PathBuf)], tool: &str) {
    let new: Vec<String> = pairs
        .iter()
        .flat_map(|(i, o)| new_errors(errors, i, o))
        .collect();
    assert!(
        new.is_empty(),
        "{tool} finds errors the fixed output adds:\n{}",
        new.join("\n")
    );
}

#[test]
fn typescript_outputs_type_check_as_well_as_inputs() {
    let Some(oracle) = oracle() else { return };
    let pairs = pairs(&["ts"]);
    let files: Vec<String> = pairs
        .iter()
        .flat_map(|(i, o)| [i, o])
        .map(|p| p.display().to_string())
        .collect();
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true, "noEmit": true, "target": "ES2022", "module": "commonjs",
            "moduleResolution": "node", "esModuleInterop": true, "skipLibCheck": true,
            "experimentalDecorators": true, "pretty": false,
            "baseUrl": oracle, "paths": { "*": ["node_modules/*", "node_modules/@types/*"] },
            "typeRoots": [oracle.join("node_modules/@types")], "types": ["node"],
        },
        "files": files,
    });
    let dir = tempfile::tempdir().unwrap();
    let tsconfig = dir.path().join("tsconfig.json");
    std::fs::write(&tsconfig, config.to_string()).unwrap();
    let out = Command::new(oracle.join("node_modules/.bin/tsc"))
        .arg("-p")
        .arg(&tsconfig)
        .current_dir(root())
        .output()
        .expect("run tsc");
    let text = String::from_utf8_lossy(&out.stdout);
    // `path(line,col): error TS2345: message`; continuation lines are indented.
    let mut errors = Errors::new();
    for line in text.lines() {
        let Some((location, rest)) = line.split_once("): error ") else {
            continue;
        };
        let Some((path, _)) = location.rsplit_once('(') else {
            continue;
        };
        let path = root().join(path); // tsc prints paths relative to its working dir
        *errors
            .entry(path)
            .or_default()
            .entry(rest.to_string())
            .or_default() += 1;
    }
    let known: Vec<&PathBuf> = errors
        .keys()
        .filter(|p| !files.iter().any(|f| Path::new(f) == *p))
        .collect();
    assert!(
        known.is_empty(),
        "tsc reports errors outside the fixtures (oracle broken?):\n{text}"
    );
    assert_no_new_errors(&errors, &pairs, "tsc");
}

#[test]
fn cloudformation_outputs_lint_as_well_as_inputs() {
    let Some(oracle) = oracle() else { return };
    let pairs: Vec<(PathBuf, PathBuf)> = pairs(&["json", "yaml", "yml"])
        .into_iter()
        .filter(|(i, _)| std::fs::read_to_string(i).is_ok_and(|s| s.contains("Resources")))
        .collect();
    if pairs.is_empty() {
        return;
    }
    let out = Command::new(oracle.join("venv/bin/cfn-lint"))
        .args(["--format", "parseable", "--"])
        .args(pairs.iter().flat_map(|(i, o)| [i, o]))
        .output()
        .expect("run cfn-lint");
    let text = String::from_utf8_lossy(&out.stdout);
    // `path:line:col:end_line:end_col:RULE:message`; only errors (E…) count.
    let mut errors = Errors::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.splitn(7, ':').collect();
        let [path, _, _, _, _, rule, message] = fields[..] else {
            continue;
        };
        if rule.starts_with('E') {
            let key = format!("{rule}: {message}");
            *errors
                .entry(PathBuf::from(path))
                .or_default()
                .entry(key)
                .or_default() += 1;
        }
    }
    assert!(
        out.status.code().is_some_and(|c| c < 32) || !errors.is_empty(),
        "cfn-lint failed to run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_new_errors(&errors, &pairs, "cfn-lint");
}
