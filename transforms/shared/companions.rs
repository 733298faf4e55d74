//! Companion constructs: a new TypeScript statement that refers to an existing construct
//! (a policy for a bucket, a route for a table): where it goes, how it names the construct,
//! its id, class and provider.

/// CDKTF: the statement list of a policy value, to append to:
/// `JSON.stringify({ Statement: [...] })` (`true`: IAM JSON keys) or `doc.json` of a
/// `DataAwsIamPolicyDocument` of the file with `statement: [...]` (`false`).
pub(crate) fn tf_policy_statements<'a>(
    doc: &crate::model::Document<'a>,
    ts: &crate::lang::ts::TsFile<'a>,
    v: crate::lang::mapping::ValueNode<'a>,
) -> Option<(crate::lang::mapping::ListNode<'a>, bool)> {
    let node = v.node;
    if node.kind() == "call_expression" {
        let f = node.child_by_field_name("function")?;
        if doc.text(f) != "JSON.stringify" {
            return None;
        }
        let arg = *ts.args(node.child_by_field_name("arguments")?).first()?;
        let list = arg.as_map()?.get("Statement")?.as_list()?;
        return Some((list, true));
    }
    let data = v.text().strip_suffix(".json")?;
    let r = data_policy_document(doc, data)?;
    Some((r.props?.get("statement")?.as_list()?, false))
}

/// What a statement added right after a construct's own statement uses to refer to
/// the construct, and the edits that make that name exist.
pub(crate) struct Anchor<'a> {
    /// `bucket`, `this.bucket`, or the fresh `const` given to an unbound construct.
    pub target: String,
    /// The statement holding the construct: new statements go after it.
    pub statement: tree_sitter::Node<'a>,
    /// `const <fresh> = ` before an unbound `new X(…);` statement, else nothing.
    pub edits: Vec<crate::edit::Edit>,
}

/// Where a companion construct (one that refers to `r`) can be declared: right after
/// `r`'s statement, naming `r` by its binding, or binding a lone `new X(…);`
/// statement to `const <fresh>`. `Err` says why not (a class field, a construct
/// inside a callback or inside another expression).
pub(crate) fn companion_anchor<'a>(
    r: &crate::model::Resource<'a>,
    fresh: &str,
) -> Result<Anchor<'a>, &'static str> {
    let statement = r.statement.ok_or("it is not part of a statement")?;
    if statement.parent().is_some_and(|p| p.kind() == "class_body") {
        return Err("it is declared as a class field");
    }
    let mut direct = r.node.parent().ok_or("it is not part of a statement")?;
    while matches!(
        direct.kind(),
        "as_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        direct = direct.parent().ok_or("it is not part of a statement")?;
    }
    let mut cur = r.node.parent().ok_or("it is not part of a statement")?;
    while cur.id() != statement.id() {
        if matches!(cur.kind(), "arrow_function" | "function_expression") {
            return Err("it is created inside a callback");
        }
        cur = cur.parent().ok_or("it is not part of a statement")?;
    }
    let nested = "it is created inside another expression";
    match &r.binding {
        Some(binding) => {
            // `const b = new X(…)` (possibly `export`ed) or `this.b = new X(…);`.
            let holder = direct.parent();
            let declared = direct.kind() == "variable_declarator"
                && holder.is_some_and(|d| {
                    d.id() == statement.id() || d.parent().is_some_and(|s| s.id() == statement.id())
                });
            let assigned = direct.kind() == "assignment_expression"
                && holder.is_some_and(|p| p.id() == statement.id());
            (declared || assigned)
                .then(|| Anchor {
                    target: binding.to_string(),
                    statement,
                    edits: vec![],
                })
                .ok_or(nested)
        }
        None if direct.id() == statement.id() && statement.kind() == "expression_statement" => {
            Ok(Anchor {
                target: fresh.to_string(),
                statement,
                edits: vec![crate::edit::Edit::insert(
                    r.node.start_byte(),
                    format!("const {fresh} = "),
                )],
            })
        }
        None => Err(nested),
    }
}

/// A `const` name for an unbound construct, from its construct id (`'audit-logs'` →
/// `auditLogs` + `suffix`), numbered when the file already uses the word.
pub(crate) fn fresh_const(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    suffix: &str,
) -> String {
    let id = r.logical_id.as_deref().unwrap_or_default();
    let base = super::lower_camel(id);
    let base = if base.is_empty() {
        suffix.to_ascii_lowercase()
    } else if base
        .to_ascii_lowercase()
        .ends_with(&suffix.to_ascii_lowercase())
    {
        base
    } else {
        format!("{base}{suffix}")
    };
    // One name per construct and pass, whichever transform binds it, and none that another
    // construct of this pass got.
    let owner = format!("bind {}", r.node.start_byte());
    super::unique_in_pass(doc, &owner, &base, |n| doc.has_word(n))
}

