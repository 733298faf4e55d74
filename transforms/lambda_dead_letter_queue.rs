//! ## What it fixes
//! Lambda functions that are invoked asynchronously and have neither a dead-letter queue
//! nor an on-failure destination. Each gets an SQS queue (14 days retention, encrypted
//! with the AWS managed key `alias/aws/sqs`) as its dead-letter queue, and the function's
//! role gets `sqs:SendMessage` on it where this run can edit the role.
//!
//! ## Why
//! Lambda retries a failed asynchronous event twice and then drops it. Without a
//! dead-letter queue (or an on-failure destination) the event is lost without a
//! trace; with one it can be inspected and replayed. A dead-letter queue receives
//! nothing else: synchronous callers get the error themselves, and poll-based sources
//! (event-source mappings) keep failed records in their own queue or stream.
//!
//! ## Which functions: invoker classes
//! Every function is looked up in the shared function model (`transforms/shared/lambda`),
//! which collects its invokers in its own file and in the files related to it in the same
//! run (a CDK app's stacks joined by relative imports: `this.fn` passed as a prop to another
//! stack and used there counts). Each invoker has a class:
//! - **asynchronous** (fix): S3 notifications, SNS subscriptions, EventBridge/CloudWatch
//!   Events rules and Scheduler, CloudWatch Logs subscriptions, alarm actions, IoT rules,
//!   SES receipt rules, AWS Config rules, CodeCommit triggers, CodePipeline actions, `Invoke`
//!   with `InvocationType: Event` (Step Functions `LambdaInvoke` with `EVENT`), API Gateway
//!   integrations with `X-Amz-Invocation-Type: 'Event'`; `AWS::Lambda::Permission`/
//!   `addPermission`/`grantInvoke` for those services' principals.
//! - **synchronous** (skip): API Gateway REST/HTTP/WebSocket integrations and authorizers
//!   (SAM `Api`/`HttpApi`), ALB targets, function URLs, CloudFront Lambda@Edge associations
//!   (CFN `LambdaFunctionAssociations` through the `AWS::Lambda::Version`, CDK
//!   `edgeLambdas[].functionVersion: fn.currentVersion`), Step Functions tasks, Cognito/Lex/
//!   Connect/AppSync/Alexa triggers, Secrets Manager rotation, Firehose processors,
//!   CloudFormation macros (`AWS::CloudFormation::Macro` `FunctionName`), custom resources
//!   (`Custom::*`/`AWS::CloudFormation::CustomResource` `ServiceToken`, CDK `cr.Provider`
//!   handlers in every import style, `CustomResource` `serviceToken`), Greengrass function
//!   definitions.
//! - **poll-based** (skip): SQS, Kinesis, DynamoDB Streams, Kafka/MSK, MQ, DocumentDB
//!   event-source mappings (`addEventSource(new SqsEventSource(q))`, also through a `const`).
//! - **unknown**: no invoker in any related file. The function may be invoked from another
//!   stack, a console trigger or an SDK call, asynchronously or not at all: the fix is
//!   `review` and its message says what to check.
//!
//! A function with at least one asynchronous invoker gets a DLQ even when others are
//! synchronous. Option `report-skipped` (default `false`) reports the functions skipped for
//! synchronous or poll-based invokers or an on-failure destination as findings without a
//! fix, naming their invokers (for audits against checkov CKV_AWS_116).
//!
//! Already handled (skip): `deadLetterQueue`, `deadLetterQueueEnabled` (also `false`: a
//! decision was made), `deadLetterTopic`, `onFailure`, `fn.configureAsyncInvoke({ onFailure })`,
//! `EventInvokeConfig` with `onFailure`; CFN `DeadLetterConfig`, SAM `DeadLetterQueue` or
//! `EventInvokeConfig.DestinationConfig.OnFailure` (also in `Globals.Function`),
//! `AWS::Lambda::EventInvokeConfig` with `OnFailure`; CDKTF `deadLetterConfig` and
//! `LambdaFunctionEventInvokeConfig` with `onFailure`. Reported without a fix:
//! `SingletonFunction`, `CfnFunction`, functions created in a loop or a callback, declared
//! as class fields, without a props object, or whose props spread something other than a
//! const object literal of the file.
//!
//! ## The role
//! Lambda refuses a DLQ its execution role cannot send to (`InvalidParameterValueException`
//! on create/update). So:
//! - CDK: `Function` adds `sqs:SendMessage` on `deadLetterQueue` to its role itself
//!   (aws-cdk-lib `Function.buildDeadLetterQueue` → `addToRolePolicy`): safe for a generated
//!   role or an `iam.Role` of the file; `review` for `Role.fromRoleArn`/`fromRoleName`
//!   (CDK adds the statement only to a mutable import in the stack's account) and for a
//!   role passed in from elsewhere.
//! - CDKTF: for an `IamRole` of the file, the statement is added where the role's policy
//!   is written (`inlinePolicy`, an `IamRolePolicy`, or an attached `IamPolicy`, as
//!   `JSON.stringify({...})` or a `DataAwsIamPolicyDocument`); when it has none, a new
//!   `IamRolePolicy { role: role.id, policy: JSON.stringify(…) }` is added and the function
//!   gets `dependsOn` on it. A role that is not an `IamRole` of the file: `review`, and the
//!   message gives the statement to add.
//! - CloudFormation: a `Role: !GetAtt R.Arn` of an `AWS::IAM::Role` in the template gets a
//!   policy allowing `sqs:SendMessage` on the queue(s) (one per role and run); SAM without
//!   `Role` grants it itself. An external role (ARN, parameter, import): `review`, and the
//!   message gives the statement to add.
//!
//! ## Encryption
//! The queue uses the AWS managed key for SQS (CFN `KmsMasterKeyId: alias/aws/sqs`, CDK
//! `encryption: sqs.QueueEncryption.KMS_MANAGED`, CDKTF `kmsMasterKeyId: 'alias/aws/sqs'`):
//! checkov CKV_AWS_27 passes only with `KmsMasterKeyId` (it does not accept
//! `SqsManagedSseEnabled`), and the AWS managed key's policy lets every principal of the
//! account that may use SQS use the key through SQS, so `sqs:SendMessage` remains the only
//! permission the function needs (SQS developer guide, "Key management"; aws-cdk-lib emits
//! no key grants for `alias/aws/sqs`).
//!
//! ## Before → after
//! CDK TypeScript (the queue is bound to a const named after the function's variable,
//! declared just above the function's statement and its comments):
//! ```ts
//! const handler = new lambda.Function(this, 'Handler', { … });
//! // becomes
//! const handlerDlq = new sqs.Queue(this, 'HandlerDLQ', {
//!   retentionPeriod: cdk.Duration.days(14),
//!   encryption: sqs.QueueEncryption.KMS_MANAGED,
//!   enforceSSL: true,
//! });
//! const handler = new lambda.Function(this, 'Handler', { …, deadLetterQueue: handlerDlq });
//! ```
//! `aws-cdk-lib/aws-sqs` and `Duration` are imported in the file's style when missing. A
//! construct id that is not a string literal becomes `` `${id}DLQ` ``.
//!
//! CDKTF TypeScript:
//! ```ts
//! const fnDlq = new SqsQueue(this, 'fn-dlq', {
//!   name: 'orders-dlq',            // when the function has a literal functionName
//!   messageRetentionSeconds: 1209600,
//!   kmsMasterKeyId: 'alias/aws/sqs',
//! });
//! new IamRolePolicy(this, 'fn-dlq-send', { role: role.id, policy: JSON.stringify({ … }) });
//! new LambdaFunction(this, 'fn', { …, deadLetterConfig: { targetArn: fnDlq.arn }, dependsOn: [fnDlqSend] });
//! ```
//!
//! CloudFormation / SAM (YAML short tags or long form as the file writes them; JSON alike):
//! ```yaml
//! Fn:
//!   Type: AWS::Lambda::Function
//!   Properties:
//!     …
//!     DeadLetterConfig:
//!       TargetArn: !GetAtt FnDLQ.Arn
//! FnDLQ:
//!   Type: AWS::SQS::Queue
//!   Properties:
//!     MessageRetentionPeriod: 1209600
//!     KmsMasterKeyId: alias/aws/sqs
//! ```
//! SAM functions get `DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt FnDLQ.Arn }`. A
//! function carrying a `Condition` gives its queue the same `Condition` (and the role policy
//! is wrapped in `Fn::If` when the role is not under that condition).
//!
//! ## Applicability
//! safe only when an asynchronous invoker is visible and the role is generated or edited
//! in the same fix; `review` when the invoker is unknown or the role lies outside this run.
//!
//! ## Known gaps
//! CloudFormation templates are not linked to each other (`Fn::ImportValue` of a function's
//! ARN in another template is not followed). Cross-file TypeScript matching is by property
//! name within one app's import graph. Invokers created at run time (SDK `Invoke`) are not
//! seen.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_116 (Lambda DLQ), cdk-nag (Serverless) `Serverless-LambdaDLQ`,
//! cfn_nag none, cfn-lint none. The queue itself satisfies checkov CKV_AWS_27.

