//! Unit tests: the SDK scan and the evidence in messages.

use super::*;
use std::path::Path;
use crate::files::process_text;
use crate::fixer::Settings;
use crate::flavor::syntax_for_path;

type Seen = (Service, String, Option<Vec<&'static str>>, Vec<String>, String);

fn calls(code: &str, python: bool) -> Vec<Seen> {
    let label = if python { "h.py" } else { "h.js" };
    let mut src = Source::file(label.into(), code.into());
    src.python = python;
    scan(&src)
        .calls
        .into_iter()
        .map(|c| (c.service, c.written, c.actions.map(|a| a.to_vec()), c.env.into_iter().collect(), c.at))
        .collect()
}

#[test]
fn comments_and_strings_are_not_calls() {
    let js = "const s3 = new AWS.S3();\n// s3.putObject({})\n/* s3.deleteObject({}) */\nconst t = 's3.putObject(x)';\nconst r = /s3.putObject\\(/;\ns3.getObject({ Bucket: process.env['B'] });\n";
    let got = calls(js, false);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "getObject");
    assert_eq!(got[0].3, ["B"]);
    assert_eq!(got[0].4, "h.js:6");
}

#[test]
fn variables_carry_environment_names() {
    let js = "const { BUCKET: b } = process.env;\nconst params = {\n  Bucket: b,\n  Key: 'k',\n};\nconst client = new S3Client({});\nawait client.send(new PutObjectCommand(params));\n";
    let got = calls(js, false);
    assert_eq!(got[0].1, "PutObjectCommand");
    assert_eq!(got[0].3, ["BUCKET"]);
    assert_eq!(got[0].4, "h.js:7");
    let py = "import os, boto3\nTABLE = os.getenv('T')\nddb = boto3.resource('dynamodb')\ntable = ddb.Table(TABLE)\n\ndef h(e, c):\n    # table.delete_item(Key=k)\n    with table.batch_writer() as b:\n        b.put_item(Item=e)\n    return table.scan()\n";
    let got = calls(py, true);
    let ops: Vec<(&str, Vec<String>, &str)> = got.iter().map(|c| (c.1.as_str(), c.3.clone(), c.4.as_str())).collect();
    assert_eq!(ops, [("batch_writer", vec!["T".to_string()], "h.py:8"), ("put_item", vec!["T".to_string()], "h.py:9"), ("scan", vec!["T".to_string()], "h.py:10")]);
}

#[test]
fn distinctive_operations_count_on_unseen_clients() {
    let got = calls("import os\ndef h(e, c, s3_resource):\n    s3_resource.meta.client.upload_file('/tmp/x', os.environ['B'], 'k')\n", true);
    assert_eq!((got[0].1.as_str(), got[0].2.clone(), got[0].3.clone()), ("upload_file", Some(vec!["s3:PutObject"]), vec!["B".to_string()]));
    assert!(calls("const v = cache.get('k');\n", false).is_empty());
}

#[test]
fn only_resource_parameters_tie_a_call() {
    let js = "const d = await s3.getObject({ Bucket: process.env.IN, Key: k }).promise();\nconst params = { Bucket: process.env.OUT, Key: k, Body: d.Body };\nawait s3.putObject(params).promise();\nawait s3.upload({ Bucket: process.env.OUT, Body: d.Body }).promise();\n";
    let got = calls(&format!("const s3 = new AWS.S3();\n{js}"), false);
    let env: Vec<(&str, Vec<String>)> = got.iter().map(|c| (c.1.as_str(), c.3.clone())).collect();
    assert_eq!(env, [("getObject", vec!["IN".to_string()]), ("putObject", vec!["OUT".to_string()]), ("upload", vec!["OUT".to_string()])]);
    // No resource parameter: every argument counts (the bucket is positional).
    let got = calls("import os, boto3\ns3 = boto3.client('s3')\ns3.upload_file('/tmp/x', os.environ['B'], 'k')\n", true);
    assert_eq!(got[0].3, ["B"]);
    // A client bound to its table: the item's origin does not tie the put to another table.
    let got = calls("import os, boto3\nddb = boto3.resource('dynamodb')\nsrc = ddb.Table(os.environ['A'])\ndst = ddb.Table(os.environ['B'])\nitem = src.get_item(Key=k)['Item']\ndst.put_item(Item=item)\n", true);
    let env: Vec<Vec<String>> = got.iter().map(|c| c.3.clone()).collect();
    assert_eq!(env, [vec!["A".to_string()], vec!["B".to_string()]]);
}

#[test]
fn unknown_operations_are_kept_as_unknown() {
    let got = calls("s3 = boto3.client('s3')\ns3.put_bucket_policy(Bucket='b', Policy='{}')\n", true);
    assert_eq!(got[0].2, None);
}

#[test]
fn messages_cite_the_sdk_calls() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/least-privilege-grants");
    let settings = Settings { select: vec![META.id.to_string()], unsafe_fixes: true, ..Default::default() };
    let messages = |case: &str| -> Vec<String> {
        let path = dir.join(case);
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, outcome) = process_text(&path, syntax_for_path(&path).unwrap(), &text, crate::transforms::REGISTRY, &settings).unwrap().unwrap();
        outcome.fixes.into_iter().map(|f| f.message).collect()
    };
    let m = messages("cdk-read-only.ts");
    assert!(m[0].contains("s3:GetObject (handlers/read-only/index.ts:12)") && m[0].contains("s3:ListBucket (handlers/read-only/index.ts:8)"), "{m:?}");
    let m = messages("cdk-python-dynamo-read.ts");
    assert!(m[0].contains("dynamodb:GetItem (handlers/py-reader/index.py:15)"), "{m:?}");
    let m = messages("cfn-role-policies.json");
    assert!(m[0].contains("s3:GetObject (cfn-role-policies.json:74)"), "{m:?}");
    let m = messages("cdk-no-handler.ts");
    assert!(m[0].contains("handler asset 'lambda/consumer' not in the repository"), "{m:?}");
    let m = messages("cfn-managed-policy.yaml");
    assert!(m.iter().any(|m| m.contains("dynamodb:PutItem (cfn-managed-policy.yaml:61)")), "{m:?}");
}
