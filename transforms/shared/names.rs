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
