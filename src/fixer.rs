//! Runs transforms over one source, applies non-overlapping fixes, re-parses and
//! repeats until nothing changes; never returns text that does not parse.

use crate::edit::{apply_edits, Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::cfn_data::{check_write, AppliedEdit};
use crate::lang::cfn_digest::Digest;
use crate::lang::{verify, Parsed};
use crate::model::Document;
use crate::origin::Origins;
use crate::suppress::Suppressions;
use crate::transform::{Options, Registered};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Passes before the fixer gives up on reaching a fixed point.
const MAX_PASSES: usize = 10;

/// Which transforms run and which fixes may be applied.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Only these ids (empty: all).
    pub select: Vec<String>,
    pub skip: Vec<String>,
    /// Also apply `review` fixes.
    pub unsafe_fixes: bool,
    /// Options per transform id.
    pub options: BTreeMap<String, Options>,
    /// Facts of every file of the run (`None`: this file alone).
    pub project: Option<std::sync::Arc<crate::project::Project>>,
    /// `--add-ignore[=REASON]`: apply no fix; write a suppression (with this reason,
    /// empty: none) for every finding instead (see [`crate::suppress::ignore_edits`]).
    pub add_ignore: Option<String>,
}

impl Settings {
    pub fn enabled(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| s == id))
            && !self.skip.iter().any(|s| s == id)
    }

    fn may_apply(&self, applicability: Applicability) -> bool {
        applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// A finding as reported: applied, or left for review / without a fix.
#[derive(Clone, Debug, Serialize)]
pub struct Reported {
    pub transform: &'static str,
    pub applicability: Applicability,
    pub applied: bool,
    /// The finding came with a fix (applied or not); `false`: report only.
    pub fixable: bool,
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// The suppression that kept this finding from being fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
    /// The applied edits, relative to the text as read (later passes' edits mapped
    /// back, see [`Origins`]); SARIF shows them as replacements.
    #[serde(skip)]
    pub edits: Vec<Edit>,
    /// Why an applied fix has no `edits` against the text as read (it edits text an
    /// earlier fix inserted or changed).
    #[serde(skip)]
    pub edits_unavailable: Option<String>,
}

/// The result of fixing one source text.
#[derive(Debug, Default)]
pub struct Outcome {
    pub fixed: String,
    pub fixes: Vec<Reported>,
    /// Findings a suppression comment or metadata kept (never fixed).
    pub suppressed: Vec<Reported>,
    /// Own `iac-fix-ignore` comments that suppressed nothing: (line, ids).
    pub unused_suppressions: Vec<(usize, String)>,
    /// Ids named by a suppression (any tool's) that no transform knows as its id or an
    /// equivalent: (line, id, the suppression). Shown with `--verbose`.
    pub unknown_suppressions: Vec<(usize, String, String)>,
    /// Fixes dropped because their output did not parse (bugs in a transform).
    pub internal_errors: Vec<String>,
    /// Passes the fix loop ran (the last one finds nothing more to apply); 0 when no
    /// loop ran (`--add-ignore`, a report of the text as read).
    pub passes: usize,
    /// Where `fixed` differs from the text fixed, when the fix loop knows it: disjoint
    /// `(range in the text as read, range in fixed)` pairs in order, the text around them
    /// equal in both ([`Origins::changed`]). Empty when unknown or unchanged; a diff then
    /// compares the whole texts.
    pub changed: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

/// Fix `source` of the given flavor with the enabled transforms.
pub fn fix(
    path: &Path,
    flavor: Flavor,
    source: &str,
    registry: &[Registered],
    settings: &Settings,
) -> Outcome {
    let parsed = Parsed::new(flavor.syntax(), source.to_string());
    fix_parsed(path, flavor, parsed, registry, settings)
}

/// `fix` on a source already parsed (the caller's parse serves the first pass).
///
/// Passes are verified once, at the end: the strict parse ([`verify::check`]) of the
/// final text, plus the free check that every incremental reparse is free of syntax
/// errors; the CloudFormation write guard, too, compares the final template with the
/// template as read once (not pass by pass). When that final verification fails (or the
/// write guard does), the run is repeated with every pass verified as before, so that a broken
/// fix is found, dropped and reported while the others still apply: nothing unverified
/// is ever returned. A source whose own tree has errors is verified pass by pass.
pub fn fix_parsed(
    path: &Path,
    flavor: Flavor,
    parsed: Parsed,
    registry: &[Registered],
    settings: &Settings,
) -> Outcome {
    fix_parsed_with_template(path, flavor, parsed, None, registry, settings)
}

/// [`fix_parsed`] with the digest of the template as written of `parsed.source`, when
/// the caller's strict reading of the text already gave it
/// ([`crate::files::Prepared::template`]): the CloudFormation write guard starts from it
/// instead of reading the text again. `template` must be [`Digest::read_checked`] of
/// `parsed.source` (or [`Digest::of_value`] of its
/// [`crate::lang::cfn_data::to_value_as_written`]).
pub fn fix_parsed_with_template(
    path: &Path,
    flavor: Flavor,
    parsed: Parsed,
    template: Option<Digest>,
    registry: &[Registered],
    settings: &Settings,
) -> Outcome {
    if parsed.root().has_error() || settings.add_ignore.is_some() {
        return run(
            path, flavor, parsed, None, template, registry, settings, true,
        )
        .expect("a careful run always ends");
    }
    let again = parsed.clone();
    // The careful run (rare) reads the template again from the text.
    run(
        path,
        flavor,
        parsed,
        Some(&again),
        template,
        registry,
        settings,
        false,
    )
    .unwrap_or_else(move || {
        run(path, flavor, again, None, None, registry, settings, true)
            .expect("a careful run always ends")
    })
}

/// The fix loop. `careful`: verify the output of every pass (a pass whose output does not
/// parse is taken apart fix by fix) and guard every pass's writes; otherwise verify and
/// guard once, the final text against the text as read (`as_read`, the tree of `parsed`
/// before any pass), and return `None` when any check fails, for the caller to run again
/// carefully.
#[allow(clippy::too_many_arguments)]
fn run(
    path: &Path,
    flavor: Flavor,
    parsed: Parsed,
    as_read: Option<&Parsed>,
    template: Option<Digest>,
    registry: &[Registered],
    settings: &Settings,
    careful: bool,
) -> Option<Outcome> {
    let source = parsed.source.clone();
    let original = source.clone();
    let mut origins = Origins::new(&original);
    let mut guard = WriteGuard::new(flavor, template);
    let mut first = Some(parsed);
    let transforms = enabled(registry, flavor, settings);
    if let Some(reason) = &settings.add_ignore {
        let parsed = first.take().expect("the first parse");
        return Some(add_ignores(
            path,
            flavor,
            parsed,
            &transforms,
            registry,
            settings,
            reason,
        ));
    }
    let mut current = source;
    let mut outcome = Outcome::default();
    let mut broken: HashSet<(&'static str, String)> = HashSet::new();
    // Suppressions are read once, from the text as the user wrote it: a later pass's
    // insertions must not move what a comment governs (a comment alone in an object
    // that another fix filled). Findings of later passes are mapped back to it.
    let mut suppressions: Option<Suppressions> = None;
    // The final verification, when it ran on the last pass's tree (see below).
    let mut final_check: Option<Result<(), String>> = None;
    for pass in 0..MAX_PASSES {
        let parsed = first
            .take()
            .unwrap_or_else(|| Parsed::new(flavor.syntax(), current.clone()));
        // Lines in messages name the original file (earlier passes may have moved them).
        let snapshot = (pass > 0).then(|| origins.clone());
        let original_line = |o: usize| snapshot.as_ref().map_or(0, |s| s.line_col(o).0);
        let mut doc =
            Document::new(path, flavor, &parsed).with_project(settings.project.as_deref());
        if snapshot.is_some() {
            doc = doc.with_original_lines(&original_line);
        }
        let suppressions = &*suppressions.get_or_insert_with(|| Suppressions::of(&doc));
        let (findings, suppressed) = check_pass(&doc, &transforms, settings, suppressions, |o| {
            origins.to_original(o)
        });
        let applicable: Vec<&Finding> = findings
            .iter()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|fx| settings.may_apply(fx.applicability) && !fx.edits.is_empty())
            })
            .filter(|f| !broken.contains(&(f.transform, f.message.clone())))
            .collect();
        let chosen = choose(applicable);
        outcome.passes = pass + 1;
        let lines = &origins;
        if chosen.is_empty() || pass + 1 == MAX_PASSES {
            outcome
                .fixes
                .extend(findings.iter().map(|f| report(lines, f, false)));
            outcome.suppressed = suppressed
                .iter()
                .map(|(f, by)| Reported {
                    suppressed_by: Some(by.clone()),
                    ..report(lines, f, false)
                })
                .collect();
            outcome.unused_suppressions =
                suppressions.unused(|id| transforms.iter().any(|t| t.meta().id == id));
            outcome.unknown_suppressions = suppressions.unknown(|id| {
                registry
                    .iter()
                    .any(|r| r.meta().id == id || r.meta().equivalents.contains(&id))
            });
            if !chosen.is_empty() {
                // A fix that keeps firing on its own output is broken: nothing of this
                // run is kept for the file (every earlier pass is undone too).
                outcome.internal_errors.push(format!(
                    "fixes did not converge after {MAX_PASSES} passes; nothing written for this file"
                ));
                outcome.fixes.iter_mut().for_each(|f| f.applied = false);
                current = original.clone();
            }
            if !careful && current != original {
                // One write guard for every pass: what the final text changed in the
                // template against the text as read, owned by where the passes edited
                // it (mapped back to the text as read). Its reading of the final text
                // is also the final verification when it can be.
                let as_read = as_read.expect("a quick run knows the text as read");
                if guard.check_all(as_read, &current, &origins).is_err() {
                    return None;
                }
                // The final text's own tree serves the check where it needs one.
                if !guard.verified(&current) && parsed.source == current {
                    final_check = Some(verify::check_parsed(&parsed));
                }
            }
            break;
        }
        let edits: Vec<&Edit> = chosen
            .iter()
            .flat_map(|f| &f.fix.as_ref().unwrap().edits)
            .collect();
        let candidate = apply_edits(&current, &edits);
        if !careful || verify::check(flavor.syntax(), &candidate).is_ok() {
            // A quick run guards all passes at once, at the end (`check_all`).
            let guarded = if careful {
                guard.check(&parsed, &candidate, &chosen)
            } else {
                Ok(())
            };
            if let Err(why) = guarded {
                // A fix changed the template outside its own edits: write nothing.
                outcome.internal_errors.push(format!(
                    "internal error: {why} (CloudFormation write guard); file not written"
                ));
                for r in &mut outcome.fixes {
                    r.applied = false;
                    r.edits.clear();
                }
                outcome
                    .fixes
                    .extend(findings.iter().map(|f| report(lines, f, false)));
                current = original.clone();
                break;
            }
            outcome
                .fixes
                .extend(chosen.iter().map(|f| applied(lines, f, &current)));
            origins.push(&edits, &current);
            // The next pass reads a tree updated where the edits changed the text.
            let next = parsed.reparse(candidate.clone(), &edits);
            if !careful && next.root().has_error() {
                return None;
            }
            first = Some(next);
            current = candidate;
            continue;
        }
        // Some fix broke the file: find which, drop it, report it, and retry the pass.
        for f in &chosen {
            let alone = apply_edits(
                &current,
                &f.fix.as_ref().unwrap().edits.iter().collect::<Vec<_>>(),
            );
            if let Err(reason) = verify::check(flavor.syntax(), &alone) {
                broken.insert((f.transform, f.message.clone()));
                outcome.internal_errors.push(format!(
                    "internal error: {} produced invalid output ({reason}); fix dropped",
                    f.transform
                ));
            }
        }
        if chosen
            .iter()
            .all(|f| !broken.contains(&(f.transform, f.message.clone())))
        {
            // Each fix is fine alone but not together: keep only the first this pass.
            // The write guard's template of the current text is stale from here on: it
            // is read again from the next pass's text.
            guard.current = None;
            let first = chosen[0];
            let alone = apply_edits(
                &current,
                &first.fix.as_ref().unwrap().edits.iter().collect::<Vec<_>>(),
            );
            outcome.fixes.push(applied(lines, first, &current));
            origins.push(
                &first.fix.as_ref().unwrap().edits.iter().collect::<Vec<_>>(),
                &current,
            );
            current = alone;
        }
    }
    if !careful
        && current != original
        && !guard.verified(&current)
        && final_check
            .unwrap_or_else(|| verify::check(flavor.syntax(), &current))
            .is_err()
    {
        return None;
    }
    if current != original {
        outcome.changed = origins.changed();
    }
    outcome.fixed = current;
    in_file_order(&mut outcome.fixes);
    in_file_order(&mut outcome.suppressed);
    Some(outcome)
}

