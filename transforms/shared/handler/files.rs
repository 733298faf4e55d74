//! Finding handler code on disk: paths written in a stack or template, the folders they
//! are relative to, and loading a handler with the local modules it imports.

use super::*;

pub(crate) const MAX_FILE: u64 = 512 * 1024;
pub(crate) const MAX_FILES: usize = 60;
pub(crate) const SOURCE_EXTS: &[&str] = &["ts", "js", "mjs", "cjs", "mts", "py"];
pub(crate) const ROOT_MARKERS: &[&str] = &["cdk.json", "cdktf.json", "package.json"];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    /// `__dirname`: the stack file's folder.
    Dir,
    /// A path relative to the project root (where `cdk synth` runs).
    Project,
}

/// The folders a path written in `doc` may be relative to, most likely first.
pub(crate) fn bases(doc: &Document, base: Base) -> Vec<PathBuf> {
    let dir = doc.path.parent().unwrap_or(Path::new("")).to_path_buf();
    if base == Base::Dir {
        return vec![dir];
    }
    let mut out: Vec<PathBuf> = project_root(doc.path, ROOT_MARKERS).into_iter().collect();
    for d in [dir.clone(), dir.join(".."), dir.join("../..")] {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// `a/./b/` → `a/b`.
pub(crate) fn tidy(rel: &str) -> String {
    rel.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The handler path, when it exists inside the repository (see `files::boundary`).
pub(crate) fn locate(doc: &Document, base: Base, rel: &str) -> Option<PathBuf> {
    let rel = tidy(rel);
    let root = boundary(doc.path, ROOT_MARKERS);
    bases(doc, base)
        .into_iter()
        .map(|b| b.join(&rel))
        .find(|p| p.exists() && is_within(p, &root))
}

pub(crate) fn load(root: &Path, path: &Path, label: &str) -> Option<Source> {
    // Followed imports stay in the repository (see `files::boundary`).
    if !is_within(path, root) {
        return None;
    }
    let text = read_text_file(path, MAX_FILE)?;
    let mut src = Source::file(label.to_string(), text);
    src.path = Some(path.to_path_buf());
    Some(src)
}

/// A handler file and, transitively, the local modules it imports.
pub(crate) fn load_with_imports(
    root: &Path,
    path: &Path,
    label: &str,
    out: &mut Vec<Source>,
    seen: &mut BTreeSet<PathBuf>,
) {
    if out.len() >= MAX_FILES || !seen.insert(path.to_path_buf()) {
        return;
    }
    let Some(src) = load(root, path, label) else {
        return;
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let label_dir = label.rsplit_once('/').map_or("", |(d, _)| d);
    let python = src.python;
    let tokens = tokenize(&src.text, src.python);
    let sc = Scan { t: &tokens };
    let mut modules = Vec::new();
    for k in 0..tokens.len() {
        if src.python {
            if sc.is(k, "from")
                || (sc.is(k, "import")
                    && (k == 0 || src.line(tokens[k - 1].off) != src.line(tokens[k].off)))
            {
                let mut j = k + 1;
                while sc.p(j, '.') {
                    j += 1;
                }
                let mut name = Vec::new();
                while let Some(w) = sc.id(j) {
                    name.push(w);
                    if !sc.p(j + 1, '.') {
                        break;
                    }
                    j += 2;
                }
                if !name.is_empty() {
                    modules.push(format!("{}.py", name.join("/")));
                }
            }
        } else if let Some(m) = sc.s(k) {
            let imports = (k >= 1 && sc.is(k - 1, "from"))
                || (k >= 2
                    && sc.p(k - 1, '(')
                    && (sc.is(k - 2, "require") || sc.is(k - 2, "import")));
            if imports && m.starts_with('.') {
                modules.push(m.to_string());
            }
        }
    }
    out.push(src);
    for m in modules {
        let candidates: Vec<String> = if python
            || Path::new(&m)
                .extension()
                .is_some_and(|e| SOURCE_EXTS.contains(&e.to_str().unwrap_or("")))
        {
            vec![m.clone()]
        } else {
            let m = m.trim_end_matches('/');
            SOURCE_EXTS[..5]
                .iter()
                .map(|e| format!("{m}.{e}"))
                .chain(SOURCE_EXTS[..5].iter().map(|e| format!("{m}/index.{e}")))
                .collect()
        };
        if let Some(c) = candidates.iter().find(|c| dir.join(c.as_str()).is_file()) {
            let l = tidy(&format!("{label_dir}/{c}"));
            load_with_imports(root, &dir.join(c.as_str()), &l, out, seen);
        }
    }
}

/// The handler code of an asset folder: the handler's module and its imports, or every
/// source file when the module is not found.
pub(crate) fn load_asset(
    root: &Path,
    path: &Path,
    label: &str,
    handler_module: Option<&str>,
) -> Result<Vec<Source>, String> {
    if path.is_file() {
        if path
            .extension()
            .is_some_and(|e| SOURCE_EXTS.contains(&e.to_str().unwrap_or("")))
        {
            let mut out = Vec::new();
            load_with_imports(root, path, label, &mut out, &mut BTreeSet::new());
            return Ok(out);
        }
        return Err(format!(
            "the handler asset '{label}' is a built archive, not source code"
        ));
    }
    let mut out = Vec::new();
    if let Some(module) = handler_module {
        for ext in SOURCE_EXTS {
            let file = path.join(format!("{module}.{ext}"));
            if file.is_file() {
                load_with_imports(
                    root,
                    &file,
                    &tidy(&format!("{label}/{module}.{ext}")),
                    &mut out,
                    &mut BTreeSet::new(),
                );
                return Ok(out);
            }
        }
    }
    let mut stack = vec![(path.to_path_buf(), label.to_string())];
    while let Some((dir, l)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let child = tidy(&format!("{l}/{name}"));
            if p.is_dir() {
                if !matches!(
                    name.as_str(),
                    "node_modules"
                        | "__pycache__"
                        | "tests"
                        | "test"
                        | "__tests__"
                        | "dist"
                        | "cdk.out"
                ) && !name.starts_with('.')
                {
                    stack.push((p, child));
                }
            } else if p
                .extension()
                .is_some_and(|e| SOURCE_EXTS.contains(&e.to_str().unwrap_or("")))
                && !name.ends_with(".d.ts")
                && !name.contains(".test.")
            {
                if out.len() >= MAX_FILES {
                    return Err(format!(
                        "the handler asset '{label}' holds too many files to read"
                    ));
                }
                out.extend(load(root, &p, &child));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("no handler source code in '{label}'"));
    }
    Ok(out)
}

/// Inline code in the file being fixed, starting at `offset`.
pub(crate) fn inline_source(
    doc: &Document,
    text: String,
    offset: usize,
    python: bool,
    single_line: bool,
) -> Source {
    let label = doc
        .path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().to_string());
    let line = doc.line_of(offset);
    Source {
        label,
        text,
        python,
        pieces: vec![(0, line, single_line)],
        path: None,
    }
}

pub(crate) fn looks_python(code: &str, runtime: &str) -> bool {
    let runtime = runtime.to_ascii_lowercase();
    runtime.contains("python")
        || (!runtime.contains("node")
            && (code.contains("import boto3")
                || code.contains("def handler")
                || code.contains("def lambda_handler")))
}

/// The value of `const name = …` in the file (the first declaration of that name).
pub(crate) fn const_value<'a>(doc: &Document<'a>, name: &str) -> Option<ValueNode<'a>> {
    // The document's node list (walked once per pass), kinds compared by id: a walk of
    // the tree per name looked up was most of this transform family's cost.
    static DECLARATOR: std::sync::OnceLock<crate::lang::ts::KindSet> = std::sync::OnceLock::new();
    let declarator =
        DECLARATOR.get_or_init(|| crate::lang::ts::KindSet::new(&["variable_declarator"]));
    doc.nodes()
        .iter()
        .copied()
        .find(|d| {
            declarator.has(*d)
                && d.child_by_field_name("name")
                    .is_some_and(|n| doc.text(n) == name)
        })
        .and_then(|d| d.child_by_field_name("value"))
        .map(|v| ValueNode::new(doc.parsed, v))
}

/// The code a template literal evaluates to: escapes undone (`\``, `\${`), and each
/// `${expr}` substitution kept as `\u{1}expr\u{1}` so that a string holding
/// `${table.tableName}` counts as naming that resource. Line breaks are kept.
pub(crate) fn template_code(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&(_, n)) if matches!(n, '`' | '$' | '\\') => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            },
            '$' if raw[i + 1..].starts_with('{') => {
                let end = matching_brace(raw, i + 1);
                out.push('\u{1}');
                out.push_str(&raw[(i + 2).min(end)..end]);
                out.push('\u{1}');
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A path expression: `'lambda'`, `path.join(__dirname, '../lambda')`, `` `${__dirname}/x` ``,
/// or a `const` holding one.
pub(crate) fn eval_path(
    doc: &Document,
    node: tree_sitter::Node,
    depth: usize,
) -> Option<(Base, String)> {
    if depth > 3 {
        return None;
    }
    let v = ValueNode::new(doc.parsed, node);
    match v.node.kind() {
        "string" => Some((Base::Project, v.as_str()?)),
        "template_string" => {
            let t = v.text();
            let inner = &t[1..t.len() - 1];
            if let Some(rest) = inner.strip_prefix("${__dirname}") {
                (!rest.contains("${")).then(|| (Base::Dir, rest.to_string()))
            } else {
                (!inner.contains("${")).then(|| (Base::Project, inner.to_string()))
            }
        }
        "identifier" => {
            let name = v.text();
            if name == "__dirname" {
                return Some((Base::Dir, String::new()));
            }
            eval_path(doc, const_value(doc, name)?.node, depth + 1)
        }
        "call_expression" => {
            let f = doc.text(v.node.child_by_field_name("function")?);
            if !matches!(
                f,
                "path.join"
                    | "path.resolve"
                    | "join"
                    | "resolve"
                    | "path.posix.join"
                    | "posix.join"
            ) {
                return None;
            }
            let args = named_children(v.node.child_by_field_name("arguments")?);
            let mut base = Base::Project;
            let mut parts = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let text = doc.text(*a);
                if i == 0 && (text == "process.cwd()" || text == "'.'" || text == "\".\"") {
                    continue;
                }
                let (b, p) = eval_path(doc, *a, depth + 1)?;
                if b == Base::Dir {
                    if i != 0 {
                        return None;
                    }
                    base = Base::Dir;
                }
                if p.starts_with('/') {
                    return None;
                }
                parts.push(p);
            }
            Some((
                base,
                parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("/"),
            ))
        }
        _ => None,
    }
}
