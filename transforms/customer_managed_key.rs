//! ## What it fixes
//! CloudWatch Logs log groups without `KmsKeyId` and Lambda functions whose environment
//! variables are encrypted only with the AWS managed key (`Environment.Variables` without
//! `KmsKeyArn`), in CloudFormation / SAM templates. They are pointed at one customer
//! managed KMS key per template (the B1 companion of `transforms/shared/kms_companion.rs`).
//!
//! ## Why
//! Log events and environment variables often hold secrets and personal data. With the
//! service's own key the key policy cannot be read or changed, access cannot be revoked
//! by disabling the key, and key use does not appear in CloudTrail under a key you control.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; short or long intrinsic form as the file writes them):
//! ```yaml
//! AppLogs:
//!   Type: AWS::Logs::LogGroup
//!   Properties:
//!     RetentionInDays: 30
//!     KmsKeyId: !GetAtt StackKey.Arn        # added
//! Api:
//!   Type: AWS::Lambda::Function
//!   Properties:
//!     Environment:
//!       Variables: { TABLE: orders }
//!     KmsKeyArn: !GetAtt StackKey.Arn       # added
//! StackKey:                                 # added, once per template
//!   Type: AWS::KMS::Key
//!   DeletionPolicy: Retain
//!   UpdateReplacePolicy: Retain
//!   Properties:
//!     Description: Customer managed key for the log groups and Lambda environment variables of this stack
//!     EnableKeyRotation: true
//!     KeyPolicy:
//!       Version: '2012-10-17'
//!       Statement:
//!         - Sid: EnableRootAccountAccess     # the account keeps control: IAM decides who uses the key
//!           Effect: Allow
//!           Principal: { AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }
//!           Action: kms:*
//!           Resource: '*'
//!         - Sid: AllowCloudWatchLogs         # only when the template has log groups
//!           Effect: Allow
//!           Principal: { Service: !Sub 'logs.${AWS::Region}.amazonaws.com' }
//!           Action: [kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*]
//!           Resource: '*'
//!           Condition:
//!             ArnLike:
//!               kms:EncryptionContext:aws:logs:arn: !Sub 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*'
//! ```
//! The Logs statement is the one the CloudWatch Logs user guide gives ("Encrypt log data in
//! CloudWatch Logs using AWS KMS"), widened from one log group to the account's log groups
//! of the region so one key serves the template. Lambda needs no key policy statement: it
//! creates a grant for the function when the function is configured, with the deploying
//! principal's `kms:CreateGrant`/`kms:Encrypt`, which IAM can allow through the account
//! statement.
//!
//! CDK TypeScript (`kms`, `iam` and `Aws` imported in the file's style when missing):
//! ```ts
//! const stackKey = new kms.Key(this, 'StackKey', {              // added, once per scope
//!   description: 'Customer managed key for the log groups and Lambda environment variables of this stack',
//!   enableKeyRotation: true,
//! });
//! stackKey.addToResourcePolicy(new iam.PolicyStatement({         // added when a log group needs it
//!   principals: [new iam.ServicePrincipal(`logs.${cdk.Aws.REGION}.amazonaws.com`)],
//!   actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
//!   resources: ['*'],
//!   conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${cdk.Aws.PARTITION}:logs:${cdk.Aws.REGION}:${cdk.Aws.ACCOUNT_ID}:log-group:*` } },
//! }));
//! const apiLogs = new logs.LogGroup(this, 'ApiLogs', { …, encryptionKey: stackKey });
//! const handler = new lambda.Function(this, 'Handler', { …, environment: {…}, environmentEncryption: stackKey });
//! ```
//! `logs.LogGroup` only passes `encryptionKey` through as `KmsKeyId` (aws-cdk-lib 2.269
//! `aws-logs/lib/log-group.js` adds no key policy), hence the explicit statement; `kms.Key`
//! keeps the account root in its default policy and is retained on stack deletion by
//! default. Functions: `lambda.Function`, `NodejsFunction`, `PythonFunction`, `GoFunction`.
//! Left alone in CDK: constructs with `encryptionKey`/`environmentEncryption`, functions
//! without `environment`, constructs a Mixin configures; props with a spread, constructs in a
//! loop, a callback or a class field are reported without a fix.
//!
//! Which key: the one this transform added before (recognised by its `Description`); for a
//! function also a key other functions of the template already name in `KmsKeyArn` when no
//! statement of its key policy has a `Condition` (Lambda uses the key through a grant made
//! with the deployer's permissions, which an unconditioned policy gives for every function
//! alike); otherwise a new one at the end of `Resources`. A log group never reuses another
//! key: CloudWatch Logs uses it with the encryption context `aws:logs:arn`, and a policy
//! written for other log groups often admits only them (`ArnEquals …:log-group:/audit`), so
//! associating it fails. A key under a `Condition` other than the resource's own, or named
//! only inside `Fn::If`, is never reused (an unconditional reference to it breaks the
//! template when the condition is false). A key of the template used for anything else (a
//! table, a bucket) is not taken over: its policy and its administrators are another matter.
//!
//! ## Applicability
//! review: a customer managed key costs money ($1 a month plus requests, AWS KMS pricing);
//! deleting or disabling it makes the log events and the function's configuration
//! unreadable (hence `Retain`); whoever deploys or edits the function needs `kms:CreateGrant`,
//! `kms:Encrypt` and `kms:Decrypt` on the key through IAM. Both properties update in place
//! (no replacement): CloudWatch Logs encrypts only events ingested after the key is
//! associated (AssociateKmsKey; up to five minutes).
//!
//! Left alone: a log group or function that names any key (a parameter, an import, an
//! intrinsic), functions without environment variables, SAM functions when
//! `Globals.Function.KmsKeyArn` is set, log groups a Cognito user pool delivers its logs to
//! (`AWS::Cognito::LogDeliveryConfiguration` / CDK `CfnLogDeliveryConfiguration` naming them:
//! Cognito requires an unencrypted log group; reported without a fix), resources whose definition (or the comment lines right
//! above it) carries a comment deciding against a key (`# no KMS: nothing sensitive`: a
//! negation and `kms`/`encrypt`/`cmk`; reported without a fix), resources
//! inside `Fn::ForEach`, templates with an unmodelled macro (reported without a fix).
//! Suppressions (`iac-fix: ignore[customer-managed-key]`, or checkov's ids) apply per
//! resource.
//!
//! ## Known gaps
//! CDKTF and CDK L1 (`CfnLogGroup`, `CfnFunction`) are not handled yet. CDK reuses only the
//! key this transform declared in the same block.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_158 (log group KMS) and CKV_AWS_173 (Lambda environment encryption);
//! cdk-nag `*-CloudWatchLogGroupEncrypted` (HIPAA, NIST 800-53 R4/R5, PCI DSS); AWS Config
//! `CLOUDWATCH_LOG_GROUP_ENCRYPTED`.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_stack_key, reason_comment, set_property, KeyUse, STACK_KEY_DESCRIPTION};
use crate::value::Value;