/// Findings in the order a reader meets them in the file as read: by line, column and
/// transform id (stable), whatever pass found or fixed them.
fn in_file_order(reports: &mut [Reported]) {
    reports.sort_by(|a, b| (a.line, a.column, a.transform).cmp(&(b.line, b.column, b.transform)));
}

/// The transforms of `registry` that run on `flavor` with these settings.
fn enabled<'r>(
    registry: &'r [Registered],
    flavor: Flavor,
    settings: &Settings,
) -> Vec<&'r Registered> {
    registry
        .iter()
        .filter(|r| settings.enabled(r.meta().id) && r.meta().flavors.contains(&flavor))
        .collect()
}

/// Findings that are suppressed, with the suppression that kept each.
pub type SuppressedFindings = Vec<(Finding, String)>;

/// One pass of the enabled transforms over `doc`: its findings (fixes confined to
/// loops, no-op fixes turned into reports) and the suppressed ones. `to_original`
/// maps an offset of `doc` to the text the suppressions were read from.
fn check_pass(
    doc: &Document,
    transforms: &[&Registered],
    settings: &Settings,
    suppressions: &Suppressions,
    to_original: impl Fn(usize) -> usize,
) -> (Vec<Finding>, SuppressedFindings) {
    let default_options = Options::default();
    let mut findings: Vec<Finding> = Vec::new();
    let mut suppressed: SuppressedFindings = Vec::new();
    for t in transforms {
        // A transform whose declared needs the document does not meet finds nothing here.
        if !t.transform.interest().met_by(doc) {
            continue;
        }
        let options = settings
            .options
            .get(t.meta().id)
            .unwrap_or(&default_options);
        let mut found = t.transform.check(doc, options);
        if let Some(ts) = &doc.ts {
            crate::packages::refuse_unlisted_imports(doc.path, ts, &mut found);
        }
        for f in found {
            // A suppression keeps the transform away from its place: a finding there, and a
            // fix anchored elsewhere that would edit there (a rename that reaches into a
            // suppressed construct), are both kept as that suppression's.
            let by = suppressions
                .by(to_original(f.offset), t.meta())
                .or_else(|| {
                    f.fix.as_ref()?.edits.iter().find_map(|e| {
                        let span = to_original(e.range.start)..to_original(e.range.end);
                        suppressions.by_within(span, t.meta())
                    })
                });
            match by {
                Some(by) => suppressed.push((f, by)),
                None => findings.push(f),
            }
        }
    }
    doc.confine_loop_fixes(&mut findings);
    drop_noop_fixes(doc.source(), &mut findings);
    (findings, suppressed)
}

