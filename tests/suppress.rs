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
    // The suppressed buckets stay unversioned (the access-log bucket s3-access-logging adds
    // before them is versioned on its own).
    let buckets = &first.fixed[first.fixed.find("new s3.Bucket(this, 'C'").unwrap()..];
    assert!(!buckets.contains("versioned"), "{}", first.fixed);
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

/// cdk-nag v3 / CDK `Validations.of(x).acknowledge(…)` with the ids as cdk-nag prints them
/// and CDK records them (checked against cdk-nag v3.0.1 `src/nag-pack.ts` and
/// aws-cdk-lib 2.269 `validation-id.js`): plain, namespaced (`Annotation::…`,
/// `AwsSolutions::…`), granular (`AwsSolutions-L1[…]`), several acknowledgements in one
/// call, on the construct, a child of it, the stack (`this`) or `cdk.Validations`.
#[test]
fn cdk_nag_v3_acknowledgements_in_every_id_form() {
    for (ack, by) in [
        ("Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: 'x' });", "acknowledgement"),
        ("Validations.of(fn).acknowledge({ id: 'Annotation::AwsSolutions-L1', reason: 'x' });", "acknowledgement"),
        ("Validations.of(fn).acknowledge({ id: 'AwsSolutions::AwsSolutions-L1', reason: 'x' });", "acknowledgement"),
        ("Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1[Runtime::nodejs18.x]', reason: 'x' });", "acknowledgement"),
        ("Validations.of(fn).acknowledge({ id: 'AwsSolutions-S1', reason: 'x' }, { id: 'AwsSolutions-L1', reason: 'y' });", "acknowledgement"),
        ("cdk.Validations.of(fn.node.defaultChild as lambda.CfnFunction).acknowledge({ id: 'AwsSolutions-L1', reason: 'x' });", "acknowledgement"),
        ("Validations.of(this).acknowledge({ id: 'AwsSolutions-L1', reason: 'whole stack' });", "acknowledgement"),
        ("Validations.of(stack).acknowledge({ id: 'AwsSolutions-L1', reason: 'unknown scope: whole file' });", "acknowledgement"),
    ] {
        assert_suppressed("a.ts", &cdk(&format!("{FN}    {ack}\n")), by);
    }
    // Another rule, or another construct of the file, suppresses nothing.
    let other = cdk(&format!(
        "{FN}    const q = new lambda.Function(this, 'Q', {{ runtime: lambda.Runtime.NODEJS_22_X, handler: 'i.h', code: lambda.Code.fromInline('x') }});\n    Validations.of(q).acknowledge({{ id: 'AwsSolutions-L1', reason: 'x' }});\n    Validations.of(fn).acknowledge({{ id: 'AwsSolutions-S1', reason: 'x' }});\n"
    ));
    let o = run("a.ts", &other);
    assert!(o.suppressed.is_empty(), "{:?}", o.suppressed);
    assert_ne!(o.fixed, other);
}

/// Acknowledgements written as construct metadata: cdk-nag's `cdk_nag` key (v2 and v3's
/// `writeSuppressionsToCloudFormation`), checkov's, and CDK's own acknowledged-rules key,
/// through `node.addMetadata`, `CfnResource.addMetadata` or `cfnOptions.metadata`.
#[test]
fn construct_metadata_suppressions() {
    for stmt in [
        "fn.node.addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-L1', reason: 'x' }] });",
        "(fn.node.defaultChild as lambda.CfnFunction).addMetadata('checkov', { skip: [{ id: 'CKV_AWS_363', comment: 'x' }] });",
        "fn.node.addMetadata('aws:cdk:acknowledged-rules', { 'Annotation::AwsSolutions-L1': 'pinned' });",
        "fn.node.addMetadata(cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { 'AwsSolutions-L1': 'pinned' });",
        "(fn.node.defaultChild as lambda.CfnFunction).cfnOptions.metadata = { cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-L1', reason: 'x' }] } };",
    ] {
        assert_suppressed("a.ts", &cdk(&format!("{FN}    {stmt}\n")), "construct metadata");
    }
}

