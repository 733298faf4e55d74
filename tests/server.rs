//! `iac-fix server` driven through stdio with JSON-RPC framing, as an editor does:
//! diagnostics for CFN YAML, CDK and CDKTF files; quick fixes, fix-all and suppressions
//! whose edits, applied, equal what the CLI writes for the same text; didChange;
//! shutdown/exit. Plus an end-to-end run with a real client (headless Neovim) and a
//! type-check of the VS Code extension.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_iac-fix");

const CFN_YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: app key
";

const CDK_TS: &str = "import * as cdk from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export class AppStack extends cdk.Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new kms.Key(this, 'Key', { description: 'app key' });
  }
}
";

const CDKTF_TS: &str = "import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KmsKey(this, 'key', { description: 'app key' });
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
";

/// A server process and the messages it sent.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    held: Vec<Value>,
}

impl Client {
    fn start(root: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(BIN)
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("JSON body");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            held: vec![],
        };
        let root_uri = uri(root);
        let result = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities,
                    "workspaceFolders": [{ "uri": root_uri, "name": "ws" }] }),
        );
        assert_eq!(result["serverInfo"]["name"], "iac-fix", "{result}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn recv(&mut self) -> Value {
        match self.incoming.recv_timeout(Duration::from_secs(30)) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in 30 s"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Send a request and wait for its response's result (panics on an error response).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.recv();
            if m["id"] == json!(id) && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.held.push(m);
        }
    }

    /// The next diagnostics published for `uri` (of `version`, when given).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == json!(v))
        };
        if let Some(i) = self.held.iter().position(matches) {
            let m = self.held.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.recv();
            if matches(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.held.push(m);
        }
    }

    fn open(&mut self, path: &Path, language: &str, text: &str) -> Vec<Value> {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
        self.diagnostics(&uri, Some(1))
    }

    fn code_actions(&mut self, path: &Path, range: Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({ "diagnostics": [] });
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let result = self.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri(path) }, "range": range, "context": context }),
        );
        result.as_array().cloned().unwrap_or_default()
    }

    /// `shutdown`, `exit`, and the process's exit code.
    fn shutdown(mut self) -> i32 {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A workspace folder (canonical, so URIs and the server's paths agree) with files.
fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    for (name, text) in files {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    (dir, root)
}

/// What the CLI writes for `text` as file `name` with these arguments.
fn cli_output(name: &str, text: &str, args: &[&str]) -> String {
    let (_dir, root) = workspace(&[(name, text)]);
    let status = Command::new(BIN)
        .args(args)
        .arg(name)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        matches!(status.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read_to_string(root.join(name)).unwrap()
}

/// The byte offset of an LSP position (UTF-16 columns, `\n` lines).
fn offset(text: &str, p: &Value) -> usize {
    let (line, character) = (
        p["line"].as_u64().unwrap() as usize,
        p["character"].as_u64().unwrap() as usize,
    );
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the action's workspace edit applied (one document).
fn apply(text: &str, action: &Value) -> String {
    let changes = &action["edit"]["documentChanges"];
    let edits = changes[0]["edits"].as_array().expect("text document edits");
    let mut ranged: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    ranged.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_string();
    for (s, e, t) in ranged {
        out.replace_range(s..e, t);
    }
    out
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c
}

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:?}"))
}

/// Every flavor: diagnostics with codes, ranges, source and docs link; the quick fix
/// of a safe and of a review finding and fix-all, each equal to the CLI's output.
#[test]
fn diagnostics_and_fixes_equal_the_cli_for_cfn_cdk_and_cdktf() {
    let cases = [
        ("template.yaml", "yaml", CFN_YAML, (2, 2, 5)),
        ("lib/stack.ts", "typescript", CDK_TS, (7, 4, 57)),
        ("main.ts", "typescript", CDKTF_TS, (7, 4, 56)),
    ];
    let (_dir, root) = workspace(&[]);
    let mut client = Client::start(&root, json!({}));
    for (name, language, text, (line, start, end)) in cases {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let diagnostics = client.open(&path, language, text);
        assert_eq!(
            codes(&diagnostics),
            ["kms-key-rotation", "removal-policy"],
            "{name}"
        );
        let d = find(&diagnostics, "kms-key-rotation");
        assert_eq!(d["source"], "iac-fix");
        assert_eq!(d["severity"], 2, "warning");
        assert!(d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .starts_with("https://"));
        assert_eq!(
            d["range"],
            json!({ "start": { "line": line, "character": start },
                    "end": { "line": line, "character": end } }),
            "{name}"
        );

        let actions = client.code_actions(&path, d["range"].clone(), None);
        let safe = actions
            .iter()
            .find(|a| {
                a["kind"] == "quickfix"
                    && a["title"]
                        .as_str()
                        .unwrap()
                        .starts_with("Fix kms-key-rotation")
            })
            .unwrap_or_else(|| panic!("{name}: no quick fix in {actions:?}"));
        assert_eq!(safe["isPreferred"], true);
        assert_eq!(
            apply(text, safe),
            cli_output(name, text, &["-t", "kms-key-rotation"]),
            "{name}: safe quick fix"
        );
        let review = actions
            .iter()
            .find(|a| {
                a["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("Fix removal-policy")
            })
            .unwrap_or_else(|| panic!("{name}: no review fix in {actions:?}"));
        assert!(review["title"].as_str().unwrap().ends_with("(review)"));
        assert_eq!(review["isPreferred"], false);
        assert_eq!(
            apply(text, review),
            cli_output(name, text, &["-t", "removal-policy", "--unsafe"]),
            "{name}: review quick fix"
        );

        let fix_all = client.code_actions(
            &path,
            json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
            Some(&["source.fixAll"]),
        );
        assert_eq!(fix_all.len(), 1, "{name}: {fix_all:?}");
        assert_eq!(fix_all[0]["kind"], "source.fixAll.iac-fix");
        let fixed = apply(text, &fix_all[0]);
        assert_eq!(fixed, cli_output(name, text, &[]), "{name}: fix-all = CLI");
        assert!(
            !fixed.contains("RETAIN")
                && !fixed.contains("DeletionPolicy")
                && !fixed.contains("preventDestroy"),
            "{name}: fix-all applied a review fix:\n{fixed}"
        );

        // Suppressing with a comment: the CLI then leaves that finding alone.
        let suppress = actions
            .iter()
            .find(|a| a["title"] == "Suppress kms-key-rotation with a comment")
            .unwrap_or_else(|| panic!("{name}: no suppression in {actions:?}"));
        let suppressed = apply(text, suppress);
        assert!(suppressed.contains("iac-fix-ignore: kms-key-rotation"));
        assert_eq!(
            cli_output(name, &suppressed, &["-t", "kms-key-rotation"]),
            suppressed,
            "{name}: the suppression suppresses"
        );
    }
    assert_eq!(client.shutdown(), 0);
}

/// didChange (incremental) re-publishes for the new version; a closed file's
/// diagnostics are cleared; a file the CLI would not scan gets none.
#[test]
fn did_change_updates_diagnostics() {
    let (_dir, root) = workspace(&[("template.yaml", CFN_YAML)]);
    let path = root.join("template.yaml");
    let mut client = Client::start(&root, json!({}));
    let before = client.open(&path, "yaml", CFN_YAML);
    assert_eq!(codes(&before), ["kms-key-rotation", "removal-policy"]);
    // Append `EnableKeyRotation: true` at the end (line 6).
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&path), "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 6, "character": 0 },
                                                "end": { "line": 6, "character": 0 } },
                                     "text": "      EnableKeyRotation: true\n" }] }),
    );
    let after = client.diagnostics(&uri(&path), Some(2));
    assert_eq!(codes(&after), ["removal-policy"]);
    // A syntax error while typing: no stale diagnostics.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&path), "version": 3 },
                "contentChanges": [{ "text": "Resources:\n  Key: [\n" }] }),
    );
    assert!(client.diagnostics(&uri(&path), Some(3)).is_empty());
    let other = root.join("notes.yaml");
    assert!(client.open(&other, "yaml", "a: 1\n").is_empty());
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    assert!(client.diagnostics(&uri(&path), None).is_empty());
    assert_eq!(client.shutdown(), 0);
}

