//! `iac-fix.toml`: found upward from each path given (up to the git repository's
//! root), or named by `--config`.
//!
//! ```toml
//! [transforms]
//! select = ["lambda-runtime-upgrade"]   # default: all
//! skip = []
//! unsafe = false
//! exclude = ["**/generated/**"]
//! include-tests = false                 # test code is skipped unless true
//!
//! [transform.lambda-runtime-upgrade]
//! nodejs = "nodejs22.x"
//! ```
//! Unknown keys, transform ids and options, and option values a transform cannot use
//! (checked when the file is loaded), are errors naming the key and the file.

use crate::transform::{Options, Registered};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "iac-fix.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    transforms: RawTransforms,
    #[serde(default)]
    transform: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransforms {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(rename = "unsafe")]
    unsafe_fixes: Option<bool>,
    #[serde(default)]
    exclude: Vec<String>,
    /// Also fix test code (`test/`, `tests/`, `__tests__/`, `*.test.ts`, `*.spec.ts`).
    #[serde(rename = "include-tests")]
    include_tests: Option<bool>,
}

/// A validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (`None`: no file, defaults).
    pub path: Option<PathBuf>,
    pub select: Vec<String>,
    pub skip: Vec<String>,
    pub unsafe_fixes: bool,
    pub exclude: Exclude,
    /// Fix test code too (`include-tests = true`); by default it is skipped.
    pub include_tests: bool,
    pub options: BTreeMap<String, Options>,
}

/// `exclude` globs, matched against paths relative to the config file's folder.
#[derive(Debug, Default)]
pub struct Exclude {
    base: PathBuf,
    set: Option<GlobSet>,
}

impl Exclude {
    /// The configuration's folder (absolute; empty without a configuration file).
    pub fn base(&self) -> &Path {
        &self.base
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        let Some(set) = &self.set else { return false };
        let path = path.strip_prefix("./").unwrap_or(path);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.base).unwrap_or(path);
        set.is_match(relative) || set.is_match(path)
    }
}

