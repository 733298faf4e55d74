//! One model of each Lambda function, shared by the transforms that change functions:
//! who invokes it (across every file of the run), whether failed asynchronous events
//! already go somewhere, and which role it runs as and whether that role can be edited
//! here.
//!
//! Functions: CloudFormation `AWS::Lambda::Function` and `AWS::Serverless::Function`; CDK
//! `lambda.Function`, `NodejsFunction`, `PythonFunction`, `GoFunction`,
//! `DockerImageFunction`, `SingletonFunction`, `CfnFunction`; CDKTF `LambdaFunction`.
//!
//! Invokers are classified by how Lambda is called (AWS Lambda developer guide, "Invoking
//! Lambda with events from other AWS services", and each service's page):
//! - **asynchronous**: Lambda queues the event and retries it twice; a dead-letter queue or
//!   an on-failure destination receives what still fails. S3 notifications, SNS,
//!   EventBridge (CloudWatch Events) rules and Scheduler, CloudWatch Logs subscriptions,
//!   CloudWatch alarm actions, IoT rules and IoT Events, SES receipt rules (default
//!   `Event`), AWS Config rules, CodeCommit triggers, CodePipeline actions, `Invoke` with
//!   `InvocationType: Event` (Step Functions `LambdaInvoke` with `EVENT`), API Gateway
//!   integrations that send `X-Amz-Invocation-Type: 'Event'`.
//! - **synchronous**: the caller waits and handles the error itself. API Gateway REST/HTTP/
//!   WebSocket integrations and authorizers (SAM `Api`/`HttpApi` events), ALB targets,
//!   function URLs, CloudFront (Lambda@Edge), Step Functions tasks, Cognito/Lex/Connect/
//!   AppSync/Alexa, Secrets Manager rotation, Firehose processors, CloudFormation macros,
//!   custom resources (`Custom::*`/`AWS::CloudFormation::CustomResource` `ServiceToken`, CDK
//!   `cr.Provider` handlers and `CustomResource` `serviceToken`), Greengrass function
//!   definitions (the function runs on the core device). CloudFormation itself sends a
//!   custom resource's request as an asynchronous `Invoke`, but the stack waits for the
//!   function's reply and fails or times out on its own; a dead-letter queue adds nothing
//!   the stack event does not show, so custom resources count as synchronous callers.
//! - **poll-based**: event-source mappings (SQS, Kinesis, DynamoDB Streams, MSK/Kafka, MQ,
//!   DocumentDB): the poller invokes synchronously; failures belong to the mapping's
//!   `onFailure` or the source queue's redrive policy.
//! - **unknown**: no invoker visible in any related file of the run.
//!
//! Cross-file: a function bound to `this.x` (or an exported `const x`) is matched with
//! `<expr>.x` and imported `x` in the TypeScript files related to its file (one app's
//! relative imports), through props renamed on the way (`{ handler: stack.x }`).

mod cdk;
mod cfn;
mod tf;

use crate::flavor::Flavor;
use crate::lang::Syntax;
use crate::model::{Document, Resource};
use crate::project::{Facts, Indexer};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub(crate) use cdk::immutable_import;
pub(crate) use tf::{is as is_tf, TF_PREFIX};

/// How an invoker calls the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    Asynchronous,
    Synchronous,
    Poll,
}

/// One invoker of a function: its class, what it is, where it was seen (`path:line`
/// when in another file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Invoker {
    pub class: Class,
    pub what: String,
    pub at: Option<String>,
}

/// What one reference to a function says.
#[derive(Clone, Debug)]
pub(crate) enum Use {
    Invoked(Class, String),
    /// Failed asynchronous events already go somewhere (`EventInvokeConfig` `OnFailure`…).
    OnFailure(String),
}

pub(crate) fn asynchronous(what: &str) -> Option<Use> {
    Some(Use::Invoked(Class::Asynchronous, what.to_string()))
}
pub(crate) fn synchronous(what: &str) -> Option<Use> {
    Some(Use::Invoked(Class::Synchronous, what.to_string()))
}
pub(crate) fn poll(what: &str) -> Option<Use> {
    Some(Use::Invoked(Class::Poll, what.to_string()))
}

