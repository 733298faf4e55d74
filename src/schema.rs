//! The CloudFormation resource schemas as data: for every resource type, its property
//! names per object shape, string enums, required, read-only and deprecated properties.
//!
//! This is data access, not AWS knowledge in code: the engine reads a vendored file
//! (`data/cfn-schemas.jsonl`, written by `scripts/refresh-schemas.sh` from the
//! provider schemas cfn-lint bundles) and answers lookups by type and path; which
//! finding a lookup leads to is up to the transforms. The file is embedded as text
//! (no inflate at run time: inflating it cost every CloudFormation run about 34 M
//! instructions, as much as a fix pass over a large template) and indexed on the first
//! lookup only (a TypeScript-only run never pays for it), and each type's model is
//! parsed the first time that type is asked for.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

static DATA: &str = include_str!("../data/cfn-schemas.jsonl");

/// One resource type's model.
#[derive(Debug, Deserialize)]
pub struct Schema {
    /// Object shapes; shape 0 is the resource's `Properties`.
    #[serde(rename = "s")]
    shapes: Vec<ShapeData>,
    /// JSON pointers (`/properties/Arn`) of read-only properties.
    #[serde(rename = "ro", default)]
    read_only: Vec<String>,
    #[serde(rename = "dep", default)]
    deprecated: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ShapeData {
    #[serde(rename = "p")]
    props: BTreeMap<String, PropData>,
    /// 1 when the object allows no property but the listed ones.
    #[serde(rename = "c", default)]
    closed: u8,
    #[serde(rename = "r", default)]
    required: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PropData {
    /// The object shape of the value (or of its list items).
    #[serde(rename = "o")]
    object: Option<usize>,
    /// The kinds of value it takes: `a` list, `o` object, `s` scalar; empty: any.
    #[serde(rename = "t", default)]
    kinds: String,
    #[serde(rename = "e", default)]
    values: Vec<String>,
    #[serde(rename = "ci", default)]
    case_insensitive: u8,
}

/// An object shape of a resource: which keys it knows.
#[derive(Clone, Copy, Debug)]
pub struct Shape<'s> {
    schema: &'s Schema,
    data: &'s ShapeData,
}

/// A property of a shape.
#[derive(Clone, Copy, Debug)]
pub struct Prop<'s> {
    schema: &'s Schema,
    data: &'s PropData,
}

/// The kind of a property value, as JSON sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    List,
    Object,
    /// A string, number or boolean.
    Scalar,
}

/// The allowed string values of a property.
#[derive(Clone, Copy, Debug)]
pub struct Enum<'s> {
    pub values: &'s [String],
    /// The value is compared ignoring case (cfn-lint's `enumCaseInsensitive`).
    pub case_insensitive: bool,
}

impl Enum<'_> {
    pub fn allows(&self, value: &str) -> bool {
        self.values
            .iter()
            .any(|v| v == value || self.case_insensitive && v.eq_ignore_ascii_case(value))
    }
}

/// Every type's model, indexed by type name and parsed on first use.
pub struct Catalogue {
    version: String,
    /// The file: a `# cfn-lint <version>` line, then `TYPE<tab>JSON` lines.
    text: &'static str,
    types: HashMap<&'static str, Lazy>,
}

struct Lazy {
    json: Range<usize>,
    parsed: OnceLock<Option<Schema>>,
}

impl Catalogue {
    /// Index the vendored file (by splitting lines: no JSON is parsed until a type is
    /// asked for). What the first lookup pays; the benchmark calls it.
    pub fn load() -> Catalogue {
        let text = DATA;
        let mut version = String::new();
        let mut types = HashMap::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let end = start + line.len();
            if let Some(v) = line.strip_prefix("# cfn-lint ") {
                version = v.trim().to_string();
            } else if let Some((name, json)) = line.split_once('\t') {
                let json = end - json.len()..end;
                let parsed = OnceLock::new();
                types.insert(name, Lazy { json, parsed });
            }
            start = end;
        }
        Catalogue {
            version,
            text,
            types,
        }
    }

    /// The schema of a type, parsed the first time it is asked for.
    pub fn schema(&self, type_name: &str) -> Option<&Schema> {
        let lazy = self.types.get(type_name)?;
        lazy.parsed
            .get_or_init(|| serde_json::from_str(&self.text[lazy.json.clone()]).ok())
            .as_ref()
    }
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(Catalogue::load)
}

/// The version of cfn-lint the schemas were taken from.
pub fn version() -> &'static str {
    &catalogue().version
}

/// The schema of a resource type (`AWS::S3::Bucket`); `None` for types it does not
/// know (`Custom::…`, SAM's `AWS::Serverless::…`, third-party and private types).
pub fn resource_schema(type_name: &str) -> Option<&'static Schema> {
    catalogue().schema(type_name)
}

