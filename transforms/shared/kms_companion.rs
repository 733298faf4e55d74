//! Customer managed KMS key companion (coverage family B1): one key per CloudFormation
//! template that the template's resources share, with rotation on, a key policy that
//! keeps the account in control and admits the AWS services that must use the key
//! themselves, and `Retain` deletion and replacement policies.
//!
//! One key per template, not per resource: a key costs $1 a month (AWS KMS pricing), and
//! a template's log groups and functions belong to one application. The key is added
//! at the end of `Resources`; every fix that needs it carries the same insertion, so the
//! fixer applies the first one in a pass and the others, in the next pass, find the key
//! and only point their resource at it (see [`cfn_stack_key`]).

use crate::edit::Edit;
use crate::lang::mapping::{Position, ValueNode};
use crate::model::Document;
use crate::value::Value;

/// The `Description` of the key this helper creates; a key with it is reused by later
/// passes and runs.
pub(crate) const STACK_KEY_DESCRIPTION: &str =
    "Customer managed key for the log groups and Lambda environment variables of this stack";

/// What the key is wanted for: decides which existing key of the template may be reused
/// and which service statement the key policy needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum KeyUse {
    /// `AWS::Logs::LogGroup` `KmsKeyId`: CloudWatch Logs uses the key itself, so the key
    /// policy must admit `logs.<region>.amazonaws.com` (CloudWatch Logs user guide,
    /// "Encrypt log data in CloudWatch Logs using AWS KMS": the key policy statement with
    /// the `kms:EncryptionContext:aws:logs:arn` condition; `KmsKeyId` is updatable in place,
    /// AssociateKmsKey).
    Logs,
    /// `AWS::Lambda::Function` / `AWS::Serverless::Function` `KmsKeyArn`: Lambda creates a
    /// grant for the function when it is configured, with the permissions of the
    /// principal that deploys (Lambda developer guide, "Securing environment variables");
    /// the account statement of the key policy lets IAM allow that.
    LambdaEnvironment,
}

/// The key a fix points its resource at: its logical id and the edits that make it exist
/// (empty when the template already has it).
pub(crate) struct StackKey {
    pub id: String,
    pub edits: Vec<Edit>,
    /// For messages: `added AWS::KMS::Key X …` or `reused …`.
    pub how: String,
}

/// True when `policy` (a `KeyPolicy`) has a statement whose `Principal.Service` names
/// CloudWatch Logs.
fn admits_logs(policy: Option<ValueNode>) -> bool {
    let Some(statements) = policy
        .and_then(|p| p.as_map())
        .and_then(|p| p.get("Statement"))
        .and_then(|s| s.as_list())
    else {
        return false;
    };
    statements.items().iter().any(|s| {
        s.as_map()
            .and_then(|m| m.get_path(&["Principal", "Service"]))
            .is_some_and(|v| v.text().contains("logs."))
    })
}

/// The statement that lets CloudWatch Logs of this region use the key for the account's
/// log groups (the CloudWatch Logs user guide's key policy, with `ArnLike` over every log
/// group of the account and region so one key serves the template's groups).
pub(crate) fn logs_statement() -> Value {
    let sub = |s: &str| Value::Fn("Fn::Sub".into(), Box::new(Value::str(s)));
    Value::map([
        ("Sid", Value::str("AllowCloudWatchLogs")),
        ("Effect", Value::str("Allow")),
        (
            "Principal",
            Value::map([("Service", sub("logs.${AWS::Region}.amazonaws.com"))]),
        ),
        (
            "Action",
            Value::List(
                [
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ]
                .into_iter()
                .map(Value::str)
                .collect(),
            ),
        ),
        ("Resource", Value::str("*")),
        (
            "Condition",
            Value::map([(
                "ArnLike",
                Value::map([(
                    "kms:EncryptionContext:aws:logs:arn",
                    sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"),
                )]),
            )]),
        ),
    ])
}

/// The account statement every key policy this tool writes keeps: the account root may
/// do everything with the key, so IAM policies decide who uses it and nobody is locked out
/// (the KMS default key policy).
pub(crate) fn root_statement() -> Value {
    let root = Value::Fn(
        "Fn::Sub".into(),
        Box::new(Value::str(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
        )),
    );
    Value::map([
        ("Sid", Value::str("EnableRootAccountAccess")),
        ("Effect", Value::str("Allow")),
        ("Principal", Value::map([("AWS", root)])),
        ("Action", Value::str("kms:*")),
        ("Resource", Value::str("*")),
    ])
}

/// The template has a log group that this key may come to encrypt: the key policy then
/// admits CloudWatch Logs from the start, so the key is the same whichever fix creates it.
fn wants_logs(doc: &Document) -> bool {
    doc.of_type("AWS::Logs::LogGroup")
        .any(|g| !g.props.is_some_and(|p| p.has("KmsKeyId")))
}

