//! `iac-fix pr` on a second run and with a forge: a local bare remote stands for the
//! server (its GitHub/GitLab URL is mapped to it with `url.<path>.insteadOf`), a
//! thread in the test plays the GitHub REST API, and a `git` wrapper on `PATH`
//! records the push's options for GitLab.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const FN: &str = "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {\n        \"Runtime\": \"nodejs16.x\",\n        \"Handler\": \"index.handler\",\n        \"Role\": \"arn:aws:iam::123456789012:role/r\",\n        \"Code\": { \"ZipFile\": \"exports.handler = async () => 1;\" }\n      }\n    }\n  }\n}\n";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A bare remote and a clone `work` on `main` with one template, its `origin` named
/// by `url` (mapped to the bare remote).
fn repo(url: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tmp.path().join("remote.git");
    let work = tmp.path().join("work");
    git(tmp.path(), &["init", "--quiet", "--bare", "remote.git"]);
    git(&remote, &["config", "receive.advertisePushOptions", "true"]);
    git(tmp.path(), &["clone", "--quiet", "remote.git", "work"]);
    git(
        &work,
        &[
            "config",
            &format!("url.{}.insteadOf", remote.display()),
            url,
        ],
    );
    git(&work, &["remote", "set-url", "origin", url]);
    fs::write(work.join("fn.json"), FN).unwrap();
    git(&work, &["checkout", "--quiet", "-b", "main"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "--quiet", "-m", "init"]);
    git(&work, &["push", "--quiet", "-u", "origin", "main"]);
    (tmp, remote, work)
}

fn pr(work: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iac-fix"));
    c.current_dir(work)
        .arg("pr")
        .args(args)
        .env("NO_COLOR", "1");
    for k in [
        "GITHUB_TOKEN",
        "GITHUB_API_URL",
        "GITHUB_SERVER_URL",
        "CI_SERVER_HOST",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn branches(remote: &Path) -> Vec<String> {
    git(
        remote,
        &["for-each-ref", "--format=%(refname:short)", "refs/heads/"],
    )
    .lines()
    .map(String::from)
    .collect()
}

/// Adds a second template with a deprecated runtime on `main` (committed, pushed).
fn more_work(work: &Path) {
    fs::write(work.join("g.json"), FN.replace("nodejs16.x", "python3.8")).unwrap();
    git(work, &["add", "."]);
    git(work, &["commit", "--quiet", "-m", "more"]);
    git(work, &["push", "--quiet", "origin", "main"]);
}

/// A second run on the same day rebuilds the tool's own branch on today's base and
/// force-pushes it with a lease; a branch that holds someone else's commit is left
/// alone and the run takes `…-2`.
#[test]
fn a_second_run_updates_its_own_branch_and_never_rewrites_others_commits() {
    let (tmp, remote, work) = repo(&format!("{}/elsewhere.git", std::env::temp_dir().display()));
    let o = pr(
        &work,
        &["--unsafe", "--push", "origin", "--forge", "none"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let branch = branches(&remote)
        .into_iter()
        .find(|b| b.starts_with("iac-fix/"))
        .unwrap();
    assert!(
        stderr(&o).contains(&format!("Branch `{branch}` created")),
        "{}",
        stderr(&o)
    );
    let first = git(&remote, &["rev-parse", &branch]);

    more_work(&work);
    let o = pr(
        &work,
        &["--unsafe", "--push", "origin", "--forge", "none"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("Branch `{branch}` updated")),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        branches(&remote).len(),
        2,
        "main and one iac-fix branch: {:?}",
        branches(&remote)
    );
    assert_ne!(git(&remote, &["rev-parse", &branch]), first);
    // Rebuilt on today's base: `more` is under the fixes, and g.json is fixed too.
    let log = git(&remote, &["log", "--format=%s", &branch]);
    assert!(
        log.lines().filter(|s| s.starts_with("iac-fix(")).count() >= 1,
        "{log}"
    );
    assert!(log.contains("\nmore\n"), "{log}");
    assert!(!git(&remote, &["show", &format!("{branch}:g.json")]).contains("python3.8"));
    assert_eq!(
        git(&work, &["symbolic-ref", "--short", "HEAD"]).trim(),
        "main"
    );
    assert_eq!(git(&work, &["status", "--porcelain"]), "");

    // A reviewer pushes a commit to the branch: it is theirs now.
    let review = tmp.path().join("review");
    git(
        tmp.path(),
        &[
            "clone",
            "--quiet",
            "-b",
            &branch,
            remote.to_str().unwrap(),
            "review",
        ],
    );
    fs::write(review.join("NOTE.md"), "reviewed\n").unwrap();
    git(&review, &["add", "."]);
    git(&review, &["commit", "--quiet", "-m", "review tweak"]);
    git(&review, &["push", "--quiet", "origin", &branch]);
    let reviewed = git(&remote, &["rev-parse", &branch]);
    let o = pr(
        &work,
        &["--unsafe", "--push", "origin", "--forge", "none"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        git(&remote, &["rev-parse", &branch]),
        reviewed,
        "the reviewed branch is untouched"
    );
    let second = format!("{branch}-2");
    assert!(
        branches(&remote).contains(&second),
        "{:?}",
        branches(&remote)
    );
    assert!(
        stderr(&o).contains(&format!("Branch `{second}` created")),
        "{}",
        stderr(&o)
    );
}

/// One recorded HTTP request.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 answering each request with `answer(request)` →
/// (status, JSON body), recording every request. Returns its base URL.
fn api_server(
    answer: impl Fn(&Request) -> (u16, String) + Send + 'static,
) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap_or("").to_string(),
                parts.next().unwrap_or("").to_string(),
            );
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let request = Request {
                method,
                path,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            };
            let (status, json) = answer(&request);
            log.lock().unwrap().push(request);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
        }
    });
    (url, seen)
}