/// The findings of the first pass over `parsed`, each with its own fix against
/// `parsed.source` (what an editor offers one by one; [`fix_parsed`] applies them).
/// The same transforms, options, suppressions and project facts as [`fix_parsed`].
pub fn findings(
    path: &Path,
    flavor: Flavor,
    parsed: &Parsed,
    registry: &[Registered],
    settings: &Settings,
) -> (Vec<Finding>, SuppressedFindings) {
    let transforms = enabled(registry, flavor, settings);
    let doc = Document::new(path, flavor, parsed).with_project(settings.project.as_deref());
    let suppressions = Suppressions::of(&doc);
    check_pass(&doc, &transforms, settings, &suppressions, |o| o)
}

/// What `text` reports, fixing nothing: every finding unapplied, the suppressed ones with
/// what suppressed them; lines are `text`'s own.
fn report_only(
    path: &Path,
    flavor: Flavor,
    parsed: &Parsed,
    transforms: &[&Registered],
    registry: &[Registered],
    settings: &Settings,
) -> Outcome {
    let doc = Document::new(path, flavor, parsed).with_project(settings.project.as_deref());
    let suppressions = Suppressions::of(&doc);
    let (findings, suppressed) = check_pass(&doc, transforms, settings, &suppressions, |o| o);
    let lines = Origins::new(&parsed.source);
    let mut fixes: Vec<Reported> = findings.iter().map(|f| report(&lines, f, false)).collect();
    let mut suppressed: Vec<Reported> = suppressed
        .iter()
        .map(|(f, by)| Reported {
            suppressed_by: Some(by.clone()),
            ..report(&lines, f, false)
        })
        .collect();
    in_file_order(&mut fixes);
    in_file_order(&mut suppressed);
    Outcome {
        fixed: parsed.source.clone(),
        fixes,
        suppressed,
        unused_suppressions: suppressions.unused(|id| transforms.iter().any(|t| t.meta().id == id)),
        unknown_suppressions: suppressions.unknown(|id| {
            registry
                .iter()
                .any(|r| r.meta().id == id || r.meta().equivalents.contains(&id))
        }),
        internal_errors: vec![],
        passes: 0,
        changed: vec![],
    }
}