/// The construct id of a companion of `r`: a literal id gets `-kebab` (all-lowercase
/// ids; `_snake` for snake_case ones) or `Camel` appended and is numbered when the file already has that string;
/// a template literal gets the suffix inside; any other expression becomes
/// `` `${expr}-kebab` ``, so helpers called several times keep unique ids.
pub(crate) fn companion_id(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    kebab: &str,
    camel: &str,
) -> String {
    let q = doc.parsed.style.quote;
    let lower_style = |s: &str| !s.chars().any(|c| c.is_ascii_uppercase());
    let id = r
        .node
        .child_by_field_name("arguments")
        .and_then(|a| crate::lang::named_children(a).get(1).copied())
        .map(|n| crate::lang::mapping::ValueNode::new(doc.parsed, n));
    let Some(id) = id else {
        return crate::value::quote(camel, q);
    };
    if let Some(s) = id.as_str() {
        let base = match (lower_style(&s), s.contains('_') && !s.contains('-')) {
            (true, true) => format!("{s}_{}", kebab.replace('-', "_")),
            (true, false) => format!("{s}-{kebab}"),
            (false, _) => format!("{s}{camel}"),
        };
        let taken = |c: &str| super::has_string_literal(doc, c);
        let unique = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|c| !taken(c))
            .unwrap_or(base);
        return crate::value::quote(&unique, q);
    }
    let text = id.text();
    if id.node.kind() == "template_string" {
        let literal: String = text
            .split("${")
            .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
            .collect();
        let suffix = if lower_style(&literal) && literal.contains(|c: char| c.is_ascii_lowercase())
        {
            format!("-{kebab}")
        } else {
            camel.to_string()
        };
        return format!("{}{suffix}`", &text[..text.len() - 1]);
    }
    format!("`${{{text}}}-{kebab}`")
}

/// True when `value` (a companion's reference to its construct) is `binding.attr`
/// for one of `attrs`, e.g. `bucket.id` or `this.logs.bucket`.
// Kept for other companion-adding transforms; the S3 ones use the `targeting` index.
#[allow(dead_code)]
pub(crate) fn refers_to(
    value: &crate::lang::mapping::ValueNode,
    binding: &str,
    attrs: &[&str],
) -> bool {
    let text: String = value
        .text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.strip_prefix(binding)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|attr| attrs.contains(&attr))
}

/// How to name `export` of `@cdktf/provider-aws/lib/<lib>` in a statement next to the
/// CDKTF construct `r`: through the same root namespace when `r` is written
/// `aws.s3Bucket.S3Bucket`, else as `TsFile::reference` imports it.
pub(crate) fn tf_class(
    ts: &crate::lang::ts::TsFile,
    r: &crate::model::Resource,
    lib: &str,
    export: &str,
) -> (String, Option<crate::edit::Edit>) {
    let member = lower_camel_words(lib);
    let written = r
        .node
        .child_by_field_name("constructor")
        .map(|c| ts.doc.text(c));
    let own = r.type_name.rsplit_once('.').and_then(|(module, class)| {
        let own_lib = module.strip_prefix("@cdktf/provider-aws/lib/")?;
        Some(format!(".{}.{class}", lower_camel_words(own_lib)))
    });
    if let Some(ns) = written
        .zip(own)
        .and_then(|(w, own)| w.strip_suffix(own.as_str()).map(str::to_string))
    {
        return (format!("{ns}.{member}.{export}"), None);
    }
    ts.reference(&format!("@cdktf/provider-aws/lib/{lib}"), export, &member)
}

/// `s3-bucket-versioning` → `s3BucketVersioning`.
fn lower_camel_words(kebab: &str) -> String {
    let mut out = String::new();
    for (i, word) in kebab.split('-').enumerate() {
        let mut c = word.chars();
        if let (true, Some(f)) = (i > 0, c.next()) {
            out.push(f.to_ascii_uppercase());
            out.push_str(c.as_str());
        } else {
            out.push_str(word);
        }
    }
    out
}

/// The CDKTF meta-arguments that decide where a construct is created (`provider`:
/// another region or account), to copy onto every companion of `r`, as
/// (name, expression text). `Err` says why no companion can be placed like `r`:
/// `count`/`forEach` make `r` a set of resources a single companion cannot follow,
/// a multi-line `provider` expression cannot be copied as one line.
pub(crate) fn placement(r: &crate::model::Resource) -> Result<Vec<(&'static str, String)>, String> {
    let Some(props) = r.props else {
        return Ok(vec![]);
    };
    for iterated in ["count", "forEach"] {
        if props.has(iterated) {
            return Err(format!(
                "it is created `{iterated}` times, and one companion cannot follow each copy"
            ));
        }
    }
    match props.get("provider") {
        Some(v) if v.text().contains('\n') => {
            Err("its `provider` is an expression over several lines; copy it by hand".into())
        }
        Some(v) => Ok(vec![("provider", v.text().to_string())]),
        None if props.has("provider") => Ok(vec![("provider", "provider".to_string())]),
        None => Ok(vec![]),
    }
}

/// `  provider: <same>,\n` for a companion of `r` written as code (see [`placement`]).
pub(crate) fn same_provider(r: &crate::model::Resource) -> Result<String, String> {
    Ok(placement(r)?
        .into_iter()
        .map(|(k, v)| format!("  {k}: {v},\n"))
        .collect())
}

