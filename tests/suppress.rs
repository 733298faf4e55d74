//! Every suppression form keeps its finding unfixed, counts it as suppressed, and
//! names what suppressed it; a suppression for another check does not.

use iac_fix::files::process_text;
use iac_fix::fixer::{Outcome, Settings};
use iac_fix::flavor::syntax_for_path;
use iac_fix::transforms::REGISTRY;
use std::path::Path;

fn run(name: &str, source: &str) -> Outcome {
    let path = Path::new(name);
    let settings = Settings {
        select: vec!["lambda-runtime-upgrade".into()],
        unsafe_fixes: true,
        ..Default::default()
    };
    let (_, outcome) = process_text(
        path,
        syntax_for_path(path).unwrap(),
        source,
        REGISTRY,
        &settings,
    )
    .unwrap()
    .expect("recognised flavor");
    outcome
}

/// Asserts the one runtime finding was suppressed (by something containing `by`) and nothing changed.
fn assert_suppressed(name: &str, source: &str, by: &str) {
    let o = run(name, source);
    assert_eq!(o.fixed, source, "{name}: suppressed finding was fixed");
    assert_eq!(o.suppressed.len(), 1, "{name}: {:?}", o.suppressed);
    let origin = o.suppressed[0].suppressed_by.as_deref().unwrap();
    assert!(
        origin.contains(by),
        "{name}: suppressed by {origin}, expected {by}"
    );
    assert!(o.fixes.is_empty(), "{name}: {:?}", o.fixes);
}

const CDK_HEAD: &str =
    "import * as cdk from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\n";

fn cdk(body: &str) -> String {
    format!("{CDK_HEAD}export class S extends cdk.Stack {{\n  constructor(scope: cdk.App) {{\n    super(scope, 'S');\n{body}  }}\n}}\n")
}

const FN: &str = "    const fn = new lambda.Function(this, 'Fn', {\n      runtime: lambda.Runtime.NODEJS_18_X,\n      handler: 'index.handler',\n      code: lambda.Code.fromInline('x'),\n    });\n";

#[test]
fn typescript_comment_on_the_line_before() {
    let src = cdk(&format!(
        "    // iac-fix-ignore: lambda-runtime-upgrade\n{FN}"
    ));
    assert_suppressed("a.ts", &src, "iac-fix-ignore at line 6");
}

#[test]
fn typescript_comment_at_end_of_first_line() {
    let src = cdk(&FN.replacen("{\n", "{ // iac-fix-ignore\n", 1));
    assert_suppressed("a.ts", &src, "iac-fix-ignore at line 6");
}

#[test]
fn typescript_file_wide_and_by_equivalent_id() {
    let src = format!("// iac-fix-ignore-file: AwsSolutions-L1\n{}", cdk(FN));
    assert_suppressed("a.ts", &src, "iac-fix-ignore-file");
}

#[test]
fn cdk_nag_resource_and_stack_suppressions() {
    let nag = "    NagSuppressions.addResourceSuppressions(fn, [{ id: 'AwsSolutions-L1', reason: 'pinned' }]);\n";
    let src = format!(
        "import {{ NagSuppressions }} from 'cdk-nag';\n{}",
        cdk(&format!("{FN}{nag}"))
    );
    assert_suppressed("a.ts", &src, "cdk-nag");
    let stack = "    NagSuppressions.addStackSuppressions(this, [{ id: 'AwsSolutions-L1', reason: 'x' }]);\n";
    let src = format!(
        "import {{ NagSuppressions }} from 'cdk-nag';\n{}",
        cdk(&format!("{FN}{stack}"))
    );
    assert_suppressed("a.ts", &src, "cdk-nag");
    let v3 = "    Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: 'x' });\n";
    assert_suppressed("a.ts", &cdk(&format!("{FN}{v3}")), "cdk-nag");
}

