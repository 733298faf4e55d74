//! `--format concise`: one line per finding, `path:line:col: transform [state]
//! message`, then one `error: path: reason` line per file that could not be read,
//! parsed or written; no diff, no summary (ruff's `concise`). Control characters in
//! paths and messages are escaped.

use super::escape::escape;
use super::{display, state, Run};

/// The concise report (every line ends with a newline).
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    if !run.quiet {
        for p in run.processed {
            let path = display(&p.path);
            let path = escape(&path);
            for f in &p.outcome.fixes {
                out.push_str(&format!(
                    "{path}:{}:{}: {} [{}] {}\n",
                    f.line,
                    f.column,
                    f.transform,
                    state(f, run.dry_run),
                    escape(&f.message)
                ));
            }
        }
    }
    for (path, message) in run.errors {
        out.push_str(&format!("error: {}: {}\n", escape(path), escape(message)));
    }
    out
}