/// The new key: rotation on, the account statement (+ the Logs statement when the
/// template has log groups), `Retain` on deletion and replacement (deleting a key makes
/// everything encrypted with it unreadable).
fn new_key(logs: bool) -> Value {
    let mut statements = vec![root_statement()];
    if logs {
        statements.push(logs_statement());
    }
    Value::map([
        ("Type", Value::str("AWS::KMS::Key")),
        ("DeletionPolicy", Value::str("Retain")),
        ("UpdateReplacePolicy", Value::str("Retain")),
        (
            "Properties",
            Value::map([
                ("Description", Value::str(STACK_KEY_DESCRIPTION)),
                ("EnableKeyRotation", Value::Bool(true)),
                (
                    "KeyPolicy",
                    Value::map([
                        ("Version", Value::str("2012-10-17")),
                        ("Statement", Value::List(statements)),
                    ]),
                ),
            ]),
        ),
    ])
}

/// The `Condition` attribute of CloudFormation resource `r` (the condition's name), if any.
pub(crate) fn cfn_condition(r: &crate::model::Resource) -> Option<String> {
    let v = r.body?.get("Condition")?;
    Some(v.as_str().unwrap_or_else(|| v.text().trim().to_string()))
}

/// True when resource `candidate` exists whenever `user` does, so `user` may reference it:
/// it has no `Condition`, or the same one as `user`. A resource under another condition is
/// not created for some parameter sets, and an unconditional reference to it then fails
/// ("Unresolved resource dependencies", cfn-lint W1001; CloudFormation `Condition`
/// attribute reference).
pub(crate) fn exists_with(
    candidate: &crate::model::Resource,
    user: &crate::model::Resource,
) -> bool {
    match cfn_condition(candidate) {
        None => true,
        Some(c) => cfn_condition(user).as_deref() == Some(c.as_str()),
    }
}

/// True when `policy` (a `KeyPolicy`) is a literal statement list in which no statement has
/// a `Condition`: nothing narrows the key to particular resources (an encryption context, a
/// calling service), so whoever may use it for one function may for another.
fn unconditional_policy(policy: Option<ValueNode>) -> bool {
    let Some(list) = policy
        .and_then(|p| p.as_map())
        .and_then(|p| p.get("Statement"))
        .and_then(|s| s.as_list())
    else {
        return false;
    };
    list.items()
        .iter()
        .all(|s| s.as_map().is_some_and(|m| !m.has("Condition")))
}

