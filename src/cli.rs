//! Command line (DESIGN.md's contract): argument parsing, running, exit codes.

use crate::config::{self, Config};
use crate::files::{self, FileError, Processed};
use crate::fixer::Settings;
use crate::report::escape::escape;
use crate::report::{
    concise, github, gitlab, json, json_lines, junit, rdjson, sarif, statistics, text, Run,
};
use crate::transforms::REGISTRY;
use clap::{Parser, ValueEnum};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;

/// No finding remains after the run (ruff's convention; see [`exit_code`]).
pub const EXIT_CLEAN: i32 = 0;
/// Findings remain after the run (fixable or not; in `--dry-run`, any finding), or
/// `--exit-non-zero-on-fix` and fixes were written.
pub const EXIT_FINDINGS: i32 = 1;
/// Usage error, or a file that could not be read, parsed or written (the other files
/// are still processed); wins over [`EXIT_FINDINGS`].
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "iac-fix",
    version,
    about = "Repairs AWS infrastructure code: CDK TypeScript, CDKTF TypeScript, CloudFormation JSON/YAML",
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files or folders to fix (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Print the unified diff of every fix; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub selection: Selection,
    /// Report format, `FORMAT` or `FORMAT=FILE` (repeatable; at most one without a file,
    /// which goes to standard output): text, concise, json, json-lines, sarif, github,
    /// gitlab, junit, rdjson.
    #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_format_spec)]
    pub format: Vec<FormatSpec>,
    /// Print a table of findings per transform (count, safe/review/report-only,
    /// applied, suppressed) instead of the findings; JSON with `--format json`.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when findings remain (errors still exit 2).
    #[arg(long, conflicts_with = "exit_non_zero_on_fix")]
    pub exit_zero: bool,
    /// Exit 1 when fixes were written, even if no finding remains.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// Read the source from standard input as if it were the file PATH (flavor,
    /// configuration, messages); write the fixed source (the diff with --dry-run) to
    /// standard output, diagnostics to standard error.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// List the transforms and exit.
    #[arg(long)]
    pub list_transforms: bool,
    /// Print a transform's documentation and exit; a cfn-lint rule id (`W3005`) prints
    /// the transforms that fix it, `cfn-lint` the table of rules fixed.
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
    /// Apply no fix: write, for every finding, the file's own suppression (`// iac-fix-ignore:
    /// ID -- REASON`, `# iac-fix-ignore: …`, JSON `Metadata.iac-fix.ignore`), so the next
    /// run reports none of them (a baseline when adopting the tool, like ruff's `--add-noqa`).
    #[arg(long, value_name = "REASON", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub add_ignore: Option<String>,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print what is normally left unsaid: suppressions naming an id no transform
    /// knows (a checkov skip of a check iac-fix does not fix, a typo).
    #[arg(short, long)]
    pub verbose: bool,
    /// Benchmark floor: read and parse every file, fix nothing (scripts/bench-corpus.sh).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

/// Which transforms run and which fixes apply (shared by the default command and `pr`).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct Selection {
    /// Only these transforms (comma-separated, repeatable).
    #[arg(short = 't', long = "transform", value_delimiter = ',')]
    pub transform: Vec<String>,
    /// All transforms but these.
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Also apply `review` fixes.
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    /// Configuration file (default: `iac-fix.toml` in each given folder, or a file's
    /// folder, or the nearest parent up to the git repository's root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Fix on a new branch, one commit per transform, and print a pull-request description.
    Pr(crate::pr::PrArgs),
    /// Language server over stdio (diagnostics, quick fixes, fix-all) for editors.
    Server,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diff (dry run) on stdout, one line per finding and a summary on stderr.
    Text,
    /// One line per finding.
    Concise,
    /// One JSON document (`version: 1`).
    Json,
    /// One JSON object per finding per line.
    JsonLines,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML (Jenkins, Azure Pipelines, GitLab test reports).
    Junit,
    /// Reviewdog Diagnostic Format, with fixes as suggestions.
    Rdjson,
}

