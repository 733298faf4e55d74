//! ## What it fixes
//! Logging and tracing switches that need no new destination: X-Ray tracing of Step
//! Functions state machines and API Gateway REST API stages, ECS Container Insights,
//! DocumentDB and Neptune audit-log exports to CloudWatch Logs, and Amazon MQ (ActiveMQ)
//! audit logs. One table, one row per resource kind and flavor.
//!
//! ## Why
//! Without traces a slow or failing request cannot be followed across services; without
//! Container Insights an ECS cluster has no per-task CPU/memory metrics; without audit-log
//! exports a database's logins and DDL are not recorded anywhere you can query. All are off by
//! default in CloudFormation, CDK and Terraform, and each is one property.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; CDK L1 `Cfn*` classes alike in camelCase):
//! ```yaml
//! Machine:
//!   Type: AWS::StepFunctions::StateMachine        # SAM AWS::Serverless::StateMachine: Tracing
//!   Properties:
//!     TracingConfiguration: { Enabled: true }     # added (review: role needs xray:Put*)
//! Stage:
//!   Type: AWS::ApiGateway::Stage                  # SAM AWS::Serverless::Api alike
//!   Properties:
//!     TracingEnabled: true                        # added
//! Cluster:
//!   Type: AWS::ECS::Cluster
//!   Properties:
//!     ClusterSettings:                            # added (review: cost)
//!       - Name: containerInsights
//!         Value: enabled
//! Docs:
//!   Type: AWS::DocDB::DBCluster                   # AWS::Neptune::DBCluster alike
//!   Properties:
//!     EnableCloudwatchLogsExports: [audit]        # added (review)
//! Broker:
//!   Type: AWS::AmazonMQ::Broker                   # ActiveMQ only
//!   Properties:
//!     Logs: { Audit: true }                       # added (review)
//! ```
//! CDK TypeScript L2: `sfn.StateMachine` gets `tracingEnabled: true` (CDK then grants the role
//! the X-Ray actions itself), `apigateway.RestApi`/`SpecRestApi` get
//! `deployOptions: { tracingEnabled: true }`, `ecs.Cluster` gets
//! `containerInsightsV2: ecs.ContainerInsights.ENABLED`, `docdb.DatabaseCluster` gets
//! `exportAuditLogsToCloudWatch: true`. CDKTF: `SfnStateMachine` `tracingConfiguration`,
//! `ApiGatewayStage` `xrayTracingEnabled`, `EcsCluster` `setting`, `DocdbCluster`
//! `enabledCloudwatchLogsExports`, `NeptuneCluster` `enableCloudwatchLogsExports`.
//!
//! Left alone: explicit `false`/`disabled` with a comment that records why (reported without
//! a fix), values given as parameters/intrinsics/variables, a log-exports list that already
//! names an accepted log type, RabbitMQ brokers (no audit log), a CDK `RestApi` with
//! `deploy: false` (no stage), an `ecs.Cluster` that sets the older `containerInsights`, props
//! with a `...spread`, constructs configured by a Mixin (`.with(…)`, `Mixins.of(…)`).
//!
//! ## Applicability
//! safe: X-Ray on API Gateway stages (API Gateway writes traces with its service-linked role;
//! sampled at 5 % after the first request each second) and on CDK L2 state machines (CDK adds
//! the permissions).
//! review: tracing on CloudFormation/L1/CDKTF state machines (the execution role needs
//! `xray:PutTraceSegments`, `xray:PutTelemetryRecords`, `xray:GetSamplingRules`,
//! `xray:GetSamplingTargets`, otherwise no trace arrives); Container Insights and log exports
//! (billed CloudWatch metrics and log ingestion); DocumentDB/Neptune audit exports only carry
//! events once the cluster parameter group enables `audit_logs` / `neptune_enable_audit_log`;
//! MQ audit logs need a CloudWatch Logs resource policy that lets `mq.amazonaws.com` write; any
//! explicit `false`/`disabled` turned on.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_73 (API Gateway X-Ray), CKV_AWS_65 (Container Insights), CKV_AWS_85
//! (DocumentDB logging), CKV_AWS_101 (Neptune logging), CKV_AWS_197 (MQ audit logging);
//! cdk-nag AwsSolutions-SF2 (Step Functions X-Ray), AwsSolutions-ECS4 (Container Insights).

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::MapNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, Setting, Want};

pub struct TracingAndLogExports;
pub static TRANSFORM: TracingAndLogExports = TracingAndLogExports;

