//! ## What it fixes
//! Security groups that refer to each other in their inline rules: `AppSg` allows ingress
//! from `DbSg` (`SourceSecurityGroupId: !Ref DbSg`) while `DbSg` allows ingress from, or
//! egress to, `AppSg`. Each group then depends on the other and CloudFormation rejects the
//! template (`Circular dependency between resources`). The inline ingress rules that name a
//! group of the same cycle move into standalone `AWS::EC2::SecurityGroupIngress` resources,
//! declared right after their group, which breaks the cycle.
//!
//! ## Why
//! A template with a dependency cycle cannot be created or updated at all. A standalone
//! rule depends on both groups, the groups no longer depend on each other, and the rules
//! stay the same: the inline rule's properties are exactly `AWS::EC2::SecurityGroupIngress`'s,
//! plus `GroupId` naming the group that held it.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! AppSg:
//!   Type: AWS::EC2::SecurityGroup
//!   Properties:
//!     VpcId: !Ref Vpc
//!     SecurityGroupIngress:
//!       - IpProtocol: tcp
//!         FromPort: 8080
//!         ToPort: 8080
//!         SourceSecurityGroupId: !Ref DbSg    # moved below
//! AppSgIngressFromDbSg:                        # added
//!   Type: AWS::EC2::SecurityGroupIngress
//!   Properties:
//!     GroupId: !GetAtt AppSg.GroupId
//!     IpProtocol: tcp
//!     FromPort: 8080
//!     ToPort: 8080
//!     SourceSecurityGroupId: !Ref DbSg
//! ```
//! CloudFormation JSON alike. The `SecurityGroupIngress` list goes when its only rule moves.
//! Values are copied as written (numbers stay numbers, intrinsics stay intrinsics).
//!
//! Only ingress rules move: an inline egress list replaces the group's default allow-all
//! egress rule, and a standalone `AWS::EC2::SecurityGroupEgress` does not, so moving the last
//! inline egress rule would open all egress. A cycle made of egress rules alone is reported
//! without a fix, as are cycles where a group holds several rules to move from one list
//! (edit one by hand), rules wrapped in `Fn::If`, groups with a `Condition`, and templates
//! with macros. Cycles that run through other resources (a role and a bucket, a key and a
//! role) are not this transform's: they need a design decision.
//!
//! ## Applicability
//! review: the template could not be deployed with the cycle, but an earlier deployed
//! version may hold one of these rules inline: the update then revokes the inline rule
//! before the standalone one is created, a short gap for that traffic.
//!
//! ## Equivalent checks
//! cfn-lint E3004 (for cycles between security groups).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{ListNode, MapNode, Position, ValueNode};
use crate::lang::Syntax;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{blank_line_between_resources, cfn_logical_id, has_macro};
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

pub struct CfnSecurityGroupCycle;
pub static TRANSFORM: CfnSecurityGroupCycle = CfnSecurityGroupCycle;

static META: Meta = Meta {
    id: "cfn-security-group-cycle",
    title: "Break dependency cycles between security groups by moving inline ingress rules to their own resources",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["E3004"],
    options: &[],
};

const SG: &str = "AWS::EC2::SecurityGroup";
const LISTS: [(&str, &str); 2] = [("SecurityGroupIngress", "SourceSecurityGroupId"), ("SecurityGroupEgress", "DestinationSecurityGroupId")];

/// One inline rule naming another group of the template.
struct Rule<'a> {
    from: String,
    to: String,
    ingress: bool,
    list: ListNode<'a>,
    index: usize,
    item: ValueNode<'a>,
}

impl Transform for CfnSecurityGroupCycle {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// A cycle needs two security groups of the template.
    fn interest(&self) -> crate::transform::Interest {
        crate::transform::Interest::types([SG])
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let groups: Vec<&Resource> = doc.of_type(SG).collect();
        if groups.len() < 2 || has_macro(doc) {
            return vec![];
        }
        let ids: HashSet<&str> = groups.iter().filter_map(|g| g.logical_id.as_deref()).collect();
        let mut rules = vec![];
        for g in &groups {
            let (Some(id), Some(props)) = (g.logical_id.as_deref(), g.props) else { continue };
            for (i, (list_key, target_key)) in LISTS.iter().enumerate() {
                let Some(list) = props.get(list_key).and_then(|v| v.as_list()) else { continue };
                for (index, item) in list.items().into_iter().enumerate() {
                    let Some(to) = item.as_map().and_then(|m| m.get(target_key)).and_then(|v| group_named(&v)) else { continue };
                    if to != id && ids.contains(to.as_str()) {
                        rules.push(Rule { from: id.to_string(), to, ingress: i == 0, list, index, item });
                    }
                }
            }
        }
        let mut out = vec![];
        for component in cycles(&rules) {
            out.push(fix_cycle(doc, &groups, &rules, &component));
        }
        out
    }
}

