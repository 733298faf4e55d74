//! Imports a fix adds, checked on whole projects (cases `cdk-v1-missing-module-import`,
//! `import-root-module-core-path`, `import-specifier-appended-on-same-line`): only modules
//! the project can resolve, names the file binds reused, one specifier per line.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn run(dir: &Path, transform: &str) -> (String, String) {
    let out = Command::cargo_bin("iac-fix")
        .unwrap()
        .current_dir(dir)
        .args(["--dry-run", "-t", transform, "."])
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const V1_PIPELINE: &str = r#"import * as cdk from "@aws-cdk/core";
import * as lambda from "@aws-cdk/aws-lambda";
import * as events from "@aws-cdk/aws-events";
import * as targets from "@aws-cdk/aws-events-targets";

export class PipelineStack extends cdk.Stack {
    constructor(scope: cdk.Construct, id: string, props?: cdk.StackProps) {
        super(scope, id, props);
        const notify = new lambda.Function(this, "Notify", {
            runtime: lambda.Runtime.NODEJS_14_X,
            handler: "index.handler",
            code: lambda.Code.fromInline("exports.handler = async () => 1;"),
        });
        new events.Rule(this, "OnBuild", {
            eventPattern: { source: ["aws.codebuild"] },
            targets: [new targets.LambdaFunction(notify)],
        });
    }
}
"#;

fn v1_project(extra_dependency: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut deps = vec![
        "@aws-cdk/core",
        "@aws-cdk/aws-lambda",
        "@aws-cdk/aws-events",
        "@aws-cdk/aws-events-targets",
    ];
    deps.extend(extra_dependency);
    let listed: Vec<String> = deps
        .iter()
        .map(|d| format!("\"{d}\": \"^1.141.0\""))
        .collect();
    fs::write(
        dir.path().join("package.json"),
        format!(
            "{{ \"name\": \"p\", \"devDependencies\": {{ {} }} }}",
            listed.join(", ")
        ),
    )
    .unwrap();
    fs::create_dir(dir.path().join("lib")).unwrap();
    fs::write(dir.path().join("lib/pipeline.ts"), V1_PIPELINE).unwrap();
    dir
}

#[test]
fn a_v1_module_the_project_lacks_is_named_not_imported() {
    let dir = v1_project(None);
    let (stdout, stderr) = run(dir.path(), "lambda-dead-letter-queue");
    assert!(!stdout.contains("+import"), "{stdout}");
    assert!(
        stderr.contains("not applied") && stderr.contains("`@aws-cdk/aws-sqs`"),
        "{stderr}"
    );
    assert!(stderr.contains("../package.json does not list"), "{stderr}");
}

#[test]
fn a_v1_module_the_project_lists_is_imported_by_its_v1_name() {
    let dir = v1_project(Some("@aws-cdk/aws-sqs"));
    let (stdout, _) = run(dir.path(), "lambda-dead-letter-queue");
    assert!(
        stdout.contains("+import * as sqs from \"@aws-cdk/aws-sqs\";"),
        "{stdout}"
    );
    assert!(!stdout.contains("aws-cdk-lib"), "{stdout}");
}

#[test]
fn core_path_duration_is_reused_and_lists_grow_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("stack.ts"),
        "import { Stack, StackProps, Duration } from 'aws-cdk-lib/core';\nimport { Function, Runtime, Code } from 'aws-cdk-lib/aws-lambda';\nimport { Rule, Schedule } from 'aws-cdk-lib/aws-events';\nimport { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';\nimport { Construct } from 'constructs';\n\nexport class ReportStack extends Stack {\n  constructor(scope: Construct, id: string, props?: StackProps) {\n    super(scope, id, props);\n    const report = new Function(this, 'Report', {\n      runtime: Runtime.NODEJS_22_X,\n      handler: 'index.handler',\n      code: Code.fromInline('exports.handler = async () => 1;'),\n      timeout: Duration.minutes(1),\n    });\n    new Rule(this, 'Nightly', { schedule: Schedule.cron({ hour: '2', minute: '0' }), targets: [new LambdaFunction(report)] });\n  }\n}\n",
    )
    .unwrap();
    let (stdout, _) = run(dir.path(), "lambda-dead-letter-queue");
    assert!(stdout.contains("Duration.days(14)"), "{stdout}");
    assert!(!stdout.contains("+import { Duration }"), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("app.ts"),
        "import {\n  App,\n  Stack,\n  aws_events as events,\n  aws_events_targets as targets,\n  aws_lambda as lambda,\n} from 'aws-cdk-lib';\nimport { Construct } from 'constructs';\n\nclass CronStack extends Stack {\n  constructor(scope: Construct, id: string) {\n    super(scope, id);\n    const fn = new lambda.Function(this, 'Job', {\n      runtime: lambda.Runtime.NODEJS_22_X,\n      handler: 'index.handler',\n      code: lambda.Code.fromInline('exports.handler = async () => {};'),\n    });\n    new events.Rule(this, 'Nightly', {\n      schedule: events.Schedule.cron({ hour: '2', minute: '0' }),\n      targets: [new targets.LambdaFunction(fn)],\n    });\n  }\n}\n\nconst app = new App();\nnew CronStack(app, 'Cron');\n",
    )
    .unwrap();
    let (stdout, _) = run(dir.path(), "lambda-dead-letter-queue");
    assert!(stdout.contains("+  aws_sqs as sqs,\n"), "{stdout}");
    assert!(stdout.contains("+  Duration,\n"), "{stdout}");
    assert!(!stdout.contains("lambda, aws_sqs"), "{stdout}");
}
