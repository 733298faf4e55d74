//! `iac-fix.toml`: the nearest one governs each file (as in ruff and biome), or one
//! named by `--config` governs every file.
//!
//! ```toml
//! extend = "../iac-fix.toml"            # optional: start from that file's settings
//!
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
//!
//! **Lookup** ([`Resolver::config_for`]): the file's own folder, then each parent, up
//! to the git repository holding it (a `.git` folder or file); the first
//! `iac-fix.toml` found governs the file alone — a nested file replaces the one
//! above it, it does not add to it, unless it says `extend`. The search starts at
//! each file (not the working folder), so `iac-fix repo` from outside applies the
//! repository's files.
//!
//! **`extend`**: a path relative to the folder of the file that says it; that file
//! (itself possibly extending another) is loaded first and this file's settings
//! replace its settings field by field: each of `select`, `skip`, `unsafe`,
//! `exclude`, `include-tests` that this file sets replaces the extended value, and
//! `[transform.ID]` options are merged option by option. `exclude` globs stay
//! relative to the folder of the file that wrote them. A cycle is an error naming
//! the files.
//!
//! `[tool.iac-fix]` in `pyproject.toml` is **not** read: iac-fix fixes TypeScript
//! and CloudFormation projects, where a `pyproject.toml` belongs to Python Lambda
//! handler code, and a second file name would need a precedence rule between two
//! files in one folder; one file name keeps "which file governs this template" a
//! one-line answer.
//!
//! Unknown keys, transform ids and options, and option values a transform cannot use
//! (checked when the file is loaded), are errors naming the key and the file.

use crate::fixer::Settings;
use crate::transform::{Options, Registered};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const FILE_NAME: &str = "iac-fix.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    /// Another configuration file this one starts from (relative to this file's folder).
    extend: Option<String>,
    #[serde(default)]
    transforms: RawTransforms,
    #[serde(default)]
    transform: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransforms {
    select: Option<Vec<String>>,
    skip: Option<Vec<String>>,
    #[serde(rename = "unsafe")]
    unsafe_fixes: Option<bool>,
    exclude: Option<Vec<String>>,
    /// Also fix test code (`test/`, `tests/`, `__tests__/`, `*.test.ts`, `*.spec.ts`).
    #[serde(rename = "include-tests")]
    include_tests: Option<bool>,
}

/// A validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (`None`: no file, defaults).
    pub path: Option<PathBuf>,
    /// The files it extends, nearest first (`extend` chain).
    pub extends: Vec<PathBuf>,
    pub select: Vec<String>,
    pub skip: Vec<String>,
    pub unsafe_fixes: bool,
    pub exclude: Exclude,
    /// Fix test code too (`include-tests = true`); by default it is skipped.
    pub include_tests: bool,
    pub options: BTreeMap<String, Options>,
}

impl Config {
    /// The settings this configuration gives with the command line's `cli` on top:
    /// `-t` replaces `select`, `--skip` adds to `skip`, `--unsafe` turns it on.
    pub fn settings(&self, cli: &Settings) -> Settings {
        Settings {
            select: if cli.select.is_empty() {
                self.select.clone()
            } else {
                cli.select.clone()
            },
            skip: self.skip.iter().chain(&cli.skip).cloned().collect(),
            unsafe_fixes: cli.unsafe_fixes || self.unsafe_fixes,
            options: self.options.clone(),
            ..cli.clone()
        }
    }
}