#[test]
fn other_checks_do_not_suppress_and_unused_own_comments_are_reported() {
    let src = cdk(&format!("    // iac-fix-ignore: kms-alias-split\n{FN}"));
    let o = run("a.ts", &src);
    assert_ne!(o.fixed, src);
    assert!(o.suppressed.is_empty());
    let src = cdk(&format!(
        "    // iac-fix-ignore: lambda-runtime-upgrade\n    const x = 1;\n{FN}"
    ));
    let o = run("a.ts", &src);
    assert_ne!(
        o.fixed, src,
        "a comment two statements up does not suppress"
    );
    assert_eq!(
        o.unused_suppressions,
        vec![(6, "lambda-runtime-upgrade".to_string())]
    );
}

const YAML_FN: &str = "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs18.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n      Code:\n        ZipFile: x\n";

fn yaml(resource: &str) -> String {
    format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n{resource}")
}

fn with_metadata(metadata: &str) -> String {
    yaml(&YAML_FN.replacen(
        "    Properties:\n",
        &format!("    Metadata:\n{metadata}    Properties:\n"),
        1,
    ))
}

#[test]
fn yaml_comment_above_resource_and_checkov_comment_inside() {
    assert_suppressed(
        "t.yaml",
        &yaml(&format!(
            "  # iac-fix-ignore: lambda-runtime-upgrade\n{YAML_FN}"
        )),
        "iac-fix-ignore",
    );
    let inside = YAML_FN.replacen(
        "    Properties:\n",
        "    # checkov:skip=CKV_AWS_363: pinned for a vendor layer\n    Properties:\n",
        1,
    );
    assert_suppressed("t.yaml", &yaml(&inside), "checkov:skip=CKV_AWS_363");
    let trivy = YAML_FN.replacen(
        "      Runtime",
        "      # trivy:ignore:CKV_AWS_363\n      Runtime",
        1,
    );
    assert_suppressed("t.yaml", &yaml(&trivy), "trivy");
}

#[test]
fn cloudformation_metadata_forms() {
    assert_suppressed(
        "t.yaml",
        &with_metadata("      iac-fix:\n        ignore: [lambda-runtime-upgrade]\n"),
        "Metadata iac-fix",
    );
    assert_suppressed("t.yaml", &with_metadata("      checkov:\n        skip:\n          - id: CKV_AWS_363\n            comment: pinned\n"), "checkov.skip");
    assert_suppressed(
        "t.yaml",
        &with_metadata(
            "      cfn-lint:\n        config:\n          ignore_checks:\n            - W2531\n",
        ),
        "cfn-lint",
    );
    assert_suppressed("t.yaml", &with_metadata("      cfn_nag:\n        rules_to_suppress:\n          - id: W2531\n            reason: x\n"), "cfn_nag");
    let template_wide = format!(
        "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [W2531]\n{}",
        yaml(YAML_FN)
    );
    assert_suppressed("t.yaml", &template_wide, "template Metadata");
    let json = r#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Metadata": {"iac-fix": {"ignore": []}},
      "Properties": {"Runtime": "nodejs18.x", "Handler": "index.handler", "Role": "arn:aws:iam::1:role/r", "Code": {"ZipFile": "x"}}}}}"#;
    assert_suppressed("t.json", json, "Metadata iac-fix");
}