/// A client that offers UTF-8 gets UTF-8 columns; others UTF-16.
#[test]
fn position_encoding_negotiated() {
    let text = CDK_TS.replace("    new kms.Key(", "    /* clé 😀 */ new kms.Key(");
    for (capabilities, character) in [
        (json!({}), 4 + "/* clé 😀 */ ".encode_utf16().count()),
        (
            json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
            4 + "/* clé 😀 */ ".len(),
        ),
    ] {
        let (_dir, root) = workspace(&[("stack.ts", &text)]);
        let mut client = Client::start(&root, capabilities);
        let d = client.open(&root.join("stack.ts"), "typescript", &text);
        let d = find(&d, "kms-key-rotation");
        assert_eq!(d["range"]["start"]["character"], json!(character));
        assert_eq!(client.shutdown(), 0);
    }
}

/// `exit` without `shutdown` ends with code 1 (LSP); the configuration's `skip` applies.
#[test]
fn configuration_applies_and_exit_without_shutdown_is_an_error() {
    let (_dir, root) = workspace(&[
        (
            "iac-fix.toml",
            "[transforms]\nskip = [\"removal-policy\"]\n",
        ),
        ("template.yaml", CFN_YAML),
    ]);
    let mut client = Client::start(&root, json!({}));
    let d = client.open(&root.join("template.yaml"), "yaml", CFN_YAML);
    assert_eq!(codes(&d), ["kms-key-rotation"]);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

/// A real client: headless Neovim starts the server, waits for diagnostics, applies
/// the fix-all action and writes the buffer; the file equals the CLI's safe fix.
#[test]
fn neovim_applies_fix_all() {
    if Command::new("nvim").arg("--version").output().is_err() {
        assert!(
            std::env::var("IAC_FIX_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "nvim is required (IAC_FIX_REQUIRE_ORACLES=1): apt-get install -y neovim"
        );
        eprintln!("skipped: nvim not found (apt-get install -y neovim)");
        return;
    }
    let (_dir, root) = workspace(&[("template.yaml", CFN_YAML)]);
    let script = root.join("e2e.lua");
    // Neovim 0.7 (Debian 12) has no vim.lsp.start: start_client + buf_attach_client.
    std::fs::write(
        &script,
        format!(
            r#"
local client_id = vim.lsp.start_client({{ name = 'iac-fix', cmd = {{ '{bin}', 'server' }}, root_dir = '{root}' }})
vim.cmd('edit {root}/template.yaml')
vim.lsp.buf_attach_client(0, client_id)
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
if not ok then io.stderr:write('no diagnostics\n'); vim.cmd('cquit 3') end
local params = vim.lsp.util.make_range_params()
params.context = {{ diagnostics = {{}}, only = {{ 'source.fixAll.iac-fix' }} }}
local results = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 20000)
local applied = false
for _, r in pairs(results or {{}}) do
  for _, a in ipairs(r.result or {{}}) do
    if a.kind == 'source.fixAll.iac-fix' then
      if not a.edit then
        local resolved = vim.lsp.buf_request_sync(0, 'codeAction/resolve', a, 20000)
        for _, rr in pairs(resolved or {{}}) do
          if rr.result then a = rr.result end
        end
      end
      vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16')
      applied = true
    end
  end
end
if not applied then io.stderr:write('no fix-all action\n'); vim.cmd('cquit 4') end
vim.cmd('write')
vim.lsp.stop_client(client_id)
vim.cmd('qall!')
"#,
            bin = BIN,
            root = root.display()
        ),
    )
    .unwrap();
    // Bounded: a script error leaves headless Neovim waiting for input.
    let out = Command::new("timeout")
        .args(["120", "nvim", "--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nvim: {:?}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(root.join("template.yaml")).unwrap();
    assert_eq!(written, cli_output("template.yaml", CFN_YAML, &[]));
    assert!(written.contains("EnableKeyRotation: true"));
}

/// The VS Code extension type-checks against vscode-languageclient (tools from
/// `scripts/editor-tools-install.sh` in target/editor-tools).
#[test]
fn vscode_extension_compiles() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = repo.join("target/editor-tools");
    let tsc = tools.join("node_modules/typescript/bin/tsc");
    if !tsc.exists() {
        assert!(
            std::env::var("IAC_FIX_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "editor tools are required (IAC_FIX_REQUIRE_ORACLES=1): scripts/editor-tools-install.sh"
        );
        eprintln!("skipped: run scripts/editor-tools-install.sh");
        return;
    }
    // A copy under target/editor-tools, so node resolves its node_modules.
    let work = tools.join(format!("vscode-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("src")).unwrap();
    for f in ["package.json", "tsconfig.json", "src/extension.ts"] {
        std::fs::copy(repo.join("editors/vscode").join(f), work.join(f)).unwrap();
    }
    let out = Command::new("node")
        .arg(&tsc)
        .args(["-p", "tsconfig.json"])
        .current_dir(&work)
        .output()
        .unwrap();
    let compiled = work.join("out/extension.js").exists();
    let _ = std::fs::remove_dir_all(&work);
    assert!(
        out.status.success() && compiled,
        "tsc: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["main"], "./out/extension.js");
    assert!(manifest["contributes"]["configuration"]["properties"]["iacFix.path"].is_object());
}

/// Work for a superseded version is dropped and `$/cancelRequest` is honoured: with
/// every message queued before the server reads, version 1 is never analysed (one
/// publish, for version 2) and the cancelled code action is answered RequestCancelled.
#[test]
fn stale_versions_and_cancelled_requests_are_dropped() {
    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    let (_dir, root) = workspace(&[("template.yaml", CFN_YAML)]);
    let path = root.join("template.yaml");
    let (server, client) = Connection::memory();
    let send = |m: Message| client.sender.send(m).unwrap();
    let request = |id: i32, method: &str, params: Value| {
        Message::Request(Request::new(RequestId::from(id), method.into(), params))
    };
    let note = |method: &str, params: Value| {
        Message::Notification(Notification::new(method.into(), params))
    };
    send(request(
        1,
        "initialize",
        json!({ "capabilities": {}, "rootUri": uri(&root) }),
    ));
    send(note("initialized", json!({})));
    send(note(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(&path), "languageId": "yaml", "version": 1, "text": CFN_YAML } }),
    ));
    let fixed = format!("{CFN_YAML}      EnableKeyRotation: true\n");
    send(note(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&path), "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    ));
    send(request(
        2,
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&path) },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } },
                "context": { "diagnostics": [] } }),
    ));
    send(note("$/cancelRequest", json!({ "id": 2 })));
    send(request(3, "shutdown", Value::Null));
    send(note("exit", Value::Null));
    let code = std::thread::spawn(move || iac_fix::server::serve(&server))
        .join()
        .unwrap();
    assert_eq!(code, Ok(0));
    let mut publishes = vec![];
    let mut cancelled = false;
    for m in client.receiver.try_iter() {
        match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                publishes.push(n.params)
            }
            Message::Response(r) if r.id == RequestId::from(2) => {
                cancelled = r.error.is_some_and(|e| e.code == -32800);
            }
            _ => {}
        }
    }
    assert!(cancelled, "code action not cancelled");
    assert_eq!(publishes.len(), 1, "{publishes:?}");
    assert_eq!(publishes[0]["version"], 2);
    assert_eq!(
        codes(publishes[0]["diagnostics"].as_array().unwrap()),
        ["removal-policy"]
    );
}