/// `--add-ignore`: write the flavor's own suppression for every finding (no fix is
/// applied), check that the result parses, and report what the written text reports:
/// the new suppressions as suppressed, anything they could not reach as findings.
fn add_ignores(
    path: &Path,
    flavor: Flavor,
    parsed: Parsed,
    transforms: &[&Registered],
    registry: &[Registered],
    settings: &Settings,
    reason: &str,
) -> Outcome {
    let edits = {
        let doc = Document::new(path, flavor, &parsed).with_project(settings.project.as_deref());
        let suppressions = Suppressions::of(&doc);
        let (findings, _) = check_pass(&doc, transforms, settings, &suppressions, |o| o);
        let places: Vec<(usize, &str)> = findings.iter().map(|f| (f.offset, f.transform)).collect();
        crate::suppress::ignore_edits(&doc, &places, reason)
    };
    if edits.is_empty() {
        return report_only(path, flavor, &parsed, transforms, registry, settings);
    }
    let candidate = apply_edits(&parsed.source, &edits.iter().collect::<Vec<_>>());
    if let Err(why) = verify::check(flavor.syntax(), &candidate) {
        let mut outcome = report_only(path, flavor, &parsed, transforms, registry, settings);
        outcome.internal_errors.push(format!(
            "internal error: --add-ignore produced invalid output ({why}); file not written"
        ));
        return outcome;
    }
    let reparsed = Parsed::new(flavor.syntax(), candidate);
    report_only(path, flavor, &reparsed, transforms, registry, settings)
}

/// A fix whose edits leave the text as it is would be reported as applied while
/// nothing changes (and come back at every pass): it becomes a finding without a fix.
fn drop_noop_fixes(source: &str, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        let noop = f.fix.as_ref().is_some_and(|fx| {
            !fx.edits.is_empty()
                && fx
                    .edits
                    .iter()
                    .all(|e| source.get(e.range.clone()) == Some(e.text.as_str()))
        });
        if noop {
            f.fix = None;
            f.message = format!(
                "{} (the fix changes nothing here: fix it by hand)",
                f.message
            );
        }
    }
}

