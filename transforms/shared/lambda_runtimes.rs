//! Lambda runtime lifecycle data: for each runtime id (`nodejs18.x`, `python3.11`), the day
//! it is deprecated, the days creating and updating functions on it are blocked, and its
//! successor; plus a few facts about what runtimes run (the newest Node.js runtime that
//! bundles the AWS SDK v2, the first one without callback handlers, Python modules removed
//! per version).
//!
//! Source: `data/lambda-runtimes.json`, written by `scripts/refresh-lambda-runtimes.sh` from
//! the table cfn-lint bundles (`cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json`, the
//! same data cfn-lint's W2531/E2531/E2533 use) and `scripts/lambda-runtimes-extra.json` (facts
//! cfn-lint lacks, each with its AWS or Python documentation source). The JSON is parsed on
//! first use.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

static DATA: &str = include_str!("../../data/lambda-runtimes.json");

/// The lifecycle of one runtime, dates as `YYYY-MM-DD` (cfn-lint's table).
#[derive(Debug, Deserialize)]
pub(crate) struct Lifecycle {
    pub(crate) deprecated: Option<String>,
    #[serde(rename = "create-block")]
    pub(crate) create_block: Option<String>,
    #[serde(rename = "update-block")]
    pub(crate) update_block: Option<String>,
    pub(crate) successor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Sourced<T> {
    value: T,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(rename = "cfn-lint")]
    cfn_lint: String,
    runtimes: BTreeMap<String, Lifecycle>,
    #[serde(rename = "nodejs-sdk-v2-last")]
    sdk_v2_last: Sourced<String>,
    #[serde(rename = "nodejs-callbacks-first-removed")]
    callbacks_first_removed: Sourced<String>,
    #[serde(rename = "python-removed-modules")]
    python_removed: Sourced<BTreeMap<String, Vec<String>>>,
}

fn data() -> &'static Data {
    static PARSED: OnceLock<Data> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(DATA).expect("data/lambda-runtimes.json is valid"))
}

/// The cfn-lint version the lifecycle table comes from (`1.58.0`).
pub(crate) fn lifecycle_source_version() -> &'static str {
    &data().cfn_lint
}

/// The lifecycle of `runtime`, `None` for an id the table does not know.
pub(crate) fn lifecycle(runtime: &str) -> Option<&'static Lifecycle> {
    data().runtimes.get(runtime)
}

/// True when `runtime` is deprecated on `day` (its deprecation date is on or before it, as
/// cfn-lint's W2531 decides).
pub(crate) fn is_deprecated(runtime: &str, day: &str) -> bool {
    lifecycle(runtime)
        .and_then(|l| l.deprecated.as_deref())
        .is_some_and(|d| d <= day)
}

/// The newest runtime of `language` that is not deprecated on `day`, whose version is below
/// `below` (when given) and above `above`.
pub(crate) fn newest_supported(
    language: &str,
    day: &str,
    above: (u32, u32),
    below: Option<(u32, u32)>,
) -> Option<&'static str> {
    data()
        .runtimes
        .iter()
        .filter(|(id, l)| {
            l.deprecated.as_deref().is_some_and(|d| d > day) && !id.ends_with("-edge")
        })
        .filter_map(|(id, _)| Some((id.as_str(), language_version(id)?)))
        .filter(|(_, (l, v))| *l == language && *v > above && below.is_none_or(|b| *v < b))
        .max_by_key(|(_, (_, v))| *v)
        .map(|(id, _)| id)
}

/// The newest Node.js runtime whose image bundles the AWS SDK for JavaScript v2.
pub(crate) fn nodejs_sdk_v2_last() -> &'static str {
    &data().sdk_v2_last.value
}

/// The first Node.js runtime that no longer runs callback-style handlers.
pub(crate) fn nodejs_callbacks_first_removed() -> &'static str {
    &data().callbacks_first_removed.value
}

/// Standard-library modules removed in Python versions after `from` up to and including
/// `to`: (module, the first runtime without it).
pub(crate) fn python_removed_between(
    from: (u32, u32),
    to: (u32, u32),
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for (runtime, modules) in &data().python_removed.value {
        let Some((_, v)) = language_version(runtime) else {
            continue;
        };
        if v > from && v <= to {
            out.extend(modules.iter().map(|m| (m.as_str(), runtime.as_str())));
        }
    }
    out
}

/// `nodejs18.x` → ("nodejs", (18, 0)); `python3.9` → ("python", (3, 9)); `java8.al2` →
/// ("java", (8, 0)); `dotnetcore3.1` → ("dotnetcore", (3, 1)); `provided` / `provided.al2` /
/// `provided.al2023` → ("provided", (0 | 2 | 2023, 0)); `nodejs` → ("nodejs", (0, 10)).
pub(crate) fn language_version(runtime: &str) -> Option<(&str, (u32, u32))> {
    match runtime {
        "provided" => return Some(("provided", (0, 0))),
        "nodejs" => return Some(("nodejs", (0, 10))),
        _ => {}
    }
    if let Some(al) = runtime.strip_prefix("provided.al") {
        return Some(("provided", (al.parse().ok()?, 0)));
    }
    let digits = runtime.find(|c: char| c.is_ascii_digit())?;
    let (language, rest) = runtime.split_at(digits);
    let mut nums = rest
        .split(['.', '_', '-'])
        .map_while(|p| p.parse::<u32>().ok());
    let major = nums.next()?;
    Some((language, (major, nums.next().unwrap_or(0))))
}

/// The day to judge deprecation by: `as_of` when set (`YYYY-MM-DD`, validated), else today
/// (UTC) from the system clock.
pub(crate) fn day_of(as_of: &str) -> Result<String, String> {
    let as_of = as_of.trim();
    if as_of.is_empty() || as_of == "today" {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        return Ok(civil_from_days((secs / 86_400) as i64));
    }
    let parts: Vec<&str> = as_of.split('-').collect();
    let ok = matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && m.len() == 2 && d.len() == 2
        && [y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)));
    if ok {
        Ok(as_of.to_string())
    } else {
        Err(format!(
            "`as-of = \"{as_of}\"` is not a date written YYYY-MM-DD"
        ))
    }
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_lifecycle() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(20_787), "2026-11-30");
        assert_eq!(day_of("2026-11-30").unwrap(), "2026-11-30");
        assert!(day_of("30/11/2026").is_err() && day_of("2026-13-01").is_err());
        assert!(day_of("").unwrap().starts_with("20"));
        // cfn-lint 1.58: python3.11 and java17 are deprecated on 2027-06-30, dotnet8 on 2026-11-10.
        assert!(
            !is_deprecated("python3.11", "2026-11-30") && is_deprecated("python3.11", "2027-06-30")
        );
        assert!(!is_deprecated("java17", "2026-11-30"));
        assert!(is_deprecated("dotnet8", "2026-11-30"));
        assert_eq!(
            lifecycle("dotnet8").unwrap().successor.as_deref(),
            Some("dotnet10")
        );
        assert_eq!(
            newest_supported("nodejs", "2026-11-30", (20, 0), Some((24, 0))),
            Some("nodejs22.x")
        );
        assert_eq!(
            newest_supported("nodejs", "2027-05-01", (20, 0), Some((24, 0))),
            None
        );
        assert_eq!(
            python_removed_between((3, 11), (3, 14))
                .iter()
                .filter(|m| m.0 == "imp")
                .count(),
            1
        );
        assert_eq!(language_version("provided.al2"), Some(("provided", (2, 0))));
        assert_eq!(language_version("nodejs4.3-edge"), Some(("nodejs", (4, 3))));
    }
}
