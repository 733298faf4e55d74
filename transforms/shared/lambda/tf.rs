//! CDKTF TypeScript: functions, the constructs that invoke them, their roles.

use super::{
    asynchronous, function, is_word_byte, poll, refers, synchronous, words, Function, Role, TsUses,
    Use,
};
use crate::model::{Document, Resource};
use rustc_hash::FxHashMap;

pub(crate) const TF_PREFIX: &str = "@cdktf/provider-aws/lib/";
pub(crate) const TF_FUNCTION: &str = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";

pub(super) fn functions<'r, 'a>(doc: &'r Document<'a>) -> Vec<Function<'r, 'a>> {
    let mut out = Vec::new();
    // Which constructs mention each function's binding (a word): found by one pass over
    // the words of every construct, looking each up among the bindings, so that finding
    // the constructs that mention a function is a lookup, not a scan of every construct
    // per function (quadratic on large stacks).
    let mut mentions: Option<FxHashMap<&str, Vec<usize>>> = None;
    for r in doc.of_type(TF_FUNCTION) {
        let mut uses = Vec::new();
        if let (Some(b), Some(ts)) = (r.binding.as_deref(), doc.ts.as_ref()) {
            // The binding, and the parameters the function is handed to under other names.
            let mut names: Vec<(String, crate::lang::ts::Declared)> =
                vec![(b.to_string(), ts.declared(b, r.node))];
            names.extend(crate::transforms::handed_to(doc, b, r.node));
            // One `let` assigned several functions: which one a construct names is unknown.
            let shared = doc.of_type(TF_FUNCTION).any(|o| {
                o.node.id() != r.node.id()
                    && o.binding.as_deref() == Some(b)
                    && ts.declared(b, o.node) == names[0].1
            });
            for (word, declared) in names.iter().filter(|_| !shared) {
                let candidates: Vec<usize> = if word.bytes().all(is_word_byte) {
                    let m = mentions.get_or_insert_with(|| mentioning(doc));
                    m.get(word.as_str()).cloned().unwrap_or_default()
                } else {
                    (0..doc.resources.len())
                        .filter(|&i| refers(doc.text(doc.resources[i].node), word))
                        .collect()
                };
                for i in candidates {
                    let o = &doc.resources[i];
                    // A construct in the scope of this binding (not another method's `fn`),
                    // or one that names the function under the same name handed on.
                    let here = ts.declared(word, o.node);
                    let names_it = here == *declared
                        || (word == b && crate::transforms::names_construct(doc, r, here));
                    if o.node.id() != r.node.id() && names_it {
                        uses.extend(tf_use(doc, o));
                    }
                }
            }
        }
        let name = r
            .binding
            .as_deref()
            .or(r.logical_id.as_deref())
            .unwrap_or("function")
            .to_string();
        let role = match r.props.and_then(|p| p.get("role")) {
            None => Role::Outside("(none)".into()),
            Some(v) => {
                let text = v.text().trim();
                match text.strip_suffix(".arn") {
                    Some(b) if doc.bound_to(b, v.node).is_some_and(|x| is(x, "IamRole")) => {
                        Role::InFile(b.to_string())
                    }
                    _ => Role::Outside(text.to_string()),
                }
            }
        };
        out.push(function(r, name, uses, role));
    }
    out
}

/// For each function binding made of word bytes, the constructs (indices into
/// `doc.resources`, ascending, each once) whose text yields it among its [`words`]: the
/// constructs that [`refers`] says mention it.
fn mentioning<'r>(doc: &'r Document) -> FxHashMap<&'r str, Vec<usize>> {
    let mut m: FxHashMap<&'r str, Vec<usize>> = doc
        .of_type(TF_FUNCTION)
        .filter_map(|r| r.binding.as_deref())
        .filter(|b| b.bytes().all(is_word_byte))
        .map(|b| (b, Vec::new()))
        .collect();
    if m.is_empty() {
        return m;
    }
    for (i, o) in doc.resources.iter().enumerate() {
        for w in words(doc.text(o.node)) {
            if let Some(v) = m.get_mut(w) {
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
    }
    m
}

/// True when `r` is the CDKTF AWS provider class `class`.
pub(crate) fn is(r: &Resource, class: &str) -> bool {
    r.type_name.starts_with(TF_PREFIX) && r.type_name.ends_with(&format!(".{class}"))
}

/// Constructs of this file that invoke something named by a member (`props.fn.arn`):
/// each member name inside them is recorded with the construct's use.
pub(super) fn foreign_uses(doc: &Document) -> TsUses {
    let mut out = TsUses::default();
    for o in &doc.resources {
        let Some(u) = tf_use(doc, o) else { continue };
        let line = doc.line_of(o.node.start_byte());
        let mut stack = vec![o.node];
        while let Some(n) = stack.pop() {
            if n.kind() == "member_expression"
                && n.child_by_field_name("object")
                    .is_none_or(|x| x.kind() != "this")
            {
                if let Some(p) = n.child_by_field_name("property") {
                    out.uses.push((doc.text(p).to_string(), u.clone(), line));
                }
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
    }
    out
}

/// A construct of the file that refers to the function.
fn tf_use(doc: &Document, o: &Resource) -> Option<Use> {
    let ty = o.type_name.strip_prefix(TF_PREFIX)?;
    let class = ty.rsplit('.').next()?;
    let text = doc.text(o.node);
    match class {
        "LambdaPermission" => super::principal_use(o.props?.get("principal")?.text()),
        "LambdaEventSourceMapping" => poll("event-source mapping"),
        "SnsTopicSubscription" => asynchronous("SNS subscription"),
        "CloudwatchEventTarget" => asynchronous("EventBridge rule target"),
        "S3BucketNotification" => asynchronous("S3 notification"),
        "SchedulerSchedule" => asynchronous("EventBridge Scheduler"),
        "CloudwatchLogSubscriptionFilter" => asynchronous("CloudWatch Logs subscription"),
        "IotTopicRule" => asynchronous("IoT rule"),
        "SesReceiptRule" => asynchronous("SES receipt rule"),
        "ConfigConfigRule" => asynchronous("AWS Config rule"),
        "CodecommitTrigger" => asynchronous("CodeCommit trigger"),
        "LambdaFunctionUrl" => synchronous("function URL"),
        "SfnStateMachine" => synchronous("Step Functions"),
        "LbTargetGroupAttachment" => synchronous("load balancer target"),
        "LambdaInvocation" => synchronous("invocation at deploy time"),
        "CognitoUserPool" => synchronous("Cognito trigger"),
        "CloudfrontDistribution" => synchronous("Lambda@Edge (CloudFront association)"),
        "SecretsmanagerSecretRotation" => synchronous("Secrets Manager rotation"),
        "LambdaFunctionEventInvokeConfig" if text.contains("onFailure") => {
            Some(Use::OnFailure("event invoke config onFailure".into()))
        }
        c if (c.starts_with("ApiGateway") || c.starts_with("Apigatewayv2"))
            && super::invokes_as_event(text) =>
        {
            asynchronous("API Gateway integration with X-Amz-Invocation-Type 'Event'")
        }
        c if c.starts_with("ApiGateway") || c.starts_with("Apigatewayv2") => {
            synchronous("API Gateway")
        }
        c if c.starts_with("Appsync") => synchronous("AppSync"),
        _ => None,
    }
}
