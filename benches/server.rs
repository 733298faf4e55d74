//! `cargo bench --bench server`: the language server answering a `didOpen` of a
//! generated 5,000-line CloudFormation template (500 resources, every transform on)
//! with its diagnostics: the time from the notification to `publishDiagnostics`,
//! through the server's real message loop (an in-memory connection instead of stdio).

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// A template of `n` ten-line resources (buckets and keys alternating).
fn template(n: usize) -> String {
    let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for i in 0..n {
        if i % 2 == 0 {
            t.push_str(&format!(
                "  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'data-{i}-${{AWS::AccountId}}'\n      Tags:\n        - Key: team\n          Value: data\n        - Key: index\n          Value: '{i}'\n      # bucket {i}\n"
            ));
        } else {
            t.push_str(&format!(
                "  Key{i}:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: key {i}\n      KeyPolicy:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: 'kms:*'\n            Resource: '*'\n"
            ));
        }
    }
    t
}

fn open_large_template(c: &mut Criterion) {
    let text = template(500);
    assert!(text.lines().count() >= 5000);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || iac_fix::server::serve(&server));
    let send = |m: Message| client.sender.send(m).unwrap();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({ "capabilities": {}, "rootUri": format!("file://{}", root.display()) }),
    )));
    let _ = client.receiver.recv().unwrap();
    send(Message::Notification(Notification::new(
        "initialized".into(),
        json!({}),
    )));
    let mut n = 0;
    let mut group = c.benchmark_group("server");
    group.sample_size(20);
    group.bench_function("didOpen-5000-line-template-to-diagnostics", |b| {
        b.iter(|| {
            n += 1;
            let uri = format!("file://{}/t{n}.yaml", root.display());
            send(Message::Notification(Notification::new(
                "textDocument/didOpen".into(),
                json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
            )));
            loop {
                if let Message::Notification(m) = client.receiver.recv().unwrap() {
                    if m.method == "textDocument/publishDiagnostics" && m.params["uri"] == uri {
                        let d: &Value = &m.params["diagnostics"];
                        assert!(!d.as_array().unwrap().is_empty());
                        break;
                    }
                }
            }
        })
    });
    group.finish();
    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".into(),
        Value::Null,
    )));
    send(Message::Notification(Notification::new(
        "exit".into(),
        Value::Null,
    )));
    let _ = handle.join();
}

criterion_group!(benches, open_large_template);
criterion_main!(benches);
