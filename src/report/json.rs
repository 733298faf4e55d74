//! The `--format json` document (see DESIGN.md).

use crate::fixer::Reported;
use serde::Serialize;

#[derive(Serialize)]
pub struct Report {
    pub version: u32,
    pub files: Vec<FileReport>,
    pub errors: Vec<ErrorReport>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct FileReport {
    pub path: String,
    pub flavor: &'static str,
    pub fixes: Vec<Reported>,
    /// Findings kept by a suppression (each names it in `suppressed_by`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Reported>,
    /// Own `iac-fix-ignore` comments that suppressed nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_suppressions: Vec<UnusedSuppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

#[derive(Serialize)]
pub struct UnusedSuppression {
    pub line: usize,
    pub ids: String,
}

#[derive(Serialize)]
pub struct ErrorReport {
    pub path: String,
    pub message: String,
}

#[derive(Serialize, Default)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_changed: usize,
    pub fixes_applied: usize,
    pub fixes_pending: usize,
    pub fixes_suppressed: usize,
}

/// The `--format json` document of a run (pretty-printed, with a final newline).
pub fn render(run: &super::Run) -> String {
    let mut summary = Summary {
        files_scanned: run.processed.len(),
        ..Default::default()
    };
    let files = run
        .processed
        .iter()
        .filter(|p| {
            !p.outcome.fixes.is_empty()
                || p.changed()
                || !p.outcome.suppressed.is_empty()
                || !p.outcome.unused_suppressions.is_empty()
        })
        .map(|p| {
            let path = super::display(&p.path);
            summary.files_changed += usize::from(p.changed());
            summary.fixes_suppressed += p.outcome.suppressed.len();
            summary.fixes_applied += p.outcome.fixes.iter().filter(|f| f.applied).count();
            summary.fixes_pending += p.outcome.fixes.iter().filter(|f| !f.applied).count();
            FileReport {
                diff: (run.dry_run && p.changed()).then(|| {
                    super::diff::unified_changed(
                        &path,
                        &p.original,
                        &p.outcome.fixed,
                        &p.outcome.changed,
                    )
                }),
                path,
                flavor: p.flavor.id(),
                fixes: p.outcome.fixes.clone(),
                suppressed: p.outcome.suppressed.clone(),
                unused_suppressions: p
                    .outcome
                    .unused_suppressions
                    .iter()
                    .map(|(line, ids)| UnusedSuppression {
                        line: *line,
                        ids: ids.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let errors = run
        .errors
        .iter()
        .map(|(path, message)| ErrorReport {
            path: path.clone(),
            message: message.clone(),
        })
        .collect();
    let report = Report {
        version: 1,
        files,
        errors,
        summary,
    };
    let mut s = serde_json::to_string_pretty(&report).expect("report serializes");
    s.push('\n');
    s
}
