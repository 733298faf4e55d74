//! `iac-fix pr`: the fixes as a reviewable branch. One commit per transform (so a
//! reviewer can drop one), a Markdown pull-request description, an optional push,
//! and the work tree back on its original branch, clean. Uses the git command line.
//!
//! Git runs nothing of the repository: every call has hooks off
//! (`core.hooksPath=/dev/null`, `commit --no-verify`), no fsmonitor, no pager, no
//! commit signing and no automatic gc, and runs in its own process group, so Ctrl-C
//! reaches only iac-fix. A failure or a signal (SIGINT/SIGTERM/SIGHUP) at any step
//! resets the work tree, returns to the original branch and deletes the partial
//! branch (exit 130 on a signal). A file outside the work tree or ignored by git is
//! never written (it could not be committed or undone); a file that cannot be written
//! is reported and left out of the commit while the run goes on.

use crate::cli::{self, display, Selection, EXIT_CLEAN, EXIT_ERROR};
use crate::files::{self, Processed};
use crate::fixer::Settings;
use crate::report::escape::escape;
use crate::transforms::REGISTRY;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Args, Debug)]
pub struct PrArgs {
    /// Files or folders to fix (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Branch to create (default: `iac-fix/<date>`).
    #[arg(long)]
    pub branch: Option<String>,
    /// Push the branch to this remote (`git push -u REMOTE BRANCH`).
    #[arg(long, value_name = "REMOTE")]
    pub push: Option<String>,
    /// Write the pull-request description here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    #[command(flatten)]
    pub selection: Selection,
}

/// One transform's commit.
struct Commit {
    id: &'static str,
    title: &'static str,
    processed: Vec<Processed>,
}

pub fn run(args: &PrArgs) -> i32 {
    crate::interrupt::install();
    match pr(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", escape(&e));
            if crate::interrupt::interrupted() {
                crate::interrupt::EXIT_INTERRUPTED
            } else {
                EXIT_ERROR
            }
        }
    }
}

/// The message of a run stopped by a signal (the caller exits 130).
const INTERRUPTED: &str = "interrupted";

