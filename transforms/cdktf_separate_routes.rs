//! ## What it fixes
//! CDKTF route tables that declare their routes inline (`route: [...]` in `RouteTable`)
//! and security groups that declare their rules inline (`ingress`/`egress` in
//! `SecurityGroup`): each inline entry becomes its own resource, `Route` or
//! `SecurityGroupRule`, declared right after the table or group.
//!
//! ## Why
//! Terraform cannot mix inline rules with standalone ones on the same table or group:
//! the inline list owns every rule and removes the others on the next apply, so a
//! `Route` or `SecurityGroupRule` added later by another module flaps on every plan.
//! Standalone resources can be added, changed and removed one by one, each with its
//! own id in the plan, and reviewers see which rule changed.
//!
//! ## Before → after
//! CDKTF TypeScript:
//! ```ts
//! const publicRt = new RouteTable(this, 'public-rt', {
//!   vpcId: vpc.id,
//!   route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
//! });
//! // becomes
//! const publicRt = new RouteTable(this, 'public-rt', {
//!   vpcId: vpc.id,
//! });
//! new Route(this, 'public-rt-route-1', {
//!   routeTableId: publicRt.id,
//!   destinationCidrBlock: '0.0.0.0/0',
//!   gatewayId: igw.id,
//! });
//! ```
//! Route attributes are renamed where the standalone resource spells them otherwise
//! (`cidrBlock` → `destinationCidrBlock`, `ipv6CidrBlock` → `destinationIpv6CidrBlock`;
//! the others keep their names). A security group's `ingress`/`egress` entries become
//! `SecurityGroupRule`s with `type: 'ingress'|'egress'` and `securityGroupId: sg.id`;
//! `fromPort`, `toPort`, `protocol`, `cidrBlocks`, `ipv6CidrBlocks`, `prefixListIds`,
//! `selfAttribute` and `description` are kept, and an entry's `securityGroups: [a, b]`
//! becomes one rule per source group (`sourceSecurityGroupId`), since a rule takes
//! one source group and cannot combine it with CIDR blocks or `selfAttribute` (those
//! get a rule of their own). Values are copied as written; comments inside or just
//! before an entry move with it, above the new statement. A table or group that is not
//! bound to a variable is first bound to a `const` named after its construct id;
//! `Route` and `SecurityGroupRule` are imported in the file's import style.
//!
//! Left alone: an empty list (`route: []` tells Terraform to manage no routes and
//! delete the existing ones — different from separate resources), a list written as
//! an expression (`rules.map(...)`) or holding spreads, an entry with a key it cannot
//! map or a rule without `fromPort`/`toPort`/`protocol` (the whole resource is
//! reported without a fix), tables/groups with `count`/`forEach`, and tables/groups
//! declared as class fields. A `provider` of the table/group is given to each new
//! resource too.
//!
//! ## Applicability
//! review: on a deployed stack the plan replaces the inline rules by new resources.
//! Removing an inline block does not remove the rules from AWS (the attribute is
//! optional and computed), so creating the identical standalone rule fails with
//! `InvalidPermission.Duplicate` / `RouteAlreadyExists`: import the rules into the new
//! resources (`terraform import`) or apply an empty list first. New stacks are not
//! affected.
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag (tflint's `aws_security_group_inline_rules`
//! and the Terraform AWS provider documentation recommend it).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{Entry, MapNode, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use tree_sitter::Node;

pub struct CdktfSeparateRoutes;
pub static TRANSFORM: CdktfSeparateRoutes = CdktfSeparateRoutes;

static META: Meta = Meta {
    id: "cdktf-separate-routes",
    title: "Move inline routes and security group rules to their own CDKTF resources",
    flavors: &[Flavor::CdktfTs],
    applicability: Applicability::Review,
    equivalents: &[],
    options: &[],
};

const PROVIDER: &str = "@cdktf/provider-aws/lib/";

/// One container type: its class, inline lists, and the standalone class they become.
struct Kind {
    class: &'static str,
    lists: &'static [&'static str],
    module: &'static str,
    export: &'static str,
    /// Inline attribute → standalone attribute.
    renames: &'static [(&'static str, &'static str)],
    /// Attributes every entry must have.
    required: &'static [&'static str],
    /// The standalone resource's attribute naming its container.
    parent_key: &'static str,
    /// The noun in construct ids and messages.
    noun: &'static str,
}