/// The `DataAwsIamPolicyDocument` of the file bound to `binding` (indexed once).
pub(crate) fn data_policy_document<'d, 'a>(
    doc: &'d crate::model::Document<'a>,
    binding: &str,
) -> Option<&'d crate::model::Resource<'a>> {
    let index = doc.memo("data-policy-documents", |doc| {
        let mut m = std::collections::HashMap::new();
        for (i, r) in doc.resources.iter().enumerate() {
            if r.type_name.ends_with(".DataAwsIamPolicyDocument") {
                if let Some(b) = r.binding.as_deref() {
                    m.entry(b.to_string()).or_insert(i);
                }
            }
        }
        m
    });
    index.get(binding).map(|i| &doc.resources[*i])
}

/// How to name another export of the module construct `r` comes from: through the
/// same qualifier when `r` is written qualified (`cdk.aws_s3.Bucket` →
/// `cdk.aws_s3.BlockPublicAccess`), else as `TsFile::reference` imports it.
pub(crate) fn sibling_export(
    ts: &crate::lang::ts::TsFile,
    r: &crate::model::Resource,
    module: &str,
    export: &str,
    alias: &str,
) -> (String, Option<crate::edit::Edit>) {
    let f = crate::lang::ts::fields();
    let ctor = r.node.child_by_field_id(f.constructor);
    let qualifier = ctor
        .filter(|c| c.kind() == "member_expression")
        .and_then(|c| c.child_by_field_id(f.object))
        .filter(|o| ts.resolve(*o).as_deref() == Some(module));
    match qualifier {
        Some(q) => (format!("{}.{export}", ts.doc.text(q)), None),
        None => ts.reference(module, export, alias),
    }
}

/// The constructs of a file whose class comes from a module starting with `prefix`
/// (`@cdktf/provider-aws/lib/s3-bucket-versioning` also covers `…-versioning-v2`).
pub(crate) fn of_module<'d, 'a>(
    doc: &'d crate::model::Document<'a>,
    prefix: &str,
) -> Vec<&'d crate::model::Resource<'a>> {
    doc.resources
        .iter()
        .filter(|r| r.type_name.starts_with(prefix))
        .collect()
}

/// The constructs of modules starting with `prefix` whose `key` prop is
/// `<binding>.<attr>` for one of `attrs` (what [`refers_to`] accepts), where `<binding>`
/// is the one `target` is assigned to, in source order. Bindings spelled alike in two
/// scopes (`const bucket` in two methods, `this.bucket` in two classes) are told apart
/// by where each is declared ([`TsFile::declared`](crate::lang::ts::TsFile::declared)).
/// When `target` is handed to other code ([`handed_out`]), the constructs whose `key` is
/// read through a parameter or variable, or whose props are not an object literal, are
/// included too: they may be its own (a helper `blockPublic(b)`, a loop over buckets).
/// The file's constructs are indexed by the binding they name on the first call for
/// (`prefix`, `key`), so asking for every bucket stays linear.
pub(crate) fn targeting<'d, 'a>(
    doc: &'d crate::model::Document<'a>,
    prefix: &'static str,
    key: &'static str,
    target: &crate::model::Resource,
    attrs: &[&str],
) -> Vec<&'d crate::model::Resource<'a>> {
    /// Constructs by the binding their `key` names (with the attribute), and those whose
    /// `key` is read through a parameter or variable ([`through_alias`]).
    #[derive(Default)]
    struct Index {
        by_binding: std::collections::HashMap<String, Vec<(usize, String)>>,
        aliased: Vec<usize>,
    }
    let (Some(binding), Some(ts)) = (target.binding.as_deref(), doc.ts.as_ref()) else {
        return vec![];
    };
    let index: std::rc::Rc<Index> = doc.memo(&format!("targeting {prefix} {key}"), |doc| {
        let mut index = Index::default();
        for (i, r) in doc.resources.iter().enumerate() {
            if !r.type_name.starts_with(prefix) {
                continue;
            }
            let Some(v) = r.props.and_then(|p| p.get(key)) else {
                // Props that are not an object literal, or spread one: it may name any bucket.
                if r.props.is_none_or(|p| p.has_spread()) {
                    index.aliased.push(i);
                }
                continue;
            };
            let text: String = v.text().chars().filter(|c| !c.is_whitespace()).collect();
            if let Some((target, attr)) = text.rsplit_once('.') {
                index
                    .by_binding
                    .entry(target.to_string())
                    .or_default()
                    .push((i, attr.to_string()));
            }
            if through_alias(doc, &text, v.node) {
                index.aliased.push(i);
            }
        }
        index
    });
    let own = ts.declared(binding, target.node);
    let mut out: Vec<usize> = index
        .by_binding
        .get(binding)
        .into_iter()
        .flatten()
        .filter(|(i, attr)| {
            let r = &doc.resources[*i];
            let at = r.props.and_then(|p| p.get(key)).map_or(r.node, |v| v.node);
            attrs.contains(&attr.as_str()) && ts.declared(binding, at) == own
        })
        .map(|(i, _)| *i)
        .collect();
    // One written through a parameter or variable (`blockPublic(b)` writes `bucket: b.id`)
    // may be this construct's when the file hands it to other code.
    if !index.aliased.is_empty() && handed_out(doc, target) {
        out.extend(index.aliased.iter().copied());
        out.sort_unstable();
        out.dedup();
    }
    out.into_iter().map(|i| &doc.resources[i]).collect()
}

