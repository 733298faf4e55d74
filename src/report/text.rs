//! `--format text` (the default): in a dry run the unified diff of every changed file
//! on standard output; one line per finding (`path:line:col: transform [state]
//! message`), unused suppressions, errors and a summary on standard error.

use super::escape::{escape, escape_diff};
use super::{diff, display, state, Run};

/// The text report as (standard output, standard error). `colour` colours the diff.
/// `tests_skipped` is the number of test files the walk left out (said in the summary).
pub fn render(run: &Run, colour: bool, tests_skipped: usize) -> (String, String) {
    let mut out = String::new();
    let mut err = String::new();
    let mut applied = 0;
    let mut pending = 0;
    let mut suppressed = 0;
    for p in run.processed {
        let path = display(&p.path);
        let path = escape(&path);
        suppressed += p.outcome.suppressed.len();
        for (line, ids) in &p.outcome.unused_suppressions {
            if !run.quiet {
                err.push_str(&format!("{path}:{line}: warning: unused suppression `iac-fix-ignore: {}` (nothing to suppress here)\n", escape(ids)));
            }
        }
        if run.verbose {
            for (line, id, origin) in &p.outcome.unknown_suppressions {
                err.push_str(&format!(
                    "{path}:{line}: info: suppression of unknown id `{}` ({}): no transform has this id or equivalent\n",
                    escape(id),
                    escape(origin)
                ));
            }
        }
        if run.dry_run && p.changed() {
            // The path escaped before it goes into the header: a newline in it must not
            // start a line of its own.
            let d = diff::unified_changed(&path, &p.original, &p.outcome.fixed, &p.outcome.changed);
            let d = escape_diff(&d);
            if colour {
                out.push_str(&diff::colorize(&d));
            } else {
                out.push_str(&d);
            }
        }
        for f in &p.outcome.fixes {
            if f.applied {
                applied += 1;
            } else {
                pending += 1;
            }
            if !run.quiet {
                err.push_str(&format!(
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
        err.push_str(&format!("error: {}: {}\n", escape(path), escape(message)));
    }
    if !run.quiet {
        let files = run.processed.iter().filter(|p| p.changed()).count();
        let verb = if run.dry_run { "Would fix" } else { "Fixed" };
        err.push_str(&format!("{verb} {applied} issue(s) in {files} file(s); {pending} left for review; {suppressed} suppressed; {} file(s) scanned, {} error(s).\n", run.processed.len(), run.errors.len()));
        if tests_skipped > 0 {
            err.push_str(&format!("{tests_skipped} test file(s) skipped (test/, tests/, __tests__/, *.test.ts, *.spec.ts); set `include-tests = true` under [transforms] in iac-fix.toml to fix them.\n"));
        }
    }
    (out, err)
}