/// Greedy choice in source order of fixes that do not conflict with one already taken.
///
/// When any candidate is a rename ([`crate::edit::Fix::alone`]), only such fixes are
/// chosen in this pass: the others' edits may name what the renames change.
///
/// The choice models the passes that choosing only non-conflicting fixes under the
/// strict rule (every insertion at a point apart, except appends of distinct keys by
/// `MapNode::insert`, [`crate::edit::Append::sequential`]) would run, one stage per such
/// pass: stage 1 is that pass; each later stage takes the greedy choice among the fixes
/// the earlier stages left, and keeps those that do not conflict under the rule that lets
/// member insertions share a pass ([`crate::edit::Edit::append`]) with any fix chosen so
/// far, nor with a fix held back for a later pass in an earlier stage, and that only
/// insert members ([`crate::edit::Edit::append`]). The chosen fixes
/// come stage by stage, so member insertions at one point are applied in the order the
/// stages (the strict passes) would have written them; a fix held back (it really
/// conflicts, or its own text would change once the others are applied: two fixes
/// creating the same companion) keeps every fix the strict passes would put after it
/// for a later pass too.
fn choose(mut candidates: Vec<&Finding>) -> Vec<&Finding> {
    if candidates
        .iter()
        .any(|f| f.fix.as_ref().is_some_and(|fx| fx.alone))
    {
        candidates.retain(|f| f.fix.as_ref().is_some_and(|fx| fx.alone));
    }
    candidates.sort_by_key(|f| {
        let s = f.fix.as_ref().unwrap().span();
        (s.start, s.end, f.transform)
    });
    let mut taken = Taken::default();
    // Held-back fixes' edits, every insertion apart: a fix inserting where one of them
    // does comes after it in the passes (even a member it would share a strict pass with,
    // when that one's fix sorts first) and waits too.
    let mut held = Taken {
        plain: true,
        ..Taken::in_sequence()
    };
    let mut chosen: Vec<&Finding> = Vec::new();
    let mut rest = candidates;
    let mut first_stage = true;
    while !rest.is_empty() {
        let mut stage = Taken::in_sequence();
        let mut next = Vec::new();
        let mut added = false;
        for f in rest {
            let edits = &f.fix.as_ref().unwrap().edits;
            if edits.iter().any(|e| stage.conflicts(e)) {
                next.push(f);
                continue;
            }
            edits.iter().for_each(|e| stage.add(e));
            // A later stage's fix was computed on the text before the earlier stages'
            // fixes: only one that does nothing but insert members is taken (one that
            // also changes or creates other text may read what they change, as a new
            // key copies its table's `DeletionPolicy`).
            let only_members = first_stage || edits.iter().all(|e| e.append.is_some());
            if !only_members
                || edits
                    .iter()
                    .any(|e| taken.conflicts(e) || held.conflicts(e))
            {
                edits.iter().for_each(|e| held.add(e));
            } else {
                edits.iter().for_each(|e| taken.add(e));
                chosen.push(f);
                added = true;
            }
        }
        // A stage that keeps nothing holds back every fix of the later stages (each
        // conflicts with a fix of a stage before it).
        if !added {
            break;
        }
        first_stage = false;
        rest = next;
    }
    chosen
}

/// The ranges of the edits chosen so far, by start (the largest end per start), so
/// a pass with k fixes is chosen in O(k log k) rather than by comparing all pairs.
/// Same rule as [`crate::edit::edits_conflict`]: overlapping ranges or the same start
/// conflict, except member insertions at the same point that commute with the passes
/// ([`Edit::append`]), which are kept apart in `appends`. `in_sequence`: the strict
/// rule of [`choose`]'s stages instead ([`crate::edit::Append::conflicts_in_sequence`]).
#[derive(Default)]
struct Taken {
    ranges: BTreeMap<usize, usize>,
    /// Append points and what is appended there.
    appends: BTreeMap<usize, Vec<crate::edit::Append>>,
    in_sequence: bool,
    /// Every edit an ordinary one (insertions at one point always conflict).
    plain: bool,
}

impl Taken {
    fn in_sequence() -> Self {
        Taken {
            in_sequence: true,
            ..Default::default()
        }
    }