mod cdk;
mod cdktf;
mod cfn;
mod ts;

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::lambda::{self, Class, Function};
use crate::transforms::finding_with;

pub struct LambdaDeadLetterQueue;
pub static TRANSFORM: LambdaDeadLetterQueue = LambdaDeadLetterQueue;

static META: Meta = Meta {
    id: "lambda-dead-letter-queue",
    title: "Give asynchronously invoked Lambda functions a dead-letter queue",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["CKV_AWS_116", "HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ", "Serverless-LambdaDLQ", "LAMBDA_DLQ_CHECK"],
    options: &[(
        "report-skipped",
        "false",
        "also report functions left alone for synchronous or poll-based invokers or an on-failure destination (no fix)",
    )],
};

const RETENTION_SECONDS: i64 = 1_209_600;
/// The AWS managed key for SQS (checkov CKV_AWS_27 wants `KmsMasterKeyId`).
const SQS_MANAGED_KEY: &str = "alias/aws/sqs";

impl Transform for LambdaDeadLetterQueue {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding> {
        let report_skipped = options.get(&META, "report-skipped") == "true";
        let functions = lambda::functions(doc);
        let mut out = Vec::new();
        let mut wanted = Vec::new();
        for f in functions {
            match verdict(&f) {
                Verdict::Fix(v) => wanted.push((f, v)),
                Verdict::Skip(why) if report_skipped && !has_dlq(&f) => out.push(META.finding(
                    f.resource.node.start_byte(),
                    format!("Lambda function `{}` has no dead-letter queue and needs none: {why}", f.name),
                    None,
                )),
                Verdict::Skip(_) => {}
            }
        }
        out.extend(match doc.flavor {
            Flavor::CdkTs => cdk::check(doc, wanted),
            Flavor::CdktfTs => cdktf::check(doc, wanted),
            Flavor::CfnJson | Flavor::CfnYaml => cfn::check(doc, wanted),
        });
        out
    }
}

