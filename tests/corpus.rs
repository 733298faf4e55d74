//! Regression over `../shared/corpus` (skipped when absent): with every fix
//! applied, no output stops parsing, no transform breaks a file, and a second run
//! changes nothing.

use iac_fix::files::{collect, process_text, FileError};
use iac_fix::fixer::Settings;
use iac_fix::flavor::syntax_for_path;
use iac_fix::transforms::REGISTRY;
use rayon::prelude::*;
use std::path::Path;

#[test]
fn corpus_outputs_parse_and_are_idempotent() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let (files, _) = collect(&[corpus]);
    let problems: Vec<String> = files
        .par_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let syntax = syntax_for_path(path)?;
            let (_, outcome) = match process_text(path, syntax, &text, REGISTRY, &settings) {
                Ok(Some(r)) => r,
                Ok(None) | Err(FileError::Parse(_)) => return None,
                Err(e) => return Some(format!("{}: {e}", path.display())),
            };
            if !outcome.internal_errors.is_empty() {
                return Some(format!("{}: {:?}", path.display(), outcome.internal_errors));
            }
            let again = match process_text(path, syntax, &outcome.fixed, REGISTRY, &settings) {
                Ok(Some((_, o))) => o.fixed,
                other => {
                    return Some(format!(
                        "{}: fixed output no longer processes: {:?}",
                        path.display(),
                        other.err()
                    ))
                }
            };
            (again != outcome.fixed)
                .then(|| format!("{}: a second run changed the output", path.display()))
        })
        .collect();
    println!("corpus: {} files checked", files.len());
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
