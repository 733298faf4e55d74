// Synthesizes CDK and CDKTF fixtures for the CloudFormation-level oracle
// (tests/cfn_effect.rs), all in this one node process.
//
// stdin: {"oracle": ".oracle dir", "cache": "cache dir", "files": [{"path", "kind": "cdk"|"cdktf"}]}
// stdout: {"<path>": {"template": …} | {"error": "…"}}
//
// Each file is transpiled with the pinned TypeScript (`transpileModule`: type
// checking is tests/oracle.rs's job), with every top-level class exported, and run
// as a module at the fixture's own path (so `__dirname` and relative requires work);
// its stacks are built with the fixture's folder as working folder (relative assets).
// Every exported class that extends aws-cdk-lib's `Stack` (cdk) or cdktf's
// `TerraformStack` (cdktf) is instantiated as `new C(app, '<ClassName>', {})` in a
// fresh app and synthesized: cdk `app.synth()` (analytics reporting off), cdktf
// `Testing.synth` (versions stubbed). Several stacks give one template with their
// sections merged (cdk: section/logical id; cdktf: block/type/name); when two stacks
// define the same entry differently, the result is keyed by class name instead.
// Results (errors included) are cached in `cache/<sha256>.json`, keyed by this
// harness's version, the oracle's stamp, the kind and the file's text.

'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const crypto = require('crypto');
const Module = require('module');

const VERSION = 'iac-fix-synth-1';
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const stamp = fs.readFileSync(path.join(input.oracle, 'stamp'), 'utf8');
fs.mkdirSync(input.cache, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'iac-fix-synth-'));
process.chdir(work);
// Without CDK_OUTDIR no app (ours or one a fixture makes) synthesizes on exit.
delete process.env.CDK_OUTDIR;

// Fixtures may print: only the results go to stdout.
const emit = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

let ts, cdk, cdktf;
const results = {};
for (const f of input.files) {
  const src = fs.readFileSync(f.path, 'utf8');
  const key = crypto
    .createHash('sha256')
    .update([VERSION, stamp, f.kind, src].join('\0'))
    .digest('hex');
  const cached = path.join(input.cache, key + '.json');
  if (fs.existsSync(cached)) {
    results[f.path] = JSON.parse(fs.readFileSync(cached, 'utf8'));
    continue;
  }
  let result;
  try {
    result = { template: synth(f, src) };
  } catch (e) {
    result = { error: String((e && e.message) || e).split('\n')[0] };
  }
  process.chdir(work);
  const tmp = cached + '.' + process.pid + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(result));
  fs.renameSync(tmp, cached);
  results[f.path] = result;
}
emit(JSON.stringify(results));
fs.rmSync(work, { recursive: true, force: true });

function synth(f, src) {
  ts = ts || require('typescript');
  const sf = ts.createSourceFile(f.path, src, ts.ScriptTarget.ES2022, true);
  const hidden = sf.statements
    .filter((s) => ts.isClassDeclaration(s) && s.name)
    .filter((s) => !(ts.getModifiers(s) || []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    .map((s) => s.name.text);
  const text = hidden.length ? `${src}\nexport { ${hidden.join(', ')} };\n` : src;
  const js = ts.transpileModule(text, {
    fileName: f.path,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
    },
  }).outputText;
  const m = new Module(f.path, null);
  m.filename = f.path;
  m.paths = Module._nodeModulePaths(path.dirname(f.path));
  m._compile(js, f.path); // in the scratch folder: a module's own `app.synth()` writes there
  // Relative asset paths (`Code.fromAsset('handlers/x')`) resolve from the fixture's folder.
  process.chdir(path.dirname(f.path));
  const classes = Object.entries(m.exports).filter(([, v]) => typeof v === 'function');
  const templates = {};
  if (f.kind === 'cdktf') {
    cdktf = cdktf || require('cdktf');
    const app = cdktf.Testing.app();
    for (const [name, C] of classes) {
      if (!(C.prototype instanceof cdktf.TerraformStack)) continue;
      const stack = new C(app, name, {});
      const out = JSON.parse(cdktf.Testing.synth(stack));
      delete out['//'];
      templates[name] = out;
    }
  } else {
    cdk = cdk || require('aws-cdk-lib');
    const app = new cdk.App({
      outdir: fs.mkdtempSync(path.join(work, 'out-')),
      analyticsReporting: false,
      autoSynth: false,
    });
    const names = [];
    for (const [name, C] of classes) {
      if (!(C.prototype instanceof cdk.Stack)) continue;
      new C(app, name, {});
      names.push(name);
    }
    if (names.length) {
      const assembly = app.synth();
      for (const name of names) templates[name] = assembly.getStackByName(name).template;
    }
  }
  const names = Object.keys(templates);
  if (!names.length) throw new Error('no Stack/TerraformStack class in the file');
  return merge(templates, f.kind === 'cdktf' ? 3 : 2);
}

// One template from several stacks (see the header), or the stacks keyed by name.
function merge(templates, depth) {
  const names = Object.keys(templates);
  if (names.length === 1) return templates[names[0]];
  let clash = false;
  const isObj = (v) => v && typeof v === 'object' && !Array.isArray(v);
  const into = (a, b, d) => {
    for (const k of Object.keys(b)) {
      if (!(k in a)) a[k] = b[k];
      else if (d > 1 && isObj(a[k]) && isObj(b[k])) into(a[k], b[k], d - 1);
      else if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) clash = true;
    }
  };
  const out = {};
  for (const n of names) into(out, JSON.parse(JSON.stringify(templates[n])), depth);
  return clash ? templates : out;
}
