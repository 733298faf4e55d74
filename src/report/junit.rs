//! `--format junit`: JUnit XML for Jenkins (`junit` step), Azure Pipelines
//! (`PublishTestResults`, `JUnit`), GitLab (`artifacts:reports:junit`) and CircleCI.
//!
//! One `<testsuite>` per file with findings (named by its path, with a `file`
//! attribute, so the test viewers group by file, the way ruff and eslint do it); one
//! `<testcase>` per finding, named `transform (line:col)` with the file as `classname`
//! (no `file`/`line` on a testcase: Jenkins' xunit schema, the strictest reader,
//! allows neither; `tests/formats.rs` validates against it with `xmllint`): a finding that remains after
//! the run (a dry run: every finding) carries a `<failure>`, a fix written by this
//! run passes. A file that could not be read, parsed or written is a suite with one
//! `<error>`. A run with no finding and no error is one passing suite, so a CI step
//! that requires test results finds some. Text is XML-escaped; characters XML 1.0
//! cannot carry at all (C0 controls but tab, LF, CR; U+FFFE, U+FFFF) are written as
//! visible escapes.

use super::{display, state, Run};
use std::fmt::Write;

/// The JUnit XML document (final newline).
pub fn render(run: &Run) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for p in run.processed.iter().filter(|p| !p.outcome.fixes.is_empty()) {
        let path = display(&p.path);
        let failed = p.outcome.fixes.iter().filter(|f| run.remains(f)).count();
        tests += p.outcome.fixes.len();
        failures += failed;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{p}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\" file=\"{p}\">",
            p.outcome.fixes.len(),
            p = attr(&path),
        );
        for f in &p.outcome.fixes {
            let _ = write!(
                suites,
                "    <testcase name=\"{} ({}:{})\" classname=\"{}\"",
                attr(f.transform),
                f.line,
                f.column,
                attr(&path),
            );
            if run.remains(f) {
                let st = state(f, run.dry_run);
                let _ = writeln!(
                    suites,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    attr(&f.message),
                    attr(f.transform),
                    text(&format!(
                        "{path}:{}:{}: {} [{st}] {}",
                        f.line, f.column, f.transform, f.message
                    ))
                );
            } else {
                suites.push_str("/>\n");
            }
        }
        suites.push_str("  </testsuite>\n");
    }
    for (path, message) in run.errors {
        tests += 1;
        errors += 1;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{p}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" file=\"{p}\">\n    <testcase name=\"read, parse and write\" classname=\"{p}\">\n      <error message=\"{m}\" type=\"iac-fix/error\">{t}</error>\n    </testcase>\n  </testsuite>",
            p = attr(path),
            m = attr(message),
            t = text(&format!("{path}: {message}"))
        );
    }
    if tests == 0 {
        tests = 1;
        suites.push_str("  <testsuite name=\"iac-fix\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase name=\"no findings\" classname=\"iac-fix\"/>\n  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"iac-fix\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}

/// Characters XML 1.0 allows (§2.2), the rest written as visible escapes (`\\x1b`).
fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{d7ff}').contains(&c)
            || ('\u{e000}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}'
    };
    if s.chars().all(allowed) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if allowed(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.into()
}

/// Element text: `&`, `<`, `>` escaped.
fn text(s: &str) -> String {
    xml_safe(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An attribute value in double quotes: also `"`, and tab/LF/CR as character
/// references (attribute normalisation would turn them into spaces).
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml_and_controls() {
        assert_eq!(attr("a<b>&\"c\"\n"), "a&lt;b&gt;&amp;&quot;c&quot;&#10;");
        assert_eq!(text("x\u{1b}y\u{fffe}"), "x\\x1by\\u{fffe}");
    }
}
