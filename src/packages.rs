//! Which npm packages a TypeScript project can resolve: a fix may only import a module
//! whose package the nearest `package.json` lists (or the file already imports from).
//! A fix that would import anything else becomes a finding without a fix that names the
//! package to add (a CDK v1 project without `@aws-cdk/aws-sqs` gets no `import … from
//! '@aws-cdk/aws-sqs'` that breaks its build with TS2307).

use crate::edit::Finding;
use crate::lang::ts::TsFile;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The package a module specifier belongs to: `@scope/name/sub` → `@scope/name`,
/// `name/sub` → `name`; `None` for relative paths and Node built-ins (`node:fs`).
pub fn package_of(module: &str) -> Option<&str> {
    if module.starts_with('.') || module.starts_with('/') || module.contains(':') {
        return None;
    }
    let mut parts = module.splitn(3, '/');
    let first = parts.next()?;
    if first.starts_with('@') {
        let second = parts.next()?;
        Some(&module[..first.len() + 1 + second.len()])
    } else {
        Some(first)
    }
}

/// Modules that an inserted text imports as new statements (`import … from 'm'`,
/// `import x = require('m')`).
pub fn imported_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with("import ") {
            continue;
        }
        let tail = match (line.rfind(" from "), line.find("require(")) {
            (Some(i), _) => &line[i + 6..],
            (None, Some(i)) => &line[i + 8..],
            _ => continue,
        };
        let tail = tail.trim_start();
        let Some(q) = tail
            .chars()
            .next()
            .filter(|c| matches!(c, '\'' | '"' | '`'))
        else {
            continue;
        };
        if let Some(end) = tail[1..].find(q) {
            out.push(tail[1..1 + end].to_string());
        }
    }
    out
}

/// The nearest `package.json` at or above `dir`, and the packages it lists under
/// `dependencies`, `devDependencies`, `peerDependencies` and `optionalDependencies`.
/// `None` when there is none (or it cannot be read): nothing is known, nothing refused.
pub fn declared_packages(file: &Path) -> Option<(PathBuf, HashSet<String>)> {
    let start = std::path::absolute(file).ok()?;
    for dir in start.ancestors().skip(1) {
        let candidate = dir.join("package.json");
        if !candidate.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&candidate).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        let mut names = HashSet::new();
        for key in [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ] {
            if let Some(map) = json.get(key).and_then(|v| v.as_object()) {
                names.extend(map.keys().cloned());
            }
        }
        return Some((candidate, names));
    }
    None
}

/// The version range the nearest `package.json` at or above `file` declares for
/// `package` (under `dependencies`, `devDependencies`, `peerDependencies` or
/// `optionalDependencies`, first found), with that manifest's path: `("^19.0.0", path)`.
/// `None` when there is no manifest, it cannot be read, or it does not list `package`.
pub fn declared_version(file: &Path, package: &str) -> Option<(PathBuf, String)> {
    let start = std::path::absolute(file).ok()?;
    for dir in start.ancestors().skip(1) {
        let candidate = dir.join("package.json");
        if !candidate.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&candidate).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        let version = [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ]
        .iter()
        .find_map(|key| json.get(key)?.get(package)?.as_str())?;
        return Some((candidate, version.to_string()));
    }
    None
}

/// The major version a range like `^19.0.0`, `~19.1`, `>=19`, `19.x` or `v19` starts
/// from; `None` for ranges without a leading number (`*`, `latest`, a git URL).
pub fn major_of(range: &str) -> Option<u64> {
    let digits: String = range
        .trim_start_matches(['^', '~', '>', '=', 'v', ' '])
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Turn every fix that imports a package the project does not list into a finding
/// without a fix that names the package. Packages the file already imports from count
/// as listed. The `package.json` is read only when some fix adds an import.
pub fn refuse_unlisted_imports(path: &Path, ts: &TsFile, findings: &mut [Finding]) {
    // The fixer asks after every transform of every pass, and most fixes import nothing:
    // the file's own packages are listed only once some fix imports a module.
    let mut imported: Option<HashSet<&str>> = None;
    let mut declared: Option<Option<(PathBuf, HashSet<String>)>> = None;
    for f in findings.iter_mut() {
        let Some(fix) = &f.fix else { continue };
        let modules: Vec<String> = fix
            .edits
            .iter()
            .filter(|e| e.text.contains("import "))
            .flat_map(|e| imported_modules(&e.text))
            .collect();
        if modules.is_empty() {
            continue;
        }
        let imported = imported.get_or_insert_with(|| {
            ts.imports
                .iter()
                .filter_map(|i| package_of(&i.source))
                .collect()
        });
        let wanted: Vec<String> = modules
            .iter()
            .filter_map(|m| package_of(m).map(str::to_string))
            .filter(|p| !imported.contains(p.as_str()))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let Some((manifest, names)) = declared.get_or_insert_with(|| declared_packages(path))
        else {
            return;
        };
        let missing: Vec<&String> = wanted.iter().filter(|p| !names.contains(*p)).collect();
        if missing.is_empty() {
            continue;
        }
        let list: Vec<String> = missing.iter().map(|p| format!("`{p}`")).collect();
        let shown = relative_to_file(path, manifest);
        f.message = format!(
            "{}; not applied: the fix would import {}, which {shown} does not list (add the package at the version of the project's other packages of that family, then run again)",
            f.message,
            list.join(", "),
        );
        f.fix = None;
    }
}

/// `package.json`, `../package.json`…: the manifest as seen from the file's folder.
fn relative_to_file(file: &Path, manifest: &Path) -> String {
    let Ok(file) = std::path::absolute(file) else {
        return manifest.display().to_string();
    };
    let dir = manifest.parent().unwrap_or(manifest);
    let up = file.ancestors().skip(1).take_while(|a| *a != dir).count();
    format!("{}package.json", "../".repeat(up))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_of_modules() {
        assert_eq!(package_of("@aws-cdk/aws-sqs"), Some("@aws-cdk/aws-sqs"));
        assert_eq!(package_of("aws-cdk-lib/aws-sqs"), Some("aws-cdk-lib"));
        assert_eq!(
            package_of("@cdktf/provider-aws/lib/sqs-queue"),
            Some("@cdktf/provider-aws")
        );
        assert_eq!(package_of("./lib/x"), None);
        assert_eq!(package_of("node:fs"), None);
    }

    #[test]
    fn modules_of_inserted_imports() {
        assert_eq!(
            imported_modules("\nimport * as sqs from \"@aws-cdk/aws-sqs\";"),
            ["@aws-cdk/aws-sqs"]
        );
        assert_eq!(
            imported_modules("\nimport { Duration } from 'aws-cdk-lib'\nimport x = require('y');"),
            ["aws-cdk-lib", "y"]
        );
        assert!(imported_modules(", Duration").is_empty());
        assert!(imported_modules("const a = 'import x from \"y\"';").is_empty());
    }
}