/// The template's key for `usage` by resource `user`, reusing one when the template clearly
/// means it for that use and it exists whenever `user` does ([`exists_with`]):
/// 1. the key this helper created (its `Description` is [`STACK_KEY_DESCRIPTION`]); for
///    log groups its policy gets the Logs statement when it lacks one;
/// 2. for a function only: a key another function already names in `KmsKeyArn` (`!GetAtt
///    K.Arn` or `!Ref K`, outside `Fn::If`) whose key policy has no statement with a
///    `Condition`. Lambda uses the key through a grant it creates with the deployer's
///    permissions, which an unconditioned policy gives for every function alike; a
///    condition (`kms:EncryptionContext:…`, `kms:ViaService`) may scope it to the other
///    function. Log groups never reuse another key: its policy admits CloudWatch Logs
///    with `kms:EncryptionContext:aws:logs:arn`, often for its own log groups only
///    (`ArnEquals …:log-group:/audit`), and associating a key the context does not match
///    fails;
/// 3. otherwise a new key at the end of `Resources` (see [`new_key`]).
///
/// `Err` says why no key can be added: an unmodelled macro, no `Resources` mapping.
pub(crate) fn cfn_stack_key(
    doc: &Document,
    usage: KeyUse,
    user: &crate::model::Resource,
) -> Result<StackKey, String> {
    if let Some(why) = super::macro_hazard(doc) {
        return Err(why);
    }
    let resources = doc
        .template
        .and_then(|t| t.get("Resources"))
        .and_then(|v| v.as_map())
        .ok_or("the template has no `Resources` mapping")?;
    // 1. Our own key.
    let own = doc.of_type("AWS::KMS::Key").find(|k| {
        k.props
            .and_then(|p| p.get("Description"))
            .and_then(|d| d.as_str())
            .as_deref()
            == Some(STACK_KEY_DESCRIPTION)
            && exists_with(k, user)
    });
    if let (Some(key), Some(id)) = (own, own.and_then(|k| k.logical_id.as_deref())) {
        let policy = key.props.and_then(|p| p.get("KeyPolicy"));
        let mut edits = vec![];
        if usage == KeyUse::Logs && !admits_logs(policy) {
            let list = policy
                .and_then(|p| p.as_map())
                .and_then(|p| p.get("Statement"))
                .and_then(|s| s.as_list())
                .ok_or_else(|| {
                    format!(
                        "key `{id}`'s policy has no `Statement` list to admit CloudWatch Logs in"
                    )
                })?;
            edits = list.push(&logs_statement());
        }
        let how = match edits.is_empty() {
            true => format!("the template's key `{id}`"),
            false => format!("the template's key `{id}` (its policy now admits CloudWatch Logs)"),
        };
        return Ok(StackKey {
            id: id.to_string(),
            edits,
            how,
        });
    }
    // 2. A key other functions already use, with nothing in its policy scoping it to them.
    if usage == KeyUse::LambdaEnvironment {
        let used: std::collections::HashSet<String> = doc
            .of_types(&["AWS::Lambda::Function", "AWS::Serverless::Function"])
            .into_iter()
            .filter_map(|r| r.props?.get("KmsKeyArn"))
            .flat_map(|v| {
                let mut names = std::collections::HashSet::new();
                super::cfn_references_outside_if(v, &mut names);
                names
            })
            .collect();
        let reusable = doc.of_type("AWS::KMS::Key").find(|k| {
            k.logical_id.as_deref().is_some_and(|id| used.contains(id))
                && exists_with(k, user)
                && unconditional_policy(k.props.and_then(|p| p.get("KeyPolicy")))
        });
        if let Some(id) = reusable.and_then(|k| k.logical_id.as_deref()) {
            let how = format!("key `{id}`, which other functions of the template already use for their environment variables (its key policy has no conditions that could scope it to them)");
            return Ok(StackKey {
                id: id.to_string(),
                edits: vec![],
                how,
            });
        }
    }
    // 3. A new key.
    let entries = resources.entries();
    let taken: std::collections::HashSet<String> =
        entries.iter().map(|e| resources.key_text(e)).collect();
    let id = super::unique("StackKey", |c| taken.contains(c) || doc.has_word(c));
    let logs = usage == KeyUse::Logs || wants_logs(doc);
    let mut edits = resources.insert(&id, &new_key(logs), Position::End);
    if let Some(last) = entries.len().checked_sub(1) {
        super::blank_line_between_resources(doc, &entries, last, &mut edits);
    }
    let admits = if logs {
        "; its policy keeps the account in control and admits CloudWatch Logs of this region for the account's log groups"
    } else {
        "; its policy keeps the account in control"
    };
    let how = format!("a new customer managed key `{id}` (rotation on, `DeletionPolicy`/`UpdateReplacePolicy: Retain`{admits})");
    Ok(StackKey { id, edits, how })
}

/// `Some(why)` when a comment inside the resource's definition, or in the comment lines
/// right above it, records a decision against what `topics` name: it mentions one of
/// `topics` and a negation (`# no KMS: public data`, `// access logging disabled: …`).
/// Comments that only describe (`# S3 bucket for ALB access logs`) are not decisions, and
/// suppression comments (`iac-fix-ignore`, checkov's) are the fixer's business. Only
/// comment nodes count: `#` lines of inline function code are not comments of the template.
pub(crate) fn reason_comment(
    doc: &Document,
    r: &crate::model::Resource,
    topics: &[&str],
) -> Option<String> {
    let comments = comment_ranges(doc);
    let source = doc.source();
    let node = r.body.map(|b| b.node).or(r.statement).unwrap_or(r.node);
    let (from, to) = (r.node.start_byte(), node.end_byte().max(r.node.end_byte()));
    let top = r.statement.map_or(from, |s| s.start_byte().min(from));
    let first_inside = comments.partition_point(|c| c.0 < top);
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    // The comment lines right above (only blanks between them and the resource).
    let mut next = top;
    for c in comments[..first_inside].iter().rev() {
        if c.1 > next || !source[c.1..next].trim().is_empty() {
            break;
        }
        chosen.push(*c);
        next = c.0;
    }
    chosen.extend(comments[first_inside..].iter().take_while(|c| c.0 < to));
    chosen.into_iter().find_map(|(a, b)| {
        let text = &source[a..b];
        let lower = text.to_ascii_lowercase();
        if lower.contains("iac-fix-ignore")
            || lower.contains("checkov:skip")
            || lower.contains("cfn-lint")
        {
            return None;
        }
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
            .collect();
        let negated = lower.contains("on purpose")
            || lower.contains("n't")
            || words.iter().any(|w| NEGATIONS.contains(w));
        (negated && topics.iter().any(|t| lower.contains(t)))
            .then(|| format!("its definition has the comment \"{}\"", text.trim()))
    })
}