pub struct CustomerManagedKey;
pub static TRANSFORM: CustomerManagedKey = CustomerManagedKey;

static META: Meta = Meta {
    id: "customer-managed-key",
    title: "Encrypt log groups and Lambda environment variables with a customer managed KMS key",
    flavors: &[Flavor::CdkTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_158",
        "CKV_AWS_173",
        "HIPAA.Security-CloudWatchLogGroupEncrypted",
        "NIST.800.53.R4-CloudWatchLogGroupEncrypted",
        "NIST.800.53.R5-CloudWatchLogGroupEncrypted",
        "PCI.DSS.321-CloudWatchLogGroupEncrypted",
        "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
    ],
    options: &[],
};

/// Words of a comment that records a decision about the resource's encryption.
const REASON_WORDS: &[&str] = &["kms", "encrypt", "cmk", "customer managed", "customer-managed"];

const COST: &str = "review: a customer managed key costs $1 a month plus requests; deleting or disabling it makes what it encrypts unreadable";

impl Transform for CustomerManagedKey {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// Findings are per log group or function with environment variables (see `check`).
    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        let cfn = ["AWS::Logs::LogGroup", "AWS::Lambda::Function", "AWS::Serverless::Function"];
        Interest::types(CDK_FUNCTIONS.iter().copied().chain([CDK_LOG_GROUP]).chain(cfn))
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        if doc.flavor == Flavor::CdkTs {
            return check_cdk(doc);
        }
        let mut out = Vec::new();
        let unencrypted_targets = cfn_unencrypted_destinations(doc);
        for r in doc.of_type("AWS::Logs::LogGroup") {
            if r.props.is_some_and(|p| p.has("KmsKeyId")) || r.in_loop.is_some() {
                continue;
            }
            let head = format!("CloudWatch log group `{}` is encrypted only with the service's own key", name(r));
            if let Some((consumer, at)) = r.logical_id.as_deref().and_then(|id| unencrypted_targets.iter().find(|(_, _, g)| g == id)).map(|(c, at, _)| (c, at)) {
                out.push(META.finding(r.node.start_byte(), format!("{head}; not fixed: {consumer} (line {}) delivers its logs here, and {NO_KMS_DESTINATION}", doc.line_of(*at)), None));
                continue;
            }
            out.extend(fix(doc, r, KeyUse::Logs, "KmsKeyId", &head, "CloudWatch Logs encrypts the events ingested from then on (associating takes up to five minutes; no replacement)"));
        }
        let globals_key = doc
            .template
            .and_then(|t| t.get_path(&["Globals", "Function", "KmsKeyArn"]))
            .is_some();
        for r in doc.of_types(&["AWS::Lambda::Function", "AWS::Serverless::Function"]) {
            let Some(props) = r.props else { continue };
            let sam_global = globals_key && r.type_name == "AWS::Serverless::Function";
            if props.has("KmsKeyArn") || sam_global || r.in_loop.is_some() {
                continue;
            }
            let variables = props.get_path(&["Environment", "Variables"]);
            let empty = variables.is_some_and(|v| v.as_map().is_some_and(|m| m.entries().is_empty()));
            if variables.is_none() || empty {
                continue;
            }
            let head = format!("Lambda function `{}` has environment variables encrypted only with the AWS managed key", name(r));
            out.extend(fix(doc, r, KeyUse::LambdaEnvironment, "KmsKeyArn", &head, "Lambda re-encrypts the variables on the next deployment (no replacement); the principal that deploys or edits the function needs `kms:CreateGrant`, `kms:Encrypt` and `kms:Decrypt` on the key through IAM, which Lambda uses to create the grant the function decrypts with"));
        }
        out
    }
}

