//! Where `iac-fix pr --push` opens the pull request: GitHub through its REST API,
//! GitLab through git push options, anything else not at all (the branch is pushed
//! and the command to open it is printed).
//!
//! Which forge a remote is comes from its URL as configured (`remote.<name>.pushurl`,
//! else `remote.<name>.url`, before `insteadOf` rewriting): host `github.com`, or the
//! host of `GITHUB_SERVER_URL` (GitHub Enterprise Server, as Actions sets it), is
//! GitHub; a host whose name has a `gitlab` label (`gitlab.com`, `gitlab.example.com`)
//! or equals `CI_SERVER_HOST` (as GitLab CI sets it) is GitLab. `--forge` overrides.
//!
//! GitHub: with `GITHUB_TOKEN` set, the open pull request whose head is the branch is
//! updated (title and body, `PATCH /repos/{owner}/{repo}/pulls/{n}`), or one is
//! opened (`POST /repos/{owner}/{repo}/pulls`). The API base is `GITHUB_API_URL`
//! (as Actions sets it; default `https://api.github.com`). The token goes only in the
//! `Authorization` header of those requests and is never printed. REST API reference:
//! <https://docs.github.com/en/rest/pulls/pulls> (list with `head=owner:branch`,
//! create with `title`/`head`/`base`/`body`, update with `title`/`body`; a body holds
//! at most 65,536 characters).
//!
//! GitLab: the push carries `-o merge_request.create -o merge_request.target=BASE
//! -o merge_request.title=… -o merge_request.description=…`
//! (<https://docs.gitlab.com/topics/git/commit/#push-options-for-merge-requests>);
//! push option values cannot hold a line break, so the description is a one-line
//! summary (the full Markdown description is still printed or written to
//! `--body-file`).

use std::time::Duration;

/// The forge a push remote belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Forge {
    /// GitHub (or GitHub Enterprise Server): `owner/repo` from the remote URL.
    GitHub {
        owner: String,
        repo: String,
    },
    GitLab,
    /// Anything else: push only.
    Other,
}

/// `--forge`: which forge the push remote is, when its URL does not say.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForgeKind {
    Auto,
    Github,
    Gitlab,
    None,
}

/// The forge of remote URL `url` (see the module documentation); `kind` overrides
/// the host rules. `env` reads an environment variable (a parameter so tests need
/// not change the process environment).
pub fn detect(url: &str, kind: ForgeKind, env: &dyn Fn(&str) -> Option<String>) -> Forge {
    let (host, path) = host_and_path(url).unwrap_or_default();
    let github = || {
        let (owner, repo) = owner_repo(&path)?;
        Some(Forge::GitHub { owner, repo })
    };
    match kind {
        ForgeKind::None => Forge::Other,
        ForgeKind::Gitlab => Forge::GitLab,
        ForgeKind::Github => github().unwrap_or(Forge::Other),
        ForgeKind::Auto => {
            let server = env("GITHUB_SERVER_URL")
                .and_then(|u| host_and_path(&u))
                .map(|(h, _)| h);
            if !host.is_empty()
                && (host == "github.com" || server.as_deref() == Some(host.as_str()))
            {
                return github().unwrap_or(Forge::Other);
            }
            let gitlab_ci = env("CI_SERVER_HOST").is_some_and(|h| h.eq_ignore_ascii_case(&host));
            if !host.is_empty() && (gitlab_ci || host.split('.').any(|label| label == "gitlab")) {
                return Forge::GitLab;
            }
            Forge::Other
        }
    }
}

/// Host (lowercase, without user and port) and path of a git remote URL:
/// `https://user@host:443/o/r.git`, `ssh://git@host/o/r`, scp-like `git@host:o/r.git`.
/// `None` for a local path.
fn host_and_path(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (authority, path) = if let Some((_, rest)) = url.split_once("://") {
        let (a, p) = rest.split_once('/').unwrap_or((rest, ""));
        (a, p)
    } else {
        // scp-like syntax: `[user@]host:path`, with no slash before the colon.
        let (a, p) = url.split_once(':')?;
        if a.contains('/') || a.is_empty() {
            return None;
        }
        (a, p)
    };
    let host = authority.rsplit('@').next()?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    Some((
        host.to_ascii_lowercase(),
        path.trim_start_matches('/').to_string(),
    ))
}

