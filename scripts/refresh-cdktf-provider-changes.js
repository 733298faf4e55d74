#!/usr/bin/env node
// Compares the exported construct classes and their config attributes of several
// @cdktf/provider-aws releases (one `lib/<module>/index.d.ts` per Terraform resource or data
// source, the layout of provider majors 10 and later) with the pinned release, and writes the
// differences cdktf-provider-upgrade reads (data/cdktf-provider-changes.json).
//   node scripts/refresh-cdktf-provider-changes.js PINNED_DIR OUT OLD_DIR...
// Each DIR is an unpacked package (its package.json and lib/). Output:
//   pinned: {version, terraform}          the pinned package and its Terraform provider
//   compared: [{version, terraform}]      the older packages read
//   modules: {module: [class...]}         pinned: every module's construct classes
//   aliases: {module: {name: class}}      pinned: `name` is `class` without the `A` suffix jsii
//                                         adds on a name clash, and the module exports no `name`
//   removedModules: {module: {last, classes, replacement?}}
//                                         modules gone from the pinned package: the last
//                                         compared version holding it; `replacement` is the
//                                         pinned module the name points to (`x-v2` -> `x`)
//   removedClasses: {module: {class: {last, replacement?}}}
//   removedAttributes: {module: {attribute: last}}   config attributes of the module's
//                                         resource class gone from the pinned config
'use strict';
const fs = require('fs');
const path = require('path');

const [pinnedDir, out, ...oldDirs] = process.argv.slice(2);
if (!pinnedDir || !out) {
  console.error('usage: refresh-cdktf-provider-changes.js PINNED_DIR OUT OLD_DIR...');
  process.exit(2);
}

/** One package: version, Terraform provider version, and per module its construct classes,
 *  every exported name, and the attributes of each class's `<Class>Config` interface. */
function read(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const lib = path.join(dir, 'lib');
  const modules = {};
  for (const m of fs.readdirSync(lib)) {
    const f = path.join(lib, m, 'index.d.ts');
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    const classes = [];
    const names = new Set();
    const configs = {};
    for (const x of text.matchAll(/^export declare class (\w+) extends cdktf\.(TerraformResource|TerraformDataSource|TerraformProvider)\b/gm)) {
      classes.push(x[1]);
    }
    for (const x of text.matchAll(/^export (?:declare )?(?:class|interface|function|const|enum) (\w+)/gm)) {
      names.add(x[1]);
    }
    for (const x of text.matchAll(/^export interface (\w+)Config extends cdktf\.TerraformMetaArguments \{\n([\s\S]*?)^\}/gm)) {
      configs[x[1]] = [...x[2].matchAll(/^ {4}readonly (\w+)\??:/gm)].map((a) => a[1]);
    }
    modules[m] = { classes, names, configs };
  }
  return {
    version: pkg.version,
    terraform: (pkg.cdktf && pkg.cdktf.provider && pkg.cdktf.provider.version) || '',
    modules,
  };
}

const pinned = read(pinnedDir);
const olds = oldDirs.map(read).sort((a, b) => cmp(a.version, b.version));
function cmp(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

const data = {
  pinned: { version: pinned.version, terraform: pinned.terraform },
  compared: olds.map((o) => ({ version: o.version, terraform: o.terraform })),
  modules: {},
  aliases: {},
  removedModules: {},
  removedClasses: {},
  removedAttributes: {},
};
for (const [m, v] of Object.entries(pinned.modules)) {
  if (!v.classes.length) continue;
  data.modules[m] = v.classes;
  for (const c of v.classes) {
    const bare = c.replace(/A$/, '');
    if (bare !== c && !v.names.has(bare)) (data.aliases[m] ||= {})[bare] = c;
  }
}
// Newest first: the last version that still had a module, class or attribute wins.
for (const o of [...olds].reverse()) {
  for (const [m, v] of Object.entries(o.modules)) {
    if (!v.classes.length) continue;
    const now = pinned.modules[m];
    if (!now) {
      if (data.removedModules[m]) continue;
      const entry = { last: o.version, classes: v.classes };
      // `s3-bucket-versioning-v2` -> `s3-bucket-versioning`: the name says what replaced it.
      const base = m.replace(/-v\d+$/, '');
      if (base !== m && pinned.modules[base]) entry.replacement = base;
      data.removedModules[m] = entry;
      continue;
    }
    for (const c of v.classes) {
      if (now.classes.includes(c) || (data.removedClasses[m] || {})[c]) continue;
      const entry = { last: o.version };
      if (now.classes.length === 1) entry.replacement = now.classes[0];
      (data.removedClasses[m] ||= {})[c] = entry;
    }
    for (const [cls, attrs] of Object.entries(v.configs)) {
      const nowAttrs = now.configs[cls];
      if (!nowAttrs) continue;
      for (const a of attrs) {
        if (nowAttrs.includes(a) || (data.removedAttributes[m] || {})[a]) continue;
        (data.removedAttributes[m] ||= {})[a] = o.version;
      }
    }
  }
}
fs.writeFileSync(out, JSON.stringify(data) + '\n');
const count = (o) => Object.values(o).reduce((n, v) => n + Object.keys(v).length, 0);
console.error(
  `pinned ${pinned.version} (terraform aws ${pinned.terraform}); compared ${olds.map((o) => o.version).join(', ')}; ` +
    `${Object.keys(data.modules).length} modules, ${count(data.aliases)} aliases, ` +
    `${Object.keys(data.removedModules).length} removed modules, ${count(data.removedClasses)} removed classes, ` +
    `${count(data.removedAttributes)} removed attributes`,
);
