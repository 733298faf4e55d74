//! The handler code of a function, per flavor: CDK `code`/`entry`, CloudFormation/SAM
//! `Code`/`CodeUri`/`InlineCode`, CDKTF `filename` archives and assets.

use super::*;

pub(crate) fn cdk_code(doc: &Document, ts: &TsFile, f: &Resource) -> Result<Vec<Source>, String> {
    let props = f
        .props
        .ok_or("the function's props are not an object literal")?;
    let ty = f.type_name.as_ref();
    let str_prop = |k: &str| props.get(k).and_then(|v| v.as_str());
    if ty.ends_with(".NodejsFunction") {
        let (base, rel) = match props.get("entry") {
            Some(e) => eval_path(doc, e.node, 0).ok_or_else(|| {
                format!(
                    "the entry `{}` is not a path this transform can resolve",
                    e.text()
                )
            })?,
            None => {
                let stem = doc
                    .path
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().to_string());
                let id = f
                    .logical_id
                    .as_deref()
                    .ok_or("the NodejsFunction has no `entry` and no literal id")?;
                (Base::Dir, format!("{stem}.{id}.ts"))
            }
        };
        let path = locate(doc, base, &rel)
            .ok_or_else(|| format!("the handler entry '{rel}' is not in the repository"))?;
        return load_asset(&boundary(doc.path, ROOT_MARKERS), &path, &tidy(&rel), None);
    }
    if ty.ends_with(".PythonFunction") {
        let e = props
            .get("entry")
            .ok_or("the PythonFunction has no `entry`")?;
        let (base, rel) = eval_path(doc, e.node, 0).ok_or_else(|| {
            format!(
                "the entry `{}` is not a path this transform can resolve",
                e.text()
            )
        })?;
        let path = locate(doc, base, &rel)
            .ok_or_else(|| format!("the handler folder '{rel}' is not in the repository"))?;
        let index = str_prop("index").unwrap_or_else(|| "index.py".into());
        return load_asset(
            &boundary(doc.path, ROOT_MARKERS),
            &path,
            &tidy(&rel),
            Some(index.trim_end_matches(".py")),
        );
    }
    let code = props.get("code").ok_or("the function has no `code`")?;
    let (callee, args) = match code.node.kind() {
        "call_expression" => (
            code.node.child_by_field_name("function"),
            code.node.child_by_field_name("arguments"),
        ),
        "new_expression" => (
            code.node.child_by_field_name("constructor"),
            code.node.child_by_field_name("arguments"),
        ),
        _ => (None, None),
    };
    let (Some(callee), Some(args)) = (callee, args) else {
        return Err(format!(
            "its code `{}` is not a `Code.fromAsset`/`Code.fromInline` call",
            code.text()
        ));
    };
    let name = ts
        .resolve(callee)
        .unwrap_or_else(|| doc.text(callee).to_string());
    let kind = name.rsplit('.').next().unwrap_or("");
    let arg = ts.args(args).into_iter().next();
    let runtime = props.get("runtime").map_or("", |r| r.text());
    match kind {
        "fromAsset" | "asset" | "AssetCode" => {
            let arg = arg.ok_or("`Code.fromAsset` has no path")?;
            let (base, rel) = eval_path(doc, arg.node, 0).ok_or_else(|| {
                format!(
                    "the asset path `{}` is not a path this transform can resolve",
                    arg.text()
                )
            })?;
            let path = locate(doc, base, &rel)
                .ok_or_else(|| format!("handler asset '{}' not in the repository", tidy(&rel)))?;
            let handler = str_prop("handler");
            let module = handler
                .as_deref()
                .and_then(|h| h.rsplit_once('.'))
                .map(|(m, _)| m);
            load_asset(
                &boundary(doc.path, ROOT_MARKERS),
                &path,
                &tidy(&rel),
                module,
            )
        }
        "fromInline" | "inline" | "InlineCode" => {
            let arg = arg.ok_or("`Code.fromInline` has no code")?;
            // `Code.fromInline(handlerCode)` with `const handlerCode = `…``.
            let literal = if arg.node.kind() == "identifier" {
                const_value(doc, arg.text())
            } else {
                Some(arg)
            };
            let literal = literal.filter(|l| matches!(l.node.kind(), "string" | "template_string"));
            let literal = literal
                .ok_or_else(|| format!("the inline code `{}` is not a literal", arg.text()))?;
            let text = match literal.node.kind() {
                "string" => literal.as_str().unwrap_or_default(),
                _ => {
                    let t = literal.text();
                    template_code(&t[1..t.len().saturating_sub(1).max(1)])
                }
            };
            let arg = literal;
            let start = arg.node.start_byte() + 1;
            let python = looks_python(&text, runtime);
            Ok(vec![inline_source(doc, text, start, python, false)])
        }
        _ => Err(format!(
            "its code comes from `{}`, not from this repository",
            doc.text(callee)
        )),
    }
}

