//! The README's transform table lists exactly the registered transforms, with
//! their flavors and applicability.

use iac_fix::transforms::REGISTRY;

#[test]
fn readme_table_matches_registry() {
    let readme = include_str!("../README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Transforms"))
        .expect("README has a Transforms section");
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(
        rows.len(),
        REGISTRY.len(),
        "README lists {} transforms, registry has {}",
        rows.len(),
        REGISTRY.len()
    );
    for reg in REGISTRY {
        let m = reg.meta();
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{}` |", m.id)))
            .unwrap_or_else(|| panic!("README lacks {}", m.id));
        let flavors: Vec<&str> = m.flavors.iter().map(|f| f.id()).collect();
        assert!(
            row.contains(&format!(
                "| {} | {} |",
                flavors.join(", "),
                m.applicability.as_str()
            )),
            "README row for {} is out of date",
            m.id
        );
    }
}

#[test]
fn readme_cfn_lint_table_matches_registry() {
    let readme = include_str!("../README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("cfn-lint rules fixed"))
        .expect("README has a `cfn-lint rules fixed` section");
    let in_readme: Vec<&str> = section.lines().filter(|l| l.starts_with('|')).collect();
    let generated = iac_fix::cli::cfn_lint_table();
    assert_eq!(
        in_readme,
        generated.lines().collect::<Vec<_>>(),
        "the README's `cfn-lint rules fixed` table is out of date: replace it with the output of \
         `cargo run -- --explain cfn-lint`"
    );
}