/// True when code whose name for the construct `r` is spelled as `r`'s binding, declared
/// at `declared` ([`TsFile::declared`](crate::lang::ts::TsFile::declared)), refers to `r`:
/// it is `r`'s own binding, or a parameter `r` is handed to under that name
/// ([`handed_to`]). Another construct's binding spelled alike (a `const bucket` of
/// another method), or a parameter that shadows it, is not `r`.
pub(crate) fn names_construct(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    declared: crate::lang::ts::Declared,
) -> bool {
    let (Some(ts), Some(binding)) = (doc.ts.as_ref(), r.binding.as_deref()) else {
        return false;
    };
    let own = ts.declared(binding, r.node);
    declared == own
        || handed_to(doc, binding, r.node)
            .iter()
            .any(|(name, d)| name == binding && *d == declared)
        || ts
            .usages(binding)
            .iter()
            .find(|n| ts.declared(binding, **n) == declared)
            .is_some_and(|u| spelled_alike(doc, binding, own, declared, *u))
}

/// The looser reading that follows names only: a parameter or variable spelled like the
/// binding (declared at `declared`, used at `usage`) is the construct (declared at `own`)
/// handed on under the same name (`const { handler } = this.make(); this.api(handler)`):
/// unless another construct is assigned to it, it shadows the construct's own binding
/// (`[a, b].forEach((bucket) => …)` inside the scope of `const bucket`), or it is a
/// parameter whose calls in this file all pass something spelled otherwise.
fn spelled_alike(
    doc: &crate::model::Document,
    binding: &str,
    own: crate::lang::ts::Declared,
    declared: crate::lang::ts::Declared,
    usage: tree_sitter::Node,
) -> bool {
    use crate::lang::ts::{DeclarationKind, Declared};
    let Some(ts) = doc.ts.as_ref() else {
        return false;
    };
    let loose = matches!(
        declared,
        Declared::At(_, DeclarationKind::Parameter | DeclarationKind::Variable)
            | Declared::Member(_)
    );
    if !loose || declared == own || ts.in_scope(binding, own, usage) {
        return false;
    }
    let another = doc
        .resources
        .iter()
        .any(|o| o.binding.as_deref() == Some(binding) && ts.declared(binding, o.node) == declared);
    if another {
        return false;
    }
    let Declared::At(start, DeclarationKind::Parameter) = declared else {
        return true;
    };
    // A parameter: what its function's calls in this file pass at its position.
    let Some(param) = ts.usages(binding).iter().find(|n| n.start_byte() == start) else {
        return true;
    };
    // Compared by last name: `this.handler`, `fns.handler` and `handler` alike.
    let last = |t: &str| {
        t.trim()
            .trim_end_matches('!')
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let passed = arguments_at(ts, *param);
    passed.is_empty() || passed.iter().any(|a| last(a) == last(binding))
}

/// The texts of the arguments the file's calls pass to the parameter named by `param`
/// (its name node): `this.m(…)` calls of a method, `m(…)` calls of a function. Empty when
/// no call is found.
fn arguments_at(ts: &crate::lang::ts::TsFile, param: tree_sitter::Node) -> Vec<String> {
    let f = crate::lang::ts::fields();
    let source = ts.doc.source.as_str();
    let Some(holder) = ts
        .parent(param)
        .filter(|p| matches!(p.kind(), "required_parameter" | "optional_parameter"))
    else {
        return vec![];
    };
    let Some(list) = ts.parent(holder) else {
        return vec![];
    };
    let Some(index) = named_children_of(list)
        .into_iter()
        .filter(|p| matches!(p.kind(), "required_parameter" | "optional_parameter"))
        .position(|p| p.id() == holder.id())
    else {
        return vec![];
    };
    let Some(function) = ts.parent(list) else {
        return vec![];
    };
    let Some(name) = function
        .child_by_field_id(f.name)
        .map(|n| &source[n.byte_range()])
    else {
        return vec![];
    };
    let callees: Vec<tree_sitter::Node> = match function.kind() {
        "method_definition" => ts.usages(&format!("this.{name}")).to_vec(),
        "function_declaration" => ts.usages(name).to_vec(),
        _ => vec![],
    };
    callees
        .into_iter()
        .filter_map(|c| {
            let call = ts.parent(c).filter(|p| {
                p.kind() == "call_expression"
                    && p.child_by_field_id(f.function)
                        .is_some_and(|x| x.id() == c.id())
            })?;
            let args = call.child_by_field_id(f.arguments)?;
            let arg = named_children_of(args)
                .into_iter()
                .filter(|n| n.kind() != "comment")
                .nth(index)?;
            Some(source[arg.byte_range()].to_string())
        })
        .collect()
}

/// The nodes that name the construct `r`: its binding in its own scope, and the
/// parameters it is handed to ([`handed_to`]). Empty for a construct without a binding.
pub(crate) fn references_of<'a>(
    doc: &crate::model::Document<'a>,
    r: &crate::model::Resource,
) -> Vec<tree_sitter::Node<'a>> {
    match r.binding.as_deref() {
        Some(binding) => references_from(doc, binding, r.node),
        None => vec![],
    }
}