const ROUTE_TABLE: Kind = Kind {
    class: "@cdktf/provider-aws/lib/route-table.RouteTable",
    lists: &["route"],
    module: "route",
    export: "Route",
    renames: &[
        ("cidrBlock", "destinationCidrBlock"),
        ("ipv6CidrBlock", "destinationIpv6CidrBlock"),
        ("destinationPrefixListId", "destinationPrefixListId"),
        ("carrierGatewayId", "carrierGatewayId"),
        ("coreNetworkArn", "coreNetworkArn"),
        ("egressOnlyGatewayId", "egressOnlyGatewayId"),
        ("gatewayId", "gatewayId"),
        ("localGatewayId", "localGatewayId"),
        ("natGatewayId", "natGatewayId"),
        ("networkInterfaceId", "networkInterfaceId"),
        ("transitGatewayId", "transitGatewayId"),
        ("vpcEndpointId", "vpcEndpointId"),
        ("vpcPeeringConnectionId", "vpcPeeringConnectionId"),
    ],
    required: &[],
    parent_key: "routeTableId",
    noun: "route",
};

const SECURITY_GROUP: Kind = Kind {
    class: "@cdktf/provider-aws/lib/security-group.SecurityGroup",
    lists: &["ingress", "egress"],
    module: "security-group-rule",
    export: "SecurityGroupRule",
    renames: &[
        ("fromPort", "fromPort"),
        ("toPort", "toPort"),
        ("protocol", "protocol"),
        ("cidrBlocks", "cidrBlocks"),
        ("ipv6CidrBlocks", "ipv6CidrBlocks"),
        ("prefixListIds", "prefixListIds"),
        ("selfAttribute", "selfAttribute"),
        ("description", "description"),
        ("securityGroups", "sourceSecurityGroupId"),
    ],
    required: &["fromPort", "toPort", "protocol"],
    parent_key: "securityGroupId",
    noun: "rule",
};

impl Transform for CdktfSeparateRoutes {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(ts) = doc.ts.as_ref() else {
            return vec![];
        };
        let mut out = vec![];
        for kind in [&ROUTE_TABLE, &SECURITY_GROUP] {
            out.extend(doc.of_type(kind.class).filter_map(|r| separate(doc, ts, kind, r)));
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([ROUTE_TABLE.class, SECURITY_GROUP.class])
    }
}

/// One standalone resource to declare: its attributes as (key, value text) and the
/// comments that travel with it.
struct NewResource {
    list: &'static str,
    attrs: Vec<(String, String)>,
    comments: Vec<String>,
}

fn separate(doc: &Document, ts: &TsFile, kind: &Kind, r: &Resource) -> Option<Finding> {
    let props = r.props?;
    let lists: Vec<(&'static str, Entry)> = kind
        .lists
        .iter()
        .filter_map(|k| Some((*k, props.entry(k)?)))
        .filter(|(_, e)| e.value.is_some_and(|v| v.as_list().is_none_or(|l| !l.items().is_empty())))
        .collect();
    let first = lists.first()?;
    let at = first.1.key_node.start_byte();
    let what = format!("{} {}", kind.export_parent(), r.logical_id.as_deref().map_or("(unnamed)".into(), |id| format!("`{id}`")));
    let report = |why: &str| {
        Some(META.finding(at, format!("{what} declares its {}s inline (not fixed: {why})", kind.noun), None))
    };
    let mut resources = vec![];
    for (list, entry) in &lists {
        match entries(doc, kind, list, entry.value?) {
            Ok(mut found) => {
                // Comments introducing the list now introduce its first resource.
                let mut lead: Vec<String> = leading_comments(doc, entry.node)
                    .iter()
                    .map(|c| doc.text(*c).to_string())
                    .collect();
                if let Some(first) = found.first_mut() {
                    lead.append(&mut first.comments);
                    first.comments = lead;
                }
                resources.append(&mut found)
            }
            Err(why) => return report(&why),
        }
    }
    if props.has("count") || props.has("forEach") {
        return report("it uses `count`/`forEach`");
    }
    // The new resources go to the same provider (account, region) as their parent.
    if let Some(provider) = props.get("provider") {
        let provider = relative_text(doc, provider);
        for res in &mut resources {
            res.attrs.insert(0, ("provider".to_string(), provider.clone()));
        }
    }
    let Some(stmt) = r.statement.filter(|s| s.parent().is_some_and(|p| p.kind() != "class_body")) else {
        return report("it is a class field");
    };
    let mut edits: Vec<Edit> = vec![];
    let target = match r.binding.as_deref() {
        Some(b) => b.to_string(),
        None if r.node.parent().is_some_and(|p| p.id() == stmt.id() && p.kind() == "expression_statement") => {
            let base = super::lower_camel(r.logical_id.as_deref().unwrap_or(kind.noun));
            let owner = format!("bind {}", r.node.start_byte());
            let name = super::unique_in_pass(doc, &owner, if base.is_empty() { kind.noun } else { &base }, |n| doc.has_word(n));
            edits.push(Edit::insert(r.node.start_byte(), format!("const {name} = ")));
            name
        }
        None => return report("it is not bound to a variable"),
    };
    for (list, entry) in &lists {
        edits.extend(remove_with_comments(doc, props, entry, list));
    }
    let (class, import) = ts.reference(&format!("{PROVIDER}{}", kind.module), kind.export, &super::lower_camel(kind.module));
    edits.extend(import);
    let args = ts.args(r.node.child_by_field_name("arguments")?);
    let scope = args.first()?.text();
    let id = args.get(1)?;
    let code = statements(doc, ts, kind, &resources, &class, scope, *id, &target);
    edits.push(ts.insert_after(stmt, &code));
    let message = format!(
        "{what} declares {} {}(s) inline: moved to separate `{class}` resources",
        resources.len(),
        kind.noun
    );
    Some(META.finding(at, message, Some(edits)))
}

impl Kind {
    fn export_parent(&self) -> &'static str {
        self.class.rsplit('.').next().unwrap_or(self.class)
    }
}