static META: Meta = Meta {
    id: "tracing-and-log-exports",
    title: "Turn on X-Ray tracing, Container Insights and audit-log exports",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_73", "CKV_AWS_65", "CKV_AWS_85", "CKV_AWS_101", "CKV_AWS_197", "AwsSolutions-SF2", "AwsSolutions-ECS4"],
    options: &[],
};

const SAFE: Option<Applicability> = Some(Applicability::Safe);
const REVIEW: Option<Applicability> = Some(Applicability::Review);

const SF: &str = "Step Functions state machine";
const SF_LACKS: &str = "does not trace executions with X-Ray";
const SF_FIX: &str = "turned on X-Ray tracing (review: the execution role needs xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules and xray:GetSamplingTargets, or no trace arrives)";
const SF_L2_FIX: &str = "turned on X-Ray tracing (CDK grants the role the X-Ray actions)";
const API: &str = "API Gateway stage";
const API_LACKS: &str = "does not trace requests with X-Ray";
const API_FIX: &str = "turned on X-Ray tracing (API Gateway samples requests with its service-linked role)";
const ECS: &str = "ECS cluster";
const ECS_LACKS: &str = "does not collect Container Insights metrics";
const ECS_FIX: &str = "turned on Container Insights (review: its metrics are billed as CloudWatch custom metrics)";
const DOC: &str = "DocumentDB cluster";
const NEP: &str = "Neptune cluster";
const DB_LACKS: &str = "does not export its audit log to CloudWatch Logs";
const DB_FIX: &str = "exported the audit log (review: log ingestion is billed, and events only appear once the cluster parameter group enables audit logging)";
const MQ: &str = "Amazon MQ broker";
const MQ_LACKS: &str = "does not send audit logs to CloudWatch Logs";
const MQ_FIX: &str = "turned on audit logs (review: a CloudWatch Logs resource policy must let mq.amazonaws.com write to /aws/amazonmq/broker/*)";

const ENABLED: Want = Want::Bool(true);

