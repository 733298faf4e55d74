//! Runs every `fixtures/<transform-id>/<case>.<ext>` through its transform (review
//! fixes included) and compares with `<case>.expected.<ext>`; also checks that the
//! output parses, that a second run changes nothing, and that each transform has a
//! fixture that fires in every flavor it claims.

use iac_fix::files::process_text;
use iac_fix::fixer::Settings;
use iac_fix::flavor::{syntax_for_path, Flavor};
use iac_fix::lang::verify;
use iac_fix::transforms::REGISTRY;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        // Sub-folders hold material the cases refer to (handler code), not cases.
        // `<case>.effect` files declare a fixture's effect on the template, not cases.
        .filter(|p| p.is_file() && !p.to_string_lossy().contains(".expected."))
        .filter(|p| p.extension().is_none_or(|e| e != "effect"))
        .collect();
    out.sort();
    out
}

fn expected_path(case: &Path) -> PathBuf {
    let stem = case.file_stem().unwrap().to_string_lossy();
    let ext = case.extension().unwrap().to_string_lossy();
    case.with_file_name(format!("{stem}.expected.{ext}"))
}

#[test]
fn every_fixture_matches_its_expected_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut failures = Vec::new();
    for reg in REGISTRY {
        let meta = reg.meta();
        let settings = Settings {
            select: vec![meta.id.to_string()],
            unsafe_fixes: true,
            ..Default::default()
        };
        let dir = root.join(meta.id);
        let mut fired: BTreeSet<Flavor> = BTreeSet::new();
        let mut quiet_cases = 0;
        for case in cases(&dir) {
            let syntax = syntax_for_path(&case).expect("fixture extension is .ts/.json/.yaml");
            let input = std::fs::read_to_string(&case).unwrap();
            let expected = std::fs::read_to_string(expected_path(&case))
                .unwrap_or_else(|_| panic!("{} has no expected output", case.display()));
            let result = process_text(&case, syntax, &input, REGISTRY, &settings)
                .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
            let output = result
                .as_ref()
                .map_or(input.clone(), |(_, o)| o.fixed.clone());
            if let Some((flavor, outcome)) = &result {
                assert!(
                    outcome.internal_errors.is_empty(),
                    "{}: {:?}",
                    case.display(),
                    outcome.internal_errors
                );
                if output != input {
                    fired.insert(*flavor);
                    verify::check(flavor.syntax(), &output).unwrap_or_else(|e| {
                        panic!("{}: output does not parse: {e}", case.display())
                    });
                    let again = process_text(&case, syntax, &output, REGISTRY, &settings)
                        .unwrap()
                        .unwrap()
                        .1
                        .fixed;
                    assert_eq!(
                        again,
                        output,
                        "{}: a second run changed the output",
                        case.display()
                    );
                }
            }
            if output == input {
                quiet_cases += 1;
            }
            if output != expected {
                failures.push(format!(
                    "{}:\n--- expected\n{expected}\n--- got\n{output}",
                    case.display()
                ));
            }
        }
        for flavor in meta.flavors {
            assert!(
                fired.contains(flavor),
                "{}: no fixture fires in {}",
                meta.id,
                flavor.id()
            );
        }
        assert!(
            quiet_cases > 0,
            "{}: no fixture where the transform must not fire",
            meta.id
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
