//! What handler code does with the AWS SDK: the S3, DynamoDB and Kinesis calls it makes,
//! the IAM actions they need and the environment variables their arguments come from.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Service {
    S3,
    Dynamo,
    Kinesis,
    /// Textract, Rekognition, Athena, Transcribe: they read (and Athena writes) S3
    /// objects with the caller's credentials, so a bucket passed to them needs S3
    /// permissions the handler's own S3 calls do not show.
    S3User,
}

impl Service {
    pub(super) fn name(self) -> &'static str {
        match self {
            Service::S3 => "S3",
            Service::Dynamo => "DynamoDB",
            Service::Kinesis => "Kinesis",
            Service::S3User => "Textract/Rekognition/Athena/Transcribe",
        }
    }
    pub(super) fn prefix(self) -> &'static str {
        match self {
            Service::S3 => "s3",
            Service::Dynamo => "dynamodb",
            Service::Kinesis => "kinesis",
            Service::S3User => "-",
        }
    }
    pub(super) fn of_prefix(p: &str) -> Option<Service> {
        [Service::S3, Service::Dynamo, Service::Kinesis]
            .into_iter()
            .find(|s| s.prefix() == p)
    }
}

/// The IAM actions an SDK operation needs (camelCase operation name, as the JS SDK
/// spells it; boto3's snake_case and v3's `…Command` are normalised to it first).
/// `None`: an operation we do not know, which makes the narrowing give up.
pub(super) fn actions_of(service: Service, op: &str) -> Option<&'static [&'static str]> {
    Some(match service {
        Service::S3 => match op {
            "getObject" | "headObject" | "selectObjectContent" | "downloadFile"
            | "downloadFileobj" | "getObjectAttributes" => &["s3:GetObject"],
            "getObjectTagging" => &["s3:GetObjectTagging"],
            "listObjects" | "listObjectsV2" | "headBucket" => &["s3:ListBucket"],
            "listObjectVersions" => &["s3:ListBucketVersions"],
            "putObject" | "upload" | "uploadFile" | "uploadFileobj" | "createMultipartUpload"
            | "uploadPart" | "completeMultipartUpload" | "generatePresignedPost" => &["s3:PutObject"],
            "abortMultipartUpload" => &["s3:AbortMultipartUpload"],
            "putObjectTagging" => &["s3:PutObjectTagging"],
            "deleteObject" | "deleteObjects" => &["s3:DeleteObject"],
            "copyObject" | "copy" => &["s3:GetObject", "s3:PutObject"],
            _ => return None,
        },
        Service::Dynamo => match op {
            "get" | "getItem" => &["dynamodb:GetItem"],
            "query" => &["dynamodb:Query"],
            "scan" => &["dynamodb:Scan"],
            "batchGet" | "batchGetItem" => &["dynamodb:BatchGetItem"],
            "transactGet" | "transactGetItems" => &["dynamodb:GetItem"],
            "describeTable" => &["dynamodb:DescribeTable"],
            "put" | "putItem" => &["dynamodb:PutItem"],
            "update" | "updateItem" => &["dynamodb:UpdateItem"],
            "delete" | "deleteItem" => &["dynamodb:DeleteItem"],
            "batchWrite" | "batchWriteItem" | "batchWriter" => &["dynamodb:BatchWriteItem"],
            _ => return None,
        },
        Service::S3User => &[],
        Service::Kinesis => match op {
            "putRecord" => &["kinesis:PutRecord"],
            "putRecords" => &["kinesis:PutRecords"],
            "getRecords" => &["kinesis:GetRecords"],
            "getShardIterator" => &["kinesis:GetShardIterator"],
            "describeStream" => &["kinesis:DescribeStream"],
            "describeStreamSummary" => &["kinesis:DescribeStreamSummary"],
            "listShards" => &["kinesis:ListShards"],
            _ => return None,
        },
    })
}

/// boto3 resource objects (`s3.Object(b, k)`) have their own method names.
pub(super) fn s3_object_actions(op: &str) -> Option<&'static [&'static str]> {
    Some(match op {
        "get" | "load" | "downloadFile" | "downloadFileobj" => &["s3:GetObject"],
        "put" | "uploadFile" | "uploadFileobj" => &["s3:PutObject"],
        "delete" => &["s3:DeleteObject"],
        _ => return None,
    })
}