impl Schema {
    /// The shape of `Properties`.
    pub fn root(&self) -> Shape<'_> {
        self.shape(0)
    }

    fn shape(&self, i: usize) -> Shape<'_> {
        Shape {
            schema: self,
            data: &self.shapes[i],
        }
    }

    /// The shape at a path of property names below `Properties` (list levels are
    /// looked through: `["Rules", "Transitions"]`).
    pub fn properties_at(&self, path: &[&str]) -> Option<Shape<'_>> {
        path.iter()
            .try_fold(self.root(), |shape, name| shape.prop(name)?.shape())
    }

    /// The enum of the property at `path`, if it has one.
    pub fn enum_at(&self, path: &[&str]) -> Option<Enum<'_>> {
        let (last, parent) = path.split_last()?;
        self.properties_at(parent)?.prop(last)?.enum_values()
    }

    /// True when the property at `path` is read-only (set by CloudFormation, not by you).
    pub fn is_read_only(&self, path: &[&str]) -> bool {
        contains_pointer(&self.read_only, path)
    }

    pub fn is_deprecated(&self, path: &[&str]) -> bool {
        contains_pointer(&self.deprecated, path)
    }
}

/// Pointers mark list levels with `/*`; paths look through lists.
fn contains_pointer(pointers: &[String], path: &[&str]) -> bool {
    // `/properties/Tags/*/Key` names `["Tags", "Key"]`: list levels (`*`) are looked
    // through. Compared segment by segment, allocating nothing (it runs per property).
    pointers.iter().any(|p| {
        p.strip_prefix("/properties/").is_some_and(|rest| {
            rest.split('/')
                .filter(|s| *s != "*")
                .eq(path.iter().copied())
        })
    })
}

impl<'s> Shape<'s> {
    pub fn prop(&self, name: &str) -> Option<Prop<'s>> {
        let data = self.data.props.get(name)?;
        Some(Prop {
            schema: self.schema,
            data,
        })
    }

    /// The property names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'s str> + 's {
        self.data.props.keys().map(String::as_str)
    }

    /// True when no property but the listed ones is allowed.
    pub fn is_closed(&self) -> bool {
        self.data.closed == 1
    }

    pub fn required(&self) -> &'s [String] {
        &self.data.required
    }
}

impl<'s> Prop<'s> {
    /// The shape of an object value, or of the items of a list of objects.
    pub fn shape(&self) -> Option<Shape<'s>> {
        self.data.object.map(|i| self.schema.shape(i))
    }

    /// True when the property takes a value of this kind (or the schema does not say).
    pub fn accepts(&self, kind: Kind) -> bool {
        let letter = match kind {
            Kind::List => 'a',
            Kind::Object => 'o',
            Kind::Scalar => 's',
        };
        self.data.kinds.is_empty() || self.data.kinds.contains(letter)
    }

    /// The allowed values of a string (or of the items of a list of strings).
    pub fn enum_values(&self) -> Option<Enum<'s>> {
        (!self.data.values.is_empty()).then_some(Enum {
            values: &self.data.values,
            case_insensitive: self.data.case_insensitive == 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_names_enums_and_flags() {
        let bucket = resource_schema("AWS::S3::Bucket").unwrap();
        assert!(bucket.root().is_closed());
        assert!(bucket.root().prop("BucketName").is_some());
        let status = bucket
            .enum_at(&["VersioningConfiguration", "Status"])
            .unwrap();
        assert!(status.allows("Enabled") && !status.allows("enabled"));
        // A list of objects is looked through.
        let rule = bucket
            .properties_at(&["LifecycleConfiguration", "Rules"])
            .unwrap();
        assert!(rule.prop("ExpirationInDays").is_some());
        assert!(bucket.is_read_only(&["Arn"]) && !bucket.is_read_only(&["BucketName"]));
        let function = resource_schema("AWS::Lambda::Function").unwrap();
        assert!(function.root().required().contains(&"Role".to_string()));
        assert!(function
            .enum_at(&["Architectures"])
            .unwrap()
            .allows("arm64"));
        assert!(!version().is_empty());
        let app = resource_schema("AWS::AppStream::Application").unwrap();
        assert!(app.is_deprecated(&["Tags", "TagKey"]) && !app.is_deprecated(&["Name"]));
        let tags = function.root().prop("Tags").unwrap();
        assert!(tags.accepts(Kind::List) && !tags.accepts(Kind::Scalar));
    }

    #[test]
    fn unknown_types_have_no_schema() {
        assert!(resource_schema("Custom::Thing").is_none());
        assert!(resource_schema("AWS::Serverless::Function").is_none());
    }
}
