//! CloudFormation / SAM: functions, the resources that invoke them, their roles.

use super::{asynchronous, function, poll, synchronous, Function, Role, Use};
use crate::lang::mapping::ValueNode;
use crate::model::{Document, Resource};
use std::collections::HashMap;

const CFN_LAMBDA: &str = "AWS::Lambda::Function";
const CFN_SAM: &str = "AWS::Serverless::Function";

pub(super) fn functions<'r, 'a>(doc: &'r Document<'a>) -> Vec<Function<'r, 'a>> {
    let fns = doc.of_types(&[CFN_LAMBDA, CFN_SAM]);
    if fns.is_empty() {
        return vec![];
    }
    let mentioned_by = mentions(doc);
    let mut out = Vec::new();
    for r in fns {
        let Some(id) = r.logical_id.as_deref() else {
            continue;
        };
        let mut uses = Vec::new();
        collect_uses(doc, &mentioned_by, id, r, 0, &mut uses);
        let props = r.props;
        if let Some(events) = props.and_then(|p| p.get("Events")).and_then(|v| v.as_map()) {
            for e in events.entries() {
                let ty = e
                    .value
                    .and_then(|v| v.as_map())
                    .and_then(|m| m.get("Type"))
                    .and_then(|t| t.as_str());
                uses.extend(ty.and_then(|t| sam_event_use(&t)));
            }
        }
        if props.is_some_and(|p| p.has("FunctionUrlConfig")) {
            uses.extend(synchronous("function URL"));
        }
        if let Some(p) = props {
            if p.get_path(&["EventInvokeConfig", "DestinationConfig", "OnFailure"])
                .is_some()
            {
                uses.push(Use::OnFailure("SAM EventInvokeConfig OnFailure".into()));
            }
        }
        let role = match (props.and_then(|p| p.get("Role")), r.type_name == CFN_SAM) {
            (None, true) => Role::Generated("SAM"),
            (None, false) => Role::Outside("(none)".into()),
            (Some(v), _) => match template_role(doc, v) {
                Some(role_id) => Role::InFile(role_id),
                None => Role::Outside(v.text().trim().to_string()),
            },
        };
        out.push(function(r, id.to_string(), uses, role));
    }
    out
}

/// The uses of `id` by the other resources; a version or alias of it is followed once.
/// Which resources mention which function, version or alias (`!Ref X`, `!GetAtt X.Arn`,
/// `${X}`: the logical id as a word of the resource's text), by resource index in
/// source order; built once per document (lambda-tracing and the DLQ transform ask).
fn mentions(doc: &Document) -> std::rc::Rc<HashMap<String, Vec<usize>>> {
    doc.memo("lambda-cfn-mentions", |doc| {
        let types = [
            CFN_LAMBDA,
            CFN_SAM,
            "AWS::Lambda::Version",
            "AWS::Lambda::Alias",
        ];
        let wanted: rustc_hash::FxHashSet<&str> = doc
            .of_types(&types)
            .iter()
            .filter_map(|r| r.logical_id.as_deref())
            .collect();
        // Only a word as long as some wanted id is looked up.
        let lengths = wanted.iter().map(|w| w.len());
        let (shortest, longest) = (
            lengths.clone().min().unwrap_or(1),
            lengths.max().unwrap_or(0),
        );
        let mut mentioned_by: HashMap<String, Vec<usize>> = HashMap::new();
        // Few ids: each is searched for (a SIMD scan) and kept where it stands as a whole
        // word, which is what the word split finds; many: the text is split once.
        let finders: Vec<(&str, memchr::memmem::Finder)> = wanted
            .iter()
            .filter(|w| !w.is_empty() && w.bytes().all(is_word_byte))
            .map(|w| (*w, memchr::memmem::Finder::new(w.as_bytes())))
            .collect();
        let search = finders.len() <= FEW_IDS;
        for (i, o) in doc.resources.iter().enumerate() {
            let Some(body) = o.body else { continue };
            let text = doc.text(body.node);
            let mut words: Vec<&str> = Vec::new();
            if search {
                words.extend(
                    finders
                        .iter()
                        .filter(|(w, finder)| stands_as_word(text, w, finder))
                        .map(|(w, _)| *w),
                );
            } else {
                each_word(text, &mut |w| {
                    if (shortest..=longest).contains(&w.len()) && wanted.contains(w) {
                        words.push(w);
                    }
                });
            }
            words.sort_unstable();
            words.dedup();
            for w in words {
                mentioned_by.entry(w.to_string()).or_default().push(i);
            }
        }
        mentioned_by
    })
}

