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
