//! ## What it fixes
//! CloudTrail trails that record one region only or do not sign their log files:
//! `IsMultiRegionTrail` and `EnableLogFileValidation` missing or `false`.
//!
//! ## Why
//! A single-region trail misses API activity in every other region, which is where
//! an intruder with stolen keys goes first (and where unused regions hide crypto
//! miners). Without log file validation CloudTrail writes no signed digest files,
//! so nobody can prove the logs were not edited or deleted after delivery. CIS AWS
//! Foundations 3.1 and 3.2 require both.
//!
//! ## Before → after
//! CDK TypeScript, L2 `Trail` (both default to `true`, so only an explicit `false`
//! is changed):
//! ```ts
//! new cloudtrail.Trail(this, 'Trail', { isMultiRegionTrail: false, enableFileValidation: false });
//! // becomes
//! new cloudtrail.Trail(this, 'Trail', { isMultiRegionTrail: true, enableFileValidation: true });
//! ```
//! CDK `CfnTrail` and CDKTF `Cloudtrail` (both default to `false`): missing
//! `isMultiRegionTrail` / `enableLogFileValidation` are added as `true`, a literal
//! `false` is turned to `true`.
//!
//! CloudFormation YAML (JSON alike), `AWS::CloudTrail::Trail`:
//! ```yaml
//! Properties:
//!   S3BucketName: !Ref TrailBucket
//!   IsLogging: true
//!   IsMultiRegionTrail: true        # added
//!   EnableLogFileValidation: true   # added
//! ```
//! A CloudFormation trail without `IsLogging`, which CloudFormation requires (cfn-lint
//! E3003), gets `IsLogging: true` in the same fix: such a trail never deployed, and a trail
//! is declared to log.
//!
//! Left alone (reported without a fix): an explicit `false` whose comment on the same
//! line or the line above records why (`isMultiRegionTrail: false, // one trail per
//! region`), and an `isMultiRegionTrail: false` on a trail whose name is built per region
//! (`${AWS::Region}`, `props.regionName`): such stacks are deployed once per region.
//!
//! Left alone: values that are expressions, `!Ref` parameters or conditions,
//! TypeScript props passed as a variable or with a `...spread` that could set them,
//! and the region setting of a trail with `IncludeGlobalServiceEvents: false`
//! (CloudTrail rejects a multi-region trail without global service events; such
//! trails are typically data-event trails for one bucket or table).
//!
//! ## Applicability
//! safe: adding a missing setting (the trail records more and signs its logs).
//! review: a literal `false` turned to `true` (someone chose a single-region trail,
//! for instance one trail per region deployed by a StackSet: a multi-region trail
//! in each would record every event several times; the message says so).
//!
//! ## Equivalent checks
//! checkov CKV_AWS_36 (log file validation), CKV_AWS_67 (all regions); cdk-nag
//! NIST.800.53.R5-CloudTrailLogFileValidationEnabled,
//! HIPAA.Security-CloudTrailLogFileValidationEnabled,
//! PCI.DSS.321-CloudTrailLogFileValidationEnabled.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{insert_entries, literal_bool, switch, turn_on, Switch};
use crate::value::Value;

pub struct CloudtrailHardening;
pub static TRANSFORM: CloudtrailHardening = CloudtrailHardening;

static META: Meta = Meta {
    id: "cloudtrail-hardening",
    title: "Make CloudTrail trails multi-region with log file validation",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[
        "CKV_AWS_36",
        "CKV_AWS_67", "NIST.800.53.R4-CloudTrailLogFileValidationEnabled",
        "NIST.800.53.R5-CloudTrailLogFileValidationEnabled",
        "HIPAA.Security-CloudTrailLogFileValidationEnabled",
        "PCI.DSS.321-CloudTrailLogFileValidationEnabled",
    ],
    options: &[],
};

const CDK_TRAIL: &str = "aws-cdk-lib/aws-cloudtrail.Trail";
const CDK_CFN_TRAIL: &str = "aws-cdk-lib/aws-cloudtrail.CfnTrail";
const CDKTF_TRAIL: &str = "@cdktf/provider-aws/lib/cloudtrail.Cloudtrail";

/// (multi-region key, log file validation key) as each kind of trail spells them.
const L2_KEYS: [&str; 2] = ["isMultiRegionTrail", "enableFileValidation"];
const L1_KEYS: [&str; 2] = ["isMultiRegionTrail", "enableLogFileValidation"];
const CFN_KEYS: [&str; 2] = ["IsMultiRegionTrail", "EnableLogFileValidation"];

