//! ## What it fixes
//! Broad data-access grants to Lambda functions that the function's own handler code
//! shows it does not need: `bucket.grantReadWrite(fn)` for a function that only reads
//! the bucket, `table.grantFullAccess(fn)` for one that only writes, IAM statements with
//! `Action: s3:*` / `dynamodb:*` for a function that makes three S3 calls.
//!
//! ## Why
//! Least privilege: a compromised or buggy function can only do what its role allows.
//! `grantReadWrite` lets a read-only report generator delete every object; `s3:*` lets it
//! change the bucket policy. cdk-nag AwsSolutions-IAM5 and checkov CKV_AWS_111 /
//! CKV_AWS_355 flag wildcard actions.
//!
//! ## Evidence (how the handler code is found and read)
//! - CDK: the grant's receiver resolves to an `s3.Bucket`, `dynamodb.Table`/`TableV2` or
//!   `kinesis.Stream` constructed in the same file (by its binding: `const x`, `this.x`);
//!   the grantee to a `lambda.Function`, `SingletonFunction`, `NodejsFunction` or
//!   `PythonFunction` of the same file (by binding, by `fn.role`, or an `iam.Role` made in
//!   the file, assumed by `lambda.amazonaws.com` only, that is the `role:` of functions of
//!   the file: then all of them count). Other grantees are not reported.
//! - Handler code: `Code.fromAsset(dir)` (+ `handler: 'file.fn'` → `dir/file.{js,mjs,cjs,ts,py}`;
//!   when that file is missing every source file in `dir`), `entry:` of `NodejsFunction`
//!   (default `<stack>.<id>.ts`) and `PythonFunction` (`entry` dir + `index`), and
//!   `Code.fromInline(…)` strings. Local imports of the handler (`./db`, `from utils import`)
//!   are read too. Paths may be literals, `path.join(__dirname, '../lambda')` /
//!   `path.resolve(…)` / `` `${__dirname}/x` `` or a `const` holding one; `__dirname` paths
//!   are relative to the stack file, others to the project root (the nearest folder with
//!   `cdk.json`, `package.json` or `cdktf.json`), falling back to the stack file's folder
//!   and its two parents. CloudFormation: SAM `CodeUri: dir` / `InlineCode`, Lambda
//!   `Code: { ZipFile: … }` (plain, `!Sub`, `Fn::Join`) or `Code: dir`, relative to the
//!   template. CDKTF: `filename: archive.outputPath` of a `DataArchiveFile`
//!   (`sourceDir`/`sourceFile`) or `asset.path` of a `TerraformAsset`.
//! - The code is located, loaded and lexed by `transforms/shared/handler/` (shared with
//!   lambda-runtime-upgrade).
//! - The code is read by a small lexer (JS/TS and Python; comments skipped, strings and
//!   template substitutions understood), not executed. It finds SDK clients (JS v2
//!   `new AWS.S3()`/`DocumentClient`, v3 `new S3Client()`/`DynamoDBDocumentClient.from()`,
//!   boto3 `client('s3')`/`resource('dynamodb').Table(…)`/`s3.Object(…)`), their calls
//!   (`s3.getObject(`, `send(new PutObjectCommand(`, lib-dynamodb `GetCommand`,
//!   lib-storage `Upload`, `table.put_item(`, `batch_writer()`, `upload_file`, presigned
//!   URLs by operation name), and environment variable reads (`process.env.X`,
//!   `os.environ['X']`, `os.environ.get('X')`, `os.getenv('X')`, `const { X } = process.env`)
//!   followed through variables assigned from them (`const params = { Bucket: BUCKET }`).
//! - CDK ties a call to the granted resource through the function's `environment` (an
//!   object literal or a `const` holding one, or `addEnvironment`): `INPUT_BUCKET:
//!   bucket.bucketName` and a call whose resource parameter (or client, e.g. boto3
//!   `Table(os.environ['TABLE'])`) uses `INPUT_BUCKET`; in `Code.fromInline` template
//!   literals, a `${table.tableName}` substitution ties the same way. Only resource
//!   parameters tie a call (`Bucket`, `CopySource`, `TableName`, `RequestItems`,
//!   `TransactItems`, `StreamName`, `StreamARN`, `QueueUrl`, `TopicArn`, ARNs; also nested,
//!   as in lib-storage `params`, and through variables such as `const params = {…}`): a value
//!   read from one bucket and written as the `Body` of a `PutObject` to another does not tie
//!   the put to the first bucket. A call without any resource parameter (boto3
//!   `upload_file(path, BUCKET, key)`) is tied by all its arguments. A call that uses no
//!   such name counts for the granted resource only when the function has no environment
//!   variable naming another resource of that service; otherwise the grant is left alone.
//! - Textract, Rekognition, Athena and Transcribe read (Athena also writes) S3 objects
//!   with the caller's credentials: a call to them that may use the bucket blocks S3
//!   narrowing.
//!
//! ## Rules
//! - CDK, S3 `grantReadWrite`: reads only → `grantRead`; writes only → `grantPut` (only
//!   puts/uploads), `grantDelete` (only deletes) or `grantWrite`. DynamoDB
//!   `grantReadWriteData`/`grantFullAccess`: → `grantReadData` / `grantWriteData`, and
//!   `grantFullAccess` with reads and writes → `grantReadWriteData`. Kinesis
//!   `grantReadWrite` → `grantRead` / `grantWrite`. Reads and writes → unchanged, no
//!   finding. (SQS queues and SNS topics have no read-write grant to narrow.) A comment
//!   on the line right above the grant that names the old access ("read/write", "read and
//!   write", "read-write", "full access") is changed in the same fix to name the new one
//!   ("read", "write", "delete"), and the message says so.
//! - CloudFormation/SAM and CDKTF: an `Allow` statement whose `Action` is `s3:*`,
//!   `dynamodb:*` or `kinesis:*` (a string or a one-item list) in the policies of a
//!   function's role (`AWS::IAM::Role` `Policies`, `AWS::IAM::Policy`/`ManagedPolicy` with
//!   `Roles: [!Ref Role]`, SAM `Policies` inline statements; CDKTF `IamRolePolicy`,
//!   `IamPolicy` + `IamRolePolicyAttachment`, `IamRole` `inlinePolicy`, with
//!   `JSON.stringify({…})` or a `DataAwsIamPolicyDocument`) → the sorted list of actions
//!   the handler code of every function using that role performs on the service (the
//!   union over the service: the statement's `Resource` is not changed). Roles that
//!   other services may assume too are left alone. When `s3:ListBucket` is needed and
//!   every `Resource` is an object ARN (`…/*`), the finding is reported without a fix:
//!   the statement also needs the bucket ARN.
//! - Never narrowed (finding without fix, saying why): handler code not in the repository
//!   (e.g. "handler asset 'lambda' not in the repository", `Code.fromBucket`, a built
//!   `.zip`), a call of the service the table does not know (`s3.putBucketPolicy`,
//!   `transactWrite`), a call that cannot be tied to one resource, or no call at all.
//!
//! ## Before → after
//! ```ts
//! // lambda/index.ts: s3.send(new GetObjectCommand({ Bucket: process.env.INPUT_BUCKET, … }))
//! bucket.grantReadWrite(fn);   // → bucket.grantRead(fn);
//! ```
//! ```yaml
//! - Effect: Allow
//!   Action: s3:*               # → Action:
//!   Resource: …                #     - s3:GetObject
//!                              #     - s3:PutObject
//! ```
//! The message cites the evidence as `path:line` of each SDK call (paths relative to the
//! folder they were resolved from; inline code: the stack or template file's line).
//!
//! ## Applicability
//! review: the evidence is a static reading of handler code; code paths it cannot see
//! (dynamic client method names, calls in dependencies) would lose permissions.
//!
//! ## Known gaps
//! SAM policy templates (`S3CrudPolicy` → `S3ReadPolicy`) are not narrowed; grants to
//! functions or roles defined in another file or passed in as props are not followed (a
//! role used by functions of other files would be narrowed for this file's functions
//! only); statements listing several actions (`["s3:*", "logs:*"]`) are left alone; IAM
//! statements are narrowed to the union of the service's actions across the role's
//! functions, not per bucket or table; SQS/SNS (`grant(fn, 'sqs:*')`) are not handled.
//! Calls the lexer cannot see (dynamic method names, SDK calls inside installed
//! packages, a bucket name passed to another service with its own role) are the reason
//! this is `review`.
//!
//! ## Equivalent checks
//! cdk-nag AwsSolutions-IAM5; checkov CKV_AWS_111, CKV_AWS_355.

