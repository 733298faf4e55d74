//! iac-fix: format-preserving fixes for AWS CDK TypeScript, CDKTF TypeScript and
//! CloudFormation JSON/YAML. The engine (`src/`) knows no AWS service; the
//! catalogue lives in `transforms/`.

pub mod cli;
pub mod config;
pub mod edit;
pub mod files;
pub mod fixer;
pub mod flavor;
pub mod interrupt;
pub mod lang;
pub mod model;
pub mod origin;
pub mod packages;
pub mod pr;
pub mod project;
pub mod report;
pub mod schema;
pub mod server;
pub mod stdin;
pub mod style;
pub mod suppress;
pub mod transform;
pub mod value;

#[path = "../transforms/mod.rs"]
pub mod transforms;
