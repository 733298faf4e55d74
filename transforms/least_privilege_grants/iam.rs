//! IAM statements with `s3:*`-style actions in CloudFormation/SAM and CDKTF policies.

use super::*;


/// How a statement's keys are spelled: IAM JSON (`Effect`, `Action`, `Resource`) or
/// CDKTF's `DataAwsIamPolicyDocument` (`effect`, `actions`, `resources`).
pub(super) struct Keys {
    pub(super) effect: &'static str,
    pub(super) action: &'static str,
    pub(super) not_action: &'static str,
    pub(super) resource: &'static str,
}

pub(super) const JSON_KEYS: Keys = Keys { effect: "Effect", action: "Action", not_action: "NotAction", resource: "Resource" };
pub(super) const DOC_KEYS: Keys = Keys { effect: "effect", action: "actions", not_action: "notActions", resource: "resources" };

/// The service of a statement that allows `s3:*`-style actions, with the action value.
pub(super) fn broad_statement<'a>(stmt: MapNode<'a>, keys: &Keys) -> Option<(Service, ValueNode<'a>)> {
    if stmt.has(keys.not_action) {
        return None;
    }
    let effect = stmt.get(keys.effect).and_then(|e| e.as_str());
    if effect.as_deref().map(str::to_ascii_lowercase).as_deref() != Some("allow") && !(keys.effect == "effect" && effect.is_none()) {
        return None;
    }
    let action = stmt.get(keys.action)?;
    let text = match action.as_list() {
        Some(list) => match list.items().as_slice() {
            [only] => only.as_str()?,
            _ => return None,
        },
        None => action.as_str()?,
    };
    let service = Service::of_prefix(text.strip_suffix(":*")?)?;
    Some((service, action))
}

/// The finding for one broad statement used by `functions` (name, their code or why it is missing).
pub(super) fn narrow_statement(stmt: MapNode, keys: &Keys, functions: &[FunctionCode], list_style: bool) -> Option<Finding> {
    let (service, action) = broad_statement(stmt, keys)?;
    let wildcard = format!("{}:*", service.prefix());
    let at = action.start();
    let names: Vec<&str> = functions.iter().map(|f| f.0.as_str()).collect();
    let shown = format!("`{wildcard}` for {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "));
    let mut calls = Vec::new();
    let mut sources = Vec::new();
    for (name, code) in functions {
        match code {
            Ok(s) => {
                for src in s {
                    calls.extend(scan(src).calls);
                }
                sources.extend(s.iter());
            }
            Err(why) => return Some(META.finding(at, format!("{shown} may be broader than needed, but it is not narrowed: function `{name}`: {why}"), None)),
        }
    }
    let ev = attribute(&calls, service, None);
    if let Some((c, why)) = ev.unsure.first() {
        return Some(META.finding(at, format!("{shown} not narrowed: the handler's {} call `{}` at {} {why}", c.service.name(), c.written, c.at), None));
    }
    if ev.mine.is_empty() {
        let l: Vec<&str> = sources.iter().map(|s| s.label.as_str()).collect();
        return Some(META.finding(at, format!("{shown} not narrowed: no {} call found in the handler code ({})", service.name(), l.join(", ")), None));
    }
    let acts: Vec<&str> = actions(&ev.mine).into_iter().collect();
    if acts.iter().any(|a| a.starts_with("s3:ListBucket")) {
        let resources: Vec<String> = match stmt.get(keys.resource) {
            Some(r) => match r.as_list() {
                Some(l) => l.items().iter().map(|i| i.text().to_string()).collect(),
                None => vec![r.text().to_string()],
            },
            None => vec![],
        };
        if !resources.is_empty() && resources.iter().all(|r| r.contains("/*")) {
            return Some(META.finding(at, format!("{shown}: the handler needs {}; narrow by hand: s3:ListBucket also needs the bucket ARN in `{}`, which lists only object ARNs", cite(&ev.mine), keys.resource), None));
        }
    }
    let edits = match action.as_list() {
        // `[s3:*]` keeps its shape and quotes: the item becomes the first action, the rest follow.
        Some(list) if list.node.kind() == "block_sequence" => {
            // YAML block list: new `- item` lines quoted like the existing item.
            let item = list.items()[0];
            let q = item.text().chars().next().filter(|c| *c == '\'' || *c == '"').map_or(String::new(), String::from);
            let doc = item.doc;
            let dash = doc.line_indent(item.start());
            let nl = doc.style.newline;
            let text: Vec<String> = acts.iter().map(|a| format!("{q}{a}{q}")).collect();
            vec![Edit::replace(item.start()..item.end(), text.join(&format!("{nl}{dash}- ")))]
        }
        Some(list) => {
            let mut edits = vec![list.items()[0].replace(&Value::str(acts[0]))];
            for a in &acts[1..] {
                edits.extend(list.push(&Value::str(*a)));
            }
            edits
        }
        None if acts.len() == 1 && !list_style => vec![action.replace(&Value::str(acts[0]))],
        None => vec![action.replace(&Value::List(acts.iter().map(|a| Value::str(*a)).collect()))],
    };
    let message = format!("{shown} narrowed to the actions the handler code uses: {}", cite(&ev.mine));
    Some(META.finding(at, message, Some(edits)))
}