/// Up to this many function, version and alias ids, [`mentions`] searches the text for
/// each instead of splitting it into words.
const FEW_IDS: usize = 8;

/// A word character of [`each_word`].
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when `word` (word characters only) is one of the words [`each_word`] finds in
/// `text`: it occurs with no word character just before or after it.
fn stands_as_word(text: &str, word: &str, finder: &memchr::memmem::Finder) -> bool {
    let bytes = text.as_bytes();
    finder.find_iter(bytes).any(|at| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + word.len()).copied();
        !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
    })
}

/// Call `f` with each run of word characters (ASCII letters, digits, `_`) of `text`,
/// the pieces `text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))` gives
/// without the empty ones: found byte by byte, as a byte of a multi-byte character
/// is never a word character.
fn each_word<'t>(text: &'t str, f: &mut dyn FnMut(&'t str)) {
    let mut start = None;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        match (b.is_ascii_alphanumeric() || b == b'_', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                f(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        f(&text[s..]);
    }
}

fn collect_uses(
    doc: &Document,
    mentioned_by: &HashMap<String, Vec<usize>>,
    id: &str,
    me: &Resource,
    depth: usize,
    uses: &mut Vec<Use>,
) {
    for &i in mentioned_by.get(id).into_iter().flatten() {
        let o = &doc.resources[i];
        if o.node.id() == me.node.id() {
            continue;
        }
        let ty: &str = &o.type_name;
        if matches!(ty, "AWS::Lambda::Version" | "AWS::Lambda::Alias") && depth < 2 {
            if let Some(vid) = o.logical_id.as_deref() {
                collect_uses(doc, mentioned_by, vid, o, depth + 1, uses);
            }
            continue;
        }
        uses.extend(cfn_use(doc, o));
    }
}

/// The logical id of the `AWS::IAM::Role` a `Role` value points at, when it is in the template.
pub(crate) fn template_role(doc: &Document, role: ValueNode) -> Option<String> {
    let (name, arg) = role.intrinsic()?;
    let id = match name.as_str() {
        "Fn::GetAtt" => match arg.as_str() {
            Some(s) => s.strip_suffix(".Arn")?.to_string(),
            None => {
                let items = arg.as_list()?.items();
                (items.get(1)?.as_str()? == "Arn").then_some(())?;
                items.first()?.as_str()?
            }
        },
        _ => return None,
    };
    doc.of_type("AWS::IAM::Role")
        .any(|r| r.logical_id.as_deref() == Some(id.as_str()))
        .then_some(id)
}

/// How a resource that refers to the function invokes it.
fn cfn_use(doc: &Document, o: &Resource) -> Option<Use> {
    let ty: &str = &o.type_name;
    let text = || o.body.map_or("", |b| doc.text(b.node));
    match ty {
        "AWS::Lambda::Permission" => super::principal_use(o.props?.get("Principal")?.text()),
        "AWS::Lambda::EventInvokeConfig" => o
            .props?
            .get_path(&["DestinationConfig", "OnFailure"])
            .map(|_| Use::OnFailure("EventInvokeConfig OnFailure".into())),
        "AWS::Events::Rule" => asynchronous("EventBridge rule target"),
        "AWS::Scheduler::Schedule" => asynchronous("EventBridge Scheduler"),
        "AWS::SNS::Subscription" | "AWS::SNS::Topic" => asynchronous("SNS subscription"),
        "AWS::S3::Bucket" => asynchronous("S3 notification"),
        "AWS::Logs::SubscriptionFilter" => asynchronous("CloudWatch Logs subscription"),
        "AWS::IoT::TopicRule" => asynchronous("IoT rule"),
        "AWS::IoTEvents::DetectorModel" => asynchronous("IoT Events action"),
        "AWS::SES::ReceiptRule" if text().contains("RequestResponse") => {
            synchronous("SES receipt rule (RequestResponse)")
        }
        "AWS::SES::ReceiptRule" => asynchronous("SES receipt rule"),
        "AWS::Config::ConfigRule" => asynchronous("AWS Config rule"),
        "AWS::CodeCommit::Repository" => asynchronous("CodeCommit trigger"),
        "AWS::CodePipeline::Pipeline" => asynchronous("CodePipeline action"),
        "AWS::CloudWatch::Alarm" if text().contains(":lambda:") => None,
        "AWS::Lambda::EventSourceMapping" => poll("event-source mapping"),
        "AWS::Pipes::Pipe" if text().contains("FIRE_AND_FORGET") => {
            asynchronous("EventBridge Pipes target (FIRE_AND_FORGET)")
        }
        "AWS::Pipes::Pipe" => synchronous("EventBridge Pipes target"),
        "AWS::Lambda::Url" => synchronous("function URL"),
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine"
            if text().contains("\"InvocationType\": \"Event\"")
                || text().contains("InvocationType: Event") =>
        {
            asynchronous("Step Functions Invoke with InvocationType Event")
        }
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
            synchronous("Step Functions")
        }
        "AWS::ElasticLoadBalancingV2::TargetGroup" => synchronous("load balancer target"),
        "AWS::Cognito::UserPool" => synchronous("Cognito trigger"),
        "AWS::CloudFormation::CustomResource" => synchronous("custom resource (ServiceToken)"),
        "AWS::CloudFormation::Macro" => synchronous("CloudFormation macro"),
        "AWS::CloudFront::Distribution" => synchronous("Lambda@Edge (CloudFront association)"),
        "AWS::SecretsManager::RotationSchedule" => synchronous("Secrets Manager rotation"),
        "AWS::KinesisFirehose::DeliveryStream" => synchronous("Firehose processor"),
        "Alexa::ASK::Skill" => synchronous("Alexa skill"),
        t if t.starts_with("Custom::") => synchronous("custom resource (ServiceToken)"),
        t if t.starts_with("AWS::Greengrass") => {
            synchronous("Greengrass function definition (runs on the core device)")
        }
        t if t.starts_with("AWS::Lex::") => synchronous("Lex"),
        t if t.starts_with("AWS::Connect::") => synchronous("Amazon Connect"),
        "AWS::ApiGateway::Method" if super::invokes_as_event(text()) => {
            asynchronous("API Gateway integration with X-Amz-Invocation-Type 'Event'")
        }
        t if t.starts_with("AWS::ApiGateway")
            || t.starts_with("AWS::Serverless::Api")
            || t.starts_with("AWS::Serverless::HttpApi") =>
        {
            synchronous("API Gateway")
        }
        t if t.starts_with("AWS::AppSync::") => synchronous("AppSync"),
        _ => None,
    }
}

