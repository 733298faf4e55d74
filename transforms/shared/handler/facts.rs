//! Facts about a function's handler code that decide whether it runs on another runtime:
//! does it load the AWS SDK for JavaScript v2 (and does its `package.json` ship it), is the
//! exported handler callback-style, which Python modules does it import. Read from the
//! tokens of the code (`lexer.rs`), never by running it.

use super::*;

/// What a function's handler code shows about the runtime it needs. Evidence is `path:line`
/// (`Source::label` and the line in that file; inline code: the stack or template line).
#[derive(Debug, Default, Clone)]
pub(crate) struct HandlerFacts {
    /// Where the code loads the AWS SDK for JavaScript v2: `require('aws-sdk')`,
    /// `from 'aws-sdk'`, `import 'aws-sdk'`, `aws-sdk/clients/s3`.
    pub(crate) sdk_v2: Vec<String>,
    /// The `package.json` (shown relative to the handler) that declares `aws-sdk`, when the
    /// nearest one above a file that loads it does.
    pub(crate) sdk_v2_declared: Option<String>,
    /// Some code is inline (it cannot ship its own dependencies).
    pub(crate) inline: bool,
    /// Where the exported handler is callback-style, and how: a non-`async` function with a
    /// third (`callback`) parameter, or `context.succeed/fail/done`.
    pub(crate) callback: Option<(String, &'static str)>,
    /// Python modules the code imports (top-level name, `path:line`).
    pub(crate) python_imports: Vec<(String, String)>,
}

/// The facts of `sources` (a handler file with its local imports, or inline code) whose
/// handler is exported as `export` (the part of `Handler`/`handler` after the last dot:
/// `index.handler` → `handler`). `dev_dependencies`: count `devDependencies` too (the code is
/// bundled from the project, as `NodejsFunction` does).
pub(crate) fn handler_facts(
    sources: &[Source],
    export: &str,
    dev_dependencies: bool,
) -> HandlerFacts {
    let mut facts = HandlerFacts::default();
    for (i, src) in sources.iter().enumerate() {
        let tokens = tokenize(&src.text, src.python);
        let sc = Scan { t: &tokens };
        let at = |k: usize| format!("{}:{}", src.label, src.line(tokens[k].off));
        facts.inline |= src.path.is_none();
        if src.python {
            facts.python_imports.extend(
                python_imports(src, &sc)
                    .into_iter()
                    .map(|(m, k)| (m, at(k))),
            );
            continue;
        }
        let v2: Vec<usize> = (0..tokens.len())
            .filter(|&k| loads_sdk_v2(&sc, k))
            .collect();
        if !v2.is_empty() && facts.sdk_v2_declared.is_none() {
            facts.sdk_v2_declared = src
                .path
                .as_deref()
                .and_then(|p| declares(p, "aws-sdk", dev_dependencies));
        }
        facts.sdk_v2.extend(v2.into_iter().map(at));
        // The handler is exported by the first file (the handler module); helpers it
        // imports may still call `context.succeed`.
        let found = if i == 0 {
            callback_export(&sc, export, 0)
        } else {
            None
        };
        if facts.callback.is_none() {
            facts.callback = found
                .map(|k| {
                    (
                        at(k),
                        "its handler takes a third `callback` parameter and is not `async`",
                    )
                })
                .or_else(|| {
                    context_done(&sc).map(|k| (at(k), "it calls `context.succeed/fail/done`"))
                });
        }
    }
    facts
}

/// `'aws-sdk'` (or `'aws-sdk/…'`) as the module of a `require(…)`, `import(…)`, `from` or `import`.
fn loads_sdk_v2(sc: &Scan, k: usize) -> bool {
    let Some(m) = sc.s(k) else { return false };
    if m != "aws-sdk" && !m.starts_with("aws-sdk/") {
        return false;
    }
    (k >= 1 && (sc.is(k - 1, "from") || sc.is(k - 1, "import")))
        || (k >= 2 && sc.p(k - 1, '(') && (sc.is(k - 2, "require") || sc.is(k - 2, "import")))
}

/// The `package.json` nearest above `file` (up to six folders), shown by file name, when it
/// lists `package` in `dependencies` (or `devDependencies`).
fn declares(file: &Path, package: &str, dev: bool) -> Option<String> {
    let dir = file.parent()?;
    for (up, d) in dir.ancestors().take(6).enumerate() {
        let manifest = d.join("package.json");
        let Some(text) = read_text_file(&manifest, MAX_FILE) else {
            continue;
        };
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        let listed = |key: &str| json.get(key).and_then(|d| d.get(package)).is_some();
        let shown = format!("{}package.json", "../".repeat(up));
        return (listed("dependencies") || (dev && listed("devDependencies"))).then_some(shown);
    }
    None
}

/// `context.succeed(`, `context.fail(`, `context.done(`.
fn context_done(sc: &Scan) -> Option<usize> {
    (0..sc.t.len()).find(|&k| {
        sc.is(k, "context")
            && sc.p(k + 1, '.')
            && sc
                .id(k + 2)
                .is_some_and(|m| matches!(m, "succeed" | "fail" | "done"))
            && sc.p(k + 3, '(')
    })
}

/// The token where `export` is defined as a callback-style function, if it is.
fn callback_export(sc: &Scan, export: &str, depth: usize) -> Option<usize> {
    if depth > 2 {
        return None;
    }
    let t = sc.t.len();
    for k in 0..t {
        // exports.handler = …, module.exports.handler = …
        if sc.is(k, "exports")
            && sc.p(k + 1, '.')
            && sc.is(k + 2, export)
            && sc.p(k + 3, '=')
            && !sc.p(k + 4, '=')
        {
            return callback_value(sc, k + 4, depth);
        }
        // export const handler[: Type] = …, export function handler(…)
        if sc.is(k, "export") {
            let mut j = k + 1;
            if sc
                .id(j)
                .is_some_and(|w| matches!(w, "const" | "let" | "var"))
                && sc.is(j + 1, export)
            {
                j += 2;
                // Skip a type annotation up to the `=` (not `==`).
                let assigns = |j: usize| sc.p(j, '=') && !sc.p(j + 1, '=');
                while j < t && !assigns(j) && !sc.p(j, ';') {
                    j += 1;
                }
                return callback_value(sc, j + 1, depth);
            }
            if sc.is(j, "async") {
                return None.filter(|_| sc.is(j + 2, export));
            }
            if sc.is(j, "function") && sc.is(j + 1, export) {
                return callback_value(sc, j, depth);
            }
        }
        // module.exports = { handler, … } / { handler: fn } / { handler(e, c, cb) {…} }
        if sc.is(k, "module")
            && sc.p(k + 1, '.')
            && sc.is(k + 2, "exports")
            && sc.p(k + 3, '=')
            && sc.p(k + 4, '{')
        {
            let end = sc.close(k + 4);
            let mut depth_in = 0;
            for j in k + 5..end.saturating_sub(1) {
                match sc.t[j].tok {
                    Tok::P('(' | '[' | '{') => depth_in += 1,
                    Tok::P(')' | ']' | '}') => depth_in -= 1,
                    _ => {}
                }
                if depth_in == 0 && sc.is(j, export) && (sc.p(j - 1, '{') || sc.p(j - 1, ',')) {
                    if sc.p(j + 1, ':') {
                        return callback_value(sc, j + 2, depth);
                    }
                    if sc.p(j + 1, '(') {
                        return (params(sc, j + 1) >= 3).then_some(j);
                    }
                    return local_callback(sc, export, depth);
                }
            }
        }
    }
    None
}

/// A value at `k` that is a function: callback-style when not `async` with 3+ parameters;
/// a name is followed to its local definition.
fn callback_value(sc: &Scan, k: usize, depth: usize) -> Option<usize> {
    if sc.is(k, "async") {
        return None;
    }
    if sc.is(k, "function") {
        let open = if sc.p(k + 1, '(') { k + 1 } else { k + 2 };
        return (sc.p(open, '(') && params(sc, open) >= 3).then_some(k);
    }
    if sc.p(k, '(') {
        let close = sc.close(k);
        let arrow = sc.p(close, '=') && sc.p(close + 1, '>')
            || (sc.p(close, ':')
                && (close..sc.t.len().min(close + 40)).any(|j| sc.p(j, '=') && sc.p(j + 1, '>')));
        return (arrow && params(sc, k) >= 3).then_some(k);
    }
    let name = sc.id(k)?;
    if sc.p(k + 1, '=') || sc.p(k + 1, '(') || sc.p(k + 1, '.') {
        return None;
    }
    local_callback(sc, name, depth + 1)
}

/// `function name(…)` or `const name = …` in the same file.
fn local_callback(sc: &Scan, name: &str, depth: usize) -> Option<usize> {
    for k in 0..sc.t.len() {
        if sc.is(k, "function") && sc.is(k + 1, name) && sc.p(k + 2, '(') {
            let asynchronous = k > 0 && sc.is(k - 1, "async");
            return (!asynchronous && params(sc, k + 2) >= 3).then_some(k);
        }
        if sc
            .id(k)
            .is_some_and(|w| matches!(w, "const" | "let" | "var"))
            && sc.is(k + 1, name)
            && sc.p(k + 2, '=')
        {
            return callback_value(sc, k + 3, depth);
        }
    }
    None
}

/// The number of parameters in the bracket group opening at `open`.
fn params(sc: &Scan, open: usize) -> usize {
    let close = sc.close(open).saturating_sub(1);
    if close <= open + 1 {
        return 0;
    }
    let mut depth = 0i32;
    let mut commas = 0;
    let mut trailing = false;
    for j in open + 1..close {
        trailing = false;
        match sc.t[j].tok {
            Tok::P('(' | '[' | '{' | '<') => depth += 1,
            Tok::P(')' | ']' | '}') => depth -= 1,
            Tok::P('>') if !sc.p(j - 1, '=') => depth -= 1,
            Tok::P(',') if depth == 0 => {
                commas += 1;
                trailing = true;
            }
            _ => {}
        }
    }
    commas + 1 - usize::from(trailing)
}

/// `import a, b.c` and `from a.b import c`: (top-level module, token index).
fn python_imports(src: &Source, sc: &Scan) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    // Only a `from` or `import` that starts a line counts; the keyword is tested first
    // (cheap), the line only then (`Source::line` counts the newlines before the offset,
    // so asking it for every token made long handlers quadratic).
    let line_start = |k: usize| k == 0 || src.line(sc.t[k - 1].off) != src.line(sc.t[k].off);
    for k in 0..sc.t.len() {
        if !(sc.is(k, "from") || sc.is(k, "import")) || !line_start(k) {
            continue;
        }
        if sc.is(k, "from") {
            if let Some(m) = sc.id(k + 1) {
                out.push((m.to_string(), k + 1));
            }
        } else if sc.is(k, "import") {
            let mut j = k + 1;
            while let Some(m) = sc.id(j) {
                out.push((m.to_string(), j));
                // Skip `.sub`, `as alias`, then continue after a comma.
                j += 1;
                while sc.p(j, '.') || sc.is(j, "as") {
                    j += 2;
                }
                if !sc.p(j, ',') {
                    break;
                }
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(code: &str, export: &str) -> HandlerFacts {
        let python = code.contains("def ");
        let mut src = Source::file(
            if python { "h.py".into() } else { "h.js".into() },
            code.into(),
        );
        src.python = python;
        handler_facts(&[src], export, false)
    }

    #[test]
    fn callback_handlers_in_every_export_style() {
        let yes = [
            "exports.handler = (event, context, callback) => { callback(null, 1); };",
            "exports.handler = function (e, c, cb) { cb(); };",
            "module.exports.handler = function named(e, c, cb) {};",
            "function handler(e, c, cb) {}\nexports.handler = handler;",
            "const handler = (e, c, cb) => cb();\nmodule.exports = { handler };",
            "module.exports = { other: 1, handler: (e, c, cb) => cb() };",
            "export const handler: Handler = (event: APIGatewayProxyEvent, context: Context, callback: Callback<Record<string, string>>) => {};",
            "export function handler(e, c, cb) {}",
            "exports.handler = async (e, context) => { context.succeed(1); };",
        ];
        for code in yes {
            assert!(facts(code, "handler").callback.is_some(), "{code}");
        }
        let no = [
            "exports.handler = async (event, context, callback) => {};",
            "exports.handler = async (event) => ({ ok: true });",
            "export const handler = async (event: Record<string, string>, context: Context) => {};",
            "export async function handler(e, c, cb) {}",
            "exports.other = (e, c, cb) => cb();\nexports.handler = async () => 1;",
            "const x = (a, b, c) => a;\nexports.handler = async e => x(e, 1, 2);",
        ];
        for code in no {
            assert!(facts(code, "handler").callback.is_none(), "{code}");
        }
    }

    #[test]
    fn sdk_v2_and_python_imports() {
        let f = facts("const AWS = require('aws-sdk');\nimport S3 from 'aws-sdk/clients/s3';\nconst { S3Client } = require('@aws-sdk/client-s3');\n", "handler");
        assert_eq!(f.sdk_v2, ["h.js:1", "h.js:2"]);
        assert!(facts(
            "import { S3Client } from '@aws-sdk/client-s3';\n// require('aws-sdk')\n",
            "handler"
        )
        .sdk_v2
        .is_empty());
        let f = facts("import os, imp\nfrom distutils.util import strtobool\ndef handler(e, c):\n    return 1\n", "handler");
        let mods: Vec<&str> = f.python_imports.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(mods, ["os", "imp", "distutils"]);
    }
}