/// Why a log delivery destination stays unencrypted: the CloudFormation reference of
/// `AWS::Cognito::LogDeliveryConfiguration` `CloudWatchLogsConfiguration.LogGroupArn` (and the
/// Cognito API's `CloudWatchLogsConfigurationType`): "The log group must not be encrypted with
/// AWS Key Management Service".
const NO_KMS_DESTINATION: &str = "Cognito requires that log group not be encrypted with AWS KMS (`CloudWatchLogsConfiguration.LogGroupArn` of `AWS::Cognito::LogDeliveryConfiguration`): a key would stop the user pool's log delivery";

/// The log groups of the template that a service which refuses KMS-encrypted destinations
/// writes to: (what delivers, its offset, the log group's logical id). Today Cognito user
/// pool log delivery (`AWS::Cognito::LogDeliveryConfiguration`, any reference inside its
/// `LogConfigurations`).
fn cfn_unencrypted_destinations(doc: &Document) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for d in doc.of_type("AWS::Cognito::LogDeliveryConfiguration") {
        let Some(v) = d.props.and_then(|p| p.get("LogConfigurations")) else { continue };
        let mut names = std::collections::HashSet::new();
        crate::transforms::cfn_references(v, &mut names);
        for g in names {
            out.push((format!("Cognito log delivery `{}`", name(d)), d.node.start_byte(), g));
        }
    }
    out
}

