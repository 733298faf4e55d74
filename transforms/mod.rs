//! The catalogue. Adding a transform: one file here (docs on top) or a folder `<name>/`
//! whose `mod.rs` holds the docs (`name = "name"` in `registry!`), one line in `registry!`
//! below, and a `fixtures/<id>/` folder.

use crate::transform::Registered;

macro_rules! registry {
    ($($module:ident $(= $folder:literal)?),* $(,)?) => {
        $(mod $module;)*
        /// Every transform, in `--list-transforms` order.
        pub static REGISTRY: &[Registered] = &[
            $(Registered { transform: &$module::TRANSFORM, source: source_of!($module $($folder)?) },)*
        ];
    };
}

/// A transform's source: `<module>.rs`, or `<folder>/mod.rs` for a transform split into parts
/// (written `module = "folder"` in `registry!`).
macro_rules! source_of {
    ($module:ident) => {
        include_str!(concat!(stringify!($module), ".rs"))
    };
    ($module:ident $folder:literal) => {
        include_str!(concat!($folder, "/mod.rs"))
    };
}
/// Indexers whose facts span the files of a run (see `crate::project`).
pub static INDEXERS: &[&dyn crate::project::Indexer] = &[shared::lambda::INDEXER];

registry! {
    alb_drop_invalid_headers,
    athena_enforce_workgroup_configuration,
    athena_result_configuration,
    cdk_deprecated_api = "cdk_deprecated_api",
    cdktf_provider_upgrade,
    cdktf_separate_routes,
    cfn_availability_zone,
    cfn_enum_value,
    cfn_logical_id,
    cfn_needless_sub,
    cfn_property_name,
    cfn_redundant_depends_on,
    cfn_security_group_cycle,
    cfn_sub_policy_variable,
    cfn_unused_condition,
    cfn_unused_parameter,
    cloudtrail_hardening,
    cloudwatch_alarm_actions,
    codebuild_artifact_encryption,
    config_recorder_dependencies,
    customer_managed_key,
    dynamodb_customer_managed_key,
    dynamodb_point_in_time_recovery,
    ec2_detailed_monitoring,
    ecr_repository_hardening,
    encryption_at_rest,
    encryption_in_transit,
    kms_alias_split,
    kms_key_rotation,
    lambda_dead_letter_queue,
    lambda_permission_source_account,
    lambda_runtime_upgrade,
    lambda_tracing,
    launch_template_imdsv2,
    least_privilege_grants = "least_privilege_grants",
    log_group_retention,
    rds_engine_version,
    rds_enhanced_monitoring,
    rds_hardening,
    removal_policy,
    s3_access_logging,
    s3_block_public_access,
    s3_bucket_key,
    s3_enforce_ssl,
    s3_ownership_controls,
    s3_public_acl,
    s3_versioning,
    security_group_rule_description,
    sns_sqs_enforce_ssl,
    stepfunctions_log_execution_data,
    stepfunctions_retry,
    tracing_and_log_exports,
    update_replace_policy,
}

// Helpers several transforms use, grouped by what they handle (props, names, companion
// constructs, CloudFormation templates); re-exported so transforms write `super::unique`.
mod shared;
pub(crate) use shared::*;
