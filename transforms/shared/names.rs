//! Names for what transforms create: identifiers from construct ids, numbered when taken.

/// A construct id as a lower-camel-case identifier: `'api-5xx errors'` → `api5xxErrors`
/// (leading digits and separators dropped).
pub(crate) fn lower_camel(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if out.is_empty() {
            if c.is_ascii_alphabetic() {
                out.push(c.to_ascii_lowercase());
            }
            upper = false;
        } else {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        }
    }
    out
}

/// `base`, or `base2`, `base3`… : the first name `taken` does not claim.
pub(crate) fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// A new CloudFormation logical id from an existing one plus a suffix. Logical ids are
/// alphanumeric, but a draft may carry an invalid one (`'SchemaSync Lambda'`, which
/// cfn-lint reports as E3001): the new id drops the rest (`SchemaSyncLambdaDLQ`) rather
/// than copy the error. Numbered when taken.
pub(crate) fn cfn_logical_id(id: &str, suffix: &str, taken: impl Fn(&str) -> bool) -> String {
    let base: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    unique(&format!("{base}{suffix}"), taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_ids() {
        assert_eq!(lower_camel("HighCpu"), "highCpu");
        assert_eq!(lower_camel("api-5xx errors"), "api5xxErrors");
        assert_eq!(lower_camel("5xx"), "xx");
        assert_eq!(unique("a", |n| n == "a" || n == "a2"), "a3");
        assert_eq!(unique("b", |_| false), "b");
    }

    #[test]
    fn unique_numbers_taken_names() {
        assert_eq!(unique("BPolicy", |n| n == "X"), "BPolicy");
        assert_eq!(
            unique("BPolicy", |n| n == "BPolicy" || n == "BPolicy2"),
            "BPolicy3"
        );
    }

    #[test]
    fn logical_ids_stay_alphanumeric() {
        assert_eq!(
            cfn_logical_id("SchemaSync Lambda", "DLQ", |_| false),
            "SchemaSyncLambdaDLQ"
        );
        assert_eq!(
            cfn_logical_id("Orders", "Key", |n| n == "OrdersKey"),
            "OrdersKey2"
        );
    }
}