fn sam_event_use(ty: &str) -> Option<Use> {
    let what = format!("SAM {ty} event");
    match ty {
        "S3" | "SNS" | "EventBridgeRule" | "CloudWatchEvent" | "Schedule" | "ScheduleV2"
        | "CloudWatchLogs" | "IoTRule" => asynchronous(&what),
        "Api" | "HttpApi" | "Cognito" | "AlexaSkill" => synchronous(&what),
        "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "SelfManagedKafka" | "DocumentDB" => {
            poll(&what)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_word_stands_where_the_split_finds_it() {
        for text in [
            "Fn",
            "Fn.Arn",
            "${Fn}",
            "MyFn Fn2 Fn_x xFn Fn",
            "a Fn",
            "Fné",
            "éFn",
            "",
        ] {
            let mut words = Vec::new();
            super::each_word(text, &mut |w| words.push(w));
            let finder = memchr::memmem::Finder::new("Fn");
            assert_eq!(
                super::stands_as_word(text, "Fn", &finder),
                words.contains(&"Fn"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn words_are_the_split_ones() {
        for text in [
            "",
            "a",
            " Fn-1_x$y é2 ",
            "ünï code_ ends\u{1F600}in",
            "tail word",
            "${Fn.Arn}",
        ] {
            let split: Vec<&str> = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            let mut words = Vec::new();
            super::each_word(text, &mut |w| words.push(w));
            assert_eq!(words, split, "{text:?}");
        }
    }
}