/// `iac-fix.toml` in `start` or the nearest ancestor that has one, looking no higher
/// than the git repository holding `start` (a stray file in `$HOME` or a shared
/// temporary folder does not apply to the repositories below it).
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// The configuration file for a path given on the command line: found from the
/// folder itself, or from a file's folder.
pub fn find_for_root(root: &Path) -> Option<PathBuf> {
    if root.is_dir() {
        find(root)
    } else {
        find(
            root.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
    }
}

/// Whether `value` suits an option whose default is `default`: an option with a
/// numeric default takes a non-negative number (the transform's `check_option` may
/// ask for more: a whole number, a minimum).
fn check_kind(default: &str, value: &str) -> Result<(), String> {
    if default.parse::<f64>().is_ok() {
        return match value.parse::<f64>() {
            Ok(n) if n >= 0.0 && n.is_finite() => Ok(()),
            _ => Err(format!(
                "`{value}` is not a number ≥ 0 (default `{default}`)"
            )),
        };
    }
    Ok(())
}

/// Read and validate `path` against the transforms in `registry`.
pub fn load(path: &Path, registry: &[Registered]) -> Result<Config, String> {
    let fail = |msg: String| format!("{}: {msg}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let raw: Raw = toml::from_str(&text)
        .map_err(|e| fail(e.message().to_string() + &location(&text, e.span())))?;
    let known = |id: &str| registry.iter().find(|r| r.meta().id == id);
    for (key, ids) in [
        ("transforms.select", &raw.transforms.select),
        ("transforms.skip", &raw.transforms.skip),
    ] {
        if let Some(id) = ids.iter().find(|id| known(id).is_none()) {
            return Err(fail(format!("`{key}` names unknown transform `{id}`")));
        }
    }
    let mut options = BTreeMap::new();
    for (id, values) in raw.transform {
        let Some(reg) = known(&id) else {
            return Err(fail(format!(
                "`[transform.{id}]`: unknown transform `{id}`"
            )));
        };
        let meta = reg.meta();
        let mut opts = BTreeMap::new();
        for (name, value) in values {
            if !meta.options.iter().any(|(n, _, _)| *n == name) {
                let valid: Vec<&str> = meta.options.iter().map(|(n, _, _)| *n).collect();
                let valid = if valid.is_empty() {
                    "none".to_string()
                } else {
                    valid.join(", ")
                };
                return Err(fail(format!(
                    "`transform.{id}.{name}`: unknown option (valid: {valid})"
                )));
            }
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                    value.to_string()
                }
                toml::Value::Array(items) => {
                    let strings: Option<Vec<String>> = items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect();
                    strings
                        .ok_or_else(|| {
                            fail(format!("`transform.{id}.{name}`: a list must hold strings"))
                        })?
                        .join(",")
                }
                _ => {
                    return Err(fail(format!(
                        "`transform.{id}.{name}`: expected a string, number, boolean or list"
                    )))
                }
            };
            let default = meta
                .options
                .iter()
                .find(|(n, _, _)| *n == name)
                .map_or("", |o| o.1);
            check_kind(default, &value)
                .and_then(|()| reg.transform.check_option(&name, &value))
                .map_err(|why| fail(format!("`transform.{id}.{name}`: {why}")))?;
            opts.insert(name, value);
        }
        options.insert(id, Options(opts));
    }
    let mut globs = GlobSetBuilder::new();
    for pattern in &raw.transforms.exclude {
        globs.add(Glob::new(pattern).map_err(|e| fail(format!("`transforms.exclude`: {e}")))?);
    }
    let base = std::path::absolute(path.parent().unwrap_or(Path::new("."))).unwrap_or_default();
    Ok(Config {
        path: Some(path.to_path_buf()),
        select: raw.transforms.select,
        skip: raw.transforms.skip,
        unsafe_fixes: raw.transforms.unsafe_fixes.unwrap_or(false),
        include_tests: raw.transforms.include_tests.unwrap_or(false),
        exclude: Exclude {
            base,
            set: (!raw.transforms.exclude.is_empty())
                .then(|| globs.build())
                .transpose()
                .map_err(|e| fail(e.to_string()))?,
        },
        options,
    })
}

/// ` at line L` for a TOML error span.
fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|s| {
        format!(
            " (line {})",
            text[..s.start.min(text.len())].matches('\n').count() + 1
        )
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::REGISTRY;

    fn load_text(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path, REGISTRY)
    }

    #[test]
    fn reads_selection_options_and_excludes() {
        let c = load_text(
            "[transforms]\nskip = [\"kms-alias-split\"]\nunsafe = true\nexclude = [\"gen/**\"]\n\
             [transform.lambda-runtime-upgrade]\nnodejs = \"nodejs22.x\"\n",
        )
        .unwrap();
        assert_eq!(c.skip, ["kms-alias-split"]);
        assert!(c.unsafe_fixes);
        assert_eq!(
            c.options["lambda-runtime-upgrade"].0["nodejs"],
            "nodejs22.x"
        );
        let base = c.path.as_ref().unwrap().parent().unwrap();
        assert!(c.exclude.is_excluded(&base.join("gen/a/stack.ts")));
        assert!(!c.exclude.is_excluded(&base.join("lib/stack.ts")));
    }

    #[test]
    fn unknown_keys_ids_and_options_are_errors_naming_them() {
        let e = load_text("[transforms]\nselct = []\n").unwrap_err();
        assert!(e.contains("iac-fix.toml") && e.contains("selct"), "{e}");
        let e = load_text("[transforms]\nselect = [\"no-such\"]\n").unwrap_err();
        assert!(
            e.contains("transforms.select") && e.contains("no-such"),
            "{e}"
        );
        let e = load_text("[transform.no-such]\nx = 1\n").unwrap_err();
        assert!(e.contains("[transform.no-such]"), "{e}");
        let e = load_text("[transform.lambda-runtime-upgrade]\nnode = \"x\"\n").unwrap_err();
        assert!(
            e.contains("transform.lambda-runtime-upgrade.node") && e.contains("nodejs"),
            "{e}"
        );
    }
}
