//! CDK: `grantReadWrite`-style calls narrowed to what the handler does.

use super::*;

pub(super) const CDK_FUNCTIONS: &[&str] = &[
    "aws-cdk-lib/aws-lambda.Function",
    "aws-cdk-lib/aws-lambda.SingletonFunction",
    "aws-cdk-lib/aws-lambda-nodejs.NodejsFunction",
    "@aws-cdk/aws-lambda-python-alpha.PythonFunction",
];

pub(super) fn cdk_service(type_name: &str) -> Option<Service> {
    Some(match type_name {
        "aws-cdk-lib/aws-s3.Bucket" => Service::S3,
        "aws-cdk-lib/aws-dynamodb.Table" | "aws-cdk-lib/aws-dynamodb.TableV2" => Service::Dynamo,
        "aws-cdk-lib/aws-kinesis.Stream" => Service::Kinesis,
        _ => return None,
    })
}

/// The narrower grant for what the handler does, `None` when nothing narrower fits.
pub(super) fn narrower(service: Service, method: &str, acts: &BTreeSet<&str>) -> Option<&'static str> {
    let reads = acts.iter().any(|a| !is_write(a));
    let writes = acts.iter().any(|a| is_write(a));
    match (service, reads, writes) {
        (_, false, false) => None,
        (Service::S3, true, false) => Some("grantRead"),
        (Service::S3, false, true) => {
            if acts.iter().all(|a| matches!(*a, "s3:PutObject" | "s3:AbortMultipartUpload" | "s3:PutObjectTagging")) {
                Some("grantPut")
            } else if acts.iter().all(|a| *a == "s3:DeleteObject") {
                Some("grantDelete")
            } else {
                Some("grantWrite")
            }
        }
        (Service::Dynamo, true, false) => Some("grantReadData"),
        (Service::Dynamo, false, true) => Some("grantWriteData"),
        (Service::Dynamo, true, true) if method == "grantFullAccess" => Some("grantReadWriteData"),
        (Service::Kinesis, true, false) => Some("grantRead"),
        (Service::Kinesis, false, true) => Some("grantWrite"),
        _ => None,
    }
}

pub(super) fn check_cdk(doc: &Document) -> Vec<Finding> {
    let Some(ts) = &doc.ts else { return vec![] };
    let mut out = Vec::new();
    // Functions with their `role:` text, read once for all grant calls.
    let functions: std::cell::OnceCell<Vec<(&Resource, Option<&str>)>> = Default::default();
    let granting = std::cell::OnceCell::new();
    for call in &ts.calls {
        let method = doc.text(call.method);
        if !matches!(method, "grantReadWrite" | "grantFullAccess" | "grantReadWriteData") {
            continue;
        }
        let receiver = doc.text(call.receiver).trim_end_matches('!');
        // Bound resources of the granting services, (binding, service), read once.
        let granting = granting.get_or_init(|| doc.resources.iter().filter_map(|r| Some((r.binding.as_deref()?, cdk_service(&r.type_name)?))).collect::<Vec<_>>());
        // The first resource bound to the receiver in the scope of the call decides, as in
        // the source.
        let Some(res) = doc.bound_to(receiver, call.receiver) else { continue };
        let Some(service) = cdk_service(&res.type_name) else { continue };
        let fits = match service {
            Service::Dynamo => method != "grantReadWrite",
            _ => method == "grantReadWrite",
        };
        let Some(grantee) = ts.args(call.arguments).first().map(|a| a.text().trim_end_matches('!').to_string()) else { continue };
        if !fits {
            continue;
        }
        let function_of_role = grantee.strip_suffix(".role").map(|g| g.trim_end_matches('!'));
        let fns: Vec<&Resource> = functions
            .get_or_init(|| doc.of_types(CDK_FUNCTIONS).into_iter().map(|f| (f, f.props.and_then(|p| p.get("role")).map(|r| r.text()))).collect())
            .iter()
            .filter(|(f, role)| {
                // Spelled as the grantee, and declared where the call sees it (another
                // method's `handler` is another function).
                let b = f.binding.as_deref();
                let here = |name: &str, at| ts.declared(name, at) == ts.declared(name, call.arguments);
                (b == Some(grantee.as_str()) && here(&grantee, f.node))
                    || (function_of_role.is_some() && b == function_of_role && function_of_role.is_some_and(|g| here(g, f.node)))
                    || (*role == Some(grantee.as_str()) && f.props.and_then(|p| p.get("role")).is_some_and(|v| here(&grantee, v.node)))
            })
            .map(|(f, _)| *f)
            .collect();
        if fns.is_empty() {
            continue;
        }
        if !fns.iter().any(|f| f.binding.as_deref() == Some(grantee.as_str()) || f.binding.as_deref() == function_of_role) {
            // A role shared by functions: it must be made here, for Lambda only.
            let Some(role) = doc.bound_to(&grantee, call.arguments).filter(|r| r.type_name == "aws-cdk-lib/aws-iam.Role") else { continue };
            let trust = role.props.and_then(|p| p.get("assumedBy")).map_or("", |t| t.text());
            if !trust.contains("lambda.amazonaws.com") || trust.matches("amazonaws.com").count() != trust.matches("lambda.amazonaws.com").count() {
                continue;
            }
        }
        let shown = format!("`{receiver}.{method}({grantee})`");
        let at = call.method.start_byte();
        // Environment variables naming this resource, and other resources of the service.
        let others: Vec<&str> = granting.iter().filter(|(b, s)| *s == service && *b != receiver).map(|(b, _)| *b).collect();
        let mut calls = Vec::new();
        let mut sources = Vec::new();
        let mut missing = None;
        let (mut mine_env, mut other_env) = (BTreeSet::new(), BTreeSet::new());
        for f in &fns {
            for (name, value) in cdk_environment(doc, ts, f) {
                if mentions(&value, receiver) {
                    mine_env.insert(name);
                } else if others.iter().any(|o| mentions(&value, o)) {
                    other_env.insert(name);
                }
            }
            match cdk_code(doc, ts, f) {
                Ok(s) => sources.extend(s),
                Err(e) => {
                    let name = f.binding.as_deref().or(f.logical_id.as_deref()).unwrap_or("function");
                    missing = Some(if fns.len() > 1 { format!("function `{name}`: {e}") } else { e });
                    break;
                }
            }
        }
        if let Some(why) = missing {
            out.push(META.finding(at, format!("{shown} may be broader than needed, but it is not narrowed: {why}"), None));
            continue;
        }
        for s in &sources {
            calls.extend(scan(s).calls);
        }
        for name in calls.iter().flat_map(|c| c.env.iter()).filter(|n| n.starts_with("${")) {
            if mentions(name, receiver) {
                mine_env.insert(name.clone());
            } else if others.iter().any(|o| mentions(name, o)) {
                other_env.insert(name.clone());
            }
        }
        let ev = attribute(&calls, service, Some((&mine_env, &other_env)));
        if let Some((c, why)) = ev.unsure.first() {
            out.push(META.finding(at, format!("{shown} not narrowed: the handler's {} call `{}` at {} {why}", c.service.name(), c.written, c.at), None));
            continue;
        }
        if ev.mine.is_empty() {
            out.push(META.finding(at, format!("{shown} not narrowed: no {} call on `{receiver}` found in the handler code ({})", service.name(), labels(&sources)), None));
            continue;
        }
        let acts = actions(&ev.mine);
        let Some(new) = narrower(service, method, &acts) else { continue };
        let what = if acts.iter().all(|a| !is_write(a)) { "only reads" } else if acts.iter().all(|a| is_write(a)) { "only writes" } else { "reads and writes" };
        let mut message = format!("{shown}: the handler {what} `{receiver}` ({}); narrowed to `{new}`", cite(&ev.mine));
        let mut edits = vec![Edit::replace(call.method.byte_range(), new)];
        if let Some((edit, old, fixed)) = ts.statement_of(call.node).and_then(|s| stale_comment(doc, s, new)) {
            message.push_str(&format!("; the comment above said \"{old}\", now \"{fixed}\""));
            edits.push(edit);
        }
        out.push(META.finding(at, message, Some(edits)));
    }
    out
}