    /// The member insertion of `e` under this rule (`None`: an ordinary edit).
    fn append<'e>(&self, e: &'e Edit) -> Option<&'e crate::edit::Append> {
        e.append
            .as_ref()
            .filter(|a| !self.plain && (!self.in_sequence || a.sequential))
    }

    fn conflicts(&self, e: &Edit) -> bool {
        let r = &e.range;
        // Chosen ranges never overlap each other, so only the nearest range starting
        // before `r` can reach into it.
        let reached = || {
            self.ranges
                .range(..r.start)
                .next_back()
                .is_some_and(|(_, &end)| end > r.start)
        };
        if let Some(append) = self.append(e) {
            return self.ranges.contains_key(&r.start)
                || reached()
                || self.appends.get(&r.start).is_some_and(|there| {
                    there.iter().any(|a| {
                        if self.in_sequence {
                            a.conflicts_in_sequence(append).unwrap_or(true)
                        } else {
                            a.conflicts(append)
                        }
                    })
                });
        }
        self.ranges.contains_key(&r.start)
            || (r.end > r.start + 1 && self.ranges.range(r.start + 1..r.end).next().is_some())
            || reached()
            || self.appends.contains_key(&r.start)
            || self.appends.range(r.start..r.end).next().is_some()
    }

    fn add(&mut self, e: &Edit) {
        let r = &e.range;
        if let Some(append) = self.append(e) {
            self.appends
                .entry(r.start)
                .or_default()
                .push(append.clone());
            return;
        }
        let end = self.ranges.entry(r.start).or_insert(r.end);
        *end = (*end).max(r.end);
    }
}

/// `f`, applied to `current`, reported with its edits against the text as read.
fn applied(origins: &Origins, f: &Finding, current: &str) -> Reported {
    let (edits, edits_unavailable) =
        match origins.edits_to_original(&f.fix.as_ref().unwrap().edits, current) {
            Ok(edits) => (edits, None),
            Err(why) => (vec![], Some(why)),
        };
    Reported {
        edits,
        edits_unavailable,
        ..report(origins, f, true)
    }
}

/// The run-time guard for CloudFormation writes (see [`crate::lang::cfn_data::check_write`]):
/// holds the current text's template as data between passes.
struct WriteGuard {
    on: bool,
    /// The digest of the current text's template as written.
    current: Option<Digest>,
    /// The last text the guard read that also passed [`verify::check`] in the same
    /// reading (see [`Digest::read_checked`]): the fixer
    /// need not check it again.
    verified: Option<String>,
}

impl WriteGuard {
    /// `template`: the template as written of the text the first pass reads, when known.
    fn new(flavor: Flavor, template: Option<Digest>) -> Self {
        WriteGuard {
            on: flavor.is_cfn(),
            current: template.filter(|_| flavor.is_cfn()),
            verified: None,
        }
    }

    /// True when `text` is known to pass [`verify::check`].
    fn verified(&self, text: &str) -> bool {
        self.verified.as_deref() == Some(text)
    }

    /// `Err(reason)` when applying `chosen` to `before` (giving `after`) changes a unit of
    /// the template that none of their edits lies inside.
    fn check(&mut self, before: &Parsed, after: &str, chosen: &[&Finding]) -> Result<(), String> {
        let edits = chosen
            .iter()
            .flat_map(|f| {
                f.fix.as_ref().unwrap().edits.iter().map(|e| AppliedEdit {
                    transform: f.transform,
                    range: e.range.clone(),
                })
            })
            .collect();
        self.check_edits(before, after, edits)
    }

    /// [`WriteGuard::check`] of every pass at once: `after` is the final text, `as_read`
    /// the text as read (whose template the guard was made with, or reads now), and the
    /// edits are where the passes changed it ([`Origins::changed`], in the text as
    /// read). A later pass's edit inside text an earlier pass put in maps to where that
    /// text went in, so a change it makes is owned there as it was by the earlier edit.
    /// `Err` names no transform (every pass's are together): the caller runs again pass
    /// by pass, which names them.
    fn check_all(
        &mut self,
        as_read: &Parsed,
        after: &str,
        origins: &Origins,
    ) -> Result<(), String> {
        let edits = origins
            .changed()
            .into_iter()
            .map(|(range, _)| AppliedEdit {
                transform: "every pass",
                range,
            })
            .collect();
        self.check_edits(as_read, after, edits)
    }

    /// `Err(reason)` when `after` changes a unit of `before`'s template that none of
    /// `edits` (ranges in `before`) lies inside ([`check_write`]).
    fn check_edits(
        &mut self,
        before: &Parsed,
        after: &str,
        edits: Vec<AppliedEdit>,
    ) -> Result<(), String> {
        if !self.on {
            return Ok(());
        }
        let syntax = before.syntax;
        let to_value = |syntax, text: &str| {
            crate::lang::cfn_data::to_value_as_written(syntax, text).map(|v| Digest::of_value(&v))
        };
        let old = match self.current.take() {
            Some(v) => v,
            None => match to_value(syntax, &before.source) {
                Ok(v) => v,
                // Not readable as data (verify accepted it, so this is a limit of
                // to_value): nothing to compare against.
                Err(_) => {
                    self.on = false;
                    return Ok(());
                }
            },
        };
        // One reading gives the value and the final verification of the text when it is
        // the last (the fixer verifies its final text); on any failure, both run alone.
        self.verified = None;
        let (new, checked) = match Digest::read_checked(syntax, after) {
            Some(v) => (v, true),
            None => (
                to_value(syntax, after)
                    .map_err(|e| format!("the fixed template cannot be read ({e})"))?,
                false,
            ),
        };
        check_write(before, &old, &new, &edits)?;
        self.current = Some(new);
        if checked {
            self.verified = Some(after.to_string());
        }
        Ok(())
    }
}