/// The standalone resources for one inline list, or why it cannot be mapped.
fn entries(doc: &Document, kind: &Kind, list: &'static str, value: ValueNode) -> Result<Vec<NewResource>, String> {
    let items = value.as_list().ok_or(format!("`{list}` is an expression"))?;
    let mut out = vec![];
    let mut pending_comments = vec![];
    for child in with_comments(items.node) {
        match child.kind() {
            "comment" => pending_comments.push(doc.text(child).to_string()),
            "object" => {
                let map = MapNode { doc: doc.parsed, node: child };
                let mut found = entry(doc, kind, list, map)?;
                if let Some(first) = found.first_mut() {
                    pending_comments.append(&mut first.comments);
                    first.comments = std::mem::take(&mut pending_comments);
                }
                out.append(&mut found);
            }
            _ => return Err(format!("an entry of `{list}` is not an object literal")),
        }
    }
    Ok(out)
}

/// Named children, comments included.
fn with_comments(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// One inline entry → one standalone resource (security group rules: one per source
/// group, plus one for CIDR/prefix/self sources).
fn entry(doc: &Document, kind: &Kind, list: &'static str, map: MapNode) -> Result<Vec<NewResource>, String> {
    if map.has_spread() {
        return Err(format!("an entry of `{list}` has a spread"));
    }
    let mut common = vec![];
    let mut groups: Option<Vec<String>> = None;
    for e in map.entries() {
        let key = map.key_text(&e);
        let Some(&(_, new_key)) = kind.renames.iter().find(|(k, _)| *k == key) else {
            return Err(format!("`{key}` in `{list}` has no standalone equivalent here"));
        };
        let value = e.value.ok_or(format!("`{key}` in `{list}` is a method"))?;
        if key == "securityGroups" {
            let list = value.as_list().ok_or("`securityGroups` is an expression")?;
            groups = Some(list.items().iter().map(|v| relative_text(doc, *v)).collect());
        } else {
            common.push((new_key.to_string(), relative_text(doc, value)));
        }
    }
    if let Some(missing) = kind.required.iter().find(|k| !common.iter().any(|(c, _)| c == *k)) {
        return Err(format!("an entry of `{list}` has no `{missing}`"));
    }
    let comments = with_comments(map.node)
        .into_iter()
        .filter(|c| c.kind() == "comment")
        .map(|c| doc.text(c).to_string())
        .collect();
    let Some(groups) = groups else {
        return Ok(vec![NewResource { list, attrs: common, comments }]);
    };
    let has_other_source = common
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "cidrBlocks" | "ipv6CidrBlocks" | "prefixListIds" | "selfAttribute"));
    let mut out = vec![];
    if has_other_source {
        out.push(NewResource { list, attrs: common.clone(), comments: vec![] });
    }
    let base: Vec<(String, String)> = common
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "cidrBlocks" | "ipv6CidrBlocks" | "prefixListIds" | "selfAttribute"))
        .collect();
    for g in groups {
        let mut attrs = base.clone();
        attrs.push(("sourceSecurityGroupId".to_string(), g));
        out.push(NewResource { list, attrs, comments: vec![] });
    }
    if out.is_empty() {
        return Err(format!("an entry of `{list}` has an empty `securityGroups`"));
    }
    out[0].comments = comments;
    Ok(out)
}