/// One `--format FORMAT[=FILE]`: a format and where it goes (`None`: standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: Format,
    pub file: Option<PathBuf>,
}

fn parse_format_spec(s: &str) -> Result<FormatSpec, String> {
    let (name, file) = match s.split_once('=') {
        Some((name, "")) => {
            return Err(format!("`{name}=` names no file"));
        }
        Some((name, file)) => (name, Some(PathBuf::from(file))),
        None => (s, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{name}` (one of: {})", names.join(", "))
    })?;
    Ok(FormatSpec { format, file })
}

impl Args {
    /// The format that goes to standard output: the one `--format` without a file; text
    /// when there is none (also when every `--format` names a file: the terminal keeps
    /// its usual report).
    pub fn stdout_format(&self) -> Format {
        self.format
            .iter()
            .find(|f| f.file.is_none())
            .map_or(Format::Text, |f| f.format)
    }
}

pub fn main() -> i32 {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return code;
        }
    };
    run(args)
}

pub fn run(args: Args) -> i32 {
    match &args.command {
        Some(Command::Pr(pr)) => return crate::pr::run(pr),
        Some(Command::Server) => return crate::server::run(),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "iac-fix", &mut std::io::stdout());
            return EXIT_CLEAN;
        }
        None => {}
    }
    if let Err(e) = check_formats(&args) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    if args.list_transforms {
        return list_transforms(args.stdout_format());
    }
    if let Some(id) = &args.explain {
        return explain(id);
    }
    if args.parse_only {
        return parse_only(&args.paths);
    }
    if let Some(path) = &args.stdin_filename {
        return crate::stdin::run(&args, path);
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut groups = match configure(&args.selection, &roots) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {}", escape(&e));
            return EXIT_ERROR;
        }
    };
    if let Some(reason) = &args.add_ignore {
        groups = groups.into_iter().map(|g| add_ignore(g, reason)).collect();
    }
    let show_progress = args.stdout_format() == Format::Text && !args.quiet;
    if !args.dry_run {
        crate::interrupt::install();
    }
    let (processed, mut errors) = scan_groups(&groups, show_progress);
    if !args.dry_run {
        let mut not_written = 0;
        for p in processed.iter().filter(|p| p.changed()) {
            if crate::interrupt::interrupted() {
                not_written += 1;
                continue;
            }
            if let Err(e) = files::write_processed(p) {
                errors.push((display(&p.path), e.to_string()));
            }
        }
        if crate::interrupt::interrupted() {
            eprintln!("error: interrupted: {not_written} changed file(s) not written, files not yet read left alone; every file is either as it was or fully fixed");
            return crate::interrupt::EXIT_INTERRUPTED;
        }
    }
    let run = Run {
        processed: &processed,
        errors: &errors,
        dry_run: args.dry_run,
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let reported = emit_reports(&args, &run, false);
    exit_code(&args, &run, reported)
}

/// The exit code of a finished run (DESIGN.md "Exit codes", ruff's convention):
/// [`EXIT_ERROR`] when a file could not be read, parsed or written or a report file
/// could not be written (`reports_ok` false); else [`EXIT_FINDINGS`] when findings
/// remain ([`Run::remains`]; suppressed findings do not count, findings without a
/// fix do) unless `--exit-zero`, or when `--exit-non-zero-on-fix` and fixes were
/// written; else [`EXIT_CLEAN`].
pub fn exit_code(args: &Args, run: &Run, reports_ok: bool) -> i32 {
    if !reports_ok || !run.errors.is_empty() {
        EXIT_ERROR
    } else if (run.remaining() > 0 && !args.exit_zero)
        || (args.exit_non_zero_on_fix && run.fixes_written() > 0)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Check the `--format` list: at most one without a file, no file named twice.
fn check_formats(args: &Args) -> Result<(), String> {
    if args.format.iter().filter(|f| f.file.is_none()).count() > 1 {
        return Err("at most one --format may go to standard output; give the others a file (--format FORMAT=FILE)".into());
    }
    let mut files: Vec<&PathBuf> = args.format.iter().filter_map(|f| f.file.as_ref()).collect();
    files.sort();
    if let Some(w) = files.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "--format names the file `{}` twice",
            escape(&w[0].to_string_lossy())
        ));
    }
    Ok(())
}

/// Write every report of `--format`: those with a file atomically into it (a write
/// that fails is an error, said on stderr), the one without (else text) on standard
/// output, or on standard error when standard output carries the source
/// (`stdin_mode`; the text report's diff is then left out, the caller prints it).
/// `--statistics` replaces the standard-output report with its table (JSON with
/// `--format json`). Returns whether every report file was written.
pub fn emit_reports(args: &Args, run: &Run, stdin_mode: bool) -> bool {
    let mut ok = true;
    for spec in &args.format {
        let Some(file) = &spec.file else { continue };
        let content = render(spec.format, run, false);
        if let Err(e) = write_report(file, &content) {
            eprintln!(
                "error: {}: cannot write the {} report: {}",
                escape(&file.to_string_lossy()),
                format_name(spec.format),
                escape(&e)
            );
            ok = false;
        }
    }
    let format = args.stdout_format();
    let print = |s: &str| {
        use std::io::Write;
        if stdin_mode {
            let _ = std::io::stderr().write_all(s.as_bytes());
        } else {
            let _ = std::io::stdout().write_all(s.as_bytes());
        }
    };
    if args.statistics {
        if format == Format::Json {
            print(&statistics::json(run));
        } else {
            print(&statistics::table(run));
        }
        for (path, message) in run.errors {
            eprintln!("error: {}: {}", escape(path), escape(message));
        }
        return ok;
    }
    match format {
        Format::Text => {
            let colour = !stdin_mode
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let (out, err) = text::render(run, colour, tests_skipped());
            if !stdin_mode {
                print(&out);
            }
            eprint!("{err}");
        }
        f => {
            print(&render(f, run, false));
            if f != Format::Json && f != Format::Concise && f != Format::JsonLines {
                for (path, message) in run.errors {
                    eprintln!("error: {}: {}", escape(path), escape(message));
                }
            }
        }
    }
    ok
}

/// A format's report of a run as one text (text: its standard output then its
/// standard error part).
pub fn render(format: Format, run: &Run, colour: bool) -> String {
    match format {
        Format::Text => {
            let (out, err) = text::render(run, colour, tests_skipped());
            out + &err
        }
        Format::Concise => concise::render(run),
        Format::Json => json::render(run),
        Format::JsonLines => json_lines::render(run),
        Format::Sarif => {
            let mut s = sarif::log(run.processed, run.errors, REGISTRY, |p| display(&p.path));
            s.push('\n');
            s
        }
        Format::Github => github::render(run),
        Format::Gitlab => gitlab::render(run),
        Format::Junit => junit::render(run),
        Format::Rdjson => rdjson::render(run),
    }
}

fn format_name(f: Format) -> String {
    f.to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// Write a report file whole or not at all: a temporary file beside it, renamed over it.
fn write_report(path: &std::path::Path, content: &str) -> Result<(), String> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".iac-fix-report")
        .tempfile_in(dir)
        .map_err(|e| files::io_reason(&e))?;
    tmp.write_all(content.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| files::io_reason(&e))?;
    tmp.persist(path).map_err(|e| files::io_reason(&e.error))?;
    Ok(())
}

/// Read and parse every file the walk finds, in parallel: the cost no fixer can beat.
fn parse_only(roots: &[PathBuf]) -> i32 {
    let (paths, _) = files::collect(roots);
    let bytes: usize = paths
        .par_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let syntax = crate::flavor::syntax_for_path(p)?;
            let parsed = crate::lang::Parsed::new(syntax, text);
            Some(parsed.source.len())
        })
        .sum();
    eprintln!("parsed {} file(s), {bytes} bytes", paths.len());
    EXIT_CLEAN
}

/// Errors as (path, message).
pub type Errors = Vec<(String, String)>;

/// What governs the files of a scan: one configuration for every file, or the
/// nearest `iac-fix.toml` of each file (a [`config::Resolver`]).
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// This configuration for every file; the scan's settings are used as given.
    One(&'a Config),
    /// Each file's own configuration, with the resolver's command line on top and the
    /// scan's settings restricting which transforms run.
    Nearest(&'a config::Resolver),
}

impl<'a> From<&'a Config> for Source<'a> {
    fn from(c: &'a Config) -> Self {
        Source::One(c)
    }
}

impl<'a> From<&'a config::Resolver> for Source<'a> {
    fn from(r: &'a config::Resolver) -> Self {
        Source::Nearest(r)
    }
}

/// `settings` with only the transforms that `to` enables too.
fn restrict(settings: Settings, to: &Settings) -> Settings {
    let ids: Vec<String> = REGISTRY
        .iter()
        .map(|r| r.meta().id)
        .filter(|id| settings.enabled(id) && to.enabled(id))
        .map(str::to_string)
        .collect();
    // An empty `select` means every transform: nothing enabled is said by skipping all.
    let skip = if ids.is_empty() {
        REGISTRY.iter().map(|r| r.meta().id.to_string()).collect()
    } else {
        vec![]
    };
    Settings {
        select: ids,
        skip,
        unsafe_fixes: settings.unsafe_fixes,
        ..settings
    }
}

/// Walk `roots` (minus the configurations' excludes) and fix every file in memory, in
/// parallel. With [`Source::Nearest`] each file gets the settings of the configuration
/// governing it (restricted to the transforms `settings` enables); the project facts
/// (`src/project.rs`) are gathered over every file of the scan whatever governs it. A
/// configuration file that cannot be loaded is reported once and its files are skipped.
pub fn scan<'a>(
    roots: &[PathBuf],
    config: impl Into<Source<'a>>,
    settings: &Settings,
    show_progress: bool,
) -> (Vec<Processed>, Errors) {
    let source = config.into();
    let (paths, walk_errors) = files::collect(roots);
    let mut errors: Errors = walk_errors
        .into_iter()
        .map(|(p, m)| (display(&p), m))
        .collect();
    // Each file with the index of its settings in `kinds`.
    let mut kinds: Vec<(Option<PathBuf>, Settings)> = Vec::new();
    let mut assigned: Vec<(PathBuf, usize)> = Vec::new();
    let mut tests = 0;
    for p in paths {
        let (owned, file_settings) = match source {
            Source::One(_) => (None, None),
            Source::Nearest(r) => match r.config_for(&p) {
                Ok(c) => (Some(c), Some(r)),
                Err(e) => {
                    let key = r.file_for(&p).map_or_else(String::new, |f| display(&f));
                    if !errors.iter().any(|(k, m)| *k == key && *m == e) {
                        errors.push((key, e));
                    }
                    continue;
                }
            },
        };
        let config: &Config = match (&owned, source) {
            (Some(c), _) => c,
            (None, Source::One(c)) => c,
            (None, Source::Nearest(_)) => continue,
        };
        let excluded = match file_settings {
            Some(r) => r.is_excluded(&p, config),
            None => config.exclude.is_excluded(&p),
        };
        if excluded {
            continue;
        }
        if !config.include_tests && files::is_test_file(&test_relative(&p, roots, config)) {
            tests += 1;
            continue;
        }
        let kind = match kinds.iter().position(|(k, _)| *k == config.path) {
            Some(i) => i,
            None => {
                let s = match file_settings {
                    Some(r) => restrict(config.settings(r.command_line()), settings),
                    None => settings.clone(),
                };
                kinds.push((config.path.clone(), s));
                kinds.len() - 1
            }
        };
        assigned.push((p, kind));
    }
    TESTS_SKIPPED.fetch_add(tests, std::sync::atomic::Ordering::Relaxed);
    // Project facts over the whole scan, for every transform some file runs.
    let union: Vec<String> = REGISTRY
        .iter()
        .map(|r| r.meta().id)
        .filter(|id| kinds.iter().any(|(_, s)| s.enabled(id)))
        .map(str::to_string)
        .collect();
    if union.is_empty() && !settings.select.is_empty() {
        // A restricted scan (`-t`, `iac-fix pr`'s one transform) that no file's
        // configuration enables: nothing to read.
        return (Vec::new(), errors);
    }
    let paths: Vec<PathBuf> = assigned.iter().map(|(p, _)| p.clone()).collect();
    let project = if union.is_empty() {
        crate::project::Project::default()
    } else {
        let all = Settings {
            select: union,
            skip: vec![],
            ..settings.clone()
        };
        crate::project::Project::index_run(&paths, crate::transforms::INDEXERS, &all)
    };
    let project = std::sync::Arc::new(project);
    let kinds: Vec<Settings> = kinds
        .into_iter()
        .map(|(_, s)| Settings {
            project: Some(project.clone()),
            ..s
        })
        .collect();
    let progress = progress_bar(assigned.len(), show_progress);
    // Largest files first: one large stack started last would leave the other cores idle
    // at the end of the run. The results keep the scan's order.
    let mut order: Vec<(u64, usize)> = assigned
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (std::fs::metadata(p).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_unstable_by_key(|&(len, i)| (std::cmp::Reverse(len), i));
    // `par_bridge` hands the files out in this order as threads come free (a split of
    // the slice would give one thread all the large files).
    let mut results: Vec<(usize, PathBuf, Result<Option<Processed>, FileError>)> = order
        .into_iter()
        .par_bridge()
        .map(|(_, i)| {
            let (p, kind) = &assigned[i];
            if crate::interrupt::interrupted() {
                return (i, p.clone(), Ok(None));
            }
            // Named paths are followed; files met in a walk are opened without following
            // a symlink swapped in since.
            let r = files::process_path(p, roots.contains(p), REGISTRY, &kinds[*kind]);
            progress.inc(1);
            (i, p.clone(), r)
        })
        .collect();
    results.sort_unstable_by_key(|r| r.0);
    let results = results.into_iter().map(|(_, p, r)| (p, r));
    progress.finish_and_clear();
    let mut processed = Vec::new();
    for (path, result) in results {
        match result {
            Ok(Some(p)) => processed.push(p),
            Ok(None) => {}
            Err(e) => errors.push((display(&path), e.to_string())),
        }
    }
    for p in &processed {
        for e in &p.outcome.internal_errors {
            errors.push((display(&p.path), e.clone()));
        }
    }
    (processed, errors)
}

/// The paths of a run and what governs their files.
pub struct Group {
    /// `--config FILE` for every file, or the nearest `iac-fix.toml` of each file,
    /// with the command line on top.
    pub config: config::Resolver,
    /// The command line's selection (`-t`, `--skip`, `--unsafe`, the last also on when
    /// a root's configuration turns it on): which transforms may run at all.
    pub settings: Settings,
    pub roots: Vec<PathBuf>,
}

/// The run's configuration lookup: `--config` for every file, else the nearest
/// `iac-fix.toml` of each file, found from the file itself (not from the working
/// directory), so `iac-fix repo` from outside applies the repository's files. The
/// configuration of each root is loaded now (an error stops the run before any file
/// is read); nested ones when the scan meets their files. One group: the lookup is
/// per file.
pub fn configure(args: &Selection, roots: &[PathBuf]) -> Result<Vec<Group>, String> {
    for id in args.transform.iter().chain(&args.skip) {
        if !REGISTRY.iter().any(|r| r.meta().id == id) {
            return Err(format!("unknown transform `{id}` (see --list-transforms)"));
        }
    }
    let cli = Settings {
        select: args.transform.clone(),
        skip: args.skip.clone(),
        unsafe_fixes: args.unsafe_fixes,
        ..Settings::default()
    };
    let resolver = match &args.config {
        Some(p) => config::Resolver::forced(p, REGISTRY)?,
        None => config::Resolver::nearest(REGISTRY),
    }
    .with_command_line(cli.clone());
    let mut settings = cli;
    for root in roots {
        if resolver.is_forced() || root.exists() {
            settings.unsafe_fixes |= resolver.config_for(root)?.unsafe_fixes;
        }
    }
    Ok(vec![Group {
        config: resolver,
        settings,
        roots: roots.to_vec(),
    }])
}

/// `g` with `--add-ignore=REASON` on: suppressions are written instead of fixes.
pub(crate) fn add_ignore(g: Group, reason: &str) -> Group {
    let cli = Settings {
        add_ignore: Some(reason.to_string()),
        ..g.config.command_line().clone()
    };
    Group {
        config: g.config.with_command_line(cli),
        settings: Settings {
            add_ignore: Some(reason.to_string()),
            ..g.settings
        },
        roots: g.roots,
    }
}

/// [`scan`] over every group, results together.
pub fn scan_groups(groups: &[Group], show_progress: bool) -> (Vec<Processed>, Errors) {
    let mut processed = Vec::new();
    let mut errors = Errors::new();
    for g in groups {
        let (p, e) = scan(&g.roots, &g.config, &g.settings, show_progress);
        processed.extend(p);
        errors.extend(e);
    }
    (processed, errors)
}

/// Test files left out by scans so far (reported in the text summary).
static TESTS_SKIPPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many test files the scans of this process left out (`include-tests`).
pub fn tests_skipped() -> usize {
    TESTS_SKIPPED.load(std::sync::atomic::Ordering::Relaxed)
}

/// `p` relative to what the user pointed at, for the test-code rule: the folder
/// walked, else the configuration's folder, else the git work tree holding it; a
/// `tests/` folder above the project (`~/tests/repo/…`) does not make it test code.
fn test_relative(p: &std::path::Path, roots: &[PathBuf], config: &Config) -> PathBuf {
    if let Some(rel) = roots
        .iter()
        .filter(|r| r.as_path() != p)
        .find_map(|r| p.strip_prefix(r).ok())
    {
        return rel.to_path_buf();
    }
    let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let base = config
        .path
        .as_ref()
        .map(|_| config.exclude.base().to_path_buf())
        .or_else(|| {
            absolute
                .ancestors()
                .skip(1)
                .find(|d| d.join(".git").exists())
                .map(std::path::Path::to_path_buf)
        });
    match base.as_deref().and_then(|b| absolute.strip_prefix(b).ok()) {
        Some(rel) => rel.to_path_buf(),
        None => PathBuf::from(p.file_name().unwrap_or_default()),
    }
}

/// A progress bar on stderr for long runs, only when stderr is a terminal.
fn progress_bar(len: usize, wanted: bool) -> indicatif::ProgressBar {
    if !wanted || len < 200 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// The configuration file's settings with the command line's on top (the file
/// found from the working directory; see [`configure`] for the per-root lookup).
pub fn settings(args: &Selection) -> Result<(Config, Settings), String> {
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir().ok().and_then(|d| config::find(&d)),
    };
    settings_from(args, path)
}

/// The settings of configuration file `path` (`None`: defaults) with `args` on top.
pub fn settings_from(
    args: &Selection,
    path: Option<PathBuf>,
) -> Result<(Config, Settings), String> {
    for id in args.transform.iter().chain(&args.skip) {
        if !REGISTRY.iter().any(|r| r.meta().id == id) {
            return Err(format!("unknown transform `{id}` (see --list-transforms)"));
        }
    }
    let config = match path {
        Some(p) => config::load(&p, REGISTRY)?,
        None => Config::default(),
    };
    let cli = Settings {
        select: args.transform.clone(),
        skip: args.skip.clone(),
        unsafe_fixes: args.unsafe_fixes,
        ..Settings::default()
    };
    let settings = config.settings(&cli);
    Ok((config, settings))
}

pub use crate::report::display;

fn list_transforms(format: Format) -> i32 {
    if format == Format::Json {
        let rows: Vec<serde_json::Value> = REGISTRY
            .iter()
            .map(|r| {
                let m = r.meta();
                serde_json::json!({ "id": m.id, "flavors": m.flavors, "applicability": m.applicability, "title": m.title, "equivalents": m.equivalents })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("serializes")
        );
        return EXIT_CLEAN;
    }
    for r in REGISTRY {
        let m = r.meta();
        let flavors: Vec<&str> = m.flavors.iter().map(|f| f.id()).collect();
        println!(
            "{:<32} {:<36} {:<7} {}",
            m.id,
            flavors.join(","),
            m.applicability.as_str(),
            m.title
        );
    }
    EXIT_CLEAN
}

/// A cfn-lint rule id (`E3002`, `W1020`, `I3042`).
pub fn is_cfn_lint_rule(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 5 && matches!(b[0], b'E' | b'W' | b'I') && b[1..].iter().all(u8::is_ascii_digit)
}

/// The Markdown table of cfn-lint rules that transforms fix, from the registry's
/// equivalents (`iac-fix --explain cfn-lint` prints it; the README keeps a copy).
pub fn cfn_lint_table() -> String {
    let mut rules: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for r in REGISTRY {
        let m = r.meta();
        for rule in m.equivalents.iter().filter(|e| is_cfn_lint_rule(e)) {
            rules.entry(rule).or_default().push(m.id);
        }
    }
    let mut out = String::from("| cfn-lint rule | fixed by |\n|---|---|\n");
    for (rule, ids) in rules {
        let ids: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
        out.push_str(&format!("| {rule} | {} |\n", ids.join(", ")));
    }
    out
}

fn explain(id: &str) -> i32 {
    if id == "cfn-lint" {
        print!("{}", cfn_lint_table());
        return EXIT_CLEAN;
    }
    if is_cfn_lint_rule(id) {
        return explain_rule(id);
    }
    let Some(r) = REGISTRY.iter().find(|r| r.meta().id == id) else {
        eprintln!("error: unknown transform `{id}` (see --list-transforms)");
        return EXIT_ERROR;
    };
    explain_transform(r)
}

/// `--explain W3005`: the documentation of every transform that fixes the rule.
fn explain_rule(rule: &str) -> i32 {
    let fixers: Vec<_> = REGISTRY
        .iter()
        .filter(|r| r.meta().equivalents.contains(&rule))
        .collect();
    if fixers.is_empty() {
        eprintln!("error: no transform fixes cfn-lint {rule} (see --explain cfn-lint)");
        return EXIT_ERROR;
    }
    let ids: Vec<&str> = fixers.iter().map(|r| r.meta().id).collect();
    println!("cfn-lint {rule} is fixed by: {}\n", ids.join(", "));
    for r in fixers {
        explain_transform(r);
    }
    EXIT_CLEAN
}

fn explain_transform(r: &crate::transform::Registered) -> i32 {
    let m = r.meta();
    println!("# {} — {}\n", m.id, m.title);
    let flavors: Vec<&str> = m.flavors.iter().map(|f| f.id()).collect();
    println!(
        "Flavors: {}\nApplicability: {}",
        flavors.join(", "),
        m.applicability.as_str()
    );
    if !m.equivalents.is_empty() {
        println!("Equivalent checks: {}", m.equivalents.join(", "));
    }
    if !m.options.is_empty() {
        println!("Options ([transform.{}] in iac-fix.toml):", m.id);
        for (name, default, what) in m.options {
            println!("  {name} = \"{default}\"  {what}");
        }
    }
    println!("\n{}", r.docs());
    EXIT_CLEAN
}