/// [`references_of`] for the binding `binding` as seen at `at` (its declaration, or any
/// place in its scope), whether or not a construct is assigned to it
/// (`const alias = fn.addAlias(…)`).
pub(crate) fn references_from<'a>(
    doc: &crate::model::Document<'a>,
    binding: &str,
    at: tree_sitter::Node,
) -> Vec<tree_sitter::Node<'a>> {
    let Some(ts) = doc.ts.as_ref() else {
        return vec![];
    };
    let own = ts.declared(binding, at);
    let mut loose: Vec<(crate::lang::ts::Declared, bool)> = vec![];
    let mut out: Vec<tree_sitter::Node<'a>> = vec![];
    for u in ts.usages(binding) {
        let d = ts.declared(binding, *u);
        if d == own {
            out.push(*u);
            continue;
        }
        let ok = match loose.iter().find(|(x, _)| *x == d) {
            Some((_, ok)) => *ok,
            None => {
                let ok = spelled_alike(doc, binding, own, d, *u);
                loose.push((d, ok));
                ok
            }
        };
        if ok {
            out.push(*u);
        }
    }
    for (name, declared) in handed_to(doc, binding, at) {
        out.extend(
            ts.usages(&name)
                .iter()
                .copied()
                .filter(|n| ts.declared(&name, *n) == declared),
        );
    }
    out.sort_by_key(|n| (n.start_byte(), n.id()));
    out.dedup_by_key(|n| n.id());
    out
}

/// The parameters the binding `binding` (as seen at `at`) is handed to: each place it is
/// a whole argument of a call of a method (`this.m(…)`, in the same class) or function
/// (`m(…)`) the file declares gives that function's parameter at the same position,
/// followed through up to three such calls. `(parameter name, where it is declared)`.
pub(crate) fn handed_to(
    doc: &crate::model::Document,
    binding: &str,
    at: tree_sitter::Node,
) -> Vec<(String, crate::lang::ts::Declared)> {
    let Some(ts) = doc.ts.as_ref() else {
        return vec![];
    };
    let mut out: Vec<(String, crate::lang::ts::Declared)> = vec![];
    let mut todo: Vec<(String, Vec<tree_sitter::Node>)> =
        vec![(binding.to_string(), ts.references(binding, at))];
    for _ in 0..3 {
        let mut next = vec![];
        for (_, uses) in &todo {
            for u in uses {
                if let Some((name, declared)) = parameter_for(ts, *u) {
                    if !out.iter().any(|(n, d)| *n == name && *d == declared) {
                        let uses: Vec<tree_sitter::Node> = ts
                            .usages(&name)
                            .iter()
                            .copied()
                            .filter(|n| ts.declared(&name, *n) == declared)
                            .collect();
                        out.push((name.clone(), declared));
                        next.push((name, uses));
                    }
                }
            }
        }
        if next.is_empty() {
            break;
        }
        todo = next;
    }
    out
}

/// When `arg` is a whole argument of `this.m(…)` or `m(…)` and the file declares `m`
/// (a method of the class the call is in, a function in scope): the parameter at that
/// position, if it is a plain name.
fn parameter_for(
    ts: &crate::lang::ts::TsFile,
    arg: tree_sitter::Node,
) -> Option<(String, crate::lang::ts::Declared)> {
    let f = crate::lang::ts::fields();
    let list = ts.parent(arg).filter(|p| p.kind() == "arguments")?;
    let call = ts.parent(list).filter(|c| c.kind() == "call_expression")?;
    let index = named_children_of(list)
        .iter()
        .filter(|n| n.kind() != "comment")
        .position(|n| n.id() == arg.id())?;
    let callee = call.child_by_field_id(f.function)?;
    let source = ts.doc.source.as_str();
    let function = match callee.kind() {
        "member_expression" => {
            let object = callee.child_by_field_id(f.object)?;
            if object.kind() != "this" {
                return None;
            }
            let name = &source[callee.child_by_field_id(f.property)?.byte_range()];
            // The class body the call is in, and its method of that name.
            let mut up = ts.parent(call);
            while let Some(n) = up {
                if n.kind() == "class_body" {
                    break;
                }
                up = ts.parent(n);
            }
            named_children_of(up?).into_iter().find(|m| {
                m.kind() == "method_definition"
                    && m.child_by_field_id(f.name).map(|n| &source[n.byte_range()]) == Some(name)
            })?
        }
        "identifier" => {
            let name = &source[callee.byte_range()];
            let crate::lang::ts::Declared::At(start, crate::lang::ts::DeclarationKind::Function) =
                ts.declared(name, call)
            else {
                return None;
            };
            ts.usages(name)
                .iter()
                .find(|n| n.start_byte() == start)
                .and_then(|n| ts.parent(*n))
                .filter(|d| d.kind() == "function_declaration")?
        }
        _ => return None,
    };
    let params = function.child_by_field_name("parameters")?;
    let param = named_children_of(params)
        .into_iter()
        .filter(|p| matches!(p.kind(), "required_parameter" | "optional_parameter"))
        .nth(index)?;
    let name = param
        .child_by_field_name("pattern")
        .filter(|n| n.kind() == "identifier")?;
    let text = source[name.byte_range()].to_string();
    let declared = ts.declared(&text, name);
    Some((text, declared))
}