/// Whether an IAM action reads or writes (DescribeTable and ListShards count as reads).
pub(super) fn is_write(action: &str) -> bool {
    let name = action.split(':').nth(1).unwrap_or(action);
    ["Put", "Delete", "Update", "BatchWrite", "Abort"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// Calls that are plumbing, not operations (`client.send(…)`, `.promise()`).
pub(super) const PLUMBING: &[&str] = &[
    "send", "promise", "then", "destroy", "middlewareStack", "config", "on", "meta", "Table",
    "Bucket", "Object", "catch", "finally", "close", "exceptions", "bind",
];


#[derive(Clone, Debug)]
pub(super) struct SdkCall {
    pub(super) service: Service,
    /// As written (`getObject`, `GetObjectCommand`, `put_item`).
    pub(super) written: String,
    /// `None`: not an operation we know.
    pub(super) actions: Option<&'static [&'static str]>,
    /// Environment variables its arguments (or its client's) are derived from.
    pub(super) env: BTreeSet<String>,
    /// `path:line`.
    pub(super) at: String,
}

/// What handler code does: its SDK calls.
#[derive(Default, Debug)]
pub(super) struct Usage {
    pub(super) calls: Vec<SdkCall>,
}

pub(super) fn camel(op: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for (i, c) in op.chars().enumerate() {
        if c == '_' {
            upper = i > 0;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else if i == 0 {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Client constructors and the SDK v3 packages, by service.
pub(super) fn client_service(class: &str) -> Option<Service> {
    Some(match class {
        "S3" | "S3Client" => Service::S3,
        "DynamoDB" | "DynamoDBClient" | "DocumentClient" | "DynamoDBDocumentClient" | "DynamoDBDocument" => Service::Dynamo,
        "Kinesis" | "KinesisClient" => Service::Kinesis,
        "Textract" | "TextractClient" | "Rekognition" | "RekognitionClient" | "Athena" | "AthenaClient" | "TranscribeService" | "TranscribeClient" => Service::S3User,
        _ => return None,
    })
}

pub(super) fn package_service(package: &str) -> Option<Service> {
    Some(match package {
        "@aws-sdk/client-s3" | "@aws-sdk/lib-storage" => Service::S3,
        "@aws-sdk/client-dynamodb" | "@aws-sdk/lib-dynamodb" => Service::Dynamo,
        "@aws-sdk/client-kinesis" => Service::Kinesis,
        "@aws-sdk/client-textract" | "@aws-sdk/client-rekognition" | "@aws-sdk/client-athena" | "@aws-sdk/client-transcribe" => Service::S3User,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ClientKind {
    Client,
    /// boto3 `s3.Object(bucket, key)`.
    S3Object,
}

/// Request parameters that name the resource a call acts on (the same names in the JS SDKs
/// and boto3): only these tie a call to a bucket, table or stream. A value read from one
/// bucket and written as the `Body` of a `PutObject` to another does not make the put use
/// the first bucket.
const RESOURCE_KEYS: &[&str] = &[
    "Bucket", "CopySource", "TableName", "TableArn", "RequestItems", "TransactItems", "StreamName", "StreamARN",
    "StreamArn", "ConsumerARN", "QueueUrl", "TopicArn", "TargetArn", "ResourceArn",
];

/// The environment variables a call's arguments (or an assigned value) in `range` tie it to:
/// the values of resource parameters (`Bucket: …`, `TableName=…`, also nested, e.g. lib-storage
/// `params: { Bucket }`) when there are any; otherwise every argument, unless `bound` (the
/// client already names its resource, e.g. boto3 `Table(name)`), then none.
fn args_env(sc: &Scan, range: std::ops::Range<usize>, aliases: &HashMap<String, BTreeSet<String>>, bound: bool) -> BTreeSet<String> {
    let end = range.end.min(sc.t.len());
    let mut found = false;
    let mut out = BTreeSet::new();
    for j in range.clone() {
        let Some(key) = sc.id(j) else { continue };
        let keyed = (sc.p(j + 1, ':') && !sc.p(j + 2, ':')) || (sc.p(j + 1, '=') && !sc.p(j + 2, '=') && !sc.p(j + 2, '>'));
        let starts = j > 0 && (sc.p(j - 1, '{') || sc.p(j - 1, ',') || sc.p(j - 1, '('));
        if keyed && starts && RESOURCE_KEYS.contains(&key) {
            found = true;
            // The value: up to the next `,` or closing bracket at its own depth.
            let mut depth = 0i32;
            let mut v = j + 2;
            while v < end {
                match sc.t[v].tok {
                    Tok::P('(' | '[' | '{') => depth += 1,
                    Tok::P(')' | ']' | '}') if depth == 0 => break,
                    Tok::P(')' | ']' | '}') => depth -= 1,
                    Tok::P(',') if depth == 0 => break,
                    _ => {}
                }
                v += 1;
            }
            out.extend(sc.env_in(j + 2..v, aliases));
        }
    }
    if found {
        out
    } else if bound {
        BTreeSet::new()
    } else {
        sc.env_in(range, aliases)
    }
}

/// Every SDK call of the three services in one source.
pub(super) fn scan(src: &Source) -> Usage {
    let tokens = tokenize(&src.text, src.python);
    let sc = Scan { t: &tokens };
    let assignments = sc.assignments(src);
    let mut aliases: HashMap<String, BTreeSet<String>> = HashMap::new();
    // `const { A, B: b } = process.env`
    for k in 0..tokens.len() {
        if sc.p(k, '}') && sc.p(k + 1, '=') && sc.is(k + 2, "process") && sc.p(k + 3, '.') && sc.is(k + 4, "env") && !sc.p(k + 5, '.') && !sc.p(k + 5, '[') {
            let Some(open) = (0..k).rev().find(|&j| sc.p(j, '{')) else { continue };
            let mut j = open + 1;
            while j < k {
                if let Some(name) = sc.id(j) {
                    let local = if sc.p(j + 1, ':') { sc.id(j + 2).unwrap_or(name) } else { name };
                    aliases.entry(local.to_string()).or_default().insert(name.to_string());
                    j += if sc.p(j + 1, ':') { 3 } else { 1 };
                } else {
                    j += 1;
                }
            }
        }
    }
    // Variables derived from environment variables (a few rounds reach `params = { Bucket: BUCKET }`).
    for _ in 0..3 {
        for (name, start) in &assignments {
            let env = args_env(&sc, *start..sc.expr_end(*start, src), &aliases, false);
            if !env.is_empty() {
                aliases.entry(name.clone()).or_default().extend(env);
            }
        }
    }
    // SDK v3 names imported from a service package.
    let mut imported: HashMap<String, Service> = HashMap::new();
    for k in 0..tokens.len() {
        let Some(service) = sc.s(k).and_then(package_service) else { continue };
        if let Some(close) = (k.saturating_sub(4)..k).rev().find(|&j| sc.p(j, '}')) {
            let open = (0..close).rev().find(|&j| sc.p(j, '{')).unwrap_or(close);
            for j in open..close {
                if let Some(name) = sc.id(j) {
                    imported.insert(name.to_string(), service);
                }
            }
        }
    }
    // Clients: `x = new S3Client(…)`, `x = boto3.client('s3')`, `t = dynamodb.Table(name)`.
    let mut clients: HashMap<String, (Service, ClientKind, BTreeSet<String>)> = HashMap::new();
    for _ in 0..2 {
        for (name, start) in &assignments {
            let end = sc.expr_end(*start, src);
            for k in *start..end {
                let found = if sc.is(k, "new") {
                    let mut j = k + 1;
                    while sc.id(j).is_some() && sc.p(j + 1, '.') {
                        j += 2;
                    }
                    sc.id(j).and_then(client_service).map(|s| (s, ClientKind::Client))
                } else if sc.id(k).is_some_and(|w| matches!(w, "DynamoDBDocumentClient" | "DynamoDBDocument")) && sc.p(k + 1, '.') && sc.is(k + 2, "from") {
                    Some((Service::Dynamo, ClientKind::Client))
                } else if sc.id(k).is_some_and(|w| matches!(w, "client" | "resource")) && sc.p(k + 1, '(') {
                    sc.s(k + 2).and_then(|s| match s {
                        "textract" | "rekognition" | "athena" | "transcribe" => Some(Service::S3User),
                        _ => Service::of_prefix(s),
                    }).map(|s| (s, ClientKind::Client))
                } else if let (Some(owner), true, Some(sub), true) = (sc.id(k), sc.p(k + 1, '.'), sc.id(k + 2), sc.p(k + 3, '(')) {
                    match (clients.get(owner).map(|c| c.0), sub) {
                        (Some(Service::Dynamo), "Table") => Some((Service::Dynamo, ClientKind::Client)),
                        (Some(Service::S3), "Bucket") => Some((Service::S3, ClientKind::Client)),
                        (Some(Service::S3), "Object") => Some((Service::S3, ClientKind::S3Object)),
                        _ => None,
                    }
                } else {
                    None
                };
                if let Some((service, kind)) = found {
                    let env = sc.env_in(*start..end, &aliases);
                    clients.insert(name.clone(), (service, kind, env));
                    break;
                }
            }
        }
    }
    // `with table.batch_writer() as batch:` — `batch.put_item` is the table's.
    for k in 2..tokens.len() {
        if sc.is(k, "batch_writer") && sc.p(k - 1, '.') && sc.p(k + 1, '(') {
            let end = sc.close(k + 1);
            if let (Some(owner), true, Some(alias)) = (sc.id(k - 2), sc.is(end, "as"), sc.id(end + 1)) {
                if let Some(c) = clients.get(owner).cloned() {
                    clients.insert(alias.to_string(), c);
                }
            }
        }
    }
    let mut usage = Usage::default();
    let at = |k: usize| format!("{}:{}", src.label, src.line(tokens[k].off));
    for k in 0..tokens.len() {
        // new GetObjectCommand({…}), new Upload({…})
        if sc.is(k, "new") {
            let Some(class) = sc.id(k + 1) else { continue };
            if !sc.p(k + 2, '(') {
                continue;
            }
            let (op, service) = if class == "Upload" && imported.get(class) == Some(&Service::S3) {
                ("upload".to_string(), Service::S3)
            } else if let Some(base) = class.strip_suffix("Command") {
                let op = camel(base);
                let service = imported.get(class).copied().or_else(|| {
                    [Service::S3, Service::Dynamo, Service::Kinesis].into_iter().find(|s| actions_of(*s, &op).is_some())
                });
                let Some(service) = service else { continue };
                (op, service)
            } else {
                continue;
            };
            let env = args_env(&sc, k + 2..sc.close(k + 2), &aliases, false);
            usage.calls.push(SdkCall { service, written: class.to_string(), actions: actions_of(service, &op), env, at: at(k + 1) });
            continue;
        }
        // SDK v3 paginators: paginateListObjectsV2({ client }, { Bucket })
        if let (Some(f), true) = (sc.id(k), sc.p(k + 1, '(')) {
            if let (Some(op), Some(service)) = (f.strip_prefix("paginate"), imported.get(f)) {
                let env = args_env(&sc, k + 1..sc.close(k + 1), &aliases, false);
                usage.calls.push(SdkCall { service: *service, written: f.to_string(), actions: actions_of(*service, &camel(op)), env, at: at(k) });
                continue;
            }
        }
        // client.method(…)
        let (Some(recv), true, Some(method), true) = (sc.id(k), sc.p(k + 1, '.'), sc.id(k + 2), sc.p(k + 3, '(')) else {
            // bucket.objects.all() / .filter(): a listing.
            if let (Some(recv), true, true) = (sc.id(k), sc.p(k + 1, '.'), sc.is(k + 2, "objects")) {
                if let Some((Service::S3, ClientKind::Client, env)) = clients.get(recv) {
                    usage.calls.push(SdkCall { service: Service::S3, written: "objects".into(), actions: Some(&["s3:ListBucket"]), env: env.clone(), at: at(k + 2) });
                }
            }
            continue;
        };
        let Some((service, kind, client_env)) = clients.get(recv) else {
            // A client we did not see made (`s3_resource.meta.client.upload_file(…)`,
            // a client passed in): distinctive operation names still count.
            let op = camel(method);
            if op.len() >= 7 && !PLUMBING.contains(&method) {
                if let Some(service) = [Service::S3, Service::Dynamo, Service::Kinesis].into_iter().find(|s| actions_of(*s, &op).is_some()) {
                    let env = args_env(&sc, k + 3..sc.close(k + 3), &aliases, false);
                    usage.calls.push(SdkCall { service, written: method.to_string(), actions: actions_of(service, &op), env, at: at(k + 2) });
                }
            }
            continue;
        };
        let args_end = sc.close(k + 3);
        let mut env = client_env.clone();
        if matches!(method, "Table" | "Bucket" | "Object") {
            // `dynamodb.Table(name)`: the argument is the resource.
            env.extend(sc.env_in(k + 3..args_end, &aliases));
        } else {
            env.extend(args_env(&sc, k + 3..args_end, &aliases, !client_env.is_empty()));
        }
        let (mut op, mut written) = (camel(method), method.to_string());
        if matches!(method, "Table" | "Bucket" | "Object") {
            // boto3 `dynamodb.Table(name).put_item(…)` chained.
            let (Some(m2), true) = (sc.id(args_end + 1), sc.p(args_end, '.') && sc.p(args_end + 2, '(')) else { continue };
            env.extend(args_env(&sc, args_end + 1..sc.close(args_end + 2), &aliases, true));
            op = camel(m2);
            written = m2.to_string();
        } else if PLUMBING.contains(&method) {
            continue;
        }
        let actions = match (kind, op.as_str()) {
            (ClientKind::S3Object, _) => s3_object_actions(&op),
            (_, "getSignedUrl" | "getSignedUrlPromise" | "generatePresignedUrl" | "getPaginator") => sc.s(k + 4).and_then(|o| actions_of(*service, &camel(o))),
            _ => actions_of(*service, &op),
        };
        usage.calls.push(SdkCall { service: *service, written, actions, env, at: at(k + 2) });
    }
    usage
}
