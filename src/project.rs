//! Project facts: what transforms know about *every* file of a run before they fix one.
//!
//! A run first hands each file to the registry's [`Indexer`]s, which return opaque facts
//! (any `'static` type: the engine never looks inside, so it stays free of AWS knowledge).
//! Transforms then run per file and read the facts of the *related* files through
//! [`Document::project`](crate::model::Document::project): facts that span files (a
//! function defined in one stack file and invoked from another) without a transform ever
//! reading another file itself.
//!
//! Related files: TypeScript files joined by relative imports (`import … from
//! '../lib/x'`, transitively: one CDK app and its stacks), CloudFormation templates in
//! the same folder. A run over many unrelated projects (a corpus) therefore never mixes
//! their facts. A file's own facts are not served back to it: after a fix the file has
//! changed, so transforms index the current document themselves.
//!
//! Single-file use (`process_text`, fixtures, `--stdin-filename`) has an empty project.

use crate::fixer::Settings;
use crate::flavor;
use crate::lang::{Parsed, Syntax};
use crate::model::Document;
use std::any::Any;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Facts one indexer derived from one file.
pub type Facts = Arc<dyn Any + Send + Sync>;

/// Builds facts from one parsed document; provided by the catalogue (`transforms::INDEXERS`).
pub trait Indexer: Sync {
    /// The transforms that read these facts: the indexer runs only when one is enabled.
    fn used_by(&self) -> &'static [&'static str];
    /// A cheap test on the raw text before the file is parsed for indexing.
    fn wants(&self, syntax: Syntax, text: &str) -> bool;
    /// The facts of one document (`None`: nothing of interest).
    fn index(&self, doc: &Document) -> Option<Facts>;
}

struct FileFacts {
    path: PathBuf,
    group: usize,
    facts: Vec<Facts>,
    /// The paths it links to (kept to regroup after [`Project::with_file`]).
    links: Vec<PathBuf>,
}

/// One indexed file: (path, facts, paths it links to).
type Indexed = (PathBuf, Vec<Facts>, Vec<PathBuf>);

/// The facts of every indexed file of a run, grouped into related files.
#[derive(Default)]
pub struct Project {
    files: Vec<FileFacts>,
    by_path: HashMap<PathBuf, usize>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Project({} indexed files)", self.files.len())
    }
}

impl Project {
    /// Index `paths` (read, parsed and indexed in parallel) with the indexers that an
    /// enabled transform uses. Unreadable or foreign files are skipped silently: the
    /// per-file pass reports them.
    pub fn index(paths: &[PathBuf], indexers: &[&dyn Indexer], settings: &Settings) -> Project {
        use rayon::prelude::*;
        let wanted = wanted(indexers, settings);
        if wanted.is_empty() {
            return Project::default();
        }
        let indexed: Vec<Indexed> = paths
            .par_iter()
            .filter_map(|p| {
                flavor::syntax_for_path(p)?;
                let text = crate::files::read_text_file(p, 4 << 20)?;
                index_file(p, &text, &wanted)
            })
            .collect();
        Project::from_files(indexed)
    }

