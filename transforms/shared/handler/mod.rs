//! Handler code of Lambda functions, shared by the transforms that need to know what a
//! function's code does (least-privilege-grants, lambda-runtime-upgrade): where the code of a
//! function is (`code.rs`), finding and loading it (`files.rs`), lexing it (`lexer.rs`) and the
//! facts about it several transforms use (`facts.rs`: SDK major version, callback-style
//! handlers, `package.json` dependencies).

mod code;
mod facts;
mod files;
mod lexer;

pub(crate) use code::*;
pub(crate) use facts::*;
pub(crate) use files::*;
pub(crate) use lexer::*;

use crate::files::{boundary, is_within, project_root, read_text_file};
use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::ts::TsFile;
use crate::lang::{named_children, Syntax};
use crate::model::{Document, Resource};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

#[derive(Clone)]
/// Handler source text with a map from text offsets to lines of the file it came from.
pub(crate) struct Source {
    /// Path shown in messages (relative to where the path was resolved).
    pub(crate) label: String,
    pub(crate) text: String,
    pub(crate) python: bool,
    /// (offset in `text`, line in the file, single-line): inline code embedded in a
    /// template as a JSON string sits on one line of the file.
    pub(crate) pieces: Vec<(usize, usize, bool)>,
    /// The file on disk (`None`: inline code in the stack or template).
    pub(crate) path: Option<PathBuf>,
}

impl Source {
    pub(crate) fn file(label: String, text: String) -> Source {
        let python = label.ends_with(".py");
        Source {
            label,
            text,
            python,
            pieces: vec![(0, 1, false)],
            path: None,
        }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        let Some(&(start, line, single)) = self.pieces.iter().rev().find(|p| p.0 <= offset) else {
            return 1;
        };
        if single {
            line
        } else {
            // Counted as bytes (a `\n` byte is always the character): searching the text
            // for each newline in turn cost far more on long files.
            line + self.text[start..offset.min(self.text.len())]
                .bytes()
                .filter(|&b| b == b'\n')
                .count()
        }
    }
}
