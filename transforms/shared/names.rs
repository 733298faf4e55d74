//! Names for what transforms create: identifiers from construct ids, numbered when taken.

/// A construct id as a lower-camel-case identifier: `'api-5xx errors'` → `api5xxErrors`
/// (leading digits and separators dropped). A leading acronym is lowercased as a whole
/// word, the way people write it by hand: `ALB5xxAlarm` → `alb5xxAlarm`,
/// `HTTPServer` → `httpServer`, `S3Bucket` → `s3Bucket`, `DLQ` → `dlq` (the last capital of
/// a run starts the next word when a lowercase letter follows it).
pub(crate) fn lower_camel(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if out.is_empty() {
            if c.is_ascii_alphabetic() {
                out.push(c);
            }
            upper = false;
        } else {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        }
    }
    let chars: Vec<char> = out.chars().collect();
    let run = chars.iter().take_while(|c| c.is_ascii_uppercase()).count();
    // `HTTPServer`: the run is `HTTPS`, and its `S` starts `Server`.
    let keep = if run > 1 && chars.get(run).is_some_and(char::is_ascii_lowercase) {
        run - 1
    } else {
        run.max(1)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { c.to_ascii_lowercase() } else { *c })
        .collect()
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

/// [`unique`] for a declaration one fix of this pass adds to `doc`, where several fixes of
/// the pass may each add one: the name `owner` was given before in this pass, else the first
/// of `base`, `base2`, … that `taken` does not claim and that no other owner was given.
///
/// The fixes of one pass are all computed on the same text, so two that each declare a
/// companion in their own block (`const stackKey = new kms.Key(this, 'StackKey', …)` in the
/// constructor and in a method of the same stack) would otherwise pick the same free name,
/// and CDK refuses the second construct ("There is already a Construct with name
/// 'StackKey'"). `owner` says which declaration it is (the transform, the block, what it
/// names): the fixes that share one declaration pass the same owner and get the same name,
/// so their identical edits are applied once. Names are handed out in call order (the
/// transforms' source order), as the passes one after another would.
pub(crate) fn unique_in_pass(
    doc: &crate::model::Document,
    owner: &str,
    base: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    use std::cell::RefCell;
    use std::collections::{HashMap, HashSet};
    #[derive(Default)]
    struct Given {
        by_owner: HashMap<(String, String), String>,
        names: HashSet<String>,
    }
    let given = doc.memo("names::unique_in_pass", |_| RefCell::new(Given::default()));
    let mut given = given.borrow_mut();
    let key = (owner.to_string(), base.to_string());
    if let Some(name) = given.by_owner.get(&key) {
        return name.clone();
    }
    let name = unique(base, |c| taken(c) || given.names.contains(c));
    given.names.insert(name.clone());
    given.by_owner.insert(key, name.clone());
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

    /// One owner keeps its name for the pass; another owner never gets it, even where
    /// `taken` would allow it; a new pass (a new document) starts over.
    #[test]
    fn names_in_a_pass_go_to_one_owner() {
        use crate::flavor::Flavor;
        use crate::lang::{Parsed, Syntax};
        use crate::model::Document;
        let parsed = Parsed::new(Syntax::TypeScript, "const stackKey = 1;\n".to_string());
        let doc = Document::new(std::path::Path::new("t.ts"), Flavor::CdkTs, &parsed);
        let taken = |c: &str| doc.has_word(c);
        assert_eq!(
            unique_in_pass(&doc, "block 10", "stackKey", taken),
            "stackKey2"
        );
        assert_eq!(
            unique_in_pass(&doc, "block 10", "stackKey", taken),
            "stackKey2"
        );
        assert_eq!(
            unique_in_pass(&doc, "block 90", "stackKey", taken),
            "stackKey3"
        );
        assert_eq!(
            unique_in_pass(&doc, "block 90", "StackKey", |_| false),
            "StackKey"
        );
        assert_eq!(
            unique_in_pass(&doc, "block 10", "StackKey", |_| false),
            "StackKey2"
        );
        let again = Document::new(std::path::Path::new("t.ts"), Flavor::CdkTs, &parsed);
        assert_eq!(
            unique_in_pass(&again, "block 90", "stackKey", |c| again.has_word(c)),
            "stackKey2"
        );
    }

    #[test]
    fn names_from_ids() {
        assert_eq!(lower_camel("HighCpu"), "highCpu");
        assert_eq!(lower_camel("api-5xx errors"), "api5xxErrors");
        assert_eq!(lower_camel("5xx"), "xx");
    }

    #[test]
    fn acronyms_and_digits_read_naturally() {
        // Shapes seen in the corpus's construct ids.
        for (id, want) in [
            ("ALB5xxAlarm", "alb5xxAlarm"),
            ("ALB", "alb"),
            ("DLQ", "dlq"),
            ("HTTPServer", "httpServer"),
            ("APIGateway", "apiGateway"),
            ("S3Bucket", "s3Bucket"),
            ("EC2Instance", "ec2Instance"),
            ("KMSKey", "kmsKey"),
            ("VPCFlowLogs", "vpcFlowLogs"),
            ("SQSQueue-DLQ", "sqsQueueDLQ"),
            ("IoTRule", "ioTRule"),
            ("my-ALB 5xx", "myALB5xx"),
            ("orders", "orders"),
            ("Api5xx", "api5xx"),
            ("X", "x"),
            ("", ""),
        ] {
            assert_eq!(lower_camel(id), want, "{id:?}");
        }
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
