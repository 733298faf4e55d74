// Extracts every deprecated API of a jsii assembly (aws-cdk-lib) into the compact table
// data/cdk-deprecations.json that cdk-deprecated-api embeds. Run by
// scripts/refresh-cdk-deprecations.sh; see there. The source is the assembly's own jsii
// manifest (`.jsii` / `.jsii.gz`): it is generated from the same TSDoc `@deprecated`
// comments as the `.d.ts` files, but names every type by its fully qualified name and lists
// each interface's and class's bases, so inherited props (FunctionProps extends
// FunctionOptions) resolve without a type checker.
//   node refresh-cdk-deprecations.js PACKAGE_DIR OUT.json
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [dir, out] = process.argv.slice(2);
let manifest = JSON.parse(fs.readFileSync(path.join(dir, '.jsii')));
if (manifest.schema === 'jsii/file-redirect') {
  const raw = fs.readFileSync(path.join(dir, manifest.filename));
  manifest = JSON.parse(manifest.compression === 'gzip' ? zlib.gunzipSync(raw) : raw);
}
const assembly = manifest.name;
const types = manifest.types;
const submodules = new Set(Object.keys(manifest.submodules || {}));

// `aws-cdk-lib.aws_lambda.Function` → [`aws-cdk-lib/aws-lambda`, `Function`];
// nested types keep their parent (`aws-cdk-lib/aws-x`, `Outer.Inner`).
function split(fqn) {
  const t = types[fqn];
  const ns = t && t.namespace ? t.namespace.split('.') : [];
  let module = assembly;
  let rest = ns;
  if (ns.length && submodules.has(`${assembly}.${ns[0]}`)) {
    module = `${assembly}/${ns[0].replace(/_/g, '-')}`;
    rest = ns.slice(1);
  }
  return [module, [...rest, t ? t.name : fqn.split('.').pop()].join('.')];
}

const texts = [];
const textIndex = new Map();
function text(docs) {
  // The deprecation sentence, on one line.
  const s = String(docs.deprecated).replace(/\s+/g, ' ').trim();
  if (!textIndex.has(s)) {
    textIndex.set(s, texts.length);
    texts.push(s);
  }
  return textIndex.get(s);
}
const deprecated = (x) => x && x.docs && x.docs.deprecated !== undefined;

// All properties of an interface, its bases' included (first declaration wins).
function interfaceProps(fqn, seen = new Set()) {
  const t = types[fqn];
  if (!t || seen.has(fqn)) return [];
  seen.add(fqn);
  let props = [...(t.properties || [])];
  for (const base of t.interfaces || []) props = props.concat(interfaceProps(base, seen));
  return props;
}
// Instance members a class declares itself (inherited ones are found through `bases`).
function classMembers(fqn) {
  const t = types[fqn];
  return [...(t.methods || []), ...(t.properties || [])].filter((m) => !m.static);
}
const bases = {};

// A deprecated method whose compiled body only forwards its own arguments to another member
// of the same object (`addDependency(target){…print(…)…return this.addResourceDependency(target)}`,
// `metricRequestCount(props){… return this.metrics.requestCount(props)}`) is an alias: calling
// the member it forwards to does the same. Found in the shipped JavaScript, not guessed from
// the deprecation text.
const jsCache = new Map();
function delegate(location, name) {
  if (!location || !location.filename) return undefined;
  const file = path.join(dir, location.filename.replace(/\.ts$/, '.js'));
  if (!jsCache.has(file)) jsCache.set(file, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  const js = jsCache.get(file);
  const re = new RegExp(
    `[;,}\\s]${name}\\(([\\w,]*)\\)\\{try\\{jsiiDeprecationWarnings\\(\\)\\.print\\([^}]*\\}catch\\(error\\)\\{[^}]*\\}(?:return )?this\\.([\\w.]+)\\(([\\w,]*)\\)\\}`,
  );
  const m = re.exec(js);
  return m && m[1] === m[3] && m[2] !== name ? m[2] : undefined;
}

const entries = [];
const push = (module, symbol, member, kind, docs, alias) =>
  entries.push(alias ? [module, symbol, member, kind, text(docs), alias] : [module, symbol, member, kind, text(docs)]);

for (const fqn of Object.keys(types).sort()) {
  if (!fqn.startsWith(`${assembly}.`)) continue;
  const t = types[fqn];
  const [module, symbol] = split(fqn);
  if (deprecated(t)) push(module, symbol, '', t.kind, t.docs);
  if (t.kind === 'enum') {
    for (const m of t.members || []) if (deprecated(m)) push(module, symbol, m.name, 'enum-member', m.docs);
  } else if (t.kind === 'interface') {
    // Struct props are listed where they are declared; constructors below list them per class.
    for (const p of t.properties || []) if (deprecated(p)) push(module, symbol, p.name, 'struct-prop', p.docs);
  } else if (t.kind === 'class') {
    if (t.base && types[t.base]) bases[`${module}.${symbol}`] = split(t.base).join('.');
    for (const m of [...(t.methods || []), ...(t.properties || [])]) {
      if (m.static && deprecated(m)) push(module, symbol, m.name, m.parameters !== undefined || !m.type ? 'static-method' : 'static', m.docs);
    }
    const seen = new Set();
    for (const m of classMembers(fqn)) {
      if (seen.has(m.name)) continue;
      seen.add(m.name);
      if (!deprecated(m)) continue;
      const method = !(m.type && !m.parameters && !m.returns);
      push(module, symbol, m.name, method ? 'method' : 'property', m.docs, method ? delegate(m.locationInModule, m.name) : undefined);
    }
    // Constructor props: the last parameter's struct, with its bases.
    const params = (t.initializer && t.initializer.parameters) || [];
    const last = params[params.length - 1];
    if (last && last.type && last.type.fqn && types[last.type.fqn] && types[last.type.fqn].kind === 'interface') {
      const seenProps = new Set();
      for (const p of interfaceProps(last.type.fqn)) {
        if (seenProps.has(p.name)) continue;
        seenProps.add(p.name);
        if (deprecated(p)) push(module, symbol, p.name, 'prop', p.docs);
      }
    }
    if (t.initializer && deprecated(t.initializer)) push(module, symbol, 'constructor', 'constructor', t.initializer.docs);
  }
}

const data = {
  package: assembly,
  version: manifest.version,
  source: `${assembly} ${manifest.version}, jsii manifest (the @deprecated TSDoc of its .d.ts files)`,
  // [module, symbol, member ('' for the symbol itself), kind, index into texts, alias?]
  // alias: for a method that only forwards its arguments, the member it forwards to
  entries,
  texts,
  // class → its base class, for members a construct inherits (CfnResource.addDependsOn)
  bases,
};
// One entry, text and base per line, so that a refresh reads as a diff.
const lines = (xs) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
const pairs = Object.entries(bases).sort();
fs.writeFileSync(
  out,
  `{\n  "package": ${JSON.stringify(data.package)},\n  "version": ${JSON.stringify(data.version)},\n` +
    `  "source": ${JSON.stringify(data.source)},\n` +
    `  "entries": [\n${lines(entries)}\n  ],\n  "texts": [\n${lines(texts)}\n  ],\n` +
    `  "bases": {\n${pairs.map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n  }\n}\n`,
);
console.error(`${entries.length} deprecated entries, ${texts.length} texts`);
