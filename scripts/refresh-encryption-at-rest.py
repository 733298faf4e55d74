"""Refresh the `create_only` column of data/encryption-at-rest.json from the
createOnlyProperties of the CloudFormation provider schemas bundled in the pinned cfn-lint
(the same source as scripts/refresh-schemas.sh): a row is create-only when any property
its `set` writes (or an ancestor of it) is create-only, i.e. CloudFormation replaces an
existing resource to change it.
  .oracle/venv/bin/python scripts/refresh-encryption-at-rest.py
Prints the rows whose value changed; rewrites the file in place."""

import json
import pathlib
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

PATH = pathlib.Path(__file__).resolve().parent.parent / "data" / "encryption-at-rest.json"


def pointers(tree, prefix="/properties"):
    """JSON pointers of every property `set` writes, ancestors included (`*`: list items)."""
    for key, value in tree.items():
        here = prefix if key == "*" else f"{prefix}/{key}"
        if key != "*":
            yield here
        if isinstance(value, dict):
            yield from pointers(value, here)


def main():
    text = PATH.read_text()
    data = json.loads(text)
    for row in data["types"]:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", row["cfn"]).schema
        create_only = set(schema.get("createOnlyProperties", []))
        value = any(p in create_only for p in pointers(row["set"]))
        if row.get("create_only") != value:
            print(f"{row['cfn']}: create_only {row.get('create_only')} -> {value}")
            old = f'"create_only": {json.dumps(row.get("create_only"))}'
            start = text.index(f'"cfn": "{row["cfn"]}"')
            at = text.index(old, start)
            text = text[:at] + f'"create_only": {json.dumps(value)}' + text[at + len(old):]
    PATH.write_text(text)


if __name__ == "__main__":
    main()
