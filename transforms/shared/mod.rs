//! Helpers several transforms share (no single AWS service lives here).

mod buckets;
mod cfn;
mod companions;
pub(crate) mod handler;
mod kms_companion;
pub(crate) mod lambda;
pub(crate) mod lambda_runtimes;
mod log_bucket;
mod names;
mod property_tree;
mod props;
mod settings;

pub(crate) use buckets::*;
pub(crate) use cfn::*;
pub(crate) use companions::*;
pub(crate) use kms_companion::*;
pub(crate) use log_bucket::*;
pub(crate) use names::*;
pub(crate) use property_tree::*;
pub(crate) use props::*;
pub(crate) use settings::*;
