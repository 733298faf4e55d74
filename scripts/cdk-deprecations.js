// Counts deprecated API uses and type errors in TypeScript files the way an editor sees them:
// tsc's language service, suggestion diagnostics 6385 ('X' is deprecated) and 6387 (the
// signature is deprecated), with the pinned libraries of .oracle/node_modules resolvable.
// Used by scripts/cdk-deprecations.sh.
//   node cdk-deprecations.js ORACLE_NODE_MODULES ROOT [--top N]
// tsc does not flag a deprecated prop written in an object literal (`logRetention: …` in a
// construct's props), so those are counted apart, with the type checker: a property of an
// object literal whose contextual type's property aws-cdk-lib marks `@deprecated`.
// Prints one JSON object: {files, deprecated, deprecatedProps, errors, top, perFile}.
'use strict';
const path = require('path');
const fs = require('fs');
const [nm, root, , topArg] = process.argv.slice(2);
const ts = require(path.join(nm, 'typescript'));

const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'cdk.out') walk(p);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      const text = fs.readFileSync(p, 'utf8');
      // CDK v2 files only: they are the ones aws-cdk-lib's deprecations apply to.
      if (/from\s+['"]aws-cdk-lib|require\(\s*['"]aws-cdk-lib/.test(text)) files.push(p);
    }
  }
})(root);

const options = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [path.join(nm, '@types')],
  baseUrl: root,
  paths: { '*': [path.join(nm, '*'), path.join(nm, '@types', '*')] },
};
const versions = new Map(files.map((f) => [f, '1']));
const host = {
  getScriptFileNames: () => files,
  getScriptVersion: (f) => versions.get(f) || '1',
  getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
  getCurrentDirectory: () => root,
  getCompilationSettings: () => options,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};
const ls = ts.createLanguageService(host, ts.createDocumentRegistry());
let deprecated = 0;
let deprecatedProps = 0;
const checker = ls.getProgram().getTypeChecker();
function propsOf(sf, bySymbol) {
  let n = 0;
  (function visit(node) {
    if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isObjectLiteralExpression(node.parent)) {
      const type = checker.getContextualType(node.parent);
      const name = node.name && node.name.text;
      const prop = type && name && checker.getPropertyOfType(checker.getNonNullableType(type), name);
      const decl = prop && prop.declarations && prop.declarations[0];
      if (decl && decl.getSourceFile().fileName.includes('/aws-cdk-lib/') && prop.getJsDocTags(checker).some((t) => t.name === 'deprecated')) {
        bySymbol[`${name} (prop)`] = (bySymbol[`${name} (prop)`] || 0) + 1;
        n++;
      }
    }
    ts.forEachChild(node, visit);
  })(sf);
  return n;
}
let errors = 0;
const bySymbol = {};
const perFile = {};
for (const f of files) {
  const rel = path.relative(root, f);
  const sf = ls.getProgram().getSourceFile(f);
  let d = 0;
  for (const diag of ls.getSuggestionDiagnostics(f)) {
    if (diag.code !== 6385 && diag.code !== 6387) continue;
    // Only aws-cdk-lib's deprecations: the declaration the diagnostic names lives there.
    const text = sf.text.slice(diag.start, diag.start + diag.length);
    const msg = ts.flattenDiagnosticMessageText(diag.messageText, ' ');
    const key = process.env.BY_MESSAGE ? `${text} — ${msg.slice(0, 100)}` : text;
    bySymbol[key] = (bySymbol[key] || 0) + 1;
    deprecated++;
    d++;
  }
  const p = propsOf(sf, bySymbol);
  deprecatedProps += p;
  const e = ls.getSyntacticDiagnostics(f).length + ls.getSemanticDiagnostics(f).filter((x) => x.category === ts.DiagnosticCategory.Error).length;
  errors += e;
  perFile[rel] = [d, p, e];
}
const top = Object.entries(bySymbol).sort((a, b) => b[1] - a[1]).slice(0, Number(topArg || 40));
console.log(JSON.stringify({ files: files.length, deprecated, deprecatedProps, errors, top, perFile }));
