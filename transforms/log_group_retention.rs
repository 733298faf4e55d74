//! ## What it fixes
//! CloudWatch Logs log groups that keep their events forever: CloudFormation
//! `AWS::Logs::LogGroup`, CDK `logs.CfnLogGroup` and CDKTF `CloudwatchLogGroup` without a
//! retention. The default number of days is an option (`days`, 365).
//!
//! ## Why
//! A log group without `RetentionInDays` never expires its events: storage grows (and is
//! billed) forever, and personal data in logs outlives every data-retention rule. CDK's
//! L2 `logs.LogGroup` already defaults to two years, so it is never touched.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! AppLogs:
//!   Type: AWS::Logs::LogGroup
//!   Properties:
//!     LogGroupName: /app/api
//!     RetentionInDays: 365     # added
//! ```
//! CDK `logs.CfnLogGroup` and CDKTF `CloudwatchLogGroup`: `retentionInDays: 365` added.
//!
//! Left alone: a log group with any retention (a parameter, an intrinsic, any number); CDK
//! `logs.LogGroup` (defaults to two years; `retention: logs.RetentionDays.INFINITE` is an
//! explicit decision); a log group with a comment about its retention (`# keep forever:
//! audit evidence`) above its logical id or statement, as the first line of its body or
//! trailing one of its lines (reported without a fix, naming the comment's line; the
//! lookup is the shared `resource_comments`); props with a `...spread`;
//! CDK constructs configured by a Mixin.
//!
//! ## Applicability
//! review: CloudWatch Logs then deletes events older than the retention, including the ones
//! already stored. Check legal and audit retention needs (and set `days` in `iac-fix.toml`
//! under `[transforms.log-group-retention]`) before applying.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_66.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, Setting, Want};

pub struct LogGroupRetention;
pub static TRANSFORM: LogGroupRetention = LogGroupRetention;

static META: Meta = Meta {
    id: "log-group-retention",
    title: "Give CloudWatch log groups a retention",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_66"],
    options: &[("days", "365", "retention in days given to log groups that keep events forever (a value CloudWatch Logs accepts)")],
};

/// The retention periods CloudWatch Logs accepts (PutRetentionPolicy `retentionInDays`).
const ALLOWED_DAYS: &[i64] = &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// `Some(why)` when a comment of the resource ([`crate::transforms::resource_comments`]:
/// above its logical id or statement, the first line of its body, trailing a line of it)
/// talks about keeping its events.
fn retention_comment(doc: &Document, r: &Resource) -> Option<String> {
    crate::transforms::resource_comments(doc, r)
        .into_iter()
        .find_map(|(text, at)| {
            let lower = text.to_ascii_lowercase();
            ["retention", "retain", "forever", "never expire", "infinite", "keep"]
                .iter()
                .any(|w| lower.contains(w))
                .then(|| {
                    format!(
                        "the comment at line {} says \"{text}\"; retention may have been left out on purpose",
                        doc.line_of(at)
                    )
                })
        })
}

impl Transform for LogGroupRetention {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding> {
        let days = options.get(&META, "days").parse().unwrap_or(365);
        let row = |types: &'static [&'static str], key: &'static str| Setting {
            types,
            path: if key == "RetentionInDays" { &["RetentionInDays"] } else { &["retentionInDays"] },
            want: Want::Int(days),
            absent: Some(Applicability::Review),
            opposite: None,
            subject: "CloudWatch log group",
            lacks: "keeps its events forever",
            fix: "set a retention (review: older events are deleted, the ones already stored included; the number of days is the `days` option)",
            skip: None,
            hold: Some(retention_comment),
        };
        let table = [
            row(&["AWS::Logs::LogGroup", "aws-cdk-lib/aws-logs.CfnLogGroup"], "RetentionInDays"),
            row(&["@cdktf/provider-aws/lib/cloudwatch-log-group.CloudwatchLogGroup"], "retentionInDays"),
        ];
        check_settings(&META, doc, &table)
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(["AWS::Logs::LogGroup", "aws-cdk-lib/aws-logs.CfnLogGroup", "@cdktf/provider-aws/lib/cloudwatch-log-group.CloudwatchLogGroup"])
    }

    fn check_option(&self, name: &str, value: &str) -> Result<(), String> {
        match (name, value.parse::<i64>()) {
            ("days", Ok(d)) if ALLOWED_DAYS.contains(&d) => Ok(()),
            ("days", _) => Err(format!("`days` must be one of the retention periods CloudWatch Logs accepts: {ALLOWED_DAYS:?}")),
            _ => Ok(()),
        }
    }
}
