//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's files. One `::error` per finding that remains
//! after the run (a dry run: every finding), one `::notice` per fix written, and one
//! `::error` per file that could not be read, parsed or written:
//!
//! ```text
//! ::error file=lib/stack.ts,line=12,col=5,title=iac-fix (lambda-dead-letter-queue)::lambda-dead-letter-queue [fixable] …
//! ```
//!
//! Escaping follows the runner's own parser (`@actions/core`, `command.ts`): in the
//! message `%`, CR and LF become `%25`, `%0D`, `%0A`; in property values `:` and `,`
//! also become `%3A`, `%2C`. Other control characters are written as visible escapes
//! (see [`super::escape`]), so no text from a file can start a workflow command of its own.

use super::escape::escape;
use super::{display, state, Run};

/// The workflow commands (every line ends with a newline).
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for p in run.processed {
        let path = display(&p.path);
        for f in &p.outcome.fixes {
            let level = if run.remains(f) { "error" } else { "notice" };
            let title = format!("iac-fix ({})", f.transform);
            out.push_str(&format!(
                "::{level} file={},line={},col={},title={}::{}\n",
                property(&path),
                f.line,
                f.column,
                property(&title),
                data(&format!(
                    "{} [{}] {}",
                    f.transform,
                    state(f, run.dry_run),
                    f.message
                ))
            ));
        }
    }
    for (path, message) in run.errors {
        out.push_str(&format!(
            "::error file={},title={}::{}\n",
            property(path),
            property("iac-fix (error)"),
            data(message)
        ));
    }
    out
}

/// A command's message: `%`, CR, LF escaped as the runner expects, other control
/// characters made visible.
pub fn data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape(&s).into_owned()
}

/// A command's property value: [`data`] plus `:` and `,`.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(data("x\x1b[2Jy"), "x\\x1b[2Jy");
        assert_eq!(data("a\n::error::b"), "a%0A::error::b");
    }
}
