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