/// A value's text with its continuation lines re-expressed in two-space levels
/// relative to the line it starts on (what `insert_after` re-indents).
fn relative_text(doc: &Document, v: ValueNode) -> String {
    let base = doc.parsed.line_indent(v.start());
    crate::value::relative_levels(v.text(), base, &doc.parsed.style.indent)
}

/// Remove an inline list, and the comment lines just above it (they move along).
fn remove_with_comments(doc: &Document, props: MapNode, entry: &Entry, key: &str) -> Vec<Edit> {
    let src = doc.source();
    let after_newline = |at: usize| at + src[at..].find('\n').map_or(src.len() - at, |i| i + 1);
    let mut edits = props.remove(key);
    let removed = |n: &Node| edits.iter().any(|e| e.range.start <= n.start_byte() && n.end_byte() <= e.range.end);
    let comments: Vec<Node> = leading_comments(doc, entry.node).into_iter().filter(|c| !removed(c)).collect();
    for c in comments {
        // Blank lines above the comment go with it.
        let start = after_newline(src[..c.start_byte()].trim_end().len());
        edits.push(Edit::delete(start..after_newline(c.end_byte())));
    }
    edits
}

/// Comments on their own lines right above `member` (no blank line between).
fn leading_comments<'n>(doc: &Document, member: Node<'n>) -> Vec<Node<'n>> {
    let mut out = vec![];
    let mut cur = member;
    while let Some(prev) = cur.prev_named_sibling() {
        let gap = &doc.source()[prev.end_byte()..cur.start_byte()];
        let own_line = doc.parsed.line_indent(prev.start_byte()).len()
            == prev.start_byte() - doc.parsed.line_start(prev.start_byte());
        if prev.kind() != "comment" || gap.matches('\n').count() != 1 || !own_line {
            break;
        }
        out.push(prev);
        cur = prev;
    }
    out.reverse();
    out
}

#[allow(clippy::too_many_arguments)]
fn statements(
    doc: &Document,
    ts: &TsFile,
    kind: &Kind,
    resources: &[NewResource],
    class: &str,
    scope: &str,
    parent_id: ValueNode,
    target: &str,
) -> String {
    let comma = if doc.parsed.style.trailing_comma { "," } else { "" };
    let q = doc.parsed.style.quote;
    let mut out = vec![];
    let mut counters: Vec<(&str, usize)> = vec![];
    for res in resources {
        let n = match counters.iter_mut().find(|(l, _)| *l == res.list) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counters.push((res.list, 1));
                1
            }
        };
        let suffix = format!("-{}-{n}", if kind.lists.len() > 1 { res.list } else { kind.noun });
        let id = child_id(doc, parent_id, &suffix);
        let mut attrs = vec![format!("{}: {target}.id", kind.parent_key)];
        if kind.lists.len() > 1 {
            attrs.push(format!("type: {}", crate::value::quote(res.list, q)));
        }
        attrs.extend(res.attrs.iter().map(|(k, v)| format!("{k}: {v}")));
        let body = attrs.join(",\n  ");
        for c in &res.comments {
            out.push(c.clone());
        }
        out.push(ts.statement_text(&format!("new {class}({scope}, {id}, {{\n  {body}{comma}\n}})")));
    }
    out.join("\n")
}

/// `'public-rt'` + `-route-1` → `'public-rt-route-1'`; a template literal gets the
/// suffix inside; any other expression → `` `${expr}-route-1` ``.
fn child_id(doc: &Document, parent_id: ValueNode, suffix: &str) -> String {
    let text = parent_id.text();
    match parent_id.node.kind() {
        "string" | "template_string" => {
            let (body, close) = text.split_at(text.len() - 1);
            let taken = |s: &str| doc.source().contains(&format!("{body}{s}{close}"));
            format!("{body}{}{close}", super::unique(suffix, taken))
        }
        _ => format!("`${{{text}}}{suffix}`"),
    }
}