fn report(origins: &Origins, f: &Finding, applied: bool) -> Reported {
    let (line, column) = origins.line_col(f.offset);
    Reported {
        transform: f.transform,
        applicability: f
            .fix
            .as_ref()
            .map_or(Applicability::Review, |x| x.applicability),
        applied,
        fixable: f.fix.as_ref().is_some_and(|x| !x.edits.is_empty()),
        message: f.message.clone(),
        line,
        column,
        suppressed_by: None,
        edits: vec![],
        edits_unavailable: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{fixes_conflict, Fix};

    /// Several settings one transform appends to the same `Properties` are applied in one
    /// pass (then one pass finds nothing more), and the text is the one applying them a
    /// pass apiece gave: the fixture's expected output.
    #[test]
    fn appends_to_one_mapping_share_a_pass() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rds-hardening");
        let source = std::fs::read_to_string(root.join("cfn-databases.yaml")).unwrap();
        let expected = std::fs::read_to_string(root.join("cfn-databases.expected.yaml")).unwrap();
        let settings = Settings {
            select: vec!["rds-hardening".into()],
            unsafe_fixes: true,
            ..Default::default()
        };
        let registry = crate::transforms::REGISTRY;
        let outcome = fix(
            Path::new("t.yaml"),
            Flavor::CfnYaml,
            &source,
            registry,
            &settings,
        );
        assert_eq!(outcome.fixed, expected);
        let per_db = outcome.fixes.iter().filter(|f| f.applied).count();
        assert!(per_db > 3, "the fixture appends several settings: {per_db}");
        assert_eq!(outcome.passes, 2);
    }

    /// The quick run (one write guard and one verification, at the end) accepts what
    /// the careful run (both pass by pass) accepts, and writes the same text, on every
    /// CloudFormation fixture, several passes deep where fixes cascade: the write guard
    /// of all passes at once owns a later pass's edit inside text an earlier one put in.
    #[test]
    fn the_quick_run_guards_all_passes_as_the_careful_run_does_each() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let settings = Settings {
            unsafe_fixes: true,
            ..Default::default()
        };
        let registry = crate::transforms::REGISTRY;
        let (mut checked, mut multi_pass) = (0, 0);
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for file in entries {
                let file = file.unwrap().path();
                let name = file.file_name().unwrap().to_string_lossy().to_string();
                let flavor = if name.ends_with(".yaml") || name.ends_with(".yml") {
                    Flavor::CfnYaml
                } else if name.ends_with(".json") {
                    Flavor::CfnJson
                } else {
                    continue;
                };
                if name.contains(".expected.") {
                    continue;
                }
                let Ok(source) = std::fs::read_to_string(&file) else {
                    continue;
                };
                let parsed = Parsed::new(flavor.syntax(), source.clone());
                if parsed.root().has_error() {
                    continue;
                }
                let as_read = parsed.clone();
                let path = file.as_path();
                let quick = run(
                    path,
                    flavor,
                    parsed,
                    Some(&as_read),
                    None,
                    registry,
                    &settings,
                    false,
                );
                let careful = run(
                    path,
                    flavor,
                    as_read.clone(),
                    None,
                    None,
                    registry,
                    &settings,
                    true,
                )
                .expect("a careful run always ends");
                if careful.internal_errors.is_empty() {
                    let quick = quick
                        .unwrap_or_else(|| panic!("{}: the quick run fell back", file.display()));
                    assert_eq!(quick.fixed, careful.fixed, "{}", file.display());
                    checked += 1;
                    if careful.passes > 2 {
                        multi_pass += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "CloudFormation fixtures checked: {checked}");
        assert!(
            multi_pass > 5,
            "fixtures fixed over several passes: {multi_pass}"
        );
    }

    /// Member insertions at one point into nested mappings (a property appended to a
    /// resource's `Properties` and a resource inserted after that resource) share a pass,
    /// and the inner mapping's member comes first whichever fix sorts first: the text
    /// the passes one after another give.
    #[test]
    fn nested_member_insertions_share_a_pass_inner_first() {
        let src = "R:\n  X:\n    A: 1\n";
        let (outer, inner) = (src.find("X:").unwrap(), src.find("A:").unwrap());
        let at = src.find("1\n").unwrap() + 1;
        let finding = |transform, e: Edit| Finding {
            transform,
            message: String::new(),
            offset: at,
            fix: Some(Fix::safe(vec![e])),
        };
        let resource = Edit::insert(at, "\n  Y:\n    B: 2").adding_members(outer, &["Y"], false);
        let property = Edit::insert(at, "\n    C: 3").adding_members(inner, &["C"], true);
        for (a, b) in [("a", "b"), ("b", "a")] {
            let findings = [finding(a, resource.clone()), finding(b, property.clone())];
            let chosen = choose(findings.iter().collect());
            assert_eq!(chosen.len(), 2);
            let edits: Vec<&Edit> = chosen
                .iter()
                .flat_map(|f| &f.fix.as_ref().unwrap().edits)
                .collect();
            assert_eq!(
                apply_edits(src, &edits),
                "R:\n  X:\n    A: 1\n    C: 3\n  Y:\n    B: 2\n"
            );
        }
    }

    /// A fix the strict passes would apply a pass later (here: it also inserts where an
    /// earlier fix inserts, as an ordinary insertion) joins the pass when it only inserts
    /// members, after the fixes of the earlier pass: members appended at one point keep
    /// the order of the passes, not the fixes' source order.
    #[test]
    fn later_stage_members_follow_the_earlier_stage() {
        let (m1, m2, p, r) = (10, 20, 30, 40);
        let member = |at, mapping, key| {
            Edit::insert(at, format!("<{key}>")).adding_members(mapping, &[key], true)
        };
        let finding = |transform, edits| Finding {
            transform,
            message: String::new(),
            offset: 0,
            fix: Some(Fix::safe(edits)),
        };
        let g = finding("g", vec![Edit::replace(0..1, "x"), member(r, m2, "g1")]);
        let a = finding("a", vec![member(p, m1, "a"), member(r, m2, "a2")]);
        let b = finding(
            "b",
            vec![member(p, m1, "b"), Edit::replace(r + 10..r + 11, "y")],
        );
        let findings = [g, a, b];
        let chosen = choose(findings.iter().collect());
        let order: Vec<&str> = chosen.iter().map(|f| f.transform).collect();
        assert_eq!(order, ["g", "b", "a"]);
        // A later stage's fix that does more than insert members waits for the next pass.
        let a = finding("a", vec![member(p, m1, "a"), Edit::replace(r..r + 1, "z")]);
        let g = finding(
            "g",
            vec![Edit::replace(0..1, "x"), Edit::replace(r..r + 1, "w")],
        );
        let b = finding(
            "b",
            vec![member(p, m1, "b"), Edit::replace(r + 10..r + 11, "y")],
        );
        let findings = [g, a, b];
        let order: Vec<&str> = choose(findings.iter().collect())
            .iter()
            .map(|f| f.transform)
            .collect();
        assert_eq!(order, ["g", "b"]);
    }

    /// The indexed choice agrees with the pairwise rule on every small layout of
    /// one-edit fixes (inserts and replacements over a few bytes, and appends of two
    /// keys to one mapping and of one key to another at the insertion points).
    #[test]
    fn indexed_choice_matches_pairwise_conflicts() {
        type Layout = (std::ops::Range<usize>, Option<(usize, &'static str)>);
        let ranges: Vec<Layout> = (0..5)
            .flat_map(|s| (s..5).map(move |e| (s..e, None)))
            .chain(
                (0..5).flat_map(|s| [(0, "A"), (0, "B"), (1, "A")].map(move |m| (s..s, Some(m)))),
            )
            .collect();
        let fix = |(r, append): &Layout| {
            let e = Edit::replace(r.clone(), "x");
            Fix::safe(vec![match append {
                Some((mapping, key)) => e.appending(*mapping, key),
                None => e,
            }])
        };
        for a in &ranges {
            for b in &ranges {
                for c in &ranges {
                    let findings: Vec<Finding> = [a, b, c]
                        .iter()
                        .map(|r| Finding {
                            transform: "t",
                            message: String::new(),
                            offset: r.0.start,
                            fix: Some(fix(r)),
                        })
                        .collect();
                    let chosen = choose(findings.iter().collect());
                    for (i, x) in chosen.iter().enumerate() {
                        for y in &chosen[i + 1..] {
                            let (fx, fy) = (x.fix.as_ref().unwrap(), y.fix.as_ref().unwrap());
                            assert!(!fixes_conflict(fx, fy), "{a:?} {b:?} {c:?}");
                        }
                    }
                    // Greedy and maximal: every fix left out conflicts with a chosen one,
                    // or, in the strict passes' order, with another fix left out.
                    let left: Vec<&Finding> = findings
                        .iter()
                        .filter(|f| !chosen.iter().any(|c| std::ptr::eq(*c, *f)))
                        .collect();
                    let in_sequence = |x: &Fix, y: &Fix| {
                        let mut t = Taken::in_sequence();
                        x.edits.iter().for_each(|e| t.add(e));
                        y.edits.iter().any(|e| t.conflicts(e))
                    };
                    for f in &left {
                        let fx = f.fix.as_ref().unwrap();
                        assert!(
                            chosen
                                .iter()
                                .any(|c| fixes_conflict(c.fix.as_ref().unwrap(), fx))
                                || left.iter().any(|g| !std::ptr::eq(*g, *f)
                                    && in_sequence(g.fix.as_ref().unwrap(), fx)),
                            "{a:?} {b:?} {c:?}"
                        );
                    }
                }
            }
        }
    }
}