/// The execution role as far as this run can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// No role given: the framework creates one and grants what the function's own
    /// configuration needs (`SAM`, `CDK`).
    Generated(&'static str),
    /// A role declared in this file (CFN logical id, TS binding).
    InFile(String),
    /// CDK `iam.Role.fromRoleArn`/`fromRoleName` (text): CDK attaches statements to it only
    /// when the import is mutable and in the stack's account.
    Imported(String),
    /// Anything else (an ARN string, a parameter, a prop from elsewhere), as written.
    Outside(String),
}

/// The model of one function in a document.
pub(crate) struct Function<'r, 'a> {
    pub resource: &'r Resource<'a>,
    /// Binding, logical id or construct id, for messages.
    pub name: String,
    pub invokers: Vec<Invoker>,
    pub on_failure: Vec<String>,
    pub role: Role,
}

impl Function<'_, '_> {
    /// Distinct invoker descriptions of one class, in order.
    pub(crate) fn of_class(&self, class: Class) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for i in self.invokers.iter().filter(|i| i.class == class) {
            let s = match &i.at {
                Some(at) => format!("{} at {at}", i.what),
                None => i.what.clone(),
            };
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        seen
    }

    pub(crate) fn has(&self, class: Class) -> bool {
        self.invokers.iter().any(|i| i.class == class)
    }
}

/// Every function of `doc` with its invokers (this file's and the related files').
///
/// Built once per document and shared by the transforms that ask in the same pass
/// (`lambda-dead-letter-queue`, `lambda-tracing`): a pure function of the document and
/// the run's project, kept in [`Document::memo`] as owned data (resource indices).
pub(crate) fn functions<'r, 'a>(doc: &'r Document<'a>) -> Vec<Function<'r, 'a>> {
    let models = doc.memo("lambda::functions", |doc| {
        // `f.resource` is an element of `doc.resources` (every flavor's model lists
        // functions from `Document::of_types`): kept by its index, found through one map
        // of the elements' addresses (a search per function was quadratic: 200,000
        // functions in one template).
        let by_address: std::collections::HashMap<*const Resource, usize> = doc
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r as *const Resource, i))
            .collect();
        let index = |r: &Resource| {
            *by_address
                .get(&(r as *const Resource))
                .expect("a function of the document's resources")
        };
        build(doc)
            .into_iter()
            .map(|f| Model {
                resource: index(f.resource),
                name: f.name,
                invokers: f.invokers,
                on_failure: f.on_failure,
                role: f.role,
            })
            .collect::<Vec<Model>>()
    });
    models
        .iter()
        .map(|m| Function {
            resource: &doc.resources[m.resource],
            name: m.name.clone(),
            invokers: m.invokers.clone(),
            on_failure: m.on_failure.clone(),
            role: m.role.clone(),
        })
        .collect()
}

/// A [`Function`] as [`functions`] keeps it between the transforms of a pass: the
/// resource by its index in [`Document::resources`].
struct Model {
    resource: usize,
    name: String,
    invokers: Vec<Invoker>,
    on_failure: Vec<String>,
    role: Role,
}

/// [`functions`], computed.
fn build<'r, 'a>(doc: &'r Document<'a>) -> Vec<Function<'r, 'a>> {
    let mut out = match doc.flavor {
        Flavor::CdkTs => cdk::functions(doc),
        Flavor::CdktfTs => tf::functions(doc),
        Flavor::CfnJson | Flavor::CfnYaml => cfn::functions(doc),
    };
    if !doc.flavor.is_cfn() {
        add_related(doc, &mut out);
    }
    out
}

/// Builds a function from the uses seen in its own file.
pub(crate) fn function<'r, 'a>(
    resource: &'r Resource<'a>,
    name: String,
    uses: Vec<Use>,
    role: Role,
) -> Function<'r, 'a> {
    let mut f = Function {
        resource,
        name,
        invokers: vec![],
        on_failure: vec![],
        role,
    };
    for u in uses {
        match u {
            Use::Invoked(class, what) => f.invokers.push(Invoker {
                class,
                what,
                at: None,
            }),
            Use::OnFailure(what) => f.on_failure.push(what),
        }
    }
    f
}

// ---------------------------------------------------------------- project facts