/// Statement mappings of a policy document's `Statement` value (one map or a list).
pub(super) fn statements<'a>(v: Option<ValueNode<'a>>) -> Vec<MapNode<'a>> {
    let Some(v) = v else { return vec![] };
    match v.as_list() {
        Some(l) => l.items().iter().filter_map(|i| i.as_map()).collect(),
        None => v.as_map().into_iter().collect(),
    }
}

// ---------------------------------------------------------------------------
// CloudFormation / SAM.
// ---------------------------------------------------------------------------

pub(super) fn intrinsic_target(v: ValueNode) -> Option<(String, String)> {
    let (name, arg) = v.intrinsic()?;
    match name.as_str() {
        "Ref" => Some(("Ref".into(), arg.as_str()?)),
        "Fn::GetAtt" => {
            let target = match arg.as_list() {
                Some(l) => l.items().first()?.as_str()?,
                None => arg.as_str()?.split('.').next()?.to_string(),
            };
            Some(("GetAtt".into(), target))
        }
        _ => None,
    }
}

pub(super) fn check_cfn(doc: &Document) -> Vec<Finding> {
    let Some(template) = doc.template else { return vec![] };
    let resources: HashMap<String, &Resource> = doc.resources.iter().filter_map(|r| Some((r.logical_id.as_deref()?.to_string(), r))).collect();
    // Statement start → (statement, functions using it).
    let mut groups: BTreeMap<usize, (MapNode, Vec<String>)> = BTreeMap::new();
    pub(super) fn add<'a>(stmt: MapNode<'a>, f: &str, groups: &mut BTreeMap<usize, (MapNode<'a>, Vec<String>)>) {
        let entry = groups.entry(stmt.node.start_byte()).or_insert((stmt, vec![]));
        if !entry.1.iter().any(|n| n == f) {
            entry.1.push(f.to_string());
        }
    }
    for f in doc.of_types(&["AWS::Lambda::Function", "AWS::Serverless::Function"]) {
        let Some(props) = f.props else { continue };
        let Some(fname) = f.logical_id.as_deref() else { continue };
        if f.type_name == "AWS::Serverless::Function" {
            if let Some(p) = props.get("Policies") {
                let items = match p.as_list() {
                    Some(l) => l.items(),
                    None => vec![p],
                };
                for item in items {
                    if let Some(m) = item.as_map() {
                        for s in statements(m.get("Statement")) {
                            add(s, fname, &mut groups);
                        }
                    }
                }
            }
        }
        let Some((_, role)) = props.get("Role").and_then(intrinsic_target) else { continue };
        let Some(role_res) = resources.get(&role) else { continue };
        if role_res.type_name != "AWS::IAM::Role" {
            continue;
        }
        let Some(role_props) = role_res.props else { continue };
        let trust = role_props.get("AssumeRolePolicyDocument").map_or("", |t| t.text());
        if trust.matches("amazonaws.com").count() != trust.matches("lambda.amazonaws.com").count() {
            continue;
        }
        if let Some(pols) = role_props.get("Policies").and_then(|p| p.as_list()) {
            for p in pols.items() {
                if let Some(m) = p.as_map() {
                    for s in statements(m.get_path(&["PolicyDocument", "Statement"])) {
                        add(s, fname, &mut groups);
                    }
                }
            }
        }
        for pol in doc.of_types(&["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
            let Some(pp) = pol.props else { continue };
            let attached = pp.get("Roles").and_then(|r| r.as_list()).is_some_and(|l| l.items().into_iter().any(|i| i.intrinsic().is_some_and(|(n, a)| n == "Ref" && a.as_str().as_deref() == Some(role.as_str()))));
            if attached {
                for s in statements(pp.get_path(&["PolicyDocument", "Statement"])) {
                    add(s, fname, &mut groups);
                }
            }
        }
    }
    let mut code_cache: HashMap<String, Result<Vec<Source>, String>> = HashMap::new();
    let mut out = Vec::new();
    for (stmt, fnames) in groups.values() {
        if broad_statement(*stmt, &JSON_KEYS).is_none() {
            continue;
        }
        let functions: Vec<FunctionCode> = fnames
            .iter()
            .map(|n| {
                let code = code_cache.entry(n.clone()).or_insert_with(|| cfn_code(doc, template, resources[n])).clone();
                (n.clone(), code)
            })
            .collect();
        out.extend(narrow_statement(*stmt, &JSON_KEYS, &functions, false));
    }
    out
}

// ---------------------------------------------------------------------------
// CDKTF.
// ---------------------------------------------------------------------------

pub(super) const TF_LAMBDA: &str = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";
pub(super) const TF_ROLE: &str = "@cdktf/provider-aws/lib/iam-role.IamRole";
pub(super) const TF_ROLE_POLICY: &str = "@cdktf/provider-aws/lib/iam-role-policy.IamRolePolicy";
pub(super) const TF_POLICY: &str = "@cdktf/provider-aws/lib/iam-policy.IamPolicy";
pub(super) const TF_ATTACHMENT: &str = "@cdktf/provider-aws/lib/iam-role-policy-attachment.IamRolePolicyAttachment";
pub(super) const TF_POLICY_DOC: &str = "@cdktf/provider-aws/lib/data-aws-iam-policy-document.DataAwsIamPolicyDocument";


pub(super) fn check_cdktf(doc: &Document) -> Vec<Finding> {
    if doc.ts.is_none() {
        return vec![];
    }
    // Role (its position in the file: two methods may each bind a `role`) → its binding
    // and functions (name, code).
    let mut roles: BTreeMap<usize, (String, Vec<FunctionCode>)> = BTreeMap::new();
    for f in doc.of_type(TF_LAMBDA) {
        let Some(props) = f.props else { continue };
        let Some(value) = props.get("role") else { continue };
        let Some(role) = owner(value.text()) else { continue };
        let Some(role_res) = doc.bound_to(role, value.node) else { continue };
        let name = f.binding.clone().or(f.logical_id.clone()).map_or("function".to_string(), |n| n.to_string());
        roles.entry(role_res.node.start_byte()).or_insert_with(|| (role.to_string(), vec![])).1.push((name, cdktf_code(doc, props)));
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let ts = doc.ts.as_ref();
    for (at, (role, functions)) in &roles {
        let Some(role_res) = doc.resources.iter().find(|r| r.node.start_byte() == *at) else { continue };
        if role_res.type_name != TF_ROLE {
            continue;
        }
        let declared = ts.map(|ts| ts.declared(role, role_res.node));
        let trust = role_res.props.and_then(|p| p.get("assumeRolePolicy")).map_or("", |t| t.text());
        if trust.matches("amazonaws.com").count() != trust.matches("lambda.amazonaws.com").count() {
            continue;
        }
        // Policy values attached to the role.
        let mut policies: Vec<ValueNode> = Vec::new();
        if let Some(inline) = role_res.props.and_then(|p| p.get("inlinePolicy")).and_then(|v| v.as_list()) {
            policies.extend(inline.items().iter().filter_map(|i| i.as_map()?.get("policy")));
        }
        let attached_to_role = |r: &Resource| {
            r.props.and_then(|p| p.get("role")).is_some_and(|v| owner(v.text()) == Some(role.as_str()) && ts.map(|ts| ts.declared(role, v.node)) == declared)
        };
        for rp in doc.of_type(TF_ROLE_POLICY).filter(|r| attached_to_role(r)) {
            policies.extend(rp.props.and_then(|p| p.get("policy")));
        }
        for att in doc.of_type(TF_ATTACHMENT).filter(|r| attached_to_role(r)) {
            let Some(p) = att.props.and_then(|p| p.get("policyArn")).and_then(|v| doc.bound_to(owner(v.text())?, v.node)) else { continue };
            if p.type_name == TF_POLICY {
                policies.extend(p.props.and_then(|p| p.get("policy")));
            }
        }
        for policy in policies {
            for (stmt, keys) in tf_statements(doc, policy) {
                if seen.insert(stmt.node.start_byte()) {
                    out.extend(narrow_statement(stmt, keys, functions, keys.action == "actions"));
                }
            }
        }
    }
    out
}

/// Statements of a CDKTF policy value: `JSON.stringify({ Statement: […] })` or `doc.json`.
pub(super) fn tf_statements<'a>(doc: &Document<'a>, policy: ValueNode<'a>) -> Vec<(MapNode<'a>, &'static Keys)> {
    if policy.node.kind() == "call_expression" && policy.node.child_by_field_name("function").is_some_and(|f| doc.text(f) == "JSON.stringify") {
        let Some(arg) = policy.node.child_by_field_name("arguments").and_then(|a| named_children(a).into_iter().next()) else { return vec![] };
        let Some(obj) = ValueNode::new(doc.parsed, arg).as_map() else { return vec![] };
        return statements(obj.get("Statement")).into_iter().map(|s| (s, &JSON_KEYS)).collect();
    }
    if let Some(src) = owner(policy.text()).and_then(|b| doc.bound_to(b, policy.node)) {
        if src.type_name == TF_POLICY_DOC && policy.text().ends_with(".json") {
            return statements(src.props.and_then(|p| p.get("statement"))).into_iter().map(|s| (s, &DOC_KEYS)).collect();
        }
    }
    vec![]
}