static TABLE: &[Setting] = &[
    // Step Functions X-Ray.
    Setting { types: &["AWS::StepFunctions::StateMachine", "aws-cdk-lib/aws-stepfunctions.CfnStateMachine"], path: &["TracingConfiguration", "Enabled"], want: ENABLED, absent: REVIEW, opposite: REVIEW, subject: SF, lacks: SF_LACKS, fix: SF_FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/sfn-state-machine.SfnStateMachine"], path: &["tracingConfiguration", "enabled"], want: ENABLED, absent: REVIEW, opposite: REVIEW, subject: SF, lacks: SF_LACKS, fix: SF_FIX, skip: None, hold: None },
    Setting { types: &["AWS::Serverless::StateMachine"], path: &["Tracing", "Enabled"], want: ENABLED, absent: REVIEW, opposite: REVIEW, subject: SF, lacks: SF_LACKS, fix: SF_FIX, skip: None, hold: None },
    Setting { types: &["aws-cdk-lib/aws-stepfunctions.StateMachine"], path: &["tracingEnabled"], want: ENABLED, absent: SAFE, opposite: REVIEW, subject: SF, lacks: SF_LACKS, fix: SF_L2_FIX, skip: None, hold: None },
    // API Gateway X-Ray.
    Setting { types: &["AWS::ApiGateway::Stage", "AWS::Serverless::Api", "aws-cdk-lib/aws-apigateway.CfnStage"], path: &["TracingEnabled"], want: ENABLED, absent: SAFE, opposite: REVIEW, subject: API, lacks: API_LACKS, fix: API_FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/api-gateway-stage.ApiGatewayStage"], path: &["xrayTracingEnabled"], want: ENABLED, absent: SAFE, opposite: REVIEW, subject: API, lacks: API_LACKS, fix: API_FIX, skip: None, hold: None },
    Setting { types: &["aws-cdk-lib/aws-apigateway.RestApi", "aws-cdk-lib/aws-apigateway.SpecRestApi", "aws-cdk-lib/aws-apigateway.LambdaRestApi"], path: &["deployOptions", "tracingEnabled"], want: ENABLED, absent: SAFE, opposite: REVIEW, subject: API, lacks: API_LACKS, fix: API_FIX, skip: Some(no_deployment), hold: None },
    // ECS Container Insights.
    Setting { types: &["AWS::ECS::Cluster", "aws-cdk-lib/aws-ecs.CfnCluster"], path: &["ClusterSettings"], want: Want::Record { name_key: "Name", name: "containerInsights", value_key: "Value", value: "enabled", accepted: &["enhanced"] }, absent: REVIEW, opposite: REVIEW, subject: ECS, lacks: ECS_LACKS, fix: ECS_FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/ecs-cluster.EcsCluster"], path: &["setting"], want: Want::Record { name_key: "name", name: "containerInsights", value_key: "value", value: "enabled", accepted: &["enhanced"] }, absent: REVIEW, opposite: REVIEW, subject: ECS, lacks: ECS_LACKS, fix: ECS_FIX, skip: None, hold: None },
    Setting {
        types: &["aws-cdk-lib/aws-ecs.Cluster"],
        path: &["containerInsightsV2"],
        want: Want::Enum { module: "aws-cdk-lib/aws-ecs", name: "ContainerInsights", member: "ENABLED", alias: "ecs", accepted: &["ENHANCED"] },
        absent: REVIEW,
        opposite: REVIEW,
        subject: ECS,
        lacks: ECS_LACKS,
        fix: ECS_FIX,
        skip: Some(older_insights_flag),
        hold: None,
    },
    // DocumentDB / Neptune audit-log exports.
    Setting { types: &["AWS::DocDB::DBCluster", "aws-cdk-lib/aws-docdb.CfnDBCluster"], path: &["EnableCloudwatchLogsExports"], want: Want::Items { insert: &["audit"], accepted: &["audit", "profiler"] }, absent: REVIEW, opposite: REVIEW, subject: DOC, lacks: DB_LACKS, fix: DB_FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/docdb-cluster.DocdbCluster"], path: &["enabledCloudwatchLogsExports"], want: Want::Items { insert: &["audit"], accepted: &["audit", "profiler"] }, absent: REVIEW, opposite: REVIEW, subject: DOC, lacks: DB_LACKS, fix: DB_FIX, skip: None, hold: None },
    Setting { types: &["aws-cdk-lib/aws-docdb.DatabaseCluster"], path: &["exportAuditLogsToCloudWatch"], want: ENABLED, absent: REVIEW, opposite: REVIEW, subject: DOC, lacks: DB_LACKS, fix: DB_FIX, skip: Some(docdb_profiler_exported), hold: None },
    Setting { types: &["AWS::Neptune::DBCluster", "aws-cdk-lib/aws-neptune.CfnDBCluster"], path: &["EnableCloudwatchLogsExports"], want: Want::Items { insert: &["audit"], accepted: &["audit"] }, absent: REVIEW, opposite: REVIEW, subject: NEP, lacks: DB_LACKS, fix: DB_FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/neptune-cluster.NeptuneCluster"], path: &["enableCloudwatchLogsExports"], want: Want::Items { insert: &["audit"], accepted: &["audit"] }, absent: REVIEW, opposite: REVIEW, subject: NEP, lacks: DB_LACKS, fix: DB_FIX, skip: None, hold: None },
    // Amazon MQ audit logs (ActiveMQ).
    Setting { types: &["AWS::AmazonMQ::Broker", "aws-cdk-lib/aws-amazonmq.CfnBroker"], path: &["Logs", "Audit"], want: ENABLED, absent: REVIEW, opposite: REVIEW, subject: MQ, lacks: MQ_LACKS, fix: MQ_FIX, skip: Some(not_activemq), hold: None },
];

/// CDK `RestApi` with `deploy: false`: no stage is created, so there is nothing to trace.
fn no_deployment(_doc: &Document, _r: &Resource, props: &MapNode) -> bool {
    props.get("deploy").is_some_and(|v| v.as_bool() != Some(true))
}

/// `ecs.Cluster` with the older `containerInsights` flag: CDK rejects both flags together.
fn older_insights_flag(_doc: &Document, _r: &Resource, props: &MapNode) -> bool {
    props.has("containerInsights")
}

/// `docdb.DatabaseCluster` that already exports the profiler log (checkov accepts either).
fn docdb_profiler_exported(_doc: &Document, _r: &Resource, props: &MapNode) -> bool {
    props.get("exportProfilerLogsToCloudWatch").is_some_and(|v| v.as_bool() == Some(true))
}

/// Brokers whose engine is not ActiveMQ (RabbitMQ has no audit log), or given as an expression.
fn not_activemq(doc: &Document, _r: &Resource, props: &MapNode) -> bool {
    let key = if doc.flavor.is_cfn() { "EngineType" } else { "engineType" };
    props.get(key).is_none_or(|v| v.tag.is_some() || !v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("ACTIVEMQ")))
}

impl Transform for TracingAndLogExports {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        check_settings(&META, doc, TABLE)
    }

    fn interest(&self) -> crate::transform::Interest {
        crate::transforms::table_interest(TABLE)
    }
}
