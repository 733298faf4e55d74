//! ## What it fixes
//! Step Functions `Task` states without a retry policy. Each one gets a retrier for
//! `States.TaskFailed` and `States.Timeout`: 2 s interval, 3 attempts, backoff rate 2
//! (all four configurable: options `errors`, `interval`, `max-attempts`, `backoff-rate`).
//!
//! ## Why
//! Without `Retry`, one throttled API call, one cold-start timeout or one transient
//! service error fails the whole execution, and with it every step already done.
//! AWS's Well-Architected guidance is to retry task states with exponential backoff.
//!
//! ## Before → after
//! CDK TypeScript — every `new` of a class from `aws-cdk-lib/aws-stepfunctions-tasks`
//! (v1 `@aws-cdk/aws-stepfunctions-tasks` alike) with a scope and an id:
//! ```ts
//! const invoke = new tasks.LambdaInvoke(this, 'Invoke', { lambdaFunction: fn });
//! invoke.addRetry({                       // added right after a bound task
//!   errors: ['States.TaskFailed', 'States.Timeout'],
//!   interval: cdk.Duration.seconds(2),
//!   maxAttempts: 3,
//!   backoffRate: 2,
//! });
//! sfn.Chain.start(new tasks.SnsPublish(this, 'Notify', { topic, message })
//!   .addRetry({ … }));                    // chained on an inline task
//! ```
//! A task is already retried when `.addRetry(` is called on its binding (in the same
//! block) or chained on its `new` expression. Class fields (`t = new tasks.X(…)`) get the
//! chained form. `Duration` comes from the file's `aws-cdk-lib` import (added when missing).
//! `sfn.CustomState` whose `stateJson` has `Type: 'Task'` gets `Retry: [{ … }]` inside its
//! `stateJson` (works in every CDK version, unlike `CustomState.addRetry`), unless the
//! `stateJson` has `Retry` or the state has an `addRetry` call. `CfnStateMachine`
//! `definition`/`definitionString` are treated like CDKTF's below.
//!
//! CDKTF TypeScript — `SfnStateMachine` `definition:` written as `JSON.stringify({…})`,
//! `Fn.jsonencode({…})`, a string or template literal holding JSON, or a `const` holding
//! one of these (followed through the file): `Retry` is added to the object literal or
//! inside the embedded JSON (TS escaping kept; `${…}` substitutions stay untouched).
//!
//! CloudFormation/SAM — `AWS::StepFunctions::StateMachine` `Definition` (a mapping) and
//! `DefinitionString` (a JSON string, a `!Sub`/`Fn::Sub` string or `[string, vars]`, a
//! YAML `|` block scalar, or `Fn::Join` pieces), and SAM `AWS::Serverless::StateMachine`
//! `Definition`:
//! ```yaml
//! Charge:
//!   Type: Task
//!   Resource: !GetAtt ChargeFn.Arn
//!   Retry:                                 # added
//!     - ErrorEquals: [States.TaskFailed, States.Timeout]
//!       IntervalSeconds: 2
//!       MaxAttempts: 3
//!       BackoffRate: 2
//!   Next: Ship
//! ```
//! Embedded JSON is edited in place: the decoded JSON keeps its own indentation (or its
//! one-line layout) and the inserted text is escaped for its host (`\"` and `\n` in JSON
//! strings, re-indented in block scalars). States nested in `Parallel` `Branches` and in
//! `Map` `Iterator`/`ItemProcessor` count.
//!
//! Placement rule: `Retry` goes right before the state's `Next`/`End` when that is the
//! state's last member (the usual ASL layout), otherwise at the end of the state.
//!
//! Callback tasks (`Resource` ending in `.waitForTaskToken`, CDK `integrationPattern:
//! WAIT_FOR_TASK_TOKEN`) are reported without a fix: a retry re-sends the callback request,
//! and their `States.Timeout` usually means nobody answered in time.
//!
//! Not touched: states that already have `Retry`, non-`Task` states, `DefinitionS3Location`
//! / SAM `DefinitionUri` (the definition lives in another file), folded (`>`) scalars and
//! embedded JSON that cannot be decoded. Embedded JSON that does not parse strictly (a
//! typo, a `${…}` token or a `Fn::Join` intrinsic standing for several entries: they are
//! read as `0`) is one finding without a fix: tree-sitter's error recovery on it depends
//! on byte positions (even on the line endings), so no state inside it is edited.
//!
//! ## Applicability
//! safe: a retrier only re-runs a task that already failed with these errors. Note that
//! `States.TaskFailed` also matches errors the task's code throws: make sure the task is
//! idempotent, or narrow `errors`. CDK's `LambdaInvoke` keeps its built-in retrier for
//! Lambda service exceptions (evaluated first); the added one covers the rest.
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag (AWS Well-Architected REL05-BP03 "control and
//! limit retry calls", Step Functions best practice "handle transient errors").
//!
//! ## Known gaps
//! CDK `tasks.X.jsonata(…)`/`jsonPath(…)` factories and `DefinitionBody.fromString(…)` are
//! not recognised; a task retried through a helper function is not seen as retried (it
//! gets a second retrier). A task that the `States` walk cannot reach (definition built
//! from spreads or computed keys) is not seen. In one-line TS object literals the `Retry`
//! entry is added on the same line, so the line can get long. CDK v1 files that import
//! nothing from `@aws-cdk/core` get `Duration` imported from `aws-cdk-lib`.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::embedded::Embedded;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::lang::{cfn, descendants, named_children, Parsed, Syntax};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::value::{json_string, quote, Renderer, Value};
use std::collections::HashSet;
use tree_sitter::Node;

pub struct StepFunctionsRetry;
pub static TRANSFORM: StepFunctionsRetry = StepFunctionsRetry;

static META: Meta = Meta {
    id: "stepfunctions-retry",
    title: "Add a retry policy to Step Functions task states",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[],
    options: &[
        ("errors", "States.TaskFailed,States.Timeout", "comma-separated error names to retry"),
        ("interval", "2", "seconds before the first retry"),
        ("max-attempts", "3", "retry attempts"),
        ("backoff-rate", "2", "multiplier of the interval per attempt"),
    ],
};

const CDK_TASKS: &str = "aws-cdk-lib/aws-stepfunctions-tasks.";
const CDK_CUSTOM_STATE: &str = "aws-cdk-lib/aws-stepfunctions.CustomState";
const CDK_CFN_STATE_MACHINE: &str = "aws-cdk-lib/aws-stepfunctions.CfnStateMachine";
const CDKTF_STATE_MACHINE: &str = "@cdktf/provider-aws/lib/sfn-state-machine.SfnStateMachine";
/// Stands for a `${…}` substitution or an intrinsic when embedded JSON is parsed: valid
/// both inside a JSON string and as a JSON value.
const PLACEHOLDER: &str = "0";

/// The retry policy, from options (invalid values fall back to the defaults).
struct Policy {
    errors: Vec<String>,
    interval: u64,
    attempts: u64,
    backoff: String,
}

impl Policy {
    fn new(options: &Options) -> Policy {
        let get = |name| options.get(&META, name).trim().to_string();
        let default = |name| META.options.iter().find(|o| o.0 == name).map_or("", |o| o.1);
        let mut errors: Vec<String> = get("errors").split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
        if errors.is_empty() {
            errors = default("errors").split(',').map(String::from).collect();
        }
        let backoff = get("backoff-rate");
        Policy {
            errors,
            interval: get("interval").parse().unwrap_or(2),
            attempts: get("max-attempts").parse().unwrap_or(3),
            backoff: if backoff.parse::<f64>().is_ok_and(|b| b >= 1.0) { backoff } else { "2".into() },
        }
    }

    fn summary(&self) -> String {
        format!(
            "retry {} after {}s, {} attempts, backoff ×{}",
            self.errors.join(", "),
            self.interval,
            self.attempts,
            self.backoff
        )
    }
}

impl Transform for StepFunctionsRetry {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// The States language's bounds: `IntervalSeconds` a positive integer,
    /// `MaxAttempts` a non-negative integer, `BackoffRate` at least 1.0.
    fn check_option(&self, name: &str, value: &str) -> Result<(), String> {
        let ok = match name {
            "interval" => value.parse::<u64>().is_ok_and(|n| n >= 1),
            "max-attempts" => value.parse::<u64>().is_ok(),
            "backoff-rate" => value.parse::<f64>().is_ok_and(|n| n >= 1.0 && n.is_finite()),
            _ => true,
        };
        let want = match name {
            "interval" => "a whole number of seconds ≥ 1",
            "max-attempts" => "a whole number ≥ 0",
            _ => "a number ≥ 1.0",
        };
        if ok { Ok(()) } else { Err(format!("`{value}` is not {want}")) }
    }

    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding> {
        let policy = Policy::new(options);
        let mut out = Vec::new();
        match doc.flavor {
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc, &policy, &mut out),
            Flavor::CdkTs => {
                check_cdk_tasks(doc, &policy, &mut out);
                check_ts_definitions(doc, CDK_CFN_STATE_MACHINE, &["definition", "definitionString"], &policy, &mut out);
            }
            Flavor::CdktfTs => check_ts_definitions(doc, CDKTF_STATE_MACHINE, &["definition"], &policy, &mut out),
        }
        out
    }
}

