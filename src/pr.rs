//! `iac-fix pr`: the fixes as a reviewable branch. One commit per transform (so a
//! reviewer can drop one), a Markdown pull-request description, an optional push,
//! and the work tree back on its original branch, clean. Uses the git command line.

use crate::cli::{self, display, Selection, EXIT_CLEAN, EXIT_ERROR};
use crate::files::{self, Processed};
use crate::fixer::Settings;
use crate::transforms::REGISTRY;
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
    match pr(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn pr(args: &PrArgs) -> Result<i32, String> {
    let (config, settings) = cli::settings(&args.selection)?;
    git(&["rev-parse", "--show-toplevel"]).map_err(|_| "not inside a git work tree".to_string())?;
    let status = git(&["status", "--porcelain"])?;
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
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let result = commit_each_transform(&roots, &config, &settings);
    let (commits, errors) = match result {
        Ok(r) => r,
        Err(e) => {
            // Undo our own writes (the tree was clean) and go back.
            let _ = git(&["reset", "--quiet", "--hard"]);
            let _ = git(&["checkout", "--quiet", &original]);
            let _ = git(&["branch", "--quiet", "-D", &branch]);
            return Err(e);
        }
    };
    for (path, message) in &errors {
        eprintln!("error: {path}: {message}");
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
    let body = describe(&commits, settings.unsafe_fixes);
    let pushed = match &args.push {
        Some(remote) => git(&["push", "--quiet", "-u", remote, &branch]).map(|_| true),
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
    roots: &[PathBuf],
    config: &crate::config::Config,
    settings: &Settings,
) -> Result<(Vec<Commit>, cli::Errors), String> {
    let mut commits = Vec::new();
    let mut errors = cli::Errors::new();
    for reg in REGISTRY.iter().filter(|r| settings.enabled(r.meta().id)) {
        let meta = reg.meta();
        let one = Settings {
            select: vec![meta.id.to_string()],
            skip: vec![],
            ..settings.clone()
        };
        let (processed, errs) = cli::scan(roots, config, &one, false);
        for e in errs {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
        let changed: Vec<Processed> = processed.into_iter().filter(|p| p.changed()).collect();
        if changed.is_empty() {
            continue;
        }
        for p in &changed {
            files::write_atomic(&p.path, &p.original, &p.outcome.fixed)
                .map_err(|e| format!("{}: {e}", display(&p.path)))?;
        }
        let paths: Vec<&Path> = changed.iter().map(|p| p.path.as_path()).collect();
        let mut add = vec!["add", "--"];
        add.extend(paths.iter().filter_map(|p| p.to_str()));
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
    args.extend(["commit", "--quiet", "-m", message]);
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
                    display(&p.path),
                    f.line,
                    f.message
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

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "git {} failed: {}",
            args.join(" "),
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