/// What one TypeScript file tells about functions defined elsewhere: uses of `<expr>.name`
/// and of imported `name`, and props that pass `<expr>.name` on under another key.
#[derive(Debug, Default)]
pub(crate) struct TsUses {
    /// (member or imported name, use, line).
    uses: Vec<(String, Use, usize)>,
    /// (name, key): `{ key: <expr>.name }`.
    aliases: Vec<(String, String)>,
}

struct LambdaIndexer;

/// The indexer the registry runs for every related TypeScript file.
pub(crate) static INDEXER: &dyn Indexer = &LambdaIndexer;

impl Indexer for LambdaIndexer {
    fn used_by(&self) -> &'static [&'static str] {
        &["lambda-dead-letter-queue"]
    }

    fn wants(&self, syntax: Syntax, text: &str) -> bool {
        // Files that only pass functions on (`{ handler: stack.fn }`) matter too.
        syntax == Syntax::TypeScript
            && (text.contains("ambda")
                || text.contains("Event")
                || text.contains("'.")
                || text.contains("\"."))
    }

    fn index(&self, doc: &Document) -> Option<Facts> {
        let uses = match doc.flavor {
            Flavor::CdkTs => cdk::foreign_uses(doc),
            Flavor::CdktfTs => tf::foreign_uses(doc),
            _ => return None,
        };
        (!uses.uses.is_empty() || !uses.aliases.is_empty()).then(|| Arc::new(uses) as Facts)
    }
}

/// Adds the invokers found in related files to the functions bound to `this.x` or exported.
fn add_related(doc: &Document, functions: &mut [Function]) {
    let project = doc.project();
    if project.is_empty() {
        return;
    }
    let facts: Vec<(&std::path::Path, &TsUses)> = project.related::<TsUses>(doc.path).collect();
    if facts.is_empty() {
        return;
    }
    let mut aliases: HashMap<&str, Vec<&str>> = HashMap::new();
    for (_, f) in &facts {
        for (name, key) in &f.aliases {
            aliases.entry(name.as_str()).or_default().push(key.as_str());
        }
    }
    for func in functions.iter_mut() {
        let Some(name) = exported_name(doc, func.resource) else {
            continue;
        };
        // The name and every key it is passed on under (transitively).
        let mut names: BTreeSet<&str> = BTreeSet::from([name.as_str()]);
        let mut todo = vec![name.as_str()];
        while let Some(n) = todo.pop() {
            for k in aliases.get(n).into_iter().flatten() {
                if names.insert(k) {
                    todo.push(k);
                }
            }
        }
        for (path, f) in &facts {
            for (n, u, line) in &f.uses {
                if !names.contains(n.as_str()) {
                    continue;
                }
                let shown = path.to_string_lossy();
                let at = format!("{}:{line}", shown.strip_prefix("./").unwrap_or(&shown));
                match u {
                    Use::Invoked(class, what) => func.invokers.push(Invoker {
                        class: *class,
                        what: what.clone(),
                        at: Some(at),
                    }),
                    Use::OnFailure(what) => func.on_failure.push(format!("{what} at {at}")),
                }
            }
        }
    }
}

/// The name other files reach a function by: `this.x` → `x`; `export const x` → `x`.
fn exported_name(doc: &Document, r: &Resource) -> Option<String> {
    let b = r.binding.as_deref()?;
    if let Some(x) = b.strip_prefix("this.") {
        return Some(x.to_string());
    }
    let stmt = r.statement?;
    (stmt.kind() == "export_statement" || doc.text(stmt).starts_with("export "))
        .then(|| b.to_string())
}

