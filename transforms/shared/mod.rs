//! Helpers several transforms share (no single AWS service lives here).

mod buckets;
mod cfn;
mod companions;
pub(crate) mod handler;
pub(crate) mod lambda;
pub(crate) mod lambda_runtimes;
mod names;
mod property_tree;
mod props;
mod settings;

pub(crate) use buckets::*;
pub(crate) use cfn::*;
pub(crate) use companions::*;
pub(crate) use names::*;
pub(crate) use property_tree::*;
pub(crate) use props::*;
pub(crate) use settings::*;