fn name<'a>(r: &'a Resource) -> &'a str {
    r.logical_id.as_deref().unwrap_or("?")
}

/// The finding for one resource: the key (created or reused) and the property.
fn fix(doc: &Document, r: &Resource, usage: KeyUse, prop: &str, head: &str, effect: &str) -> Option<Finding> {
    let offset = r.node.start_byte();
    if let Some(why) = reason_comment(doc, r, REASON_WORDS) {
        return Some(META.finding(offset, format!("{head}; not fixed: {why}, so its encryption may have been chosen on purpose"), None));
    }
    let key = match cfn_stack_key(doc, usage, r) {
        Ok(k) => k,
        Err(why) => return Some(META.finding(offset, format!("{head}; not fixed: {why}"), None)),
    };
    let mut edits = set_property(doc, r, prop, &Value::GetAtt(key.id.clone(), "Arn".into()))?;
    edits.extend(key.edits);
    let message = format!("{head}: set `{prop}` to {} ({effect}; {COST})", key.how);
    Some(META.finding(offset, message, Some(edits)))
}

// ---------------------------------------------------------------- CDK

const CDK_LOG_GROUP: &str = "aws-cdk-lib/aws-logs.LogGroup";
/// The L2 functions whose props take `environment` and `environmentEncryption`.
const CDK_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "aws-cdk-lib/aws-lambda-python.PythonFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
    "aws-cdk-lib/aws-lambda-go.GoFunction",
    "@aws-cdk/aws-lambda-go-alpha.GoFunction",
];

/// The binding of the key this transform declared in the block of `stmt` before it (by its
/// `description`), and whether the file lets CloudWatch Logs use it.
fn cdk_own_key(doc: &Document, stmt: tree_sitter::Node) -> Option<(String, bool)> {
    doc.of_type("aws-cdk-lib/aws-kms.Key").find_map(|k| {
        let described = k.props?.get("description")?.as_str()? == STACK_KEY_DESCRIPTION;
        let same_block = k.statement?.parent()?.id() == stmt.parent()?.id() && k.statement?.end_byte() <= stmt.start_byte();
        let b = k.binding.as_deref()?;
        (described && same_block).then(|| {
            let logs = doc.source().contains(&format!("{b}.addToResourcePolicy(")) && doc.source().contains("logs.${");
            (b.to_string(), logs)
        })
    })
}

/// The statement that lets CloudWatch Logs of the stack's region use `key` for the
/// account's log groups (as [`crate::transforms::logs_statement`] for CloudFormation):
/// `logs.LogGroup` passes `encryptionKey` through as `KmsKeyId` and adds no key policy
/// (aws-cdk-lib 2.269 `aws-logs/lib/log-group.js`).
fn cdk_logs_statement(ts: &crate::lang::ts::TsFile, key: &str, edits: &mut Vec<crate::edit::Edit>) -> String {
    let mut name = |module: &str, export: &str, alias: &str| {
        let (text, import) = ts.reference(module, export, alias);
        edits.extend(import);
        text
    };
    let statement = name("aws-cdk-lib/aws-iam", "PolicyStatement", "iam");
    let principal = name("aws-cdk-lib/aws-iam", "ServicePrincipal", "iam");
    let aws = name("aws-cdk-lib", "Aws", "cdk");
    // One import per module: the second name of a module reuses the first one's edit.
    let mut seen = std::collections::HashSet::new();
    edits.retain(|e| seen.insert((e.range.clone(), e.text.clone())));
    let q = ts.doc.style.quote;
    let s = |t: &str| crate::value::quote(t, q);
    format!(
        "{key}.addToResourcePolicy(new {statement}({{\n  principals: [new {principal}(`logs.${{{aws}.REGION}}.amazonaws.com`)],\n  actions: [{}],\n  resources: [{}],\n  conditions: {{\n    ArnLike: {{ {}: `arn:${{{aws}.PARTITION}}:logs:${{{aws}.REGION}}:${{{aws}.ACCOUNT_ID}}:log-group:*` }},\n  }},\n}}))",
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"].map(s).join(", "),
        s("*"),
        s("kms:EncryptionContext:aws:logs:arn"),
    )
}