fn named_children_of(node: tree_sitter::Node) -> Vec<tree_sitter::Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// TypeScript: `text` (an expression written at `at` that names no construct of the file
/// directly) is read through a parameter or a variable (`b.id`, `props.bucket.bucketName`,
/// `` `${name}` ``), or a `this.x` that no construct of the file is assigned to: whatever it
/// holds was handed in or computed, and may be any construct the file hands out
/// ([`handed_out`]).
pub(crate) fn through_alias(
    doc: &crate::model::Document,
    text: &str,
    at: tree_sitter::Node,
) -> bool {
    use crate::lang::ts::{DeclarationKind, Declared};
    let Some(ts) = doc.ts.as_ref() else {
        return false;
    };
    let words = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()));
    for word in words {
        let alias = match ts.declared(word, at) {
            Declared::At(_, kind) => {
                matches!(kind, DeclarationKind::Parameter | DeclarationKind::Variable)
                    && doc.bound_to(word, at).is_none()
            }
            Declared::Member(_) => {
                let member: String = word.split('.').take(2).collect::<Vec<_>>().join(".");
                word.contains('.') && doc.bound_to(&member, at).is_none()
            }
            Declared::Unknown => false,
        };
        if alias {
            return true;
        }
    }
    false
}

/// TypeScript: the construct `r` is handed to code that may pass it (or its name) on:
/// its binding (or `binding.attr`) is an argument of a call or of a `new` that is not a
/// construct of the file, an item of an array or object that is not a construct's props,
/// returned, assigned, or iterated over. Arguments of `JSON.stringify`, `Fn.*` and
/// `Token.*` inside a construct's props, method calls on it (`bucket.grantRead(…)`) and
/// `void bucket` do not hand it on. Read once per construct and document.
pub(crate) fn handed_out(doc: &crate::model::Document, r: &crate::model::Resource) -> bool {
    type Memo = std::cell::RefCell<std::collections::HashMap<usize, bool>>;
    let memo: std::rc::Rc<Memo> = doc.memo("handed-out", |_| Memo::default());
    let key = r.node.start_byte();
    if let Some(known) = memo.borrow().get(&key) {
        return *known;
    }
    let out = read_handed_out(doc, r);
    memo.borrow_mut().insert(key, out);
    out
}

fn read_handed_out(doc: &crate::model::Document, r: &crate::model::Resource) -> bool {
    let (Some(ts), Some(binding)) = (doc.ts.as_ref(), r.binding.as_deref()) else {
        return false;
    };
    let constructs: std::collections::HashSet<usize> =
        doc.resources.iter().map(|c| c.node.id()).collect();
    let f = crate::lang::ts::fields();
    let is =
        |n: Option<tree_sitter::Node>, of: tree_sitter::Node| n.is_some_and(|n| n.id() == of.id());
    ts.references(binding, r.node).into_iter().any(|use_| {
        let mut cur = use_;
        // Inside an array, object or other expression holding it (`[a, b].forEach(…)`):
        // a call on that value hands it on.
        let mut held = false;
        while let Some(p) = ts.parent(cur) {
            match p.kind() {
                "member_expression" if is(p.child_by_field_id(f.object), cur) => {}
                "non_null_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression" => {}
                "template_substitution"
                | "template_string"
                | "pair"
                | "object"
                | "array"
                | "binary_expression"
                | "ternary_expression"
                | "spread_element" => held = true,
                "call_expression" if is(p.child_by_field_id(f.function), cur) => return held,
                "arguments" => {
                    let Some(call) = ts.parent(p) else {
                        return true;
                    };
                    if call.kind() == "new_expression" {
                        return !constructs.contains(&call.id());
                    }
                    let callee = call
                        .child_by_field_id(f.function)
                        .map_or("", |c| doc.text(c));
                    if !(callee == "JSON.stringify"
                        || callee.starts_with("Fn.")
                        || callee.starts_with("Token."))
                    {
                        return true;
                    }
                    cur = call;
                    continue;
                }
                "variable_declarator" => return !is(p.child_by_field_id(f.name), cur),
                "assignment_expression" => return is(p.child_by_field_id(f.right), cur),
                "unary_expression" => return !doc.text(p).starts_with("void"),
                "expression_statement" => return false,
                // Returned, yielded, iterated over (`for (const b of [x, y])`), a default
                // value, a class field: it goes where this file cannot follow.
                _ => return true,
            }
            cur = p;
        }
        false
    })
}

