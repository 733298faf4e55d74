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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
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
}