/// The byte ranges of the file's comment nodes, in source order, collected once per
/// document. A comment starts with `#` (YAML) or `/` (JSON, TypeScript), so only those
/// characters are looked up in the tree (the leaf there, when it is a comment starting
/// there), rather than walking every node: the same ranges as filtering
/// [`Document::nodes`] by kind, at the cost of the comment characters alone.
pub(crate) fn comment_ranges(doc: &Document) -> std::rc::Rc<Vec<(usize, usize)>> {
    doc.memo("comment-ranges", |doc| {
        // TypeScript: the comment nodes read off the pre-order list by kind id (every `/`
        // of module paths and divisions cost a descent from the root).
        if let Some(ts) = &doc.ts {
            static COMMENT: std::sync::OnceLock<crate::lang::ts::KindSet> =
                std::sync::OnceLock::new();
            let comment = COMMENT.get_or_init(|| crate::lang::ts::KindSet::new(&["comment"]));
            return ts
                .nodes()
                .iter()
                .zip(ts.kinds())
                .filter(|(_, &k)| comment.has_id(k))
                .map(|(n, _)| (n.start_byte(), n.end_byte()))
                .collect();
        }
        let lead = if doc.parsed.syntax == crate::lang::Syntax::Yaml {
            '#'
        } else {
            '/'
        };
        let root = doc.parsed.root();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (i, _) in doc.source().match_indices(lead) {
            if out.last().is_some_and(|c| i < c.1) {
                continue;
            }
            let Some(n) = root.descendant_for_byte_range(i, i + 1) else {
                continue;
            };
            if n.kind() == "comment" && n.start_byte() == i {
                out.push((i, n.end_byte()));
            }
        }
        out
    })
}

/// Words that turn a comment about a setting into a decision against it.
const NEGATIONS: &[&str] = &[
    "no",
    "not",
    "without",
    "disable",
    "disabled",
    "skip",
    "skipped",
    "never",
    "none",
    "intentionally",
    "deliberately",
    "purposely",
    "unencrypted",
    "unlogged",
];

/// The edits that give CloudFormation resource `r` the property `key`: appended to its
/// `Properties`, or a new `Properties` after `Type` ([`super::add_props`], where other
/// transforms put it too, so two such fixes conflict instead of writing it twice).
pub(crate) fn set_property(
    doc: &Document,
    r: &crate::model::Resource,
    key: &str,
    value: &Value,
) -> Option<Vec<Edit>> {
    match r.props {
        Some(p) => Some(p.insert(key, value, Position::End)),
        None => super::add_props(doc, r, key, value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor::Flavor;
    use crate::lang::{Parsed, Syntax};
    use std::path::Path;

    fn reasons(syntax: Syntax, flavor: Flavor, code: &str, topics: &[&str]) -> Vec<Option<String>> {
        let parsed = Parsed::new(syntax, code.into());
        let doc = Document::new(Path::new("t"), flavor, &parsed);
        doc.resources
            .iter()
            .map(|r| reason_comment(&doc, r, topics))
            .collect()
    }

    /// The comment index finds exactly the comment nodes a walk of every node finds, on
    /// every fixture (JSON, YAML, TypeScript).
    #[test]
    fn comment_ranges_are_the_comment_nodes() {
        let all = crate::lang::fixture_files();
        assert!(all.len() > 100);
        for path in &all {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let parsed = Parsed::new(crate::flavor::syntax_for_path(path).unwrap(), text);
            let doc = Document::new(path, Flavor::CfnYaml, &parsed);
            let walked: Vec<(usize, usize)> = doc
                .nodes()
                .iter()
                .filter(|n| n.kind() == "comment")
                .map(|n| (n.start_byte(), n.end_byte()))
                .collect();
            assert_eq!(*comment_ranges(&doc), walked, "{}", path.display());
        }
    }

    #[test]
    fn only_comments_that_decide_against_the_topic_hold_a_fix() {
        let yaml = "Resources:\n  # No KMS: public build output\n  A:\n    Type: AWS::Logs::LogGroup\n  # Log group for the API (KMS added later)\n  B:\n    Type: AWS::Logs::LogGroup\n  C:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        ZipFile: |\n          # no kms client needed here\n          def handler(e, c): return 1\n";
        let got = reasons(Syntax::Yaml, Flavor::CfnYaml, yaml, &["kms"]);
        assert!(got[0].is_some(), "{got:?}");
        assert_eq!(got[1], None, "a describing comment is no decision");
        assert_eq!(got[2], None, "a `#` line of inline code is not a comment");
    }

    #[test]
    fn a_comment_between_the_binding_and_the_construct_is_read_without_panicking() {
        let ts = "import * as s3 from 'aws-cdk-lib/aws-s3';\n// a helper\nconst b = // access logging disabled: scratch data\n  new s3.Bucket(this, 'B');\n";
        let got = reasons(Syntax::TypeScript, Flavor::CdkTs, ts, &["access log"]);
        assert!(got[0].is_some(), "{got:?}");
    }
}
