//! Which kind of infrastructure code a file is, decided from its name and content.

use crate::lang::{cfn, Parsed, Syntax};
use serde::Serialize;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Flavor {
    #[serde(rename = "cdk-ts")]
    CdkTs,
    #[serde(rename = "cdktf-ts")]
    CdktfTs,
    #[serde(rename = "cfn-json")]
    CfnJson,
    #[serde(rename = "cfn-yaml")]
    CfnYaml,
}

impl Flavor {
    pub const ALL: [Flavor; 4] = [
        Flavor::CdkTs,
        Flavor::CdktfTs,
        Flavor::CfnJson,
        Flavor::CfnYaml,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Flavor::CdkTs => "cdk-ts",
            Flavor::CdktfTs => "cdktf-ts",
            Flavor::CfnJson => "cfn-json",
            Flavor::CfnYaml => "cfn-yaml",
        }
    }

    pub fn syntax(self) -> Syntax {
        match self {
            Flavor::CdkTs | Flavor::CdktfTs => Syntax::TypeScript,
            Flavor::CfnJson => Syntax::Json,
            Flavor::CfnYaml => Syntax::Yaml,
        }
    }

    pub fn is_cfn(self) -> bool {
        matches!(self, Flavor::CfnJson | Flavor::CfnYaml)
    }
}

/// The syntax a path may hold, from its extension; `None` for files we never read.
/// Read from the raw name, so a name that is not UTF-8 (`caf\xe9.yaml`) still counts.
pub fn syntax_for_path(path: &Path) -> Option<Syntax> {
    let name = path.file_name()?.to_string_lossy();
    if name.ends_with(".d.ts") {
        return None;
    }
    match path.extension()?.to_str()? {
        "ts" | "mts" | "cts" => Some(Syntax::TypeScript),
        "json" | "template" => Some(Syntax::Json),
        "yaml" | "yml" => Some(Syntax::Yaml),
        _ => None,
    }
}

/// A cheap textual test run before parsing: could this text be ours at all?
/// Keeps unrelated TypeScript, package.json, workflows… out of the strict parser.
pub fn may_be_ours(syntax: Syntax, text: &str) -> bool {
    match syntax {
        Syntax::TypeScript => {
            text.contains("aws-cdk-lib") || text.contains("@aws-cdk/") || text.contains("cdktf")
        }
        Syntax::Json => {
            text.contains("\"Resources\"") || text.contains("\"AWSTemplateFormatVersion\"")
        }
        Syntax::Yaml => text.lines().any(|l| {
            l.starts_with("Resources:")
                || l.starts_with("AWSTemplateFormatVersion")
                || l.starts_with("\"Resources\"")
                || l.starts_with("'Resources'")
        }),
    }
}

/// The flavor of a parsed file, or `None` when it is not infrastructure code.
pub fn detect(parsed: &Parsed) -> Option<Flavor> {
    match parsed.syntax {
        Syntax::TypeScript => {
            // The imports alone (top-level statements): no walk of the whole tree.
            let imports = crate::lang::ts::imports_of(parsed);
            let imports_from = |prefix: &str| imports.iter().any(|i| i.module.starts_with(prefix));
            if imports_from("cdktf") || imports_from("@cdktf/") {
                Some(Flavor::CdktfTs)
            } else if imports_from("aws-cdk-lib") || imports_from("@aws-cdk/") {
                Some(Flavor::CdkTs)
            } else {
                None
            }
        }
        Syntax::Json => cfn::is_template(parsed).then_some(Flavor::CfnJson),
        Syntax::Yaml => cfn::is_template(parsed).then_some(Flavor::CfnYaml),
    }
}