mod cdk;
mod iam;
mod sdk;
#[cfg(test)]
mod tests;

use cdk::*;
use iam::*;
use sdk::*;

use crate::transforms::shared::handler::*;
use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::named_children;
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct LeastPrivilegeGrants;
pub static TRANSFORM: LeastPrivilegeGrants = LeastPrivilegeGrants;

static META: Meta = Meta {
    id: "least-privilege-grants",
    title: "Narrow read-write grants and `s3:*`/`dynamodb:*` statements to what the handler code does",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["AwsSolutions-IAM5", "CKV_AWS_111", "CKV_AWS_355"],
    options: &[],
};

impl Transform for LeastPrivilegeGrants {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc),
            Flavor::CdktfTs => check_cdktf(doc),
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
        }
    }
}

// ---------------------------------------------------------------------------
// Deciding.
// ---------------------------------------------------------------------------

/// A function's name and its handler code, or why the code is not available.
type FunctionCode = (String, Result<Vec<Source>, String>);

/// The calls a grant is about, after tying them to the granted resource.
struct Evidence<'c> {
    mine: Vec<&'c SdkCall>,
    /// Calls we cannot classify or tie to a resource: any one blocks the narrowing.
    unsure: Vec<(&'c SdkCall, &'static str)>,
}

fn attribute<'c>(calls: &'c [SdkCall], service: Service, mine: Option<(&BTreeSet<String>, &BTreeSet<String>)>) -> Evidence<'c> {
    let mut ev = Evidence { mine: vec![], unsure: vec![] };
    if service == Service::S3 {
        for c in calls.iter().filter(|c| c.service == Service::S3User) {
            // Blocks unless it visibly uses another resource.
            let other = mine.is_some_and(|(names, others)| c.env.is_disjoint(names) && !c.env.is_disjoint(others));
            if !other {
                ev.unsure.push((c, "may read the bucket with the function's credentials"));
            }
        }
    }
    for c in calls.iter().filter(|c| c.service == service) {
        if let Some((names, others)) = mine {
            let uses_mine = !c.env.is_disjoint(names);
            if !uses_mine && !c.env.is_disjoint(others) {
                continue;
            }
            if !uses_mine && !others.is_empty() {
                ev.unsure.push((c, "cannot tell which resource it uses"));
                continue;
            }
        }
        if c.actions.is_none() {
            ev.unsure.push((c, "is not an operation this transform knows"));
        } else {
            ev.mine.push(c);
        }
    }
    ev
}

/// `s3:GetObject (lambda/index.ts:12, :30), s3:ListBucket (lambda/index.ts:20)`.
fn cite(calls: &[&SdkCall]) -> String {
    let mut by_action: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in calls {
        for a in c.actions.unwrap_or(&[]) {
            let sites = by_action.entry(a).or_default();
            if !sites.contains(&c.at.as_str()) {
                sites.push(&c.at);
            }
        }
    }
    by_action
        .iter()
        .map(|(a, sites)| {
            let shown: Vec<&str> = sites.iter().take(3).copied().collect();
            let more = if sites.len() > 3 { format!(", +{}", sites.len() - 3) } else { String::new() };
            format!("{a} ({}{more})", shown.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn actions(calls: &[&SdkCall]) -> BTreeSet<&'static str> {
    calls.iter().flat_map(|c| c.actions.unwrap_or(&[]).iter().copied()).collect()
}

fn labels(sources: &[Source]) -> String {
    let mut l: Vec<&str> = sources.iter().map(|s| s.label.as_str()).collect();
    l.dedup();
    if l.len() > 3 {
        format!("{} and {} more", l[..3].join(", "), l.len() - 3)
    } else {
        l.join(", ")
    }
}