// ---------------------------------------------------------------- ASL walking

/// A `Task` state without `Retry`, with the edits that add one (in its document's offsets).
struct TaskHit {
    name: String,
    offset: usize,
    /// A `.waitForTaskToken` callback task: reported, not fixed.
    callback: bool,
    edits: Option<Vec<Edit>>,
}

/// Task states without `Retry` below a state machine (or branch/iterator) definition.
fn walk_machine(def: MapNode, policy: &Policy, out: &mut Vec<TaskHit>, depth: usize) {
    let Some(states) = def.get("States").and_then(|s| s.as_map()) else { return };
    if depth > 16 {
        return;
    }
    for entry in states.entries() {
        let Some(state) = entry.value.and_then(|v| v.as_map()) else { continue };
        let Some(kind) = state.get("Type").and_then(|t| t.as_str()) else { continue };
        match kind.as_str() {
            "Task" if !state.has("Retry") => {
                let callback = state.get("Resource").and_then(|r| r.as_str()).is_some_and(|r| r.ends_with(".waitForTaskToken"));
                out.push(TaskHit {
                    name: states.key_text(&entry),
                    offset: entry.key_node.start_byte(),
                    callback,
                    edits: if callback { None } else { insert_retry(state, policy) },
                })
            }
            "Parallel" => {
                for branch in state.get("Branches").and_then(|b| b.as_list()).map(|l| l.items()).unwrap_or_default() {
                    if let Some(b) = branch.as_map() {
                        walk_machine(b, policy, out, depth + 1);
                    }
                }
            }
            "Map" => {
                for key in ["ItemProcessor", "Iterator"] {
                    if let Some(m) = state.get(key).and_then(|v| v.as_map()) {
                        walk_machine(m, policy, out, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The edits that add `Retry` to one state mapping (JSON, YAML or a TS object literal).
fn insert_retry(state: MapNode, policy: &Policy) -> Option<Vec<Edit>> {
    if state.node.has_error() || state.has_spread() {
        return None;
    }
    let entries = state.entries();
    let keys: Vec<String> = entries.iter().map(|e| state.key_text(e)).collect();
    let at = match keys.as_slice() {
        [.., before, last] if last == "Next" || last == "End" => Position::After(before),
        _ => Position::End,
    };
    let fmt = Format::of(state);
    let mut edits = state.insert_with(at, |indent, multi_line| fmt.retry(policy, indent, multi_line))?;
    if fmt.compact {
        // `{"a":1,"b":2}` has no blank after its commas: neither does the inserted entry.
        for e in &mut edits {
            e.text = e.text.strip_prefix(' ').map(String::from).unwrap_or_else(|| e.text.replacen(", ", ",", 1));
        }
    }
    Some(edits)
}

/// How the file writes the state it is added to.
struct Format<'a> {
    doc: &'a Parsed,
    /// JSON and TS: the key quote (`None`: bare TS keys); YAML: unused.
    key_quote: Option<char>,
    str_quote: char,
    /// JSON without blanks after `:` and `,`.
    compact: bool,
    yaml_flow: bool,
}

impl<'a> Format<'a> {
    fn of(state: MapNode<'a>) -> Format<'a> {
        let doc = state.doc;
        let text = &doc.source[state.node.byte_range()];
        let type_entry = state.entry("Type");
        let quote_of = |n: Node| doc.source[n.byte_range()].chars().next().filter(|c| *c == '"' || *c == '\'');
        let (key_quote, str_quote) = match doc.syntax {
            Syntax::Json => (Some('"'), '"'),
            Syntax::TypeScript => (
                type_entry.and_then(|e| quote_of(e.key_node)),
                type_entry.and_then(|e| e.value).and_then(|v| quote_of(v.node)).unwrap_or(doc.style.quote),
            ),
            Syntax::Yaml => (None, doc.style.quote),
        };
        Format {
            doc,
            key_quote,
            str_quote,
            compact: doc.syntax == Syntax::Json && !text.contains(": ") && !text.contains('\n'),
            yaml_flow: state.node.kind() == "flow_mapping",
        }
    }

    fn key(&self, k: &str) -> String {
        match self.key_quote {
            Some(q) => format!("{q}{k}{q}"),
            None => k.to_string(),
        }
    }

    fn string(&self, s: &str) -> String {
        match self.doc.syntax {
            Syntax::Json => json_string(s),
            Syntax::TypeScript => quote(s, self.str_quote),
            Syntax::Yaml if s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) => s.to_string(),
            Syntax::Yaml => json_string(s),
        }
    }

    /// The `Retry` entry, its first line at `indent`.
    fn retry(&self, p: &Policy, indent: &str, multi_line: bool) -> String {
        let style = &self.doc.style;
        let (nl, unit) = (style.newline, style.indent.as_str());
        let sep = if self.compact { ":" } else { ": " };
        let comma = if self.compact { "," } else { ", " };
        let errors = format!("[{}]", p.errors.iter().map(|e| self.string(e)).collect::<Vec<_>>().join(comma));
        let fields = [
            format!("{}{sep}{errors}", self.key("ErrorEquals")),
            format!("{}{sep}{}", self.key("IntervalSeconds"), p.interval),
            format!("{}{sep}{}", self.key("MaxAttempts"), p.attempts),
            format!("{}{sep}{}", self.key("BackoffRate"), p.backoff),
        ];
        if self.doc.syntax == Syntax::Yaml {
            if self.yaml_flow || !multi_line {
                return format!("Retry: [{{ {} }}]", fields.join(", "));
            }
            let dash = if style.indented_sequences { format!("{indent}{unit}") } else { indent.to_string() };
            let item = format!("{dash}  ");
            return format!("Retry:{nl}{dash}- {}", fields.join(&format!("{nl}{item}")));
        }
        let retry = self.key("Retry");
        if !multi_line {
            let obj = if self.doc.syntax == Syntax::TypeScript {
                format!("{{ {} }}", fields.join(comma))
            } else {
                format!("{{{}}}", fields.join(comma))
            };
            return format!("{retry}{sep}[{obj}]");
        }
        let tc = if self.doc.syntax == Syntax::TypeScript && style.trailing_comma { "," } else { "" };
        let (i1, i2) = (format!("{indent}{unit}"), format!("{indent}{unit}{unit}"));
        format!(
            "{retry}{sep}[{nl}{i1}{{{nl}{i2}{}{tc}{nl}{i1}}}{tc}{nl}{indent}]",
            fields.join(&format!(",{nl}{i2}"))
        )
    }
}

const CALLBACK_NOTE: &str = " (callback task: a retry re-sends the request and `States.Timeout` usually means nobody answered; add a Retry by hand if wanted)";

fn task_message(name: &str, policy: &Policy, fixed: bool, callback: bool) -> String {
    let mut m = format!(
        "Task state `{name}` has no Retry: one throttled or transient failure fails the whole execution; {}",
        policy.summary()
    );
    if callback {
        m.push_str(CALLBACK_NOTE);
    } else if !fixed {
        m.push_str(" (the definition around it cannot be edited safely: add the Retry by hand)");
    }
    m
}

/// Findings for task states of a definition mapping in the document itself.
fn direct_findings(def: MapNode, policy: &Policy, out: &mut Vec<Finding>) {
    let mut hits = Vec::new();
    walk_machine(def, policy, &mut hits, 0);
    for h in hits {
        let fixed = h.edits.is_some();
        out.push(META.finding(h.offset, task_message(&h.name, policy, fixed, h.callback), h.edits));
    }
}

/// Findings for task states of JSON embedded in host strings.
/// Embedded JSON that does not parse strictly (a typo, a `${…}` standing for several
/// entries) gets one finding without a fix and no per-state work: which states
/// tree-sitter's error recovery would still find, and whether their nodes carry the
/// error, depends on byte positions (a CRLF form recovered differently from its LF form
/// and got a `Retry` inside broken JSON), so the broken definition is never edited.
fn embedded_findings(emb: Embedded, host_start: usize, policy: &Policy, out: &mut Vec<Finding>) {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&emb.text) {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what);
        out.push(META.finding(
            host_start,
            format!(
                "the state machine definition is not valid JSON ({what}, line {} of the definition); its Task states were not checked for a retry policy: fix the JSON (or write it as an object), then run again",
                e.line()
            ),
            None,
        ));
        return;
    }
    let inner = Parsed::new(Syntax::Json, emb.text.clone());
    let Some(root) = cfn::root_map(&inner) else { return };
    let mut hits = Vec::new();
    walk_machine(root, policy, &mut hits, 0);
    for h in hits {
        let edits = h.edits.and_then(|e| emb.host_edits(&e));
        let at = emb.host_offset(h.offset).unwrap_or(host_start);
        let fixed = edits.is_some();
        out.push(META.finding(at, task_message(&h.name, policy, fixed, h.callback), edits));
    }
}

// ---------------------------------------------------------------- CloudFormation

fn check_cfn(doc: &Document, policy: &Policy, out: &mut Vec<Finding>) {
    for r in doc.of_types(&["AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"]) {
        let Some(props) = r.props else { continue };
        if let Some(def) = props.get("Definition").and_then(|d| d.as_map()) {
            if def.has("States") {
                direct_findings(def, policy, out);
            }
        }
        if r.type_name != "AWS::StepFunctions::StateMachine" {
            continue;
        }
        let Some(value) = props.get("DefinitionString") else { continue };
        if let Some(emb) = cfn_embedded(&value) {
            embedded_findings(emb, value.start(), policy, out);
        }
    }
}

/// The JSON of a `DefinitionString`: a string, `Fn::Sub` string or `[string, vars]`, `Fn::Join`.
fn cfn_embedded(value: &ValueNode) -> Option<Embedded> {
    match value.intrinsic() {
        None => Embedded::from_value(value, PLACEHOLDER),
        Some((name, arg)) if name == "Fn::Sub" => match arg.as_list() {
            Some(list) => Embedded::from_value(list.items().first()?, PLACEHOLDER),
            None => Embedded::from_value(&arg, PLACEHOLDER),
        },
        Some((name, arg)) if name == "Fn::Join" => {
            let items = arg.as_list()?.items();
            let [sep, pieces] = items.as_slice() else { return None };
            let sep = sep.as_str()?;
            let pieces = pieces.as_list()?.items();
            // Each piece may itself be a `Fn::Sub` string.
            let pieces: Vec<ValueNode> = pieces
                .into_iter()
                .map(|p| match p.intrinsic() {
                    Some((n, a)) if n == "Fn::Sub" && a.as_str().is_some() => a,
                    _ => p,
                })
                .collect();
            Embedded::join(&pieces, &sep, PLACEHOLDER)
        }
        Some(_) => None,
    }
}

// ---------------------------------------------------------------- TypeScript definitions

/// `definition:` props of state machine constructs (CDKTF `SfnStateMachine`, CDK L1).
fn check_ts_definitions(doc: &Document, ty: &str, props: &[&str], policy: &Policy, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for r in doc.of_type(ty) {
        let Some(p) = r.props else { continue };
        for key in props {
            let Some(v) = p.get(key) else { continue };
            match ts_definition(doc.parsed, v.node, 0) {
                Some(Def::Object(m)) if seen.insert(m.node.id()) && m.has("States") => direct_findings(m, policy, out),
                Some(Def::Text(t)) if seen.insert(t.node.id()) => {
                    if let Some(emb) = Embedded::from_value(&t, PLACEHOLDER) {
                        embedded_findings(emb, t.start(), policy, out);
                    }
                }
                _ => {}
            }
        }
    }
}

enum Def<'a> {
    Object(MapNode<'a>),
    Text(ValueNode<'a>),
}

/// Follow a definition expression to an object literal or a JSON string/template literal:
/// `JSON.stringify(x)`, `Fn.jsonencode(x)`, and `const` bindings in the file.
fn ts_definition<'a>(doc: &'a Parsed, node: Node<'a>, depth: usize) -> Option<Def<'a>> {
    if depth > 4 {
        return None;
    }
    let v = ValueNode::new(doc, node);
    match v.node.kind() {
        "object" => v.as_map().map(Def::Object),
        "string" | "template_string" => Some(Def::Text(v)),
        "identifier" => ts_definition(doc, const_value(doc, doc.text(v.node))?, depth + 1),
        "call_expression" => {
            let f = doc.text(v.node.child_by_field_name("function")?);
            if f != "JSON.stringify" && !f.ends_with("Fn.jsonencode") {
                return None;
            }
            let arg = named_children(v.node.child_by_field_name("arguments")?).into_iter().next()?;
            ts_definition(doc, arg, depth + 1)
        }
        _ => None,
    }
}

/// The initializer of the only `const`/`let` declaring `name` in the file.
fn const_value<'a>(doc: &'a Parsed, name: &str) -> Option<Node<'a>> {
    let mut found = descendants(doc.root()).into_iter().filter(|n| {
        n.kind() == "variable_declarator" && n.child_by_field_name("name").is_some_and(|x| doc.text(x) == name)
    });
    let decl = found.next()?;
    if found.next().is_some() {
        return None;
    }
    decl.child_by_field_name("value")
}

// ---------------------------------------------------------------- CDK tasks

fn check_cdk_tasks(doc: &Document, policy: &Policy, out: &mut Vec<Finding>) {
    let Some(ts) = &doc.ts else { return };
    let mut duration: Option<(String, Option<Edit>)> = None;
    let mut import_pending = true;
    for r in &doc.resources {
        let class = if let Some(class) = r.type_name.strip_prefix(CDK_TASKS) {
            class
        } else if r.type_name == CDK_CUSTOM_STATE {
            custom_state(ts, r, policy, out);
            continue;
        } else {
            continue;
        };
        let Some(args) = r.node.child_by_field_name("arguments") else { continue };
        // Task states take (scope, id, props); helper classes (launch targets, labels…) do not.
        if ts.args(args).len() < 2 || has_add_retry(ts, r) {
            continue;
        }
        let id = r.logical_id.as_deref().map_or(String::new(), |i| format!(" `{i}`"));
        let summary = format!("Step Functions task{id} ({class}) has no addRetry: one throttled or transient failure fails the whole execution; {}", policy.summary());
        let callback = r.props.and_then(|p| p.get("integrationPattern")).is_some_and(|v| v.text().ends_with("WAIT_FOR_TASK_TOKEN"));
        if callback {
            out.push(META.finding(r.node.start_byte(), format!("{summary}{CALLBACK_NOTE}"), None));
            continue;
        }
        let (dur, import) = duration.get_or_insert_with(|| ts.reference("aws-cdk-lib", "Duration", "cdk")).clone();
        let mut edits = match retry_call_edits(ts, r, policy, &dur) {
            Ok(edits) => edits,
            Err(why) => {
                out.push(META.finding(r.node.start_byte(), format!("{summary}; not fixed: {why}"), None));
                continue;
            }
        };
        // The import goes with the first fix only: all of them would conflict on it.
        if let (Some(e), true) = (import, import_pending) {
            edits.push(e);
            import_pending = false;
        }
        out.push(META.finding(r.node.start_byte(), summary, Some(edits)));
    }
}

/// `t.addRetry({…});` after the statement declaring a bound task, else `.addRetry({…})`
/// chained on the `new` expression. A binding declared with a type that has no public
/// `addRetry` (`sfn.State`, `sfn.IChainable`, `sfn.INextable`: TS2339 on the call) gets the
/// chained form, which type-checks because `addRetry` returns a `TaskStateBase`; `Err`
/// when the declared type is one a `TaskStateBase` may not be assignable to.
fn retry_call_edits(ts: &TsFile, r: &Resource, policy: &Policy, duration: &str) -> Result<Vec<Edit>, String> {
    let doc = ts.doc;
    let props = Value::map([
        ("errors", Value::List(policy.errors.iter().map(Value::str).collect())),
        ("interval", Value::code(format!("{duration}.seconds({})", policy.interval))),
        ("maxAttempts", Value::code(policy.attempts.to_string())),
        ("backoffRate", Value::code(policy.backoff.clone())),
    ]);
    let declaring = r.statement.filter(|s| {
        matches!(s.kind(), "lexical_declaration" | "variable_declaration" | "expression_statement")
            && r.binding.is_some()
    });
    let declared = declared_type(ts, r);
    let statement_ok = declared.as_ref().is_none_or(|t| t.starts_with(CDK_TASKS) || t == TASK_STATE_BASE);
    if !statement_ok && !declared.as_deref().is_some_and(|t| CHAINABLE_SUPERTYPES.contains(&t)) {
        let t = declared.unwrap_or_default();
        return Err(format!("the task is assigned to a binding declared as `{t}`, which may have no `addRetry`: add the retry where the task is created"));
    }
    if let (Some(stmt), Some(binding), true) = (declaring, r.binding.as_deref(), statement_ok) {
        // Rendered with two-space levels; `insert_after` re-indents to the file's unit.
        let mut style = doc.style.clone();
        style.indent = "  ".into();
        style.newline = "\n";
        let obj = Renderer::new(Syntax::TypeScript, &style).value(&props, "");
        return Ok(vec![ts.insert_after(stmt, &ts.statement_text(&format!("{binding}.addRetry({obj})")))]);
    }
    let end = r.node.end_byte();
    let indent = doc.line_indent(end).to_string();
    let obj = Renderer::new(Syntax::TypeScript, &doc.style).value(&props, &indent);
    Ok(vec![Edit::insert(end, format!(".addRetry({obj})"))])
}

const TASK_STATE_BASE: &str = "aws-cdk-lib/aws-stepfunctions.TaskStateBase";
/// Declared types that a `TaskStateBase` (what `addRetry` returns) is assignable to.
const CHAINABLE_SUPERTYPES: &[&str] = &[
    "aws-cdk-lib/aws-stepfunctions.State",
    "aws-cdk-lib/aws-stepfunctions.IChainable",
    "aws-cdk-lib/aws-stepfunctions.INextable",
    "any",
    "unknown",
];

/// The declared type of the task's binding, qualified (`aws-cdk-lib/aws-stepfunctions.State`,
/// `any`), or the type's text when it does not resolve (`MyState`, `sfn.State | undefined`);
/// `None` when the binding has no type annotation (its type is the task class).
fn declared_type(ts: &TsFile, r: &Resource) -> Option<String> {
    let doc = ts.doc;
    let binding = r.binding.as_deref()?;
    let annotation = match binding.strip_prefix("this.") {
        Some(field) => {
            let mut cur = r.node;
            let body = loop {
                cur = cur.parent()?;
                if cur.kind() == "class_body" {
                    break cur;
                }
            };
            named_children(body).into_iter().find_map(|m| {
                let name = m.child_by_field_name("name")?;
                (m.kind() == "public_field_definition" && doc.text(name) == field).then(|| m.child_by_field_name("type"))?
            })?
        }
        None => {
            let mut cur = r.node.parent()?;
            while matches!(cur.kind(), "as_expression" | "parenthesized_expression" | "non_null_expression" | "satisfies_expression") {
                cur = cur.parent()?;
            }
            if cur.kind() != "variable_declarator" {
                return None;
            }
            cur.child_by_field_name("type")?
        }
    };
    let ty = named_children(annotation).into_iter().next()?;
    let text = doc.text(ty).trim().to_string();
    if matches!(text.as_str(), "any" | "unknown") {
        return Some(text);
    }
    Some(ts.resolve(ty).unwrap_or(text))
}

/// `.addRetry(` on the task's binding (in the block that declares it) or chained on its `new`.
fn has_add_retry(ts: &TsFile, r: &Resource) -> bool {
    let doc = ts.doc;
    // Chained: new X(...).addCatch(...).addRetry(...)
    let mut cur = r.node;
    while let Some(parent) = cur.parent() {
        match parent.kind() {
            "parenthesized_expression" | "as_expression" | "non_null_expression" => cur = parent,
            "member_expression" if parent.child_by_field_name("object").map(|o| o.id()) == Some(cur.id()) => {
                if parent.child_by_field_name("property").is_some_and(|p| doc.text(p) == "addRetry") {
                    return true;
                }
                match parent.parent() {
                    Some(call) if call.kind() == "call_expression" => cur = call,
                    _ => break,
                }
            }
            _ => break,
        }
    }
    let Some(binding) = r.binding.as_deref() else { return false };
    let scope = r.statement.and_then(|s| s.parent()).map(|p| p.byte_range());
    let mut calls = ts.calls_on(binding, "addRetry");
    calls.any(|c| scope.as_ref().is_none_or(|s| s.contains(&c.node.start_byte()) || binding.starts_with("this.")))
}

/// `new sfn.CustomState(this, 'X', { stateJson: { Type: 'Task', … } })`.
fn custom_state(ts: &TsFile, r: &Resource, policy: &Policy, out: &mut Vec<Finding>) {
    let Some(json) = r.props.and_then(|p| p.get("stateJson")).and_then(|v| v.as_map()) else { return };
    if json.get("Type").and_then(|t| t.as_str()).as_deref() != Some("Task") || json.has("Retry") || has_add_retry(ts, r) {
        return;
    }
    let edits = insert_retry(json, policy);
    let id = r.logical_id.as_deref().unwrap_or("?");
    out.push(META.finding(r.node.start_byte(), task_message(id, policy, edits.is_some(), false), edits));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_defaults_and_overrides() {
        let p = Policy::new(&Options::default());
        assert_eq!(p.errors, ["States.TaskFailed", "States.Timeout"]);
        assert_eq!((p.interval, p.attempts, p.backoff.as_str()), (2, 3, "2"));
        let mut o = Options::default();
        o.0.insert("errors".into(), "States.ALL".into());
        o.0.insert("backoff-rate".into(), "1.5".into());
        o.0.insert("interval".into(), "x".into());
        let p = Policy::new(&o);
        assert_eq!((p.errors.len(), p.interval, p.backoff.as_str()), (1, 2, "1.5"));
    }
}