fn pr(args: &PrArgs) -> Result<i32, String> {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let groups = cli::configure(&args.selection, &roots)?;
    git(&["rev-parse", "--show-toplevel"]).map_err(|_| "not inside a git work tree".to_string())?;
    let status = git(&[
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=all",
    ])?;
    if !status.trim().is_empty() {
        return Err(format!(
            "the work tree has uncommitted changes; commit or stash them first:\n{}",
            status.trim_end()
        ));
    }
    let original = git(&["symbolic-ref", "--quiet", "--short", "HEAD"])
        .or_else(|_| git(&["rev-parse", "HEAD"]))?
        .trim()
        .to_string();
    let branch = args
        .branch
        .clone()
        .unwrap_or_else(|| format!("iac-fix/{}", today()));
    git(&["checkout", "--quiet", "-b", &branch])?;
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let top = top.canonicalize().unwrap_or(top);
    let result = commit_each_transform(&groups, &top);
    let (commits, errors) = match result {
        Ok(r) if !crate::interrupt::interrupted() => r,
        other => {
            // Undo our own writes (the tree was clean; only tracked files were written)
            // and go back.
            let _ = git(&["reset", "--quiet", "--hard"]);
            let _ = git(&["checkout", "--quiet", &original]);
            let _ = git(&["branch", "--quiet", "-D", &branch]);
            return Err(match other {
                Err(e) if e != INTERRUPTED => e,
                _ => format!("interrupted: branch `{branch}` deleted, back on `{original}` with the work tree as it was"),
            });
        }
    };
    for (path, message) in &errors {
        eprintln!("error: {}: {}", escape(path), escape(message));
    }
    if commits.is_empty() {
        git(&["checkout", "--quiet", &original])?;
        git(&["branch", "--quiet", "-D", &branch])?;
        eprintln!("Nothing to fix; no branch created.");
        return Ok(if errors.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_ERROR
        });
    }
    let body = describe(&commits, groups.iter().any(|g| g.settings.unsafe_fixes));
    let pushed = match &args.push {
        // In the terminal's process group: a credential prompt must be able to read it.
        Some(remote) => run_git(&["push", "--quiet", "-u", remote, &branch], false).map(|_| true),
        None => Ok(false),
    };
    git(&["checkout", "--quiet", &original])?;
    match &args.body_file {
        Some(path) => {
            std::fs::write(path, &body).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => print!("{body}"),
    }
    let pushed = pushed?;
    eprintln!(
        "Branch `{branch}`: {} commit(s){}. Open the pull request with: gh pr create --head {branch} --title \"iac-fix: automated fixes\" --body-file <description>",
        commits.len(),
        if pushed { ", pushed" } else { "" }
    );
    Ok(if errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}

/// Run each enabled transform alone over the tree, write, and commit what changed.
fn commit_each_transform(
    groups: &[cli::Group],
    top: &Path,
) -> Result<(Vec<Commit>, cli::Errors), String> {
    let mut commits = Vec::new();
    let mut errors = cli::Errors::new();
    let mut refused: HashMap<PathBuf, Result<(), String>> = HashMap::new();
    for reg in REGISTRY
        .iter()
        .filter(|r| groups.iter().any(|g| g.settings.enabled(r.meta().id)))
    {
        let meta = reg.meta();
        if crate::interrupt::interrupted() {
            return Err(INTERRUPTED.into());
        }
        let mut processed = Vec::new();
        let mut errs = cli::Errors::new();
        for g in groups.iter().filter(|g| g.settings.enabled(meta.id)) {
            let one = Settings {
                select: vec![meta.id.to_string()],
                skip: vec![],
                ..g.settings.clone()
            };
            let (p, e) = cli::scan(&g.roots, &g.config, &one, false);
            processed.extend(p);
            errs.extend(e);
        }
        if crate::interrupt::interrupted() {
            return Err(INTERRUPTED.into());
        }
        let mut report = |e: (String, String)| {
            if !errors.contains(&e) {
                errors.push(e);
            }
        };
        errs.into_iter().for_each(&mut report);
        let mut changed: Vec<Processed> = Vec::new();
        for p in processed.into_iter().filter(|p| p.changed()) {
            // Only files git tracks here can be committed, and undone on failure.
            if let Err(why) = committable(&p.path, top, &mut refused) {
                report((display(&p.path), why));
                continue;
            }
            match files::write_processed(&p) {
                Ok(()) => changed.push(p),
                Err(e) => report((display(&p.path), e.to_string())),
            }
        }
        if changed.is_empty() {
            continue;
        }
        let mut add: Vec<&OsStr> = vec![OsStr::new("add"), OsStr::new("--")];
        add.extend(changed.iter().map(|p| p.path.as_os_str()));
        git(&add)?;
        let n: usize = changed
            .iter()
            .map(|p| p.outcome.fixes.iter().filter(|f| f.applied).count())
            .sum();
        let message = format!(
            "iac-fix({}): {} ({n} fix{})",
            meta.id,
            strip_ticks(meta.title),
            if n == 1 { "" } else { "es" }
        );
        commit(&message)?;
        commits.push(Commit {
            id: meta.id,
            title: meta.title,
            processed: changed,
        });
    }
    Ok((commits, errors))
}

/// `Ok` when `path` lies inside the work tree `top` and git does not ignore it
/// (answers cached per path).
fn committable(
    path: &Path,
    top: &Path,
    cache: &mut HashMap<PathBuf, Result<(), String>>,
) -> Result<(), String> {
    cache
        .entry(path.to_path_buf())
        .or_insert_with(|| {
            let resolved = path.canonicalize().map_err(|e| files::io_reason(&e))?;
            if !resolved.starts_with(top) {
                return Err(format!(
                    "outside the git work tree {}; not written (`iac-fix pr` writes only what it can commit)",
                    top.display()
                ));
            }
            let ignored = git_command(
                &[
                    OsStr::new("check-ignore"),
                    OsStr::new("-q"),
                    OsStr::new("--"),
                    path.as_os_str(),
                ],
                true,
            )
            .status()
            .is_ok_and(|s| s.success());
            if ignored {
                return Err(
                    "ignored by git; not written (`iac-fix pr` writes only what it can commit)"
                        .into(),
                );
            }
            Ok(())
        })
        .clone()
}

/// `git commit`, with a fallback identity when the repository has none configured.
fn commit(message: &str) -> Result<(), String> {
    let has_identity = git(&["config", "user.email"]).is_ok_and(|s| !s.trim().is_empty());
    let mut args = vec![];
    if !has_identity {
        args.extend([
            "-c",
            "user.name=iac-fix",
            "-c",
            "user.email=iac-fix@users.noreply.github.com",
        ]);
    }
    args.extend(["commit", "--quiet", "--no-verify", "-m", message]);
    git(&args).map(|_| ())
}

/// The pull-request description: a table of transforms, then each fix with its location.
fn describe(commits: &[Commit], unsafe_fixes: bool) -> String {
    let mut out = String::from("## iac-fix: automated fixes\n\n");
    let total: usize = commits.iter().map(|c| applied(c).count()).sum();
    let _ = writeln!(out, "{total} fix(es) in {} commit(s), one per transform: revert a commit to drop its transform.\n", commits.len());
    out.push_str("| transform | applicability | fixes | files |\n|---|---|---|---|\n");
    for c in commits {
        let meta = REGISTRY
            .iter()
            .find(|r| r.meta().id == c.id)
            .map(|r| r.meta());
        let applicability = meta.map_or("safe", |m| m.applicability.as_str());
        let _ = writeln!(
            out,
            "| `{}` | {applicability} | {} | {} |",
            c.id,
            applied(c).count(),
            c.processed.len()
        );
    }
    for c in commits {
        let _ = writeln!(out, "\n### `{}`: {}\n", c.id, c.title);
        for p in &c.processed {
            for f in p.outcome.fixes.iter().filter(|f| f.applied) {
                let review = if f.applicability.as_str() == "review" {
                    " **(review)**"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "- `{}:{}`{review}: {}",
                    escape(&display(&p.path)),
                    f.line,
                    escape(&f.message)
                );
            }
        }
    }
    if unsafe_fixes {
        out.push_str("\nFixes marked **(review)** change behaviour a reviewer should confirm (see `iac-fix --explain <id>`).\n");
    }
    out
}

fn applied(c: &Commit) -> impl Iterator<Item = &crate::fixer::Reported> {
    c.processed
        .iter()
        .flat_map(|p| p.outcome.fixes.iter().filter(|f| f.applied))
}

fn strip_ticks(s: &str) -> String {
    s.replace('`', "")
}

/// Configuration every git call gets: nothing of the repository runs (hooks, a
/// committed `core.hooksPath`, an fsmonitor command, a pager, a signing program,
/// background gc).
const GIT_SAFETY: &[&str] = &[
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.pager=cat",
    "-c",
    "commit.gpgSign=false",
    "-c",
    "tag.gpgSign=false",
    "-c",
    "gc.auto=0",
    "-c",
    "maintenance.auto=false",
];

/// A git command with [`GIT_SAFETY`]; `detached`: in its own process group, so a
/// Ctrl-C at the terminal stops iac-fix (which then undoes its work) but not the git
/// command under way.
fn git_command<S: AsRef<OsStr>>(args: &[S], detached: bool) -> Command {
    let mut cmd = Command::new("git");
    cmd.args(GIT_SAFETY).args(args);
    #[cfg(unix)]
    if detached {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = detached;
    cmd
}

fn git<S: AsRef<OsStr>>(args: &[S]) -> Result<String, String> {
    run_git(args, true)
}

fn run_git<S: AsRef<OsStr>>(args: &[S], detached: bool) -> Result<String, String> {
    let out = git_command(args, detached)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        Err(format!(
            "git {} failed: {}",
            shown.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
