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
//!
//! A second run on the same day updates the branch rather than failing or piling up
//! `…-2` branches: the branch is the tool's own when every commit on it that the base
//! lacks is an `iac-fix(…)` commit; then it is rebuilt from the current base and pushed
//! with `--force-with-lease` (bound to the commit seen on the remote), so its pull
//! request shows today's fixes on today's base. A branch that holds anyone else's
//! commit (a reviewer's change, a merge) is never rewritten: the run takes the next
//! free name (`…-2`, `…-3`). With `--push`, [`forge`] opens or updates the pull
//! request (GitHub REST API with `GITHUB_TOKEN`, GitLab push options).

pub mod forge;

use crate::cli::{self, display, Selection, EXIT_CLEAN, EXIT_ERROR};
use crate::files::{self, Processed};
use crate::fixer::Settings;
use crate::report::escape::escape;
use crate::transforms::REGISTRY;
use std::collections::{BTreeSet, HashMap};
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
    pub request: Box<RequestArgs>,
    #[command(flatten)]
    pub selection: Selection,
}

/// How the pull request is opened (boxed in [`PrArgs`]: the CLI's command enum stays small).
#[derive(clap::Args, Debug)]
pub struct RequestArgs {
    /// Branch the pull request merges into (default: the branch checked out).
    #[arg(long, value_name = "BRANCH")]
    pub base: Option<String>,
    /// The forge of the push remote: opens the pull request through the GitHub API
    /// (needs `GITHUB_TOKEN`) or GitLab push options (default: from the remote's URL).
    #[arg(long, value_enum, default_value = "auto")]
    pub forge: forge::ForgeKind,
}

/// One transform's commit.
struct Commit {
    /// The round it was made in (0: the first; see [`MAX_ROUNDS`]).
    round: usize,
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
    let original_branch = git(&["symbolic-ref", "--quiet", "--short", "HEAD"])
        .ok()
        .map(|s| s.trim().to_string());
    let original = match &original_branch {
        Some(b) => b.clone(),
        None => git(&["rev-parse", "HEAD"])?.trim().to_string(),
    };
    let wanted = args
        .branch
        .clone()
        .unwrap_or_else(|| format!("iac-fix/{}", today()));
    let Target {
        name: branch,
        local: previous,
        remote: remote_sha,
    } = choose_branch(&wanted, args.push.as_deref())?;
    git(&["checkout", "--quiet", "-B", &branch])?;
    // Back to how the branch was before this run: deleted, or at its old commit.
    let restore_branch = || match &previous {
        Some(sha) => git(&["branch", "--quiet", "-f", &branch, sha]).map(|_| ()),
        None => git(&["branch", "--quiet", "-D", &branch]).map(|_| ()),
    };
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
            let _ = restore_branch();
            let what = if previous.is_some() {
                "restored"
            } else {
                "deleted"
            };
            return Err(match other {
                Err(e) if e != INTERRUPTED => e,
                _ => format!("interrupted: branch `{branch}` {what}, back on `{original}` with the work tree as it was"),
            });
        }
    };
    for (path, message) in &errors {
        eprintln!("error: {}: {}", escape(path), escape(message));
    }
    if commits.is_empty() {
        git(&["checkout", "--quiet", &original])?;
        restore_branch()?;
        eprintln!(
            "Nothing to fix; {}.",
            if previous.is_some() {
                format!("branch `{branch}` left as it was")
            } else {
                "no branch created".into()
            }
        );
        return Ok(if errors.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_ERROR
        });
    }
    let body = describe(&commits, groups.iter().any(|g| g.settings.unsafe_fixes));
    let base = args
        .request
        .base
        .clone()
        .or(original_branch)
        .unwrap_or_default();
    let forge = args.push.as_ref().map(|remote| {
        forge::detect(&remote_url(remote), args.request.forge, &|k| {
            std::env::var(k).ok()
        })
    });
    let pushed = match &args.push {
        Some(remote) => push(
            remote,
            &branch,
            remote_sha.as_deref(),
            forge.as_ref(),
            &base,
            &commits,
        ),
        None => Ok(()),
    };
    git(&["checkout", "--quiet", &original])?;
    match &args.body_file {
        Some(path) => {
            std::fs::write(path, &body).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => print!("{body}"),
    }
    pushed?;
    let updated = if previous.is_some() || remote_sha.is_some() {
        "updated"
    } else {
        "created"
    };
    let summary = format!("Branch `{branch}` {updated}: {} commit(s)", commits.len());
    let token = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty());
    let mut failed = !errors.is_empty();
    match (&args.push, &forge, token) {
        (None, _, _) => eprintln!(
            "{summary}. Push it and open the pull request with: gh pr create --head {branch} --title \"{TITLE}\" --body-file <description>"
        ),
        (Some(_), Some(forge::Forge::GitHub { owner, repo }), Some(token)) => {
            if base.is_empty() {
                return Err(format!("{summary}, pushed; no pull request: HEAD was detached, so there is no base branch (pass --base BRANCH)"));
            }
            let api = std::env::var("GITHUB_API_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "https://api.github.com".into());
            match forge::github_pull_request(&api, &token, (owner, repo), &branch, &base, TITLE, &body) {
                Ok(forge::PullRequest::Opened { number, url }) => {
                    eprintln!("{summary}, pushed; opened pull request #{number} {}", escape(&url))
                }
                Ok(forge::PullRequest::Updated { number, url }) => {
                    eprintln!("{summary}, pushed; updated pull request #{number} {}", escape(&url))
                }
                Err(e) => {
                    eprintln!("error: {summary}, pushed, but the pull request could not be opened: {}", escape(&e));
                    failed = true;
                }
            }
        }
        (Some(_), Some(forge::Forge::GitHub { .. }), None) => eprintln!(
            "{summary}, pushed. Set GITHUB_TOKEN to have the pull request opened, or run: gh pr create --head {branch} --title \"{TITLE}\" --body-file <description>"
        ),
        (Some(_), Some(forge::Forge::GitLab), _) => {
            eprintln!("{summary}, pushed with merge request push options (GitLab opens or updates the merge request)")
        }
        (Some(_), _, _) => eprintln!("{summary}, pushed. Open the pull request on your forge."),
    }
    Ok(if failed { EXIT_ERROR } else { EXIT_CLEAN })
}