pub(crate) fn cfn_code(
    doc: &Document,
    template: MapNode,
    f: &Resource,
) -> Result<Vec<Source>, String> {
    let props = f.props.ok_or("no Properties")?;
    let global = |k: &str| template.get_path(&["Globals", "Function", k]);
    let runtime = props
        .get("Runtime")
        .or_else(|| global("Runtime"))
        .and_then(|r| r.as_str())
        .unwrap_or_default();
    let handler = props
        .get("Handler")
        .or_else(|| global("Handler"))
        .and_then(|r| r.as_str());
    let module = handler
        .as_deref()
        .and_then(|h| h.rsplit_once('.'))
        .map(|(m, _)| m.to_string());
    let sam = f.type_name == "AWS::Serverless::Function";
    let inline = if sam {
        props.get("InlineCode")
    } else {
        props.get_path(&["Code", "ZipFile"])
    };
    if let Some(code) = inline {
        return cfn_inline(doc, code, &runtime)
            .ok_or_else(|| "its inline code is not a string this transform can read".to_string());
    }
    let uri = if sam {
        props.get("CodeUri").or_else(|| global("CodeUri"))
    } else {
        props.get("Code")
    };
    let Some(uri) = uri else {
        return Err("its code location is not given".into());
    };
    let Some(rel) = uri.as_str() else {
        return Err(format!(
            "its code is in S3 (`{}`), not in the repository",
            if sam { "CodeUri" } else { "Code" }
        ));
    };
    if rel.starts_with("s3://") {
        return Err(format!(
            "its code is in S3 ('{rel}'), not in the repository"
        ));
    }
    let dir = doc.path.parent().unwrap_or(Path::new("")).join(tidy(&rel));
    if !dir.exists() {
        return Err(format!(
            "handler code '{}' not in the repository",
            tidy(&rel)
        ));
    }
    load_asset(
        &boundary(doc.path, ROOT_MARKERS),
        &dir,
        &tidy(&rel),
        module.as_deref(),
    )
}

pub(crate) fn cfn_inline(doc: &Document, code: ValueNode, runtime: &str) -> Option<Vec<Source>> {
    if let Some((name, arg)) = code.intrinsic() {
        return match name.as_str() {
            "Fn::Sub" => {
                let body = arg
                    .as_list()
                    .and_then(|l| l.items().first().copied())
                    .unwrap_or(arg);
                cfn_inline(doc, body, runtime)
            }
            "Fn::Join" => {
                let items = arg.as_list()?.items();
                let sep = items.first()?.as_str()?;
                let parts = items.get(1)?.as_list()?.items();
                let mut text = String::new();
                let mut pieces = Vec::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        text.push_str(&sep);
                    }
                    let line = doc.line_of(p.start());
                    pieces.push((text.len(), line, true));
                    text.push_str(&p.as_str().unwrap_or_default());
                }
                let mut src = inline_source(doc, text, code.start(), false, true);
                src.python = looks_python(&src.text, runtime);
                src.pieces = pieces;
                Some(vec![src])
            }
            _ => None,
        };
    }
    let text = code.as_str()?;
    let block = code.node.kind() == "block_scalar";
    let single = doc.parsed.syntax == Syntax::Json || code.node.kind() == "double_quote_scalar";
    let start = if block {
        doc.parsed.line_end(code.node.start_byte()) + 1
    } else {
        code.node.start_byte()
    };
    let python = looks_python(&text, runtime);
    Some(vec![inline_source(
        doc,
        text,
        start.min(doc.source().len()),
        python,
        single,
    )])
}

/// `x.arn` / `x.name` / `x.id` → `x`.
pub(crate) fn owner(text: &str) -> Option<&str> {
    let (b, _) = text.trim().rsplit_once('.')?;
    Some(b)
}

pub(crate) fn cdktf_code(doc: &Document, props: MapNode) -> Result<Vec<Source>, String> {
    let handler = props.get("handler").and_then(|h| h.as_str());
    let module = handler
        .as_deref()
        .and_then(|h| h.rsplit_once('.'))
        .map(|(m, _)| m.to_string());
    let file = props
        .get("filename")
        .ok_or("it has no `filename` (its code is in S3 or an image)")?;
    if let Some(name) = file.as_str() {
        return Err(format!(
            "its code is the built archive '{name}', whose sources are not known"
        ));
    }
    let src = owner(file.text())
        .and_then(|b| doc.bound_to(b, file.node))
        .ok_or_else(|| {
            format!(
                "its `filename` `{}` is not an archive or asset of this file",
                file.text()
            )
        })?;
    let sp = src
        .props
        .ok_or("the archive's props are not an object literal")?;
    let path_value = if src.type_name.ends_with(".DataArchiveFile") {
        sp.get("sourceDir").or_else(|| sp.get("sourceFile"))
    } else if src.type_name.ends_with(".TerraformAsset") {
        sp.get("path")
    } else {
        None
    };
    let v = path_value
        .ok_or_else(|| format!("its `filename` `{}` has no source folder", file.text()))?;
    let (base, rel) = eval_path(doc, v.node, 0).ok_or_else(|| {
        format!(
            "the source path `{}` is not a path this transform can resolve",
            v.text()
        )
    })?;
    let path = locate(doc, base, &rel)
        .ok_or_else(|| format!("handler code '{}' not in the repository", tidy(&rel)))?;
    load_asset(
        &boundary(doc.path, ROOT_MARKERS),
        &path,
        &tidy(&rel),
        module.as_deref(),
    )
}