const FUNCTION_KINDS: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function_declaration",
    "method_definition",
    "generator_function",
    "generator_function_declaration",
];
const LOOP_KINDS: &[&str] = &[
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
];

/// Where a statement declaring something a construct needs first (its dead-letter queue,
/// its KMS key) can go: before the construct's statement `stmt`, with the construct's
/// scope argument `scope` and id argument `id`. Unlike [`companion_anchor`] (statements
/// that refer to the construct, placed after it), nothing here names the construct.
pub(crate) struct Placement<'a> {
    pub stmt: tree_sitter::Node<'a>,
    pub scope: String,
    pub id: Option<crate::lang::mapping::ValueNode<'a>>,
    /// The construct is created in a function other than a constructor, with an id built from
    /// one of its parameters (`new logs.LogGroup(scope, name)` in a helper): the function
    /// runs once per id, and a companion declared there with one fixed id would collide
    /// with itself (CDK: "There is already a Construct with name …").
    pub repeats: bool,
}

/// `Err` says why not: a class field, a construct created in a loop or a callback, or
/// one without `(scope, id)` arguments.
pub(crate) fn placement_before<'a>(
    ts: &crate::lang::ts::TsFile<'a>,
    r: &crate::model::Resource<'a>,
) -> Result<Placement<'a>, &'static str> {
    let stmt = r.statement.ok_or("it is not part of a statement")?;
    if ts.parent(stmt).is_some_and(|p| p.kind() == "class_body") {
        return Err("it is declared as a class field");
    }
    let mut cur = r.node;
    while cur.id() != stmt.id() {
        if FUNCTION_KINDS.contains(&cur.kind()) {
            return Err("it is created inside a callback");
        }
        cur = ts.parent(cur).ok_or("it is not part of a statement")?;
    }
    let mut up = ts.parent(stmt);
    // The parameters of the function the statement runs in, unless that is a class
    // constructor (it runs once per construct).
    let mut params: Vec<&str> = Vec::new();
    while let Some(n) = up {
        if LOOP_KINDS.contains(&n.kind()) {
            return Err("it is created in a loop");
        }
        if FUNCTION_KINDS.contains(&n.kind()) {
            let callback = matches!(n.kind(), "arrow_function" | "function_expression")
                && ts.parent(n).is_some_and(|p| p.kind() == "arguments");
            if callback {
                return Err("it is created in a callback (e.g. `forEach`)");
            }
            let source = ts.doc.source.as_str();
            let constructor = n.kind() == "method_definition"
                && n.child_by_field_name("name")
                    .map(|m| &source[m.byte_range()])
                    == Some("constructor");
            if !constructor && !called_once(ts, n, 0) {
                if let Some(list) = n.child_by_field_name("parameters") {
                    let mut cursor = list.walk();
                    for p in list.named_children(&mut cursor) {
                        let name = p.child_by_field_name("pattern").unwrap_or(p);
                        if name.kind() == "identifier" {
                            params.push(&source[name.byte_range()]);
                        }
                    }
                } else if let Some(p) = n.child_by_field_name("parameter") {
                    params.push(&source[p.byte_range()]);
                }
            }
            break;
        }
        up = ts.parent(n);
    }
    let arguments = r
        .node
        .child_by_field_id(crate::lang::ts::fields().arguments)
        .ok_or("it has no arguments")?;
    let args = ts.args(arguments);
    let scope = args.first().ok_or("it has no scope argument")?.text();
    let id = args.get(1).copied();
    // An id built from a parameter differs per call; one built from `this.…` or constants
    // does not (a method that runs once per construct).
    let repeats = id.is_some_and(|v| {
        let mut stack = vec![v.node];
        while let Some(n) = stack.pop() {
            if n.kind() == "identifier" && params.contains(&&ts.doc.source[n.byte_range()]) {
                return true;
            }
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
        false
    });
    Ok(Placement {
        stmt,
        scope: scope.to_string(),
        id,
        repeats,
    })
}

/// True when `function` (a method or function declaration) can only be called from this
/// file (a `private` method, a function that is not exported) and runs at most once: the
/// file names it at most once, as a direct call (`this.name(…)`, `name(…)`) that is not in
/// a loop or a callback and sits in a constructor or in another function that runs once
/// (followed up to three levels). A function passed as a value (`items.forEach(this.make)`)
/// may run any number of times.
fn called_once(ts: &crate::lang::ts::TsFile, function: tree_sitter::Node, depth: usize) -> bool {
    let source = ts.doc.source.as_str();
    let Some(name) = function.child_by_field_name("name") else {
        return false;
    };
    let method = function.kind() == "method_definition";
    let local = match function.kind() {
        "method_definition" => {
            let mut cursor = function.walk();
            let private = function.children(&mut cursor).any(|c| {
                c.kind() == "accessibility_modifier" && &source[c.byte_range()] == "private"
            });
            private || source[name.byte_range()].starts_with('#')
        }
        "function_declaration" | "generator_function_declaration" => function
            .parent()
            .is_none_or(|p| p.kind() != "export_statement"),
        _ => false,
    };
    if !local || depth > 3 {
        return false;
    }
    let name = &source[name.byte_range()];
    let uses: Vec<tree_sitter::Node> = if method {
        ts.usages(&format!("this.{name}")).to_vec()
    } else {
        ts.usages(name)
            .iter()
            .copied()
            .filter(|n| n.id() != function.child_by_field_name("name").map_or(0, |m| m.id()))
            .collect()
    };
    match uses.as_slice() {
        [] => true,
        [call] => {
            let called = ts.parent(*call).is_some_and(|p| {
                p.kind() == "call_expression"
                    && p.child_by_field_id(crate::lang::ts::fields().function)
                        .is_some_and(|f| f.id() == call.id())
            });
            if !called {
                return false;
            }
            let mut up = ts.parent(*call);
            while let Some(n) = up {
                if LOOP_KINDS.contains(&n.kind())
                    || matches!(n.kind(), "arrow_function" | "function_expression")
                {
                    return false;
                }
                if FUNCTION_KINDS.contains(&n.kind()) {
                    let constructor = n.kind() == "method_definition"
                        && n.child_by_field_name("name")
                            .map(|m| &source[m.byte_range()])
                            == Some("constructor");
                    return constructor || called_once(ts, n, depth + 1);
                }
                up = ts.parent(n);
            }
            // Top-level code of the module runs once.
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod companion_tests {
    use super::*;
    use crate::flavor::Flavor;
    use crate::lang::{Parsed, Syntax};
    use crate::model::Document;
    use std::path::Path;

    fn with_doc(code: &str, check: impl FnOnce(&Document)) {
        let parsed = Parsed::new(Syntax::TypeScript, code.into());
        let doc = Document::new(Path::new("s.ts"), Flavor::CdktfTs, &parsed);
        check(&doc);
    }

    const HEAD: &str = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nimport * as aws from '@cdktf/provider-aws';\n";

    #[test]
    fn anchors_bound_unbound_and_nested_constructs() {
        let code = format!(
            "{HEAD}const a = new S3Bucket(this, 'a', {{}});\nthis.b = new S3Bucket(this, 'b', {{}});\nnew S3Bucket(this, 'audit-logs');\nuse(new S3Bucket(this, 'd'));\nitems.forEach((i) => new S3Bucket(this, `e${{i}}`));\n"
        );
        with_doc(&code, |doc| {
            let r: Vec<_> = doc.resources.iter().collect();
            let anchor = |i: usize| companion_anchor(r[i], &fresh_const(doc, r[i], "Bucket"));
            assert_eq!(anchor(0).map(|a| a.target).as_deref(), Ok("a"));
            assert_eq!(anchor(1).map(|a| a.target).as_deref(), Ok("this.b"));
            let bound = anchor(2).expect("a lone statement gets a const");
            assert_eq!(bound.target, "auditLogsBucket");
            assert_eq!(bound.edits[0].text, "const auditLogsBucket = ");
            assert!(anchor(3).is_err());
            assert!(anchor(4).is_err());
        });
    }

    #[test]
    fn companion_ids_follow_the_construct_id() {
        let code = format!(
            "{HEAD}new S3Bucket(this, 'logs');\nnew S3Bucket(this, 'Logs');\nnew S3Bucket(this, 'flow_logs');\nnew S3Bucket(this, `${{id}}-data`);\nnew S3Bucket(this, name);\nnew S3Bucket(this, 'x', {{}});\nnew S3Bucket(this, 'x-versioning');\n"
        );
        with_doc(&code, |doc| {
            let id = |i: usize| companion_id(doc, &doc.resources[i], "versioning", "Versioning");
            assert_eq!(id(0), "'logs-versioning'");
            assert_eq!(id(1), "'LogsVersioning'");
            assert_eq!(id(2), "'flow_logs_versioning'");
            assert_eq!(id(3), "`${id}-data-versioning`");
            assert_eq!(id(4), "`${name}-versioning`");
            assert_eq!(
                id(5),
                "'x-versioning2'",
                "an id the file already uses is numbered"
            );
        });
    }

    #[test]
    fn references_and_namespaced_classes() {
        let code = format!("{HEAD}const b = new aws.s3Bucket.S3Bucket(this, 'b', {{ provider: east, bucket: b2.id }});\n");
        with_doc(&code, |doc| {
            let r = &doc.resources[0];
            let ts = doc.ts.as_ref().unwrap();
            let props = r.props.unwrap();
            assert!(refers_to(
                &props.get("bucket").unwrap(),
                "b2",
                &["id", "bucket"]
            ));
            assert!(!refers_to(
                &props.get("bucket").unwrap(),
                "b",
                &["id", "bucket"]
            ));
            assert_eq!(same_provider(r).as_deref(), Ok("  provider: east,\n"));
            let (class, import) = tf_class(ts, r, "s3-bucket-versioning", "S3BucketVersioningA");
            assert_eq!(class, "aws.s3BucketVersioning.S3BucketVersioningA");
            assert!(import.is_none());
        });
    }
}