/// The group an `Ref`/`Fn::GetAtt … GroupId` names.
fn group_named(v: &ValueNode) -> Option<String> {
    let (name, arg) = v.intrinsic()?;
    match name.as_str() {
        "Ref" => arg.as_str(),
        "Fn::GetAtt" => {
            if let Some(s) = arg.as_str() {
                let (id, attr) = s.split_once('.')?;
                return (attr == "GroupId").then(|| id.to_string());
            }
            let items = arg.as_list()?.items();
            let [id, attr] = items.as_slice() else { return None };
            (attr.as_str()? == "GroupId").then_some(id.as_str()?)
        }
        _ => None,
    }
}

/// The strongly connected groups (two or more) of the rule graph, each sorted.
fn cycles(rules: &[Rule]) -> Vec<BTreeSet<String>> {
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in rules {
        edges.entry(&r.from).or_default().insert(&r.to);
    }
    let reach = |start: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            for &m in edges.get(n).into_iter().flatten() {
                if seen.insert(m) {
                    stack.push(m);
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&str, BTreeSet<&str>> = edges.keys().map(|&n| (n, reach(n))).collect();
    let mut out: Vec<BTreeSet<String>> = vec![];
    for (&n, r) in &reaches {
        if !r.contains(n) || out.iter().any(|c| c.contains(n)) {
            continue;
        }
        let component: BTreeSet<String> = r
            .iter()
            .filter(|m| reaches.get(*m).is_some_and(|back| back.contains(n)))
            .map(|m| m.to_string())
            .collect();
        out.push(component);
    }
    out
}

fn fix_cycle(doc: &Document, groups: &[&Resource], rules: &[Rule], component: &BTreeSet<String>) -> Finding {
    let first = groups.iter().find(|g| g.logical_id.as_deref().is_some_and(|id| component.contains(id)));
    let at = first.map_or(0, |g| g.node.start_byte());
    let names = component.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let head = format!("security groups {names} refer to each other in their inline rules (line {}): a dependency cycle CloudFormation rejects", doc.line_of(at));
    let report = |why: &str| META.finding(at, format!("{head}; not fixed: {why}"), None);
    let inner: Vec<&Rule> = rules.iter().filter(|r| component.contains(&r.from) && component.contains(&r.to)).collect();
    // Once the ingress rules move, the egress rules alone must not still close a cycle.
    let egress: Vec<Rule> = inner
        .iter()
        .filter(|r| !r.ingress)
        .map(|r| Rule { from: r.from.clone(), to: r.to.clone(), ingress: false, list: r.list, index: r.index, item: r.item })
        .collect();
    if !cycles(&egress).is_empty() {
        return report("the cycle runs through egress rules alone, and moving an inline egress rule out can open the group's default allow-all egress");
    }
    let Some(resources) = doc.template.and_then(|t| t.get("Resources")).and_then(|v| v.as_map()) else {
        return report("the template's `Resources` could not be read");
    };
    let entries = resources.entries();
    let position: HashMap<usize, usize> = entries.iter().enumerate().map(|(i, e)| (e.node.start_byte(), i)).collect();
    let mut taken: HashSet<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    if let Some(p) = doc.template.and_then(|t| t.get("Parameters")).and_then(|v| v.as_map()) {
        taken.extend(p.entries().iter().map(|e| p.key_text(e)));
    }
    let mut edits: Vec<Edit> = vec![];
    let mut added = vec![];
    for g in groups {
        let Some(id) = g.logical_id.as_deref() else { continue };
        let moving: Vec<&&Rule> = inner.iter().filter(|r| r.ingress && r.from == id).collect();
        let Some(rule) = moving.first() else { continue };
        if g.body.is_some_and(|b| b.has("Condition")) || groups.iter().any(|o| o.logical_id.as_deref() == Some(rule.to.as_str()) && o.body.is_some_and(|b| b.has("Condition"))) {
            return report(&format!("`{id}` or `{}` has a `Condition`: the standalone rule would need the same one", rule.to));
        }
        let items = rule.list.items();
        if moving.len() > 1 {
            return report(&format!("`{id}` holds {} inline ingress rules naming groups of the cycle: move them by hand", moving.len()));
        }
        let Some(map) = rule.item.as_map() else { return report("a rule is not a plain mapping") };
        let Some(mut props) = map_value(&map) else {
            return report(&format!("a rule of `{id}` holds a value that cannot be copied as written (line {})", doc.line_of(rule.item.start())))
        };
        let Value::Map(ref mut list) = props else { unreachable!() };
        list.insert(0, ("GroupId".into(), Value::GetAtt(id.into(), "GroupId".into())));
        let new_id = cfn_logical_id(id, &format!("IngressFrom{}", rule.to.chars().filter(char::is_ascii_alphanumeric).collect::<String>()), |c| taken.contains(c));
        taken.insert(new_id.clone());
        let Some(&i) = position.get(&g.node.start_byte()) else { return report("a group's entry could not be found") };
        let Some(props_map) = g.props else { continue };
        if items.len() == 1 {
            edits.extend(props_map.remove("SecurityGroupIngress"));
        } else {
            edits.extend(rule.list.remove(rule.index));
        }
        let resource = Value::map([("Type", Value::str("AWS::EC2::SecurityGroupIngress")), ("Properties", props)]);
        let mut insert = resources.insert(&new_id, &resource, Position::AfterMember(entries[i].node));
        blank_line_between_resources(doc, &entries, i, &mut insert);
        for ins in insert {
            // The moved list may end the group's text, where the new resource goes: one edit.
            // The insertion is written for the end of the group's content: it replaces the
            // removed text from the end of the line before it.
            match edits.iter_mut().find(|e| e.text.is_empty() && e.range.start <= ins.range.start && ins.range.start <= e.range.end) {
                Some(del) => {
                    let from = doc.source()[..del.range.start].trim_end().len();
                    *del = Edit::replace(from..ins.range.start, ins.text);
                }
                None => edits.push(ins),
            }
        }
        added.push(format!("`{new_id}` (from `{id}` line {})", doc.line_of(rule.item.start())));
    }
    if added.is_empty() {
        return report("no inline ingress rule of the cycle could be moved");
    }
    META.finding(
        at,
        format!(
            "{head}; moved the inline ingress rules that close it into standalone `AWS::EC2::SecurityGroupIngress` resources {}: the same rules without the cycle. Review: a deployed earlier version holding such a rule inline has it revoked and re-created during the update",
            added.join(", ")
        ),
        Some(edits),
    )
}

/// A mapping as a [`Value`], scalars typed as written; `None` for anything else (a tag that
/// is not an intrinsic, an anchor, a multi-line string).
fn map_value(map: &MapNode) -> Option<Value> {
    let mut out = vec![];
    for e in map.entries() {
        out.push((map.key_text(&e), value(&e.value?)?));
    }
    Some(Value::Map(out))
}

fn value(v: &ValueNode) -> Option<Value> {
    if let Some((name, arg)) = v.intrinsic() {
        return Some(match name.as_str() {
            "Ref" => Value::Ref(arg.as_str()?),
            "Fn::GetAtt" => match arg.as_str() {
                Some(s) => {
                    let (id, attr) = s.split_once('.')?;
                    Value::GetAtt(id.into(), attr.into())
                }
                None => {
                    let items = arg.as_list()?.items();
                    let [id, attr] = items.as_slice() else { return None };
                    Value::GetAtt(id.as_str()?, attr.as_str()?)
                }
            },
            _ if name.starts_with("Fn::") => Value::Fn(name, Box::new(value(&arg)?)),
            _ => return None,
        });
    }
    if v.tag.is_some() {
        return None;
    }
    if let Some(m) = v.as_map() {
        return map_value(&m);
    }
    if let Some(l) = v.as_list() {
        return l.items().iter().map(value).collect::<Option<Vec<_>>>().map(Value::List);
    }
    let text = v.text().trim();
    let plain = match v.node.kind() {
        "number" | "true" | "false" => true,
        "plain_scalar" => v.doc.syntax == Syntax::Yaml && !text.contains('\n'),
        _ => false,
    };
    if plain {
        if let Ok(n) = text.parse::<i64>() {
            return Some(Value::Int(n));
        }
        if let Some(b) = v.as_bool() {
            return Some(Value::Bool(b));
        }
    }
    let s = v.as_str()?;
    if s.contains('\n') {
        return None;
    }
    Some(Value::Str(s))
}
