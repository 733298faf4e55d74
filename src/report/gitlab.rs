//! `--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`),
//! the subset of the Code Climate issue format GitLab reads
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>):
//! a JSON array with one issue per finding that remains after the run (a dry run:
//! every finding) and one per file that could not be read, parsed or written.
//!
//! - `check_name`: the transform id; `description`: `transform: message`.
//! - `severity`: `minor` for a pending `safe` fix, `major` for a `review` fix or a
//!   finding without a fix (a person must act), `critical` for an unreadable file.
//! - `fingerprint`: stable across runs and unique within the report (GitLab shows only
//!   the first issue of a fingerprint, and compares fingerprints between the source
//!   and target branch): a hash of the path, the transform, the trimmed text of the
//!   finding's line and the finding's rank among identical ones, never the line
//!   number, so an edit above the finding does not make it "new".

use super::{body, display, Run};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::hash::Hasher;

/// The Code Quality report (pretty-printed JSON array, final newline).
pub fn render(run: &Run) -> String {
    let mut issues: Vec<Value> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut fingerprint = |parts: &[&str]| {
        let key = parts.join("\0");
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        hash(&format!("{key}\0{n}"))
    };
    for p in run.processed {
        let path = display(&p.path);
        let text = body(p);
        for f in p.outcome.fixes.iter().filter(|f| run.remains(f)) {
            let line_text = text
                .lines()
                .nth(f.line.saturating_sub(1))
                .unwrap_or("")
                .trim();
            let severity = if f.fixable && f.applicability.as_str() == "safe" {
                "minor"
            } else {
                "major"
            };
            issues.push(json!({
                "description": format!("{}: {}", f.transform, f.message),
                "check_name": f.transform,
                "fingerprint": fingerprint(&[path.as_str(), f.transform, line_text]),
                "severity": severity,
                "location": { "path": path, "lines": { "begin": f.line.max(1) } },
            }));
        }
    }
    for (path, message) in run.errors {
        issues.push(json!({
            "description": format!("iac-fix could not process this file: {message}"),
            "check_name": "iac-fix/error",
            "fingerprint": fingerprint(&[path.as_str(), "iac-fix/error", message.as_str()]),
            "severity": "critical",
            "location": { "path": path, "lines": { "begin": 1 } },
        }));
    }
    let mut s = serde_json::to_string_pretty(&issues).expect("report serializes");
    s.push('\n');
    s
}

/// 128 bits of FNV-1a (two 64-bit hashes with different prefixes) as 32 hex digits:
/// the same on every platform and release, unlike `std`'s `DefaultHasher`.
fn hash(s: &str) -> String {
    let mut a = fnv::FnvHasher::default();
    a.write(b"iac-fix/a\0");
    a.write(s.as_bytes());
    let mut b = fnv::FnvHasher::default();
    b.write(b"iac-fix/b\0");
    b.write(s.as_bytes());
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_is_stable() {
        // Pinned: a fingerprint must not change between releases.
        // (FNV-1a 64 of "iac-fix/a\0x" and of "iac-fix/b\0x", computed independently.)
        assert_eq!(super::hash("x"), "255ca4571718d8161cb379571231615b");
        assert_ne!(super::hash("x"), super::hash("y"));
    }
}