/// `owner/repo` from a GitHub remote path (`o/r.git`, `o/r/`).
fn owner_repo(path: &str) -> Option<(String, String)> {
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, repo) = path.split_once('/')?;
    (!owner.is_empty() && !repo.is_empty() && !repo.contains('/'))
        .then(|| (owner.to_string(), repo.to_string()))
}

/// The push options that open (or update) a GitLab merge request.
/// `base`: the target branch (`None`: the project's default branch).
pub fn gitlab_push_options(base: Option<&str>, title: &str, summary: &str) -> Vec<String> {
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut options = vec!["merge_request.create".to_string()];
    if let Some(base) = base {
        options.push(format!("merge_request.target={}", one_line(base)));
    }
    options.push(format!("merge_request.title={}", one_line(title)));
    options.push(format!("merge_request.description={}", one_line(summary)));
    options
}

/// GitHub's longest pull-request body, in characters.
const GITHUB_BODY_LIMIT: usize = 65_536;

/// What [`github_pull_request`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum PullRequest {
    Opened { number: u64, url: String },
    Updated { number: u64, url: String },
}

/// Open or update the GitHub pull request of `branch` into `base` with `title` and
/// `body` (see the module documentation). `api`: the REST API base URL.
pub fn github_pull_request(
    api: &str,
    token: &str,
    (owner, repo): (&str, &str),
    branch: &str,
    base: &str,
    title: &str,
    body: &str,
) -> Result<PullRequest, String> {
    let api = api.trim_end_matches('/');
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .user_agent(concat!("iac-fix/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent();
    let body = truncate_body(body);
    let auth = format!("Bearer {token}");
    let send = |method: &str,
                url: &str,
                json: Option<serde_json::Value>|
     -> Result<serde_json::Value, String> {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("Authorization", &auth);
        let mut response = match json {
            Some(j) => agent.run(
                request
                    .header("Content-Type", "application/json")
                    .body(j.to_string())
                    .map_err(|e| e.to_string())?,
            ),
            None => agent.run(request.body(()).map_err(|e| e.to_string())?),
        }
        .map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        if !status.is_success() {
            let message = value
                .get("message")
                .and_then(|m| m.as_str())
                .unwrap_or("")
                .to_string();
            let details = value
                .get("errors")
                .and_then(|e| e.as_array())
                .map(|errors| {
                    errors
                        .iter()
                        .filter_map(|e| e.get("message").and_then(|m| m.as_str()))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .filter(|s| !s.is_empty())
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            return Err(format!(
                "{method} {url}: HTTP {}: {message}{details}",
                status.as_u16()
            ));
        }
        Ok(value)
    };
    let repo_url = format!("{api}/repos/{}/{}", encode(owner), encode(repo));
    let open = send(
        "GET",
        &format!(
            "{repo_url}/pulls?state=open&head={}",
            encode(&format!("{owner}:{branch}"))
        ),
        None,
    )?;
    let existing = open.as_array().and_then(|list| {
        list.iter().find(|p| {
            p.pointer("/head/ref")
                .and_then(|r| r.as_str())
                .is_none_or(|r| r == branch)
        })
    });
    let number_and_url = |v: &serde_json::Value| -> Result<(u64, String), String> {
        let number = v
            .get("number")
            .and_then(|n| n.as_u64())
            .ok_or_else(|| "the GitHub API answered without a pull request number".to_string())?;
        let url = v
            .get("html_url")
            .and_then(|u| u.as_str())
            .unwrap_or_default()
            .to_string();
        Ok((number, url))
    };
    match existing {
        Some(pr) => {
            let (number, _) = number_and_url(pr)?;
            let updated = send(
                "PATCH",
                &format!("{repo_url}/pulls/{number}"),
                Some(serde_json::json!({ "title": title, "body": body })),
            )?;
            let (number, url) = number_and_url(&updated)?;
            Ok(PullRequest::Updated { number, url })
        }
        None => {
            let created = send(
                "POST",
                &format!("{repo_url}/pulls"),
                Some(
                    serde_json::json!({ "title": title, "head": branch, "base": base, "body": body }),
                ),
            )?;
            let (number, url) = number_and_url(&created)?;
            Ok(PullRequest::Opened { number, url })
        }
    }
}

/// `body` cut to GitHub's limit, with a note saying so.
fn truncate_body(body: &str) -> String {
    const NOTE: &str = "\n\n… (cut to GitHub's size limit; run `iac-fix pr --body-file FILE` for the whole description)\n";
    if body.chars().count() <= GITHUB_BODY_LIMIT {
        return body.to_string();
    }
    let keep = GITHUB_BODY_LIMIT - NOTE.chars().count();
    let cut: String = body.chars().take(keep).collect();
    // Cut at a line end, so no Markdown line is left half.
    let cut = cut.rfind('\n').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{cut}{NOTE}")
}

/// Percent-encoding of everything but RFC 3986 unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn forges_from_remote_urls() {
        let gh = |o: &str, r: &str| Forge::GitHub {
            owner: o.into(),
            repo: r.into(),
        };
        for url in [
            "https://github.com/acme/infra.git",
            "https://x-access-token:secret@github.com/acme/infra",
            "git@github.com:acme/infra.git",
            "ssh://git@github.com:22/acme/infra.git",
            "https://GitHub.com/acme/infra/",
        ] {
            assert_eq!(
                detect(url, ForgeKind::Auto, &none),
                gh("acme", "infra"),
                "{url}"
            );
        }
        for url in [
            "https://gitlab.com/g/sub/p.git",
            "git@gitlab.example.com:g/p.git",
        ] {
            assert_eq!(detect(url, ForgeKind::Auto, &none), Forge::GitLab, "{url}");
        }
        for url in [
            "/srv/git/p.git",
            "../p.git",
            "https://example.com/p.git",
            "https://notgitlab.com/p",
            "file:///srv/p.git",
        ] {
            assert_eq!(detect(url, ForgeKind::Auto, &none), Forge::Other, "{url}");
        }
        // GitHub Enterprise Server and self-hosted GitLab, as their CI says.
        let env = |k: &str| match k {
            "GITHUB_SERVER_URL" => Some("https://ghe.example.com".to_string()),
            "CI_SERVER_HOST" => Some("code.example.org".to_string()),
            _ => None,
        };
        assert_eq!(
            detect("https://ghe.example.com/a/b.git", ForgeKind::Auto, &env),
            gh("a", "b")
        );
        assert_eq!(
            detect("git@code.example.org:a/b.git", ForgeKind::Auto, &env),
            Forge::GitLab
        );
        // `--forge` overrides.
        assert_eq!(
            detect("https://code.example.org/a/b.git", ForgeKind::Github, &none),
            gh("a", "b")
        );
        assert_eq!(
            detect("https://github.com/a/b.git", ForgeKind::None, &none),
            Forge::Other
        );
        assert_eq!(
            detect("/srv/p.git", ForgeKind::Gitlab, &none),
            Forge::GitLab
        );
    }

    #[test]
    fn push_options_are_one_line() {
        let o = gitlab_push_options(
            Some("main"),
            "iac-fix: automated fixes",
            "3 fixes\nin 2 commits",
        );
        assert_eq!(o[0], "merge_request.create");
        assert_eq!(o[1], "merge_request.target=main");
        assert_eq!(o[3], "merge_request.description=3 fixes in 2 commits");
        assert_eq!(gitlab_push_options(None, "t", "d").len(), 3);
    }

    #[test]
    fn long_bodies_are_cut_at_a_line() {
        let body = "- a line of the description\n".repeat(5000);
        let cut = truncate_body(&body);
        assert!(cut.chars().count() <= GITHUB_BODY_LIMIT);
        assert!(cut.ends_with("whole description)\n") && cut.contains("description\n\n…"));
        assert_eq!(truncate_body("short"), "short");
        assert_eq!(
            encode("acme:iac-fix/2026-11-30"),
            "acme%3Aiac-fix%2F2026-11-30"
        );
    }
}