/// A service principal's kind of invocation (`s3.amazonaws.com`, `!Sub apigateway.${…}`).
pub(crate) fn principal_use(text: &str) -> Option<Use> {
    const ASYNC: &[(&str, &str)] = &[
        ("s3.", "S3 notification"),
        ("sns.", "SNS"),
        ("events.", "EventBridge"),
        ("scheduler.", "EventBridge Scheduler"),
        ("logs.", "CloudWatch Logs"),
        ("iot.", "IoT rule"),
        ("iotevents.", "IoT Events"),
        ("ses.", "SES"),
        ("config.", "AWS Config rule"),
        ("codecommit.", "CodeCommit trigger"),
        ("lambda.alarms.cloudwatch.", "CloudWatch alarm"),
    ];
    const SYNC: &[(&str, &str)] = &[
        ("apigateway.", "API Gateway"),
        ("elasticloadbalancing.", "load balancer"),
        ("cognito-idp.", "Cognito trigger"),
        ("lex.", "Lex"),
        ("states.", "Step Functions"),
        ("appsync.", "AppSync"),
        ("alexa-appkit.", "Alexa skill"),
        ("alexa-connectedhome.", "Alexa smart home"),
        ("secretsmanager.", "Secrets Manager rotation"),
        ("connect.", "Amazon Connect"),
        ("firehose.", "Firehose"),
        ("edgelambda.", "Lambda@Edge"),
        ("cloudformation.", "CloudFormation"),
    ];
    let t = text.to_ascii_lowercase();
    let has = |svc: &str| {
        t.match_indices(svc).any(|(i, _)| {
            i == 0 || !t.as_bytes()[i - 1].is_ascii_alphanumeric() && t.as_bytes()[i - 1] != b'-'
        })
    };
    if let Some((_, what)) = ASYNC.iter().find(|(svc, _)| has(svc)) {
        return asynchronous(&format!("{what} permission"));
    }
    SYNC.iter()
        .find(|(svc, _)| has(svc))
        .and_then(|(_, what)| synchronous(&format!("{what} permission")))
}

/// True when `text` mentions `name` as a whole word (not part of a longer name or a member).
pub(crate) fn refers(text: &str, name: &str) -> bool {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let b = text.as_bytes();
    text.match_indices(name).any(|(i, _)| {
        let before = i == 0 || !(ident(b[i - 1]) || b[i - 1] == b'.');
        let j = i + name.len();
        let after = j >= b.len() || !ident(b[j]);
        before && after
    })
}

/// A byte of a word for [`refers`] and [`words`]: ASCII letter, digit, `_` or `$`.
pub(crate) fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// The words of `text` that [`refers`] would find: maximal runs of word bytes not
/// preceded by a word byte or `.` (so `refers(text, w)` holds exactly for the `w` made
/// of word bytes that this yields). One pass over the text, for indexing.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if !is_word_byte(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && is_word_byte(b[i]) {
                i += 1;
            }
            if start == 0 || b[start - 1] != b'.' {
                // Word bytes are ASCII, so both ends are character boundaries.
                return Some(&text[start..i]);
            }
        }
        None
    })
}

/// True when an API Gateway integration's text sets `X-Amz-Invocation-Type` to `'Event'`.
pub(crate) fn invokes_as_event(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("x-amz-invocation-type") && t.contains("'event'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_and_words() {
        let class = |t: &str| match principal_use(t) {
            Some(Use::Invoked(c, _)) => Some(c),
            _ => None,
        };
        assert_eq!(class("'s3.amazonaws.com'"), Some(Class::Asynchronous));
        assert_eq!(class("config.amazonaws.com"), Some(Class::Asynchronous));
        assert_eq!(
            class("!Sub apigateway.${AWS::URLSuffix}"),
            Some(Class::Synchronous)
        );
        assert_eq!(class("'lambda.amazonaws.com'"), None);
        assert!(refers("x: fn.arn", "fn"));
        assert!(!refers("x: this.fn.arn", "fn"));
        assert!(!refers("fnRole", "fn"));
        // `words` yields exactly the names of word bytes that `refers` finds.
        let text = "new X(this, 'a', { role: fn.arn, f: this.fn2, g: é.fn3, h: [fn4], i: `${fn5}`, fnRole })";
        let found: Vec<&str> = words(text).collect();
        for name in [
            "fn", "fn2", "fn3", "fn4", "fn5", "fnRole", "arn", "this", "X", "a", "role",
        ] {
            assert_eq!(found.contains(&name), refers(text, name), "{name}");
        }
        assert!(invokes_as_event(
            "'integration.request.header.X-Amz-Invocation-Type': \"'Event'\""
        ));
        assert!(!invokes_as_event(
            "'integration.request.header.X-Amz-Invocation-Type': \"'RequestResponse'\""
        ));
    }
}