/// A dead-letter queue or destination set on the function itself, in any flavor's spelling.
fn has_dlq(f: &Function) -> bool {
    const KEYS: &[&str] = &[
        "deadLetterQueue",
        "deadLetterQueueEnabled",
        "deadLetterTopic",
        "deadLetterConfig",
        "onFailure",
        "DeadLetterConfig",
        "DeadLetterQueue",
    ];
    f.resource
        .props
        .is_some_and(|p| KEYS.iter().any(|k| p.has(k)))
}

/// Why a function wants a DLQ.
pub(super) struct Want {
    /// `Lambda function `x` is invoked asynchronously (…)` / `has no visible invoker …`.
    pub head: String,
    pub unknown: bool,
}

enum Verdict {
    Fix(Want),
    /// Left alone because of its invokers or an on-failure destination (the reason).
    Skip(String),
}

fn verdict(f: &Function) -> Verdict {
    if !f.on_failure.is_empty() {
        return Verdict::Skip(format!(
            "failed asynchronous events go to its on-failure destination ({})",
            f.on_failure.join(", ")
        ));
    }
    if f.has(Class::Asynchronous) {
        return Verdict::Fix(Want {
            head: format!(
                "Lambda function `{}` is invoked asynchronously ({})",
                f.name,
                f.of_class(Class::Asynchronous).join(", ")
            ),
            unknown: false,
        });
    }
    let sync = f.of_class(Class::Synchronous);
    let polled = f.of_class(Class::Poll);
    match (sync.is_empty(), polled.is_empty()) {
        (true, true) => Verdict::Fix(Want {
            head: format!("Lambda function `{}` has no visible invoker (invoker unknown)", f.name),
            unknown: true,
        }),
        (false, true) => Verdict::Skip(format!(
            "its invokers are only synchronous ({}); they receive its errors themselves",
            sync.join(", ")
        )),
        (true, false) => Verdict::Skip(format!(
            "its invokers are only poll-based ({}); failed records stay with the source's own redrive or on-failure settings",
            polled.join(", ")
        )),
        (false, false) => Verdict::Skip(format!(
            "its invokers are only synchronous and poll-based ({})",
            sync.iter().chain(&polled).cloned().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// What the unknown-invoker message asks the user to check.
const UNKNOWN_CHECK: &str = "no invoker was found in this file or the files related to it in this run; check who invokes it: a dead-letter queue only receives events of asynchronous invocations (S3, SNS, EventBridge, `InvocationType: Event`…) and is useless for API Gateway, load balancers, event-source mappings or custom resources";

/// The finding for a fix: `safe` only for a visible asynchronous invoker and a role this
/// fix can rely on.
fn fix_finding(want: &Want, offset: usize, mut message: String, edits: Vec<Edit>, role_ok: bool) -> Finding {
    if want.unknown {
        message.push_str(&format!(" ({UNKNOWN_CHECK})"));
    }
    let applicability = if want.unknown || !role_ok {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    finding_with(&META, applicability, offset, message, edits)
}

/// The IAM statement a role outside this run needs, for messages.
fn statement_for(queue: &str) -> String {
    format!("{{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"<ARN of {queue}>\"}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(ts::dlq_id("Handler"), "HandlerDLQ");
        assert_eq!(ts::dlq_id("order-fn"), "order-fn-dlq");
        assert!(statement_for("arn").contains("sqs:SendMessage"));
    }
}