/// cdk-nag v2 `addResourceSuppressionsByPath`: the path's deepest segment that is a
/// construct id of this file; a path naming no construct here suppresses nothing.
#[test]
fn cdk_nag_suppressions_by_path() {
    for path in [
        "'/S/Fn/Resource'",
        "['/S/Other', '/S/Fn']",
        "`/S/Fn/Resource`",
    ] {
        let nag = format!("    NagSuppressions.addResourceSuppressionsByPath(this, {path}, [{{ id: 'AwsSolutions-L1', reason: 'x' }}]);\n");
        assert_suppressed("a.ts", &cdk(&format!("{FN}{nag}")), "cdk-nag suppression");
    }
    let nag = "    NagSuppressions.addResourceSuppressionsByPath(this, '/S/BucketNotificationsHandler/Role/Resource', [{ id: 'AwsSolutions-L1', reason: 'x' }]);\n";
    let src = cdk(&format!("{FN}{nag}"));
    let o = run("a.ts", &src);
    assert!(o.suppressed.is_empty(), "{:?}", o.suppressed);
}

/// An own comment may carry a reason after ` -- ` (what `--add-ignore=REASON` writes).
#[test]
fn own_comment_with_a_reason() {
    let src = cdk(&format!(
        "    // iac-fix-ignore: lambda-runtime-upgrade -- legacy, pinned by the vendor\n{FN}"
    ));
    assert_suppressed("a.ts", &src, "iac-fix-ignore at line 6");
    let o = run("a.ts", &src);
    assert!(
        o.unknown_suppressions.is_empty(),
        "{:?}",
        o.unknown_suppressions
    );
}

/// Ids no transform knows are collected (the CLI shows them with `--verbose` only).
#[test]
fn unknown_ids_are_collected_for_verbose() {
    let src = cdk(&format!(
        "    // iac-fix-ignore: no-such-transform\n    // checkov:skip=CKV_AWS_999999: not ours\n{FN}"
    ));
    let o = run("a.ts", &src);
    let ids: Vec<&str> = o
        .unknown_suppressions
        .iter()
        .map(|(_, id, _)| id.as_str())
        .collect();
    assert_eq!(ids, ["no-such-transform", "CKV_AWS_999999"]);
    assert_eq!(o.unknown_suppressions[0].0, 6);
}

#[test]
fn unknown_ids_are_printed_with_verbose_only() {
    let dir = tempfile::tempdir().unwrap();
    let src = cdk(&format!("    // iac-fix-ignore: no-such-transform\n{FN}"));
    std::fs::write(dir.path().join("a.ts"), src).unwrap();
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_iac-fix"))
            .current_dir(dir.path())
            .args(["--dry-run", "-t", "lambda-runtime-upgrade"])
            .args(extra)
            .arg("a.ts")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(!run(&[]).contains("unknown id"));
    let verbose = run(&["--verbose"]);
    assert!(
        verbose.contains("a.ts:6: info: suppression of unknown id `no-such-transform`"),
        "{verbose}"
    );
}

/// Ids a transform fixes that it did not declare before the audit against checkov's and
/// cdk-nag's sources (checkov `DynamodbGlobalTableRecovery.py` is CKV_AWS_165 on
/// `AWS::DynamoDB::GlobalTable` replicas; cdk-nag's HIPAA/NIST/PCI packs name rules
/// `<Pack>-<Rule>`): a skip of them keeps the finding unfixed.
#[test]
fn audited_equivalents_suppress() {
    let global = "Resources:\n  T:\n    Type: AWS::DynamoDB::GlobalTable\n    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_165\n    Properties:\n      AttributeDefinitions: [{AttributeName: k, AttributeType: S}]\n      KeySchema: [{AttributeName: k, KeyType: HASH}]\n      BillingMode: PAY_PER_REQUEST\n      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}\n      Replicas:\n        - Region: us-east-1\n";
    let path = Path::new("t.yaml");
    let settings = Settings {
        select: vec!["dynamodb-point-in-time-recovery".into()],
        unsafe_fixes: true,
        ..Default::default()
    };
    let (_, o) = process_text(
        path,
        syntax_for_path(path).unwrap(),
        global,
        REGISTRY,
        &settings,
    )
    .unwrap()
    .unwrap();
    assert_eq!(o.fixed, global);
    assert_eq!(o.suppressed.len(), 1, "{:?}", o.suppressed);
    let meta = |id: &str| REGISTRY.iter().find(|r| r.meta().id == id).unwrap().meta();
    assert!(meta("lambda-dead-letter-queue")
        .equivalents
        .contains(&"NIST.800.53.R5-LambdaDLQ"));
    assert!(meta("lambda-runtime-upgrade")
        .equivalents
        .contains(&"Serverless-LambdaLatestVersion"));
    assert_suppressed(
        "a.ts",
        &cdk(&format!("{FN}    Validations.of(fn).acknowledge({{ id: 'Serverless-LambdaLatestVersion', reason: 'x' }});\n")),
        "acknowledgement",
    );
}