    /// [`Project::index`] for a run whose files are all known now (a command-line run):
    /// a file that no other file of the run is related to can serve its facts to no one
    /// (a file's own facts are not served back to it), so it is not parsed for indexing.
    /// Relations come from the text alone ([`links`]), so only files of related groups
    /// (a CDK app and its stacks, templates sharing a folder) are parsed twice. Not for a
    /// project that later takes in other files ([`Project::with_file`]).
    pub fn index_run(paths: &[PathBuf], indexers: &[&dyn Indexer], settings: &Settings) -> Project {
        use rayon::prelude::*;
        let wanted = wanted(indexers, settings);
        if wanted.is_empty() {
            return Project::default();
        }
        // First the relations (text only), then the facts of files that have company.
        let related: Vec<Indexed> = paths
            .par_iter()
            .filter_map(|p| {
                let syntax = flavor::syntax_for_path(p)?;
                let text = crate::files::read_text_file(p, 4 << 20)?;
                let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
                if !flavor::may_be_ours(syntax, body) {
                    return None;
                }
                let links = links(p, syntax, body);
                let wants = wanted.iter().any(|i| i.wants(syntax, body));
                (wants || !links.is_empty()).then(|| (p.clone(), vec![], links))
            })
            .collect();
        let alone = Project::from_files(related);
        let mut size: HashMap<usize, usize> = HashMap::new();
        for f in &alone.files {
            *size.entry(f.group).or_default() += 1;
        }
        let indexed: Vec<Indexed> = alone
            .files
            .into_par_iter()
            .map(|f| {
                if size[&f.group] > 1 {
                    let facts = crate::files::read_text_file(&f.path, 4 << 20)
                        .and_then(|text| index_file(&f.path, &text, &wanted))
                        .map_or_else(Vec::new, |i| i.1);
                    (f.path, facts, f.links)
                } else {
                    (f.path, vec![], f.links)
                }
            })
            .collect();
        Project::from_files(indexed)
    }

    /// This project with the facts of `path` read from `text` instead (an editor's
    /// buffer; `None`: the file is gone), the other files' facts reused as they are:
    /// one file is parsed, not the workspace.
    pub fn with_file(
        &self,
        path: &Path,
        text: Option<&str>,
        indexers: &[&dyn Indexer],
        settings: &Settings,
    ) -> Project {
        let key = normalize(path);
        let mut indexed: Vec<Indexed> = self
            .files
            .iter()
            .filter(|f| normalize(&f.path) != key)
            .map(|f| (f.path.clone(), f.facts.clone(), f.links.clone()))
            .collect();
        let wanted = wanted(indexers, settings);
        if let Some(new) = text.and_then(|t| index_file(path, t, &wanted)) {
            indexed.push(new);
        }
        Project::from_files(indexed)
    }

    /// A project from already indexed files: (path, facts, paths it links to).
    fn from_files(indexed: Vec<Indexed>) -> Project {
        let by_path: HashMap<PathBuf, usize> = indexed
            .iter()
            .enumerate()
            .map(|(i, f)| (normalize(&f.0), i))
            .collect();
        let mut parent: Vec<usize> = (0..indexed.len()).collect();
        fn find(parent: &mut [usize], i: usize) -> usize {
            let mut r = i;
            while parent[r] != r {
                r = parent[r];
            }
            parent[i] = r;
            r
        }
        for (i, f) in indexed.iter().enumerate() {
            for l in &f.2 {
                if let Some(&j) = by_path.get(&normalize(l)) {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
        let files = indexed
            .into_iter()
            .enumerate()
            .map(|(i, (path, facts, links))| FileFacts {
                path,
                group: find(&mut parent, i),
                facts,
                links,
            })
            .collect();
        Project { files, by_path }
    }

    /// Facts of type `T` from the files related to `path` (not `path` itself), with
    /// the file each came from.
    pub fn related<'p, T: Any>(
        &'p self,
        path: &'p Path,
    ) -> impl Iterator<Item = (&'p Path, &'p T)> + 'p {
        let group = self
            .by_path
            .get(&normalize(path))
            .map(|&i| self.files[i].group);
        self.files
            .iter()
            .filter(move |f| group.is_some_and(|g| f.group == g) && f.path != path)
            .flat_map(|f| {
                f.facts
                    .iter()
                    .filter_map(move |x| x.downcast_ref::<T>().map(|t| (f.path.as_path(), t)))
            })
    }

    /// Number of indexed files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The indexers an enabled transform uses.
fn wanted<'i>(indexers: &[&'i dyn Indexer], settings: &Settings) -> Vec<&'i dyn Indexer> {
    indexers
        .iter()
        .copied()
        .filter(|i| i.used_by().iter().any(|id| settings.enabled(id)))
        .collect()
}