/// Title of the pull request (and GitLab merge request).
const TITLE: &str = "iac-fix: automated fixes";

/// The branch a run commits to, and where it stood before.
struct Target {
    name: String,
    /// The local branch's commit before the run (restored on failure).
    local: Option<String>,
    /// The branch's commit on the push remote (the lease of the forced push).
    remote: Option<String>,
}

/// `wanted`, or `wanted-2`, `wanted-3`…: the first name that is free, or that holds
/// only this tool's commits on top of the current base (locally and on the push
/// remote), which the run then rebuilds.
fn choose_branch(wanted: &str, remote: Option<&str>) -> Result<Target, String> {
    for n in 1..=50 {
        let name = if n == 1 {
            wanted.to_string()
        } else {
            format!("{wanted}-{n}")
        };
        let local = git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{name}^{{commit}}"),
        ])
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
        let remote_sha = match remote {
            Some(r) => {
                // In the terminal's process group: a credential prompt must be able to read it.
                let out = run_git(
                    &["ls-remote", "--heads", r, &format!("refs/heads/{name}")],
                    false,
                )?;
                out.split_whitespace().next().map(str::to_string)
            }
            None => None,
        };
        if let (Some(r), Some(sha)) = (remote, &remote_sha) {
            if git(&["cat-file", "-e", &format!("{sha}^{{commit}}")]).is_err() {
                run_git(
                    &[
                        "fetch",
                        "--quiet",
                        "--no-tags",
                        r,
                        &format!("refs/heads/{name}"),
                    ],
                    false,
                )?;
            }
        }
        let ours = [&local, &remote_sha].into_iter().flatten().all(|sha| {
            git(&["log", "--format=%s", &format!("HEAD..{sha}")])
                .is_ok_and(|log| log.lines().all(|s| s.starts_with("iac-fix(")))
        });
        if ours {
            return Ok(Target {
                name,
                local,
                remote: remote_sha,
            });
        }
    }
    Err(format!(
        "branches `{wanted}` to `{wanted}-50` all hold commits of others; pass --branch NAME"
    ))
}

/// The URL of `remote` as configured (push URL first), before `insteadOf` rewriting.
fn remote_url(remote: &str) -> String {
    for key in [
        format!("remote.{remote}.pushurl"),
        format!("remote.{remote}.url"),
    ] {
        if let Ok(url) = git(&["config", "--get", &key]) {
            return url.trim().to_string();
        }
    }
    remote.to_string() // a URL given as the remote
}

