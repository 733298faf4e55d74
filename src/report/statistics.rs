//! `--statistics`: how many findings each transform has, and of what kind, sorted
//! like ruff's (count descending, then id). `count` is every unsuppressed finding;
//! it splits into `safe` and `review` (findings with a fix of that applicability) and
//! `report_only` (no automatic fix). `applied` counts fixes applied in this run (or
//! that would be, in a dry run); `suppressed` counts findings a suppression kept (not
//! in `count`). A transform whose findings are all suppressed still has a row.

use super::Run;
use serde::Serialize;
use std::collections::BTreeMap;

/// One transform's counts.
#[derive(Serialize, Default, Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub transform: &'static str,
    pub count: usize,
    pub safe: usize,
    pub review: usize,
    pub report_only: usize,
    pub applied: usize,
    pub suppressed: usize,
}

/// The rows of a run, sorted by count (descending), then suppressed, then id.
pub fn rows(run: &Run) -> Vec<Row> {
    let mut by_id: BTreeMap<&'static str, Row> = BTreeMap::new();
    for p in run.processed {
        for f in &p.outcome.fixes {
            let r = by_id.entry(f.transform).or_default();
            r.count += 1;
            match (f.fixable, f.applicability.as_str()) {
                (false, _) => r.report_only += 1,
                (true, "review") => r.review += 1,
                (true, _) => r.safe += 1,
            }
            r.applied += usize::from(f.applied);
        }
        for f in &p.outcome.suppressed {
            by_id.entry(f.transform).or_default().suppressed += 1;
        }
    }
    let mut rows: Vec<Row> = by_id
        .into_iter()
        .map(|(id, r)| Row { transform: id, ..r })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.suppressed.cmp(&a.suppressed))
            .then(a.transform.cmp(b.transform))
    });
    rows
}

/// The table: one row per transform, a header, and a total line.
pub fn table(run: &Run) -> String {
    let rows = rows(run);
    if rows.is_empty() {
        return "No findings.\n".to_string();
    }
    let applied = if run.dry_run { "fixable" } else { "applied" };
    let mut out = format!(
        "{:>6} {:>6} {:>6} {:>11} {:>7} {:>10}  {}\n",
        "count", "safe", "review", "report-only", applied, "suppressed", "transform"
    );
    let mut total = Row::default();
    for r in &rows {
        out.push_str(&format!(
            "{:>6} {:>6} {:>6} {:>11} {:>7} {:>10}  {}\n",
            r.count, r.safe, r.review, r.report_only, r.applied, r.suppressed, r.transform
        ));
        total.count += r.count;
        total.safe += r.safe;
        total.review += r.review;
        total.report_only += r.report_only;
        total.applied += r.applied;
        total.suppressed += r.suppressed;
    }
    out.push_str(&format!(
        "{:>6} {:>6} {:>6} {:>11} {:>7} {:>10}  {}\n",
        total.count,
        total.safe,
        total.review,
        total.report_only,
        total.applied,
        total.suppressed,
        "(total)"
    ));
    out
}

/// The rows as a JSON array (`--statistics --format json`), final newline.
pub fn json(run: &Run) -> String {
    let mut s = serde_json::to_string_pretty(&rows(run)).expect("statistics serialize");
    s.push('\n');
    s
}
