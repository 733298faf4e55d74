//! The version is written once, in Cargo.toml (`--version` and the wheel read it from there);
//! every other place that must repeat it (npm packages, the pre-commit mirror, the action's
//! default) is checked here, so a release cannot ship two versions.

use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn npm_launcher_and_its_platform_packages_have_the_cargo_version() {
    let pkg: serde_json::Value = serde_json::from_str(&read("npm/iac-fix/package.json")).unwrap();
    assert_eq!(pkg["version"], VERSION, "npm/iac-fix/package.json version");
    let platforms: serde_json::Value = serde_json::from_str(&read("npm/platforms.json")).unwrap();
    let optional = pkg["optionalDependencies"]
        .as_object()
        .expect("optionalDependencies");
    let keys = platforms.as_object().unwrap().keys();
    assert_eq!(
        optional.len(),
        keys.len(),
        "one optional dependency per platform in npm/platforms.json"
    );
    for key in keys {
        let name = format!("@iac-fix/cli-{key}");
        assert_eq!(
            optional.get(&name).and_then(|v| v.as_str()),
            Some(VERSION),
            "{name} in optionalDependencies"
        );
    }
}

#[test]
fn pre_commit_mirror_pins_the_cargo_version() {
    let text = read("pre-commit-mirror/pyproject.toml");
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let project = doc["project"].as_table().unwrap();
    assert_eq!(project["version"].as_str(), Some(VERSION));
    let deps: Vec<&str> = project["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(deps, [format!("iac-fix=={VERSION}").as_str()]);
}

#[test]
fn python_package_takes_its_version_from_cargo() {
    let doc: toml::Table = toml::from_str(&read("pyproject.toml")).unwrap();
    let project = doc["project"].as_table().unwrap();
    assert!(
        !project.contains_key("version"),
        "pyproject.toml must not repeat the version"
    );
    let dynamic = project["dynamic"].as_array().unwrap();
    assert!(dynamic.iter().any(|d| d.as_str() == Some("version")));
    assert_eq!(doc["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
}

#[test]
fn action_installs_this_version_by_default() {
    let text = read("action.yml");
    let block = text
        .split("  version:\n")
        .nth(1)
        .expect("action.yml has a version input");
    let default = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("default: "))
        .expect("version default");
    assert_eq!(
        default.trim_matches('"'),
        VERSION,
        "action.yml inputs.version.default"
    );
}

#[test]
fn examples_use_the_action_at_this_version() {
    for example in [
        "examples/github-action-check.yml",
        "examples/github-action-pr.yml",
    ] {
        let text = read(example);
        assert!(
            text.contains(&format!("uses: iac-fix/iac-fix@v{VERSION}")),
            "{example} pins v{VERSION}"
        );
    }
}