/// The access a narrowed grant gives, as a comment would say it.
fn access_word(grant: &str) -> &'static str {
    match grant {
        "grantRead" | "grantReadData" => "read",
        "grantReadWriteData" => "read/write",
        "grantDelete" => "delete",
        _ => "write",
    }
}

/// The comment right above `statement` (on the line before it, or ending it) that names the
/// old access ("read/write", "read and write", "read-write", "full access"): the edit that
/// names the new one instead, with the old and new phrase.
fn stale_comment(doc: &Document, statement: tree_sitter::Node, grant: &str) -> Option<(Edit, String, String)> {
    let comment = statement.prev_sibling().filter(|c| c.kind() == "comment")?;
    if doc.line_of(comment.end_byte()) + 1 < doc.line_of(statement.start_byte()) {
        return None;
    }
    let text = doc.text(comment);
    let lower = text.to_ascii_lowercase();
    let word = access_word(grant);
    for (phrase, replacement) in [("read/write", word.to_string()), ("read and write", word.to_string()), ("read-write", word.to_string()), ("readwrite", word.to_string()), ("read & write", word.to_string()), ("full access", format!("{word} access"))] {
        let Some(i) = lower.find(phrase) else { continue };
        if replacement == phrase {
            return None;
        }
        let old = &text[i..i + phrase.len()];
        let mut fixed = replacement.clone();
        if old.starts_with(|c: char| c.is_ascii_uppercase()) {
            fixed[..1].make_ascii_uppercase();
        }
        let start = comment.start_byte() + i;
        return Some((Edit::replace(start..start + phrase.len(), fixed.clone()), old.to_string(), fixed));
    }
    None
}

/// True when `expr` uses `binding` (`bucket.bucketName`, `` `${this.table.tableName}` ``).
pub(super) fn mentions(expr: &str, binding: &str) -> bool {
    expr.match_indices(binding).any(|(i, _)| {
        let before = expr[..i].chars().next_back();
        let after = expr[i + binding.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') && after.is_some_and(|c| c == '.' || c == '!' || c == '?')
    })
}

/// (name, value text) of the function's environment variables.
pub(super) fn cdk_environment(doc: &Document, ts: &TsFile, f: &Resource) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let env = f.props.and_then(|p| p.get("environment"));
    // `environment` may name a `const` object shared by several functions.
    let env = env.and_then(|e| if e.node.kind() == "identifier" || e.node.kind() == "shorthand_property_identifier" { const_value(doc, e.text()) } else { Some(e) });
    if let Some(env) = env.and_then(|e| e.as_map()) {
        for e in env.entries() {
            if let Some(v) = e.value {
                out.push((env.key_text(&e), v.text().to_string()));
            }
        }
    }
    if let Some(b) = f.binding.as_deref() {
        for c in ts.calls_on(b, "addEnvironment") {
            let args = ts.args(c.arguments);
            if let (Some(k), Some(v)) = (args.first().and_then(|a| a.as_str()), args.get(1)) {
                out.push((k, doc.text(v.node).to_string()));
            }
        }
    }
    out
}
