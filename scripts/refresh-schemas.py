"""Extract the minimal CloudFormation resource model iac-fix uses from cfn-lint's bundled
us-east-1 provider schemas (with cfn-lint's patches applied) and print it as JSON.
Run through scripts/refresh-schemas.sh, which pins the cfn-lint version.

Output: a first line `# cfn-lint <version>`, then one line per type, `TYPE<tab>RESOURCE`
(so a loader indexes the types by splitting lines and parses a model only when asked), where
  RESOURCE = {"s": [SHAPE, ...], "ro": [pointer...], "dep": [pointer...]}; shape 0 is `Properties`;
  SHAPE    = {"p": {NAME: PROP}, "c": 1 when no other property is allowed, "r": [required...]};
  PROP     = {"o": index of the object shape of its value or of its list items,
              "t": the kinds its value may take (a: list, o: object, s: scalar; absent: any),
              "e": [allowed string values], "ci": 1 when the enum ignores case}.
Object shapes are shared, so recursive definitions stay finite."""

import json
from importlib.metadata import version
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER


class Extractor:
    def __init__(self, schema):
        self.schema = schema
        self.shapes = []
        self.index = {}

    def resolve(self, node, seen=()):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not ref or not ref.startswith("#/definitions/") or ref in seen:
            return node if isinstance(node, dict) else {}
        target = self.schema.get("definitions", {}).get(ref[len("#/definitions/"):], {})
        return self.resolve(target, seen + (ref,))

    def branches(self, node):
        """The node and, recursively, its allOf/oneOf/anyOf sub-schemas, resolved."""
        node = self.resolve(node)
        out = [node]
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in node.get(key, []):
                out.extend(self.branches(sub))
        return out

    def shape(self, node):
        node = self.resolve(node)
        key = id(node)
        if key in self.index:
            return self.index[key]
        idx = len(self.shapes)
        self.index[key] = idx
        entry = {}
        self.shapes.append(entry)
        props, required = {}, []
        for branch in self.branches(node):
            for name, sub in branch.get("properties", {}).items():
                merged = self.prop(sub)
                props[name] = merged if name not in props else merge(props[name], merged)
            if branch is node:
                required = [r for r in branch.get("required", []) if isinstance(r, str)]
        entry["p"] = props
        if node.get("additionalProperties") is False and not node.get("patternProperties"):
            entry["c"] = 1
        if required:
            entry["r"] = required
        return idx

    def prop(self, node):
        out = {}
        alternatives = self.branches(node)
        values = [v for b in alternatives for v in ([self.resolve(b.get("items"))] if "items" in b else [])]
        typed = alternatives + [x for v in values for x in self.branches(v)]
        if any(is_object(b) for b in typed):
            obj = next(b for b in typed if is_object(b))
            out["o"] = self.shape(obj)
        kinds = kinds_of(alternatives)
        if kinds:
            out["t"] = kinds
        enum = enum_of(alternatives) or enum_of([x for v in values for x in self.branches(v)])
        if enum:
            out.update(enum)
        return out


def is_object(node):
    return "properties" in node or node.get("type") == "object"


KINDS = {"array": "a", "object": "o", "string": "s", "number": "s", "integer": "s", "boolean": "s"}


def kinds_of(alternatives):
    """The JSON kinds a value may take, as letters (a: list, o: object, s: scalar);
    empty when an alternative does not say, since then any kind may be valid."""
    kinds = set()
    for a in alternatives:
        if any(k in a for k in ("allOf", "oneOf", "anyOf")) and "type" not in a:
            continue
        declared = a.get("type")
        declared = [declared] if isinstance(declared, str) else declared or []
        if "items" in a:
            declared.append("array")
        if "properties" in a:
            declared.append("object")
        if not declared or any(d not in KINDS for d in declared):
            return ""
        kinds.update(KINDS[d] for d in declared)
    return "".join(sorted(kinds))


def enum_of(alternatives):
    """The string enum that every typed alternative shares; none when one of them is
    free-form (a pattern, another type), since then other values may be valid."""
    values, ci = [], False
    leaves = [a for a in alternatives if not any(k in a for k in ("allOf", "oneOf", "anyOf"))]
    for a in leaves:
        if "enum" in a:
            values += a["enum"]
        elif "enumCaseInsensitive" in a:
            values += a["enumCaseInsensitive"]
            ci = True
        elif a:
            return None
    if not values or not all(isinstance(v, str) for v in values):
        return None
    out = {"e": sorted(set(values))}
    if ci:
        out["ci"] = 1
    return out


def merge(a, b):
    out = dict(a)
    if "t" in out and "t" in b:
        out["t"] = "".join(sorted(set(out["t"]) | set(b["t"])))
    else:
        out.pop("t", None)
    if "o" in b and "o" not in out:
        out["o"] = b["o"]
    if "e" in out and "e" in b:
        out["e"] = sorted(set(out["e"]) | set(b["e"]))
    elif "e" in out:
        # one branch constrains, the other does not: any value may be valid
        out.pop("e")
        out.pop("ci", None)
    return out


def main():
    print(f"# cfn-lint {version('cfn-lint')}")
    for name in sorted(PROVIDER_SCHEMA_MANAGER.get_resource_types("us-east-1")):
        # cfn-lint 1.58 also bundles SAM's own schemas (`AWS::Serverless::…`, validated before
        # the SAM transform, with `Globals` supplying properties): the transforms treat SAM
        # types as having no schema, as before, so they are left out.
        if name.startswith("AWS::Serverless::"):
            continue
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", name).schema
        ex = Extractor(schema)
        ex.shape(schema)
        resource = {"s": ex.shapes}
        for key, out in (("readOnlyProperties", "ro"), ("deprecatedProperties", "dep")):
            if schema.get(key):
                resource[out] = schema[key]
        print(name, json.dumps(resource, separators=(",", ":"), sort_keys=True), sep="\t")


if __name__ == "__main__":
    main()