/// With `GITHUB_TOKEN` and a GitHub remote, the pull request is opened through the
/// REST API (at `GITHUB_API_URL`), and updated on the next run; an API error is
/// reported (exit 2) with GitHub's message, after the push.
#[test]
fn github_pull_request_is_opened_then_updated_through_the_api() {
    let (_tmp, remote, work) = repo("https://github.com/acme/infra.git");
    let opened = Arc::new(Mutex::new(false));
    let state = opened.clone();
    let (api, seen) = api_server(move |r| {
        let mut open = state.lock().unwrap();
        match (r.method.as_str(), r.path.split('?').next().unwrap()) {
            ("GET", "/repos/acme/infra/pulls") if *open => {
                (200, r#"[{"number": 7, "html_url": "https://github.com/acme/infra/pull/7", "head": {"ref": "iac-fix/x"}}]"#.replace("iac-fix/x", &branch_of(&r.path)))
            }
            ("GET", "/repos/acme/infra/pulls") => (200, "[]".into()),
            ("POST", "/repos/acme/infra/pulls") => {
                *open = true;
                (201, r#"{"number": 7, "html_url": "https://github.com/acme/infra/pull/7"}"#.into())
            }
            ("PATCH", "/repos/acme/infra/pulls/7") => (200, r#"{"number": 7, "html_url": "https://github.com/acme/infra/pull/7"}"#.into()),
            _ => (404, r#"{"message": "Not Found"}"#.into()),
        }
    });
    let env = [
        ("GITHUB_TOKEN", "ghs_secret-token"),
        ("GITHUB_API_URL", api.as_str()),
    ];
    let o = pr(&work, &["--unsafe", "--push", "origin"], &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("opened pull request #7 https://github.com/acme/infra/pull/7"),
        "{}",
        stderr(&o)
    );
    let branch = branches(&remote)
        .into_iter()
        .find(|b| b.starts_with("iac-fix/"))
        .unwrap();
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        let list = &seen[0];
        assert_eq!(list.method, "GET");
        assert_eq!(
            list.path,
            format!(
                "/repos/acme/infra/pulls?state=open&head=acme%3A{}",
                branch.replace('/', "%2F")
            )
        );
        let create = &seen[1];
        assert_eq!(create.method, "POST");
        for r in seen.iter() {
            assert_eq!(r.header("authorization"), Some("Bearer ghs_secret-token"));
            assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
            assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
            assert!(
                r.header("user-agent")
                    .is_some_and(|u| u.starts_with("iac-fix/")),
                "{r:?}"
            );
        }
        let body: serde_json::Value = serde_json::from_str(&create.body).unwrap();
        assert_eq!(body["head"], branch.as_str());
        assert_eq!(body["base"], "main");
        assert_eq!(body["title"], "iac-fix: automated fixes");
        assert!(
            body["body"]
                .as_str()
                .unwrap()
                .contains("| `lambda-runtime-upgrade` |"),
            "{body}"
        );
    }
    for text in [String::from_utf8_lossy(&o.stdout).into_owned(), stderr(&o)] {
        assert!(
            !text.contains("ghs_secret-token"),
            "the token is never printed"
        );
    }

    // Next run: the open pull request is updated, not opened again.
    more_work(&work);
    let o = pr(&work, &["--unsafe", "--push", "origin"], &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("updated pull request #7"),
        "{}",
        stderr(&o)
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert_eq!(seen[3].method, "PATCH");
        let body: serde_json::Value = serde_json::from_str(&seen[3].body).unwrap();
        assert!(
            body.get("base").is_none() && body.get("head").is_none(),
            "{body}"
        );
        assert!(body["body"].as_str().unwrap().contains("g.json"), "{body}");
    }

    // The API refuses: the branch is pushed, the error says why, exit 2.
    let (api, _) = api_server(|r| {
        match r.method.as_str() {
        "GET" => (200, "[]".into()),
        _ => (422, r#"{"message": "Validation Failed", "errors": [{"message": "No commits between main and x"}]}"#.into()),
    }
    });
    fs::write(work.join("h.json"), FN.replace("nodejs16.x", "python3.7")).unwrap();
    git(&work, &["add", "."]);
    git(&work, &["commit", "--quiet", "-m", "third"]);
    let o = pr(
        &work,
        &["--unsafe", "--push", "origin"],
        &[("GITHUB_TOKEN", "t"), ("GITHUB_API_URL", api.as_str())],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("HTTP 422: Validation Failed (No commits between main and x)"),
        "{}",
        stderr(&o)
    );
    assert!(git(&remote, &["show", &format!("{branch}:h.json")]).contains("Runtime"));
}

fn branch_of(path: &str) -> String {
    let head = path.split("head=").nth(1).unwrap_or("");
    head.replace("%3A", ":")
        .replace("%2F", "/")
        .split_once(':')
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

/// A GitLab remote gets the merge request push options (title, one-line description,
/// target: the branch `pr` started from).
#[test]
fn gitlab_push_carries_merge_request_options() {
    let (tmp, remote, work) = repo("git@gitlab.example.com:group/infra.git");
    let bin = tmp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let real = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let log = tmp.path().join("git-args.log");
    fs::write(
        bin.join("git"),
        format!("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\necho ---- >> '{}'\nexec {} \"$@\"\n", log.display(), log.display(), real.trim()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(bin.join("git"), fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = pr(
        &work,
        &["--unsafe", "--push", "origin"],
        &[("PATH", path.as_str())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("merge request push options"),
        "{}",
        stderr(&o)
    );
    let calls = fs::read_to_string(&log).unwrap();
    let push = calls
        .split("----\n")
        .find(|c| c.lines().any(|l| l == "push"))
        .expect("a push");
    let args: Vec<&str> = push.lines().collect();
    let option = |o: &str| args.windows(2).any(|w| w[0] == "-o" && w[1] == o);
    assert!(option("merge_request.create"), "{push}");
    assert!(option("merge_request.target=main"), "{push}");
    assert!(
        option("merge_request.title=iac-fix: automated fixes"),
        "{push}"
    );
    assert!(
        args.windows(2).any(|w| w[0] == "-o"
            && w[1].starts_with("merge_request.description=")
            && w[1].contains("lambda-runtime-upgrade")
            && !w[1].contains('\n')),
        "{push}"
    );
    assert!(args.contains(&"--no-verify"), "{push}");
    assert!(branches(&remote).iter().any(|b| b.starts_with("iac-fix/")));
}
