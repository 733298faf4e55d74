//! What a transform is: metadata, documentation and a check that returns findings
//! with fixes. Transforms never touch files or print; the fixer decides.

use crate::edit::{Applicability, Finding, Fix};
use crate::flavor::Flavor;
use crate::model::Document;
use std::collections::BTreeMap;

/// A transform's identity and the facts `--list-transforms` and `--explain` show.
pub struct Meta {
    /// Kebab-case id, fixed once published (`lambda-runtime-upgrade`).
    pub id: &'static str,
    pub title: &'static str,
    pub flavors: &'static [Flavor],
    pub applicability: Applicability,
    /// The same check in other tools: cfn-lint (`E3002`), checkov (`CKV_AWS_116`),
    /// cdk-nag (`AwsSolutions-L1`). Their suppressions also suppress this transform.
    pub equivalents: &'static [&'static str],
    /// Options settable in `iac-fix.toml`: (name, default, what it does).
    pub options: &'static [(&'static str, &'static str, &'static str)],
}

/// Per-transform option values (defaults overridden by configuration).
#[derive(Clone, Debug, Default)]
pub struct Options(pub BTreeMap<String, String>);

impl Options {
    pub fn get<'a>(&'a self, meta: &'a Meta, name: &str) -> &'a str {
        self.0.get(name).map(String::as_str).unwrap_or_else(|| {
            meta.options
                .iter()
                .find(|o| o.0 == name)
                .map_or("", |o| o.1)
        })
    }
}

pub trait Transform: Send + Sync {
    fn meta(&self) -> &'static Meta;
    /// Findings for one document; each fix's edits refer to `doc`'s source.
    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding>;
    /// `Err(why)` when `value` is not a usable value of option `name` (checked when
    /// `iac-fix.toml` is loaded; numbers are checked against the default's kind first).
    fn check_option(&self, name: &str, value: &str) -> Result<(), String> {
        let _ = (name, value);
        Ok(())
    }
    /// What this transform looks at, so that the fixer can skip it on a document that
    /// holds none of it (the pre-filter ruff gets from its rule selection). The default,
    /// [`Interest::Everything`], always runs: a transform that declares nothing works
    /// unchanged. Declare [`Interest::Any`] only when `check` returns no finding on a
    /// document that has none of the listed needs (the fixture, cfn_effect and corpus
    /// tests are the proof that the declaration is complete).
    fn interest(&self) -> Interest {
        Interest::Everything
    }
}

/// What a transform needs a document to hold before its `check` can find anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interest {
    /// Run on every document.
    Everything,
    /// Run only on documents that meet one of these needs.
    Any(Vec<Need>),
}

/// One thing a document may hold (see [`Document::holds`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// A resource or construct of this type, as [`Document::of_type`] knows type names
    /// (`AWS::S3::Bucket`, `aws-cdk-lib/aws-s3.Bucket`,
    /// `@cdktf/provider-aws/lib/s3-bucket.S3Bucket`); a document only holds its own flavor's.
    Type(std::borrow::Cow<'static, str>),
    /// This word (identifier characters) anywhere in the source ([`Document::has_word`]).
    Word(&'static str),
}

impl Interest {
    /// Needs of resource types only: `types` as [`Need::Type`]s.
    pub fn types<I, S>(types: I) -> Interest
    where
        I: IntoIterator<Item = S>,
        S: Into<std::borrow::Cow<'static, str>>,
    {
        Interest::Any(types.into_iter().map(|t| Need::Type(t.into())).collect())
    }

    /// This interest with `more` needs added (`Everything` stays everything).
    pub fn or(self, more: Interest) -> Interest {
        match (self, more) {
            (Interest::Any(mut a), Interest::Any(b)) => {
                a.extend(b);
                Interest::Any(a)
            }
            _ => Interest::Everything,
        }
    }

    /// True when `doc` may give this transform something to find.
    pub fn met_by(&self, doc: &Document) -> bool {
        match self {
            Interest::Everything => true,
            Interest::Any(needs) => needs.iter().any(|n| doc.holds(n)),
        }
    }
}

/// A transform as compiled into the registry, with the source it was written in
/// (its leading `//!` comment is its documentation).
pub struct Registered {
    pub transform: &'static dyn Transform,
    pub source: &'static str,
}

impl Registered {
    pub fn meta(&self) -> &'static Meta {
        self.transform.meta()
    }

    /// The documentation: the file's leading `//!` lines.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }
}

impl Meta {
    /// A finding of this transform at `offset`.
    pub fn finding(
        &'static self,
        offset: usize,
        message: impl Into<String>,
        edits: Option<Vec<crate::edit::Edit>>,
    ) -> Finding {
        Finding {
            transform: self.id,
            message: message.into(),
            offset,
            fix: edits.map(|e| Fix::new(self.applicability, e)),
        }
    }
}
