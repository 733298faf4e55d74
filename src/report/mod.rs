//! Output: unified diffs, the text summary and the JSON report.

pub mod diff;
pub mod escape;
pub mod json;
pub mod sarif;