/// Evidence from handler code (`file:line` in the message) becomes related information
/// pointing into the handler file.
#[test]
fn handler_evidence_is_related_information() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/least-privilege-grants");
    let stack = std::fs::read_to_string(fixtures.join("cdk-put-only.ts")).unwrap();
    let handler = std::fs::read_to_string(fixtures.join("handlers/put-only/index.js")).unwrap();
    let (_dir, root) = workspace(&[
        ("lib/stack.ts", &stack),
        ("lib/handlers/put-only/index.js", &handler),
    ]);
    let mut client = Client::start(&root, json!({}));
    let d = client.open(&root.join("lib/stack.ts"), "typescript", &stack);
    let d = find(&d, "least-privilege-grants");
    let related = &d["relatedInformation"][0]["location"];
    assert_eq!(
        related["uri"],
        json!(uri(&root.join("lib/handlers/put-only/index.js"))),
        "{d}"
    );
    assert_eq!(related["range"]["start"]["line"], 9);
    assert_eq!(client.shutdown(), 0);
}

/// Project facts come from the workspace folder (an SNS subscription in another file
/// makes the function's DLQ fix safe, with that file as evidence), and follow an
/// edited, saved file: without the subscription the invoker is unknown (review).
#[test]
fn project_facts_from_the_workspace_follow_edits() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lambda-dead-letter-queue/dlq-cross-file-async");
    let read = |p: &str| std::fs::read_to_string(fixture.join(p)).unwrap();
    let (app, functions, topic) = (
        read("bin/app.ts"),
        read("lib/functions-stack.ts"),
        read("lib/topic-stack.ts"),
    );
    let (_dir, root) = workspace(&[
        ("bin/app.ts", &app),
        ("lib/functions-stack.ts", &functions),
        ("lib/topic-stack.ts", &topic),
    ]);
    let functions_path = root.join("lib/functions-stack.ts");
    let topic_path = root.join("lib/topic-stack.ts");
    let mut client = Client::start(&root, json!({}));
    let d = client.open(&functions_path, "typescript", &functions);
    let dlq = find(&d, "lambda-dead-letter-queue");
    let message = dlq["message"].as_str().unwrap();
    assert!(
        message.contains("topic-stack.ts:15") && message.ends_with("[safe]"),
        "{message}"
    );
    assert_eq!(
        dlq["relatedInformation"][0]["location"]["uri"],
        json!(uri(&topic_path))
    );
    client.open(&topic_path, "typescript", &topic);
    let without = topic.replace(
        "    topic.addSubscription(new subs.LambdaSubscription(props.quoteFunction));\n",
        "",
    );
    assert_ne!(without, topic);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&topic_path), "version": 2 },
                "contentChanges": [{ "text": without }] }),
    );
    client.diagnostics(&uri(&topic_path), Some(2));
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&topic_path) } }),
    );
    let d = client.diagnostics(&uri(&functions_path), Some(1));
    let message = find(&d, "lambda-dead-letter-queue")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.ends_with("[review]"), "{message}");
    assert_eq!(client.shutdown(), 0);
}

/// A client that resolves edits lazily gets fix-all without an edit, and the edit
/// (still the CLI's text) from `codeAction/resolve`.
#[test]
fn fix_all_is_resolved_lazily_when_the_client_can() {
    let (_dir, root) = workspace(&[("template.yaml", CFN_YAML)]);
    let path = root.join("template.yaml");
    let capabilities = json!({ "textDocument": { "codeAction": {
        "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "source.fixAll"] } },
        "resolveSupport": { "properties": ["edit"] } } } });
    let mut client = Client::start(&root, capabilities);
    client.open(&path, "yaml", CFN_YAML);
    let actions = client.code_actions(
        &path,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
        Some(&["source.fixAll.iac-fix"]),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert!(actions[0].get("edit").is_none(), "{actions:?}");
    let resolved = client.request("codeAction/resolve", actions[0].clone());
    assert_eq!(
        apply(CFN_YAML, &resolved),
        cli_output("template.yaml", CFN_YAML, &[])
    );
    assert_eq!(client.shutdown(), 0);
}