impl Transform for CloudtrailHardening {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        match doc.flavor {
            Flavor::CdkTs => {
                for r in doc.of_type(CDK_TRAIL) {
                    out.extend(check_trail(doc, r, L2_KEYS, false));
                }
                for r in doc.of_type(CDK_CFN_TRAIL) {
                    out.extend(check_trail(doc, r, L1_KEYS, true));
                }
            }
            Flavor::CdktfTs => {
                for r in doc.of_type(CDKTF_TRAIL) {
                    out.extend(check_trail(doc, r, L1_KEYS, true));
                }
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                for r in doc.of_type("AWS::CloudTrail::Trail") {
                    out.extend(check_trail(doc, r, CFN_KEYS, true));
                }
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([CDK_TRAIL, CDK_CFN_TRAIL, CDKTF_TRAIL, "AWS::CloudTrail::Trail"])
    }
}

/// One finding per trail: the missing settings added (when they default to off)
/// and literal `false`s turned on, in one fix so the trail is fixed at once.
fn check_trail(doc: &Document, r: &Resource, keys: [&str; 2], add_missing: bool) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    let what = r.logical_id.as_deref().map_or_else(|| "CloudTrail trail".to_string(), |id| format!("CloudTrail trail `{id}`"));
    let mut missing = Vec::new();
    let mut out = Vec::new();
    // CloudTrail rejects a multi-region trail that leaves out global service events
    // (InvalidParameterCombinationException): such a trail stays single-region.
    let global = if keys[0].starts_with('I') { "IncludeGlobalServiceEvents" } else { "includeGlobalServiceEvents" };
    let no_global_events = props.get(global).is_some_and(|v| literal_bool(&v) == Some(false));
    for key in keys {
        if key == keys[0] && no_global_events {
            continue;
        }
        match switch(&props, key) {
            Switch::Missing if add_missing => missing.push(key),
            Switch::Off(v) if key == keys[0] && per_region(&props).is_some() => {
                let name = per_region(&props).unwrap_or_default();
                let message = format!(
                    "{what} sets `{key}: false` and its name `{name}` is made per region: one trail per region is the design; left alone (a multi-region trail in each region would record every event once per region and count against the trail quota of every region)"
                );
                out.push(META.finding(v.start(), message, None));
            }
            Switch::Off(v) => {
                let head = format!("{what} sets `{key}: false`");
                let done = format!("turned it on (review: confirm the trail should {}{})", purpose(key), if key == keys[0] { STACKSET_CAVEAT } else { "" });
                out.push(turn_on(doc, &META, Applicability::Review, &v, &head, &done));
            }
            _ => {}
        }
    }
    // CloudFormation requires `IsLogging` (cfn-lint E3003): a trail without it never deployed,
    // and a trail is declared to log.
    let not_logging = keys == CFN_KEYS && !props.has("IsLogging");
    if !missing.is_empty() || not_logging {
        let mut entries: Vec<(&str, Value)> = missing.iter().map(|k| (*k, Value::Bool(true))).collect();
        let mut names: Vec<String> = missing.iter().map(|k| format!("`{k}: true`")).collect();
        let mut message = if missing.is_empty() { what.clone() } else { format!("{what} leaves {} off (the default)", missing.join(" and ")) };
        if not_logging {
            entries.insert(0, ("IsLogging", Value::Bool(true)));
            names.insert(0, "`IsLogging: true`".into());
            message.push_str(if missing.is_empty() { " has no `IsLogging`, which CloudFormation requires (the trail cannot deploy without it)" } else { ", and has no `IsLogging`, which CloudFormation requires" });
        }
        let edits = insert_entries(props, &entries);
        let message = format!("{message}; added {}", names.join(", "));
        out.insert(0, META.finding(r.node.start_byte(), message, Some(edits)));
    }
    out
}

/// Why a single-region trail may be deliberate, for the message of the fix that flips it.
const STACKSET_CAVEAT: &str = "; if this stack is deployed once per region (a StackSet, a loop over regions in `bin/`), leave it single-region: one multi-region trail per deployment records every event several times";

/// The trail's name when it is built per region (`${AWS::Region}`, `props.regionName`,
/// `` `audit-${region}` ``): the trail is one of a set, one per region.
fn per_region(props: &crate::lang::mapping::MapNode) -> Option<String> {
    let name = props.get("trailName").or_else(|| props.get("TrailName"))?;
    let text = name.text();
    // A literal name that merely contains the word is not built per region.
    let computed = name.as_str().is_none() || name.intrinsic().is_some() || text.contains("${");
    (computed && text.to_ascii_lowercase().contains("region")).then(|| text.to_string())
}

fn purpose(key: &str) -> &'static str {
    if key.to_ascii_lowercase().contains("multiregion") {
        "record every region"
    } else {
        "sign its log files"
    }
}
