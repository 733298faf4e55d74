//! `--stdin-filename PATH`: fix a buffer piped through the tool (editors, scripts).
//!
//! The source is read from standard input and treated as the file PATH: PATH decides
//! the syntax and flavor, the `iac-fix.toml` that applies (found from PATH's folder,
//! or `--config`), its excludes and test-code rule, and the path in messages. The fixed source goes to
//! standard output, the unchanged source when nothing applies, the file is not ours,
//! PATH is excluded or the source cannot be parsed (like ruff, an editor's buffer is
//! never emptied); with `--dry-run` the unified diff goes there instead. Diagnostics
//! go to standard error (the report that would go to standard output too);
//! `--format FORMAT=FILE` reports are written as usual. Exit codes as for files.
//!
//! Project facts (the cross-file index transforms use, e.g. who invokes a function
//! defined in another file) come from the other files of PATH's folder as they are on
//! disk, not from its subfolders: cheap, and what an editor buffer usually needs. PATH
//! itself is indexed from disk when it exists there (the buffer may differ).

use crate::cli::{self, Args, EXIT_CLEAN, EXIT_ERROR};
use crate::files::{self, Processed};
use crate::report::escape::{escape, escape_diff};
use crate::report::{diff, display, Run};
use crate::transforms::REGISTRY;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Run `args` on standard input as the file `path`; returns the exit code.
pub fn run(args: &Args, path: &Path) -> i32 {
    if !args.paths.is_empty() {
        eprintln!("error: --stdin-filename reads standard input; give no PATH arguments");
        return EXIT_ERROR;
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        eprintln!("error: standard input: {}", escape(&files::io_reason(&e)));
        return EXIT_ERROR;
    }
    let shown = display(path);
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Not text: given back byte for byte.
            let _ = std::io::stdout().write_all(e.as_bytes());
            eprintln!(
                "error: {}: not UTF-8 (invalid byte at offset {})",
                escape(&shown),
                e.utf8_error().valid_up_to()
            );
            return EXIT_ERROR;
        }
    };
    let echo = |t: &str| {
        let _ = std::io::stdout().write_all(t.as_bytes());
    };
    let groups = match cli::configure(&args.selection, &[path.to_path_buf()]) {
        Ok(g) => g,
        Err(e) => {
            if !args.dry_run {
                echo(&text);
            }
            eprintln!("error: {}", escape(&e));
            return EXIT_ERROR;
        }
    };
    // `--add-ignore` writes suppressions into the buffer instead of fixing it.
    let groups: Vec<cli::Group> = match &args.add_ignore {
        Some(reason) => groups
            .into_iter()
            .map(|g| cli::add_ignore(g, reason))
            .collect(),
        None => groups,
    };
    let group = &groups[0];
    let (config, file_settings) = match group.config.settings_for(path) {
        Ok(found) => found,
        Err(e) => {
            if !args.dry_run {
                echo(&text);
            }
            eprintln!("error: {}", escape(&e));
            return EXIT_ERROR;
        }
    };
    let syntax = crate::flavor::syntax_for_path(path);
    let left_out =
        config.exclude.is_excluded(path) || (!config.include_tests && files::is_test_file(path));
    let (Some(syntax), false) = (syntax, left_out) else {
        // Not a file this tool reads, excluded by the configuration, or test code
        // (`include-tests`): unchanged.
        if !args.dry_run {
            echo(&text);
        }
        return EXIT_CLEAN;
    };
    let settings = crate::fixer::Settings {
        project: Some(std::sync::Arc::new(crate::project::Project::index(
            &siblings(path),
            crate::transforms::INDEXERS,
            &file_settings,
        ))),
        ..file_settings.clone()
    };
    let mut errors: cli::Errors = Vec::new();
    let mut processed = Vec::new();
    match files::process_text(path, syntax, &text, REGISTRY, &settings) {
        Ok(Some((flavor, outcome))) => {
            for e in &outcome.internal_errors {
                errors.push((shown.clone(), e.clone()));
            }
            processed.push(Processed {
                path: path.to_path_buf(),
                flavor,
                original: text.clone(),
                outcome,
                read_id: None,
            });
        }
        Ok(None) => {}
        Err(e) => errors.push((shown.clone(), e.to_string())),
    }
    match processed.first() {
        Some(p) if args.dry_run => {
            if p.changed() {
                echo(&escape_diff(&diff::unified_changed(
                    &escape(&shown),
                    &p.original,
                    &p.outcome.fixed,
                    &p.outcome.changed,
                )));
            }
        }
        Some(p) => echo(&p.outcome.fixed),
        None if args.dry_run => {}
        None => echo(&text),
    }
    let run = Run {
        processed: &processed,
        errors: &errors,
        dry_run: args.dry_run,
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let reported = cli::emit_reports(args, &run, true);
    cli::exit_code(args, &run, reported)
}

/// The files of `path`'s folder this tool reads, `path`'s own file included when it
/// exists (subfolders are not walked).
fn siblings(path: &Path) -> Vec<PathBuf> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| crate::flavor::syntax_for_path(p).is_some())
        .collect();
    out.sort();
    out
}
