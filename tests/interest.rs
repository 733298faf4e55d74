//! The pre-filter of issue 20: a transform that declares what it looks at
//! ([`Transform::interest`]) is skipped on documents without it. The declaration must be
//! complete: on every fixture and expected output of every transform (both flavors of each
//! text), a transform whose needs the document does not meet finds nothing.

use iac_fix::flavor::{self, syntax_for_path};
use iac_fix::lang::Parsed;
use iac_fix::model::Document;
use iac_fix::transform::{Interest, Options};
use iac_fix::transforms::REGISTRY;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if syntax_for_path(&p).is_some() {
            out.push(p);
        }
    }
}

#[test]
fn a_skipped_transform_would_have_found_nothing() {
    let mut all = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut all,
    );
    let declared: Vec<_> = REGISTRY
        .iter()
        .filter(|r| r.transform.interest() != Interest::Everything)
        .collect();
    assert!(!declared.is_empty());
    let mut skipped = 0;
    for path in &all {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let parsed = Parsed::new(syntax_for_path(path).unwrap(), text);
        let Some(flavor) = flavor::detect(&parsed) else {
            continue;
        };
        let doc = Document::new(path, flavor, &parsed);
        for r in &declared {
            if !r.meta().flavors.contains(&flavor) || r.transform.interest().met_by(&doc) {
                continue;
            }
            skipped += 1;
            let found = r.transform.check(&doc, &Options::default());
            assert!(
                found.is_empty(),
                "{} declares an interest {} does not meet, yet finds: {}",
                r.meta().id,
                path.display(),
                found[0].message
            );
        }
    }
    assert!(skipped > 100, "the pre-filter skipped only {skipped} runs");
}