/// cfn-guard `Metadata.guard.SuppressedRules` names guard / AWS Config rules; they
/// suppress the transforms that list them among their equivalents (case
/// guard-suppressions-ignored), on the resource or the whole template.
#[test]
fn cfn_guard_suppressed_rules() {
    let run_with = |source: &str, select: &[&str]| {
        let path = Path::new("t.yaml");
        let settings = Settings {
            select: select.iter().map(|s| s.to_string()).collect(),
            unsafe_fixes: true,
            ..Default::default()
        };
        process_text(
            path,
            syntax_for_path(path).unwrap(),
            source,
            REGISTRY,
            &settings,
        )
        .unwrap()
        .expect("recognised flavor")
        .1
    };
    let resource = "Resources:\n  Scratch:\n    Type: AWS::S3::Bucket\n    Metadata:\n      guard:\n        SuppressedRules:\n          - S3_BUCKET_VERSIONING_ENABLED\n          - S3_BUCKET_PUBLIC_READ_PROHIBITED\n    Properties:\n      BucketName: example-scratch\n  Sessions:\n    Type: AWS::DynamoDB::Table\n    Metadata:\n      guard:\n        SuppressedRules: [DYNAMODB_PITR_ENABLED]\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n";
    let o = run_with(
        resource,
        &[
            "s3-versioning",
            "s3-block-public-access",
            "dynamodb-point-in-time-recovery",
        ],
    );
    assert_eq!(o.fixed, resource);
    assert_eq!(o.suppressed.len(), 3, "{:?}", o.suppressed);
    assert!(o.suppressed.iter().all(|f| f
        .suppressed_by
        .as_deref()
        .unwrap()
        .contains("guard.SuppressedRules")));
    // Another rule name suppresses nothing.
    let other = resource.replace("S3_BUCKET_VERSIONING_ENABLED", "S3_BUCKET_LOGGING_ENABLED");
    let o = run_with(&other, &["s3-versioning"]);
    assert!(
        o.suppressed.is_empty() && o.fixed != other,
        "{:?}",
        o.suppressed
    );
    // Template-level suppression covers every resource.
    let template = "Metadata:\n  guard:\n    SuppressedRules:\n      - S3_BUCKET_SSL_REQUESTS_ONLY\nResources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n";
    let o = run_with(template, &["s3-enforce-ssl"]);
    assert_eq!(o.fixed, template);
    assert_eq!(o.suppressed.len(), 2, "{:?}", o.suppressed);
}

/// A suppression comment that is all a construct's props hold (`{ // iac-fix-ignore: id }`)
/// governs the construct: nothing is inserted under it, and it is not reported unused.
#[test]
fn comment_alone_in_empty_props_suppresses_its_construct() {
    let source = "import * as cdk from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\nexport class S extends cdk.Stack {\n  constructor(scope: cdk.App) {\n    super(scope, 'S');\n    new s3.Bucket(this, 'Scratch', {\n      // iac-fix-ignore: s3-versioning\n    });\n    new s3.Bucket(this, 'Other', { /* iac-fix-ignore: s3-versioning */ });\n  }\n}\n";
    let path = Path::new("stack.ts");
    let settings = Settings {
        select: vec!["s3-versioning".into()],
        unsafe_fixes: true,
        ..Default::default()
    };
    let (_, o) = process_text(
        path,
        syntax_for_path(path).unwrap(),
        source,
        REGISTRY,
        &settings,
    )
    .unwrap()
    .unwrap();
    assert_eq!(o.fixed, source);
    assert_eq!(o.suppressed.len(), 2, "{:?}", o.suppressed);
    assert!(
        o.unused_suppressions.is_empty(),
        "{:?}",
        o.unused_suppressions
    );
}

/// With every transform on, other fixes fill the props the comment sits in: the comment
/// keeps governing the construct (entries go before it), and a second run changes nothing.
#[test]
fn comment_alone_in_props_survives_other_fixes_and_a_second_run() {
    let source = "import * as cdk from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\nexport class S extends cdk.Stack {\n  constructor(scope: cdk.App) {\n    super(scope, 'S');\n    new s3.Bucket(this, 'C', {\n      // iac-fix-ignore: s3-versioning\n    });\n    new s3.Bucket(this, 'D', { /* iac-fix-ignore: s3-versioning */ });\n  }\n}\n";
    let path = Path::new("stack.ts");
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let run = |text: &str| {
        process_text(
            path,
            syntax_for_path(path).unwrap(),
            text,
            REGISTRY,
            &settings,
        )
        .unwrap()
        .unwrap()
        .1
    };
    let first = run(source);
    assert_ne!(first.fixed, source, "other transforms fix the buckets");
    assert!(!first.fixed.contains("versioned"), "{}", first.fixed);
    assert!(
        first
            .fixed
            .contains("enforceSSL: true,\n      // iac-fix-ignore: s3-versioning\n    });"),
        "{}",
        first.fixed
    );
    assert!(
        first
            .fixed
            .contains("enforceSSL: true, /* iac-fix-ignore: s3-versioning */ }"),
        "{}",
        first.fixed
    );
    let second = run(&first.fixed);
    assert_eq!(second.fixed, first.fixed);
    assert_eq!(second.suppressed.len(), 2, "{:?}", second.suppressed);
}