/// CDK `logs.LogGroup` without `encryptionKey` and L2 functions with `environment` but no
/// `environmentEncryption` point at one `kms.Key` per block (constructor), declared before
/// the first construct of the block that needs it; log groups add the Logs key policy
/// statement after it.
fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mixins = doc.source().contains("Mixins.of(");
    let mut wanted: Vec<(&Resource, crate::transforms::Placement, KeyUse)> = Vec::new();
    let mut out = Vec::new();
    let mut candidates: Vec<(&Resource, KeyUse)> = doc.of_type(CDK_LOG_GROUP).map(|r| (r, KeyUse::Logs)).collect();
    candidates.extend(doc.of_types(CDK_FUNCTIONS).into_iter().map(|r| (r, KeyUse::LambdaEnvironment)));
    for (r, usage) in candidates {
        let at = r.node.start_byte();
        let name = r.binding.as_deref().or(r.logical_id.as_deref()).unwrap_or("construct").to_string();
        let props = r.props;
        let head = match usage {
            KeyUse::Logs => {
                if props.is_some_and(|p| p.has("encryptionKey")) {
                    continue;
                }
                let head = format!("CloudWatch log group `{name}` is encrypted only with the service's own key");
                // Cognito log delivery (L1 `CfnLogDeliveryConfiguration`) naming this group.
                let delivery = r.binding.as_deref().and_then(|b| {
                    doc.of_type("aws-cdk-lib/aws-cognito.CfnLogDeliveryConfiguration").find(|d| {
                        doc.text(d.node).split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.')).any(|w| w == b || w.starts_with(&format!("{b}.")))
                    })
                });
                if let Some(d) = delivery {
                    let what = d.binding.as_deref().or(d.logical_id.as_deref()).unwrap_or("CfnLogDeliveryConfiguration");
                    out.push(META.finding(at, format!("{head}; not fixed: Cognito log delivery `{what}` (line {}) delivers its logs here, and {NO_KMS_DESTINATION}", doc.line_of(d.node.start_byte())), None));
                    continue;
                }
                head
            }
            KeyUse::LambdaEnvironment => {
                let Some(p) = props else { continue };
                let env = p.get("environment");
                let empty = env.is_some_and(|v| v.as_map().is_some_and(|m| m.entries().is_empty()));
                if p.has("environmentEncryption") || env.is_none() || empty {
                    continue;
                }
                format!("Lambda function `{name}` has environment variables encrypted only with the AWS managed key")
            }
        };
        if mixins || r.statement.is_some_and(|s| doc.text(s).contains(".with(")) {
            continue;
        }
        let report = |why: &str| META.finding(at, format!("{head}; not fixed: {why}"), None);
        if props.is_some_and(|p| p.has_spread()) {
            out.push(report("its props spread another object, which may set it"));
            continue;
        }
        if let Some(why) = reason_comment(doc, r, REASON_WORDS) {
            out.push(report(&format!("{why}, so its encryption may have been chosen on purpose")));
            continue;
        }
        match crate::transforms::placement_before(ts, r) {
            Ok(p) if p.repeats && cdk_own_key(doc, p.stmt).is_none() => out.push(report(&format!(
                "it is created in a function with a computed id (`{}`), which may run more than once, and a key declared there with one fixed id would collide; pass a key in",
                p.id.map_or("?", |v| v.text().trim_matches('`'))
            ))),
            Ok(p) => wanted.push((r, p, usage)),
            Err(why) => out.push(report(why)),
        }
    }
    let q = doc.parsed.style.quote;
    for (r, place, usage) in &wanted {
        let block = ts.parent(place.stmt).map(|b| b.id());
        let logs_in_block = wanted.iter().any(|(_, p, u)| *u == KeyUse::Logs && ts.parent(p.stmt).map(|b| b.id()) == block);
        let mut edits = Vec::new();
        let (key, how) = match cdk_own_key(doc, place.stmt) {
            Some((key, admits)) => {
                let mut how = format!("the key `{key}` of this scope");
                if *usage == KeyUse::Logs && !admits {
                    let own = doc.bound_to(&key, place.stmt).filter(|k| k.type_name == "aws-cdk-lib/aws-kms.Key");
                    let Some(stmt) = own.and_then(|k| k.statement) else { continue };
                    let code = cdk_logs_statement(ts, &key, &mut edits);
                    edits.push(ts.insert_after(stmt, &ts.statement_text(&code)));
                    how.push_str(" (its policy now admits CloudWatch Logs)");
                }
                (key, how)
            }
            None => {
                let first = wanted
                    .iter()
                    .filter(|(_, p, _)| ts.parent(p.stmt).map(|b| b.id()) == block)
                    .map(|(_, p, _)| p)
                    .min_by_key(|p| p.stmt.start_byte())
                    .unwrap_or(place);
                // One key per block; two blocks of one class share its construct scope.
                let owner = format!("customer-managed-key {}", first.stmt.start_byte());
                let key = crate::transforms::unique_in_pass(doc, &owner, "stackKey", |c| doc.has_word(c));
                let id = crate::transforms::unique_in_pass(doc, &owner, "StackKey", |c| crate::transforms::has_string_literal(doc, c));
                let (class, import) = ts.reference("aws-cdk-lib/aws-kms", "Key", "kms");
                edits.extend(import);
                let tc = if doc.parsed.style.trailing_comma { "," } else { "" };
                let mut code = ts.statement_text(&format!(
                    "const {key} = new {class}({}, {}, {{\n  description: {},\n  enableKeyRotation: true{tc}\n}})",
                    first.scope,
                    crate::value::quote(&id, q),
                    crate::value::quote(STACK_KEY_DESCRIPTION, q),
                ));
                if logs_in_block {
                    let statement = cdk_logs_statement(ts, &key, &mut edits);
                    code = format!("{code}\n{}", ts.statement_text(&statement));
                }
                edits.push(ts.insert_before(first.stmt, &code));
                let admits = if logs_in_block { "; its policy admits CloudWatch Logs of the stack's region for the account's log groups" } else { "" };
                (key.clone(), format!("a new `kms.Key` `{key}` (rotation on; kept on stack deletion, the default `RETAIN`{admits})"))
            }
        };
        let (prop, effect) = match usage {
            KeyUse::Logs => ("encryptionKey", "CloudWatch Logs encrypts the events ingested from then on (no replacement)"),
            KeyUse::LambdaEnvironment => ("environmentEncryption", "Lambda re-encrypts the variables on the next deployment (no replacement); whoever deploys or edits the function needs `kms:CreateGrant`, `kms:Encrypt` and `kms:Decrypt` on the key"),
        };
        match r.props {
            Some(props) => edits.extend(crate::transforms::insert_entries(props, &[(prop, Value::code(key.clone()))])),
            None => {
                let Some(id) = r.node.child_by_field_name("arguments").and_then(|a| ts.args(a).get(1).copied()) else { continue };
                edits.push(crate::edit::Edit::insert(id.node.end_byte(), format!(", {{ {prop}: {key} }}")));
            }
        }
        let name = r.binding.as_deref().or(r.logical_id.as_deref()).unwrap_or("construct");
        let what = match usage {
            KeyUse::Logs => format!("CloudWatch log group `{name}` is encrypted only with the service's own key"),
            KeyUse::LambdaEnvironment => format!("Lambda function `{name}` has environment variables encrypted only with the AWS managed key"),
        };
        out.push(META.finding(r.node.start_byte(), format!("{what}: set `{prop}` to {how} ({effect}; {COST})"), Some(edits)));
    }
    out
}