/// `exclude` globs, matched against paths relative to the folder of the configuration
/// file that wrote them.
#[derive(Debug, Default)]
pub struct Exclude {
    /// The governing configuration's folder.
    base: PathBuf,
    /// Where the globs were written (an extended file's folder, or `base`).
    globs_base: PathBuf,
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
        let relative = absolute.strip_prefix(&self.globs_base).unwrap_or(path);
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

/// The configuration file for a path given on the command line (or any file): found
/// from the folder itself, or from a file's folder.
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

/// One file's settings as written (fields it does not set are `None`), validated.
struct Layer {
    path: PathBuf,
    extend: Option<PathBuf>,
    select: Option<Vec<String>>,
    skip: Option<Vec<String>>,
    unsafe_fixes: Option<bool>,
    /// The globs and the folder they are relative to.
    exclude: Option<(PathBuf, Vec<String>, GlobSet)>,
    include_tests: Option<bool>,
    options: BTreeMap<String, BTreeMap<String, String>>,
}

/// Read and validate `path` against the transforms in `registry`, with the files it
/// extends. Errors name the file (and the key, or the files of an `extend` cycle).
pub fn load(path: &Path, registry: &[Registered]) -> Result<Config, String> {
    let mut chain: Vec<Layer> = Vec::new();
    let mut next = Some(path.to_path_buf());
    while let Some(p) = next {
        let key = identity(&p);
        if let Some(at) = chain.iter().position(|l| identity(&l.path) == key) {
            let mut names: Vec<String> = chain[at..]
                .iter()
                .map(|l| l.path.display().to_string())
                .collect();
            names.push(p.display().to_string());
            return Err(format!(
                "{}: `extend` cycle: {}",
                path.display(),
                names.join(" → ")
            ));
        }
        let layer = load_layer(&p, registry)?;
        next = layer.extend.clone();
        chain.push(layer);
    }
    let base = lexical(path.parent().unwrap_or(Path::new(".")));
    let mut config = Config {
        path: Some(path.to_path_buf()),
        extends: chain.iter().skip(1).map(|l| l.path.clone()).collect(),
        exclude: Exclude {
            base: base.clone(),
            globs_base: base,
            set: None,
        },
        ..Config::default()
    };
    let mut options: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    // The farthest file first; each nearer file replaces what it sets.
    for layer in chain.into_iter().rev() {
        if let Some(v) = layer.select {
            config.select = v;
        }
        if let Some(v) = layer.skip {
            config.skip = v;
        }
        if let Some(v) = layer.unsafe_fixes {
            config.unsafe_fixes = v;
        }
        if let Some(v) = layer.include_tests {
            config.include_tests = v;
        }
        if let Some((globs_base, patterns, set)) = layer.exclude {
            config.exclude.globs_base = globs_base;
            config.exclude.set = (!patterns.is_empty()).then_some(set);
        }
        for (id, values) in layer.options {
            options.entry(id).or_default().extend(values);
        }
    }
    config.options = options
        .into_iter()
        .map(|(id, values)| (id, Options(values)))
        .collect();
    Ok(config)
}

/// `p` made absolute with `.` and `..` folded away by name (globs and paths are
/// compared as text: `team/../gen` must read as `gen`).
fn lexical(p: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A path's identity for cycle detection: canonical when it exists.
fn identity(p: &Path) -> PathBuf {
    p.canonicalize()
        .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

fn load_layer(path: &Path, registry: &[Registered]) -> Result<Layer, String> {
    let fail = |msg: String| format!("{}: {msg}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let raw: Raw = toml::from_str(&text)
        .map_err(|e| fail(e.message().to_string() + &location(&text, e.span())))?;
    let known = |id: &str| registry.iter().find(|r| r.meta().id == id);
    for (key, ids) in [
        ("transforms.select", &raw.transforms.select),
        ("transforms.skip", &raw.transforms.skip),
    ] {
        if let Some(id) = ids.iter().flatten().find(|id| known(id).is_none()) {
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
        options.insert(id, opts);
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let exclude = match raw.transforms.exclude {
        Some(patterns) => {
            let mut globs = GlobSetBuilder::new();
            for pattern in &patterns {
                globs.add(
                    Glob::new(pattern).map_err(|e| fail(format!("`transforms.exclude`: {e}")))?,
                );
            }
            let set = globs.build().map_err(|e| fail(e.to_string()))?;
            Some((lexical(folder), patterns, set))
        }
        None => None,
    };
    let extend = match raw.extend {
        Some(e) if e.trim().is_empty() => return Err(fail("`extend` is empty".into())),
        Some(e) => {
            let target = lexical(&folder.join(&e));
            if !target.is_file() {
                return Err(fail(format!(
                    "`extend`: `{e}` ({}) is not a file",
                    target.display()
                )));
            }
            Some(target)
        }
        None => None,
    };
    Ok(Layer {
        path: path.to_path_buf(),
        extend,
        select: raw.transforms.select,
        skip: raw.transforms.skip,
        unsafe_fixes: raw.transforms.unsafe_fixes,
        exclude,
        include_tests: raw.transforms.include_tests,
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

/// Which configuration governs each file of a run: one named by `--config` for every
/// file, or the nearest `iac-fix.toml` of each file (see the module documentation).
///
/// The API the command line, `iac-fix pr` and the language server share: build one
/// per run (or per workspace) and ask [`Resolver::config_for`] for every file; lookups
/// and loaded files are cached (folders are looked up once, files loaded once), and
/// the resolver may be shared between threads.
pub struct Resolver {
    registry: &'static [Registered],
    /// `--config FILE` (loaded), or a configuration given in memory.
    forced: Option<Arc<Config>>,
    /// Folder → the configuration file found from it (`None`: none).
    by_folder: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file → the loaded configuration, or the error loading it.
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, String>>>,
    default: Arc<Config>,
    /// The command line's `-t`, `--skip`, `--unsafe`, laid over each file's settings.
    cli: Settings,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.forced {
            Some(c) => write!(f, "Resolver(forced {:?})", c.path),
            None => write!(f, "Resolver(nearest)"),
        }
    }
}

impl Resolver {
    /// The nearest `iac-fix.toml` of each file.
    pub fn nearest(registry: &'static [Registered]) -> Resolver {
        Resolver {
            registry,
            forced: None,
            by_folder: Mutex::default(),
            loaded: Mutex::default(),
            default: Arc::new(Config::default()),
            cli: Settings::default(),
        }
    }

    /// Lay the command line's selection over every file's settings (see
    /// [`Config::settings`]).
    pub fn with_command_line(mut self, cli: Settings) -> Resolver {
        self.cli = cli;
        self
    }

    /// The configuration governing `path` and the settings it gives there, with the
    /// command line on top (the language server's per-document entry point).
    pub fn settings_for(&self, path: &Path) -> Result<(Arc<Config>, Settings), String> {
        let config = self.config_for(path)?;
        let settings = config.settings(&self.cli);
        Ok((config, settings))
    }

    /// The command line's selection this resolver lays over each file's settings.
    pub fn command_line(&self) -> &Settings {
        &self.cli
    }

    /// `file` (`--config FILE`) for every file, loaded now: `Err` names the file and key.
    pub fn forced(file: &Path, registry: &'static [Registered]) -> Result<Resolver, String> {
        Ok(Resolver::fixed(load(file, registry)?, registry))
    }

    /// `config` for every file (tests, callers that built one in memory).
    pub fn fixed(config: Config, registry: &'static [Registered]) -> Resolver {
        Resolver {
            forced: Some(Arc::new(config)),
            ..Resolver::nearest(registry)
        }
    }

    /// Whether one configuration governs every file (`--config`).
    pub fn is_forced(&self) -> bool {
        self.forced.is_some()
    }

    /// The configuration file governing `path` (a file or a folder; a folder's own
    /// `iac-fix.toml` governs it), `None` when defaults apply.
    pub fn file_for(&self, path: &Path) -> Option<PathBuf> {
        if let Some(forced) = &self.forced {
            return forced.path.clone();
        }
        let folder = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf()
        };
        let folder = std::path::absolute(&folder).unwrap_or(folder);
        if let Some(found) = self.by_folder.lock().unwrap().get(&folder) {
            return found.clone();
        }
        let found = find(&folder);
        self.by_folder.lock().unwrap().insert(folder, found.clone());
        found
    }

    /// The configuration governing `path` (defaults when no file does). `Err` names the
    /// configuration file and the key at fault; it is returned for every file that file
    /// governs (callers report it once).
    pub fn config_for(&self, path: &Path) -> Result<Arc<Config>, String> {
        if let Some(forced) = &self.forced {
            return Ok(forced.clone());
        }
        match self.file_for(path) {
            Some(file) => self.load_cached(&file),
            None => Ok(self.default.clone()),
        }
    }

    /// The configuration that would govern the folder holding `config_file` from
    /// above (a parent project's file), for excludes that reach into nested projects.
    pub fn parent_of(&self, config: &Config) -> Option<Result<Arc<Config>, String>> {
        if self.forced.is_some() {
            return None;
        }
        let folder = config.path.as_ref()?.parent()?;
        let folder = std::path::absolute(folder).ok()?;
        if folder.join(".git").exists() {
            return None;
        }
        let above = folder.parent()?;
        let file = self.file_for(above)?;
        Some(self.load_cached(&file))
    }

    fn load_cached(&self, file: &Path) -> Result<Arc<Config>, String> {
        if let Some(c) = self.loaded.lock().unwrap().get(file) {
            return c.clone();
        }
        let c = load(file, self.registry).map(Arc::new);
        self.loaded
            .lock()
            .unwrap()
            .insert(file.to_path_buf(), c.clone());
        c
    }

    /// Whether `path` is left out by the `exclude` of its configuration or of any
    /// configuration above it (a parent project excluding `vendor/**` also excludes a
    /// nested project's files there).
    pub fn is_excluded(&self, path: &Path, config: &Config) -> bool {
        if config.exclude.is_excluded(path) {
            return true;
        }
        let mut at = self.parent_of(config);
        let mut seen = 0;
        while let Some(Ok(c)) = at {
            if c.exclude.is_excluded(path) {
                return true;
            }
            seen += 1;
            if seen > 64 {
                break;
            }
            at = self.parent_of(&c);
        }
        false
    }
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

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn extend_overrides_field_by_field_and_option_by_option() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(FILE_NAME);
        write(
            &root,
            "[transforms]\nskip = [\"kms-alias-split\"]\nunsafe = true\nexclude = [\"gen/**\"]\n\
             [transform.lambda-runtime-upgrade]\nnodejs = \"nodejs22.x\"\npython = \"python3.13\"\n",
        );
        let sub = dir.path().join("team/iac-fix.toml");
        write(
            &sub,
            "extend = \"../iac-fix.toml\"\n[transforms]\nunsafe = false\n\
             [transform.lambda-runtime-upgrade]\nnodejs = \"nodejs20.x\"\n",
        );
        let c = load(&sub, REGISTRY).unwrap();
        assert_eq!(c.extends, std::slice::from_ref(&root));
        assert_eq!(c.skip, ["kms-alias-split"], "inherited");
        assert!(!c.unsafe_fixes, "overridden");
        let runtime = &c.options["lambda-runtime-upgrade"].0;
        assert_eq!(runtime["nodejs"], "nodejs20.x");
        assert_eq!(runtime["python"], "python3.13");
        // The inherited globs stay relative to the file that wrote them.
        assert!(c.exclude.is_excluded(&dir.path().join("gen/x.ts")));
        assert!(!c.exclude.is_excluded(&dir.path().join("team/gen/x.ts")));
        assert_eq!(c.exclude.base(), dir.path().join("team"));
    }

    #[test]
    fn extend_cycles_and_missing_targets_are_errors_naming_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a/iac-fix.toml");
        let b = dir.path().join("b/iac-fix.toml");
        write(&a, "extend = \"../b/iac-fix.toml\"\n");
        write(&b, "extend = \"../a/iac-fix.toml\"\n");
        let e = load(&a, REGISTRY).unwrap_err();
        assert!(
            e.contains("cycle") && e.contains("a/iac-fix.toml") && e.contains("b/iac-fix.toml"),
            "{e}"
        );
        write(&a, "extend = \"iac-fix.toml\"\n");
        let e = load(&a, REGISTRY).unwrap_err();
        assert!(e.contains("cycle"), "{e}");
        write(&a, "extend = \"../nope.toml\"\n");
        let e = load(&a, REGISTRY).unwrap_err();
        assert!(e.contains("extend") && e.contains("nope.toml"), "{e}");
        // An error in the extended file names that file and its key.
        write(&a, "extend = \"../b/iac-fix.toml\"\n");
        write(
            &b,
            "[transform.lambda-runtime-upgrade]\nnodejs = \"nodejs24\"\n",
        );
        let e = load(&a, REGISTRY).unwrap_err();
        assert!(
            e.contains("b/iac-fix.toml") && e.contains("transform.lambda-runtime-upgrade.nodejs"),
            "{e}"
        );
    }

    #[test]
    fn the_nearest_file_governs_each_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        write(
            &dir.path().join(FILE_NAME),
            "[transforms]\nskip = [\"kms-alias-split\"]\n",
        );
        write(
            &dir.path().join("a/iac-fix.toml"),
            "[transforms]\nunsafe = true\nexclude = [\"x/**\"]\n",
        );
        write(&dir.path().join("a/lib/s.ts"), "");
        write(&dir.path().join("b/s.ts"), "");
        let r = Resolver::nearest(REGISTRY);
        let a = r.config_for(&dir.path().join("a/lib/s.ts")).unwrap();
        assert!(a.unsafe_fixes && a.skip.is_empty(), "{a:?}");
        let b = r.config_for(&dir.path().join("b/s.ts")).unwrap();
        assert_eq!(b.skip, ["kms-alias-split"]);
        // The parent's excludes reach into the nested project, not the other way.
        write(
            &dir.path().join(FILE_NAME),
            "[transforms]\nexclude = [\"a/gen/**\"]\n",
        );
        let r = Resolver::nearest(REGISTRY);
        let gen = dir.path().join("a/gen/s.ts");
        let a = r.config_for(&gen).unwrap();
        assert!(r.is_excluded(&gen, &a));
        assert!(!r.is_excluded(&dir.path().join("a/lib/s.ts"), &a));
        // `--config` governs every file.
        let f = Resolver::forced(&dir.path().join("a/iac-fix.toml"), REGISTRY).unwrap();
        assert!(
            f.config_for(&dir.path().join("b/s.ts"))
                .unwrap()
                .unsafe_fixes
        );
    }
}