/// The facts and links of one file's text (`None`: not a file the indexers read).
fn index_file(p: &Path, text: &str, wanted: &[&dyn Indexer]) -> Option<Indexed> {
    let syntax = flavor::syntax_for_path(p)?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !flavor::may_be_ours(syntax, body) {
        return None;
    }
    let links = links(p, syntax, body);
    let mine: Vec<&dyn Indexer> = wanted
        .iter()
        .copied()
        .filter(|i| i.wants(syntax, body))
        .collect();
    if mine.is_empty() {
        return (!links.is_empty()).then(|| (p.to_path_buf(), vec![], links));
    }
    let parsed = Parsed::new(syntax, body.to_string());
    let facts: Vec<Facts> = match flavor::detect(&parsed) {
        Some(flavor) => {
            let doc = Document::new(p, flavor, &parsed);
            mine.iter().filter_map(|i| i.index(&doc)).collect()
        }
        None => vec![],
    };
    Some((p.to_path_buf(), facts, links))
}

/// The files `path` is related to: TypeScript relative imports (`from './x'`,
/// `require('../x')`, `import('./x')`, read from the text without parsing) resolved to
/// `.ts`/`.tsx` files or `index.ts`; a template: a marker path for its folder (templates of
/// one folder share it).
fn links(path: &Path, syntax: Syntax, text: &str) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(""));
    if syntax != Syntax::TypeScript {
        return vec![dir.join("\u{0}templates")];
    }
    let mut out = Vec::new();
    for m in relative_specifiers(text) {
        let base = normalize(&dir.join(m));
        let stem = base.to_string_lossy().trim_end_matches(".js").to_string();
        for cand in [
            format!("{stem}.ts"),
            format!("{stem}.tsx"),
            format!("{stem}/index.ts"),
            stem.clone(),
        ] {
            out.push(PathBuf::from(cand));
        }
    }
    out
}

/// Module specifiers starting with `./` or `../` after `from`, `require(` or `import(`.
fn relative_specifiers(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for lead in ["from", "require(", "import("] {
        for (i, _) in text.match_indices(lead) {
            let rest = text[i + lead.len()..].trim_start();
            let Some(q) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '\'' | '"' | '`'))
            else {
                continue;
            };
            let Some(end) = rest[1..].find(q) else {
                continue;
            };
            let spec = &rest[1..1 + end];
            if spec.starts_with("./") || spec.starts_with("../") {
                out.push(spec);
            }
        }
    }
    out
}

/// `a/b/../c` → `a/c` without touching the file system (paths of a run as given).
fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if out
                    .last()
                    .is_some_and(|l| matches!(l, Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_relative_imports_and_folders() {
        let f = |p: &str, links: &[&str]| {
            let facts: Vec<Facts> = vec![Arc::new(p.to_string())];
            (
                PathBuf::from(p),
                facts,
                links.iter().map(PathBuf::from).collect::<Vec<_>>(),
            )
        };
        let project = Project::from_files(vec![
            f("a/bin/app.ts", &["a/lib/s1.ts", "a/lib/s2.ts"]),
            f("a/lib/s1.ts", &[]),
            f("a/lib/s2.ts", &[]),
            f("b/lib/s1.ts", &[]),
        ]);
        let related: Vec<&String> = project
            .related::<String>(Path::new("a/lib/s1.ts"))
            .map(|x| x.1)
            .collect();
        assert_eq!(related, ["a/bin/app.ts", "a/lib/s2.ts"]);
        assert_eq!(
            project.related::<String>(Path::new("b/lib/s1.ts")).count(),
            0
        );
        assert_eq!(project.related::<String>(Path::new("c.ts")).count(), 0);
        assert_eq!(
            relative_specifiers("import { A } from '../lib/a';\nconst b = require(\"./b\");\nimport * as cdk from 'aws-cdk-lib';"),
            ["../lib/a", "./b"]
        );
        assert_eq!(
            normalize(Path::new("a/bin/../lib/./x")),
            PathBuf::from("a/lib/x")
        );
    }
}