/// Push the branch: forced with a lease when it replaces the remote's `lease` commit,
/// with merge request push options on GitLab.
fn push(
    remote: &str,
    branch: &str,
    lease: Option<&str>,
    forge: Option<&forge::Forge>,
    base: &str,
    commits: &[Commit],
) -> Result<(), String> {
    let mut args: Vec<String> = vec![
        "push".into(),
        "--quiet".into(),
        "--no-verify".into(),
        "-u".into(),
    ];
    if let Some(sha) = lease {
        args.push(format!("--force-with-lease=refs/heads/{branch}:{sha}"));
    }
    if forge == Some(&forge::Forge::GitLab) {
        let total: usize = commits.iter().map(|c| applied(c).count()).sum();
        let ids: Vec<String> = commits
            .iter()
            .map(|c| format!("{} ({})", c.id, applied(c).count()))
            .collect();
        let summary = format!(
            "{total} fix(es) in {} commit(s), one per transform: {}. Revert a commit to drop its transform.",
            commits.len(),
            ids.join(", ")
        );
        for o in forge::gitlab_push_options((!base.is_empty()).then_some(base), TITLE, &summary) {
            args.push("-o".into());
            args.push(o);
        }
    }
    args.push(remote.into());
    args.push(format!("refs/heads/{branch}:refs/heads/{branch}"));
    // In the terminal's process group: a credential prompt must be able to read it.
    run_git(&args, false).map(|_| ())
}

/// Run each enabled transform alone over the tree, write, and commit what changed.
fn commit_each_transform(
    groups: &[cli::Group],
    top: &Path,
) -> Result<(Vec<Commit>, cli::Errors), String> {
    let mut commits = Vec::new();
    let mut errors = cli::Errors::new();
    let mut refused: HashMap<PathBuf, Result<(), String>> = HashMap::new();
    // What each group's next round reads: its roots first, then the files the round
    // before changed (no other file can have anything new to fix).
    let mut scope: Vec<Vec<PathBuf>> = groups.iter().map(|g| g.roots.clone()).collect();
    for round in 0..MAX_ROUNDS {
        let plan = if round == 0 {
            None
        } else {
            let plan = plan_round(groups, &scope, &mut errors);
            if plan.is_empty() {
                break;
            }
            Some(plan)
        };
        let mut touched: Vec<BTreeSet<PathBuf>> = vec![BTreeSet::new(); groups.len()];
        for reg in REGISTRY
            .iter()
            .filter(|r| groups.iter().any(|g| g.settings.enabled(r.meta().id)))
        {
            let meta = reg.meta();
            let targets = match &plan {
                None => &scope,
                Some(plan) => match plan.get(meta.id) {
                    Some(files) => files,
                    None => continue,
                },
            };
            let mut run = Run {
                top,
                refused: &mut refused,
                errors: &mut errors,
                touched: &mut touched,
            };
            if let Some(processed) = run.transform(meta, groups, targets)? {
                commits.push(Commit {
                    round,
                    id: meta.id,
                    title: meta.title,
                    processed,
                });
            }
        }
        scope = touched
            .into_iter()
            .map(|files| files.into_iter().collect())
            .collect();
        if scope.iter().all(Vec::is_empty) {
            break;
        }
    }
    Ok((commits, errors))
}

/// A round after the first: one run of the whole selection on the files the round before
/// changed (`scope`, per group) says which transforms still fix something, and where
/// (per transform, the files of each group); only they run again, alone, only there.
fn plan_round(
    groups: &[cli::Group],
    scope: &[Vec<PathBuf>],
    errors: &mut cli::Errors,
) -> HashMap<&'static str, Vec<Vec<PathBuf>>> {
    let mut plan: HashMap<&'static str, Vec<Vec<PathBuf>>> = HashMap::new();
    for (i, g) in groups
        .iter()
        .enumerate()
        .filter(|(i, _)| !scope[*i].is_empty())
    {
        let (processed, errs) = cli::scan(&scope[i], &g.config, &g.settings, false);
        errs.into_iter().for_each(|e| note_error(errors, e));
        for p in &processed {
            for f in p.outcome.fixes.iter().filter(|f| f.applied) {
                let files = plan
                    .entry(f.transform)
                    .or_insert_with(|| vec![Vec::new(); groups.len()]);
                if !files[i].contains(&p.path) {
                    files[i].push(p.path.clone());
                }
            }
        }
    }
    plan
}

/// What one round's transform runs share.
struct Run<'r> {
    /// The git work tree's top folder.
    top: &'r Path,
    /// [`committable`]'s answers per path.
    refused: &'r mut HashMap<PathBuf, Result<(), String>>,
    errors: &'r mut cli::Errors,
    /// Per group, the files this round changed.
    touched: &'r mut [BTreeSet<PathBuf>],
}

impl Run<'_> {
    /// Run the transform `meta` alone on `targets` (per group, in the groups that enable
    /// it), write what it changed and commit it: the files committed, `None` when it
    /// changed nothing. Err: git failed, or the run was interrupted.
    fn transform(
        &mut self,
        meta: &'static crate::transform::Meta,
        groups: &[cli::Group],
        targets: &[Vec<PathBuf>],
    ) -> Result<Option<Vec<Processed>>, String> {
        if crate::interrupt::interrupted() {
            return Err(INTERRUPTED.into());
        }
        let mut processed = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            if !g.settings.enabled(meta.id) || targets[i].is_empty() {
                continue;
            }
            let one = Settings {
                select: vec![meta.id.to_string()],
                skip: vec![],
                ..g.settings.clone()
            };
            let (p, errs) = cli::scan(&targets[i], &g.config, &one, false);
            processed.extend(p.into_iter().map(|p| (i, p)));
            errs.into_iter().for_each(|e| note_error(self.errors, e));
        }
        if crate::interrupt::interrupted() {
            return Err(INTERRUPTED.into());
        }
        let mut changed: Vec<Processed> = Vec::new();
        for (i, p) in processed.into_iter().filter(|(_, p)| p.changed()) {
            // Only files git tracks here can be committed, and undone on failure.
            if let Err(why) = committable(&p.path, self.top, self.refused) {
                note_error(self.errors, (display(&p.path), why));
                continue;
            }
            match files::write_processed(&p) {
                Ok(()) => {
                    self.touched[i].insert(p.path.clone());
                    changed.push(p)
                }
                Err(e) => note_error(self.errors, (display(&p.path), e.to_string())),
            }
        }
        if changed.is_empty() {
            return Ok(None);
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
        Ok(Some(changed))
    }
}

/// Add `e` to `errors` unless it is there already: a file's error is reported once,
/// however many transforms and rounds meet it.
fn note_error(errors: &mut cli::Errors, e: (String, String)) {
    if !errors.contains(&e) {
        errors.push(e);
    }
}

/// At most this many rounds over the transforms. Each transform runs alone, so one that
/// runs early does not see what a later one's commit adds (`removal-policy` runs before
/// `s3-access-logging` adds an access-log bucket without a removal policy): a round
/// after a round that changed files runs again, alone, each transform that a run of the
/// whole selection still applies on those files, and commits what it finds then. The
/// fixer's own passes are bounded the same way.
const MAX_ROUNDS: usize = 4;

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
    // A transform's commits, in the order of its first one (a later round may add one).
    let mut ids: Vec<&'static str> = Vec::new();
    for c in commits {
        if !ids.contains(&c.id) {
            ids.push(c.id);
        }
    }
    let of = |id: &'static str| commits.iter().filter(move |c| c.id == id);
    if ids.len() == commits.len() {
        let _ = writeln!(out, "{total} fix(es) in {} commit(s), one per transform: revert a commit to drop its transform.\n", commits.len());
    } else {
        let _ = writeln!(out, "{total} fix(es) in {} commit(s), one per transform and round: a later round fixes code that another transform's commit added. Revert a commit to drop its transform, after any later-round commit that edits what it added.\n", commits.len());
    }
    out.push_str("| transform | applicability | fixes | files |\n|---|---|---|---|\n");
    for &id in &ids {
        let meta = REGISTRY
            .iter()
            .find(|r| r.meta().id == id)
            .map(|r| r.meta());
        let applicability = meta.map_or("safe", |m| m.applicability.as_str());
        let files: BTreeSet<&Path> = of(id)
            .flat_map(|c| c.processed.iter().map(|p| p.path.as_path()))
            .collect();
        let _ = writeln!(
            out,
            "| `{id}` | {applicability} | {} | {} |",
            of(id).map(|c| applied(c).count()).sum::<usize>(),
            files.len()
        );
    }
    for &id in &ids {
        let title = of(id).next().map_or("", |c| c.title);
        let _ = writeln!(out, "\n### `{id}`: {title}\n");
        for c in of(id) {
            if c.round > 0 {
                let _ = writeln!(
                    out,
                    "\nRound {}, after the other transforms' commits (lines of the files as that round read them):\n",
                    c.round + 1
                );
            }
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
