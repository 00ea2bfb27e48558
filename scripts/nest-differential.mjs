// Helper for scripts/nest-differential.sh (see there for the whole picture). Subcommands:
//
//   deps FIXTURES_DIR VERSION    print the package.json to install: the union of every fixture's
//                                dependencies and devDependencies (workspace-internal packages
//                                left out), moved to Nest 12's line for VERSION 12 (VERSION: 11,
//                                12, or an exact core version such as 11.1.6)
//   prepare COPY CACHE_NM        in a temp copy of a fixture: create node_modules (a link to each
//                                package of the cache, plus one per workspace member) and print
//                                the tsconfig.json files to compile, dependencies first
//   boot COPY OUT                require the compiled root module and boot it with the real Nest
//                                in preview mode; write {"verdict","message","error"} to OUT
//   compare NEST_JSON SW_JSON    compare Nest's verdict with a seaworthy JSON report; print
//                                "agree|DISAGREE<TAB>seaworthy's verdict"
//   same RECORDED NEST_JSON      compare a nest-verdict.txt with a fresh verdict; print
//                                "same", "same-normalised" or "DIFFERENT"
//
// Only the boot subcommand executes fixture code, and only the compiled module the fixture's
// .nest-root names (default dist/app.module.js, export AppModule).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [command, ...args] = process.argv.slice(2);

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Workspaces

/** The workspace members of a fixture: [{ dir, name, pkg }] (empty for a single package). */
function workspaceMembers(root) {
  const pkg = readJson(path.join(root, 'package.json'));
  const patterns = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages ?? [];
  const members = [];
  for (const pattern of patterns) {
    // Fixtures use "dir/*" or an exact folder; nothing fancier is needed.
    const dirs = pattern.endsWith('/*')
      ? fs
          .readdirSync(path.join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter(e => e.isDirectory())
          .map(e => path.join(root, pattern.slice(0, -2), e.name))
      : [path.join(root, pattern)];
    for (const dir of dirs.sort()) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const memberPkg = readJson(file);
        members.push({ dir, name: memberPkg.name, pkg: memberPkg });
      }
    }
  }
  return members;
}

function declared(pkg) {
  return { ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.dependencies };
}

// ---------------------------------------------------------------------------------------------
// deps

// For Nest 12, every @nestjs/* package moves to its 12.x line; other packages whose range does not
// allow Nest 12 as a peer are listed here.
const NEST12_RANGES = { 'nestjs-pino': '^5.2.1' };

function deps(fixturesDir, major) {
  const union = {};
  const from = {};
  for (const entry of fs.readdirSync(fixturesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const root = path.join(fixturesDir, entry.name);
    if (!fs.existsSync(path.join(root, 'package.json'))) continue;
    const members = workspaceMembers(root);
    const internal = new Set(members.map(m => m.name));
    for (const pkg of [readJson(path.join(root, 'package.json')), ...members.map(m => m.pkg)]) {
      for (const [name, range] of Object.entries(declared(pkg))) {
        if (internal.has(name)) continue;
        if (union[name] !== undefined && union[name] !== range) {
          throw new Error(
            `${name}: fixture ${entry.name} declares ${range} but ${from[name]} declares ${union[name]}; ` +
              'give every fixture the same range',
          );
        }
        union[name] = range;
        from[name] = entry.name;
      }
    }
  }
  // MAJOR is 11, 12, or an exact core version such as 11.1.6 (pins @nestjs/core, common and
  // platform-express; the other @nestjs/* packages stay on that major's line).
  const exact = /^\d+\.\d+\.\d+$/.test(major) ? major : undefined;
  const line = exact ? exact.split('.')[0] : major;
  if (line === '12') {
    for (const name of Object.keys(union)) {
      if (name.startsWith('@nestjs/')) union[name] = '^12.0.0';
      else if (NEST12_RANGES[name]) union[name] = NEST12_RANGES[name];
    }
  } else if (line !== '11') {
    throw new Error(`unsupported Nest version ${major} (11, 12 or an exact 11.x.y/12.x.y)`);
  }
  if (exact) {
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express']) union[name] = exact;
  }
  for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'typescript']) {
    if (!union[name]) throw new Error(`no fixture declares ${name}`);
  }
  const sorted = Object.fromEntries(Object.keys(union).sort().map(k => [k, union[k]]));
  const out = { name: `seaworthy-nest-differential-${major}`, private: true, dependencies: sorted };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------
// prepare

function link(target, at) {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.rmSync(at, { recursive: true, force: true });
  fs.symlinkSync(target, at, 'dir');
}

function prepare(copy, cacheNm) {
  const nm = path.join(copy, 'node_modules');
  fs.rmSync(nm, { recursive: true, force: true });
  fs.mkdirSync(nm);
  for (const entry of fs.readdirSync(cacheNm)) {
    if (entry.startsWith('@')) {
      for (const inner of fs.readdirSync(path.join(cacheNm, entry))) {
        link(path.join(cacheNm, entry, inner), path.join(nm, entry, inner));
      }
    } else if (entry !== '.package-lock.json') {
      link(path.join(cacheNm, entry), path.join(nm, entry));
    }
  }
  const members = workspaceMembers(copy);
  for (const m of members) link(m.dir, path.join(nm, ...m.name.split('/')));

  // Build order: a member after the workspace members it depends on.
  const byName = new Map(members.map(m => [m.name, m]));
  const order = [];
  const state = new Map();
  const visit = m => {
    if (state.get(m.name) === 'done') return;
    if (state.get(m.name) === 'active') throw new Error(`workspace dependency cycle at ${m.name}`);
    state.set(m.name, 'active');
    for (const dep of Object.keys(declared(m.pkg))) if (byName.has(dep)) visit(byName.get(dep));
    state.set(m.name, 'done');
    order.push(m);
  };
  members.forEach(visit);
  const configs = order.map(m => path.join(m.dir, 'tsconfig.json')).filter(f => fs.existsSync(f));
  const rootConfig = path.join(copy, 'tsconfig.json');
  if (fs.existsSync(rootConfig)) configs.push(rootConfig);
  if (configs.length === 0) throw new Error('no tsconfig.json to compile');
  process.stdout.write(configs.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// boot

/** `.nest-root`: one line, "<compiled module path> [<export name>]". */
function rootModule(copy) {
  const file = path.join(copy, '.nest-root');
  if (!fs.existsSync(file)) return { file: 'dist/app.module.js', exportName: 'AppModule' };
  const [modulePath, exportName = 'AppModule'] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
  return { file: modulePath, exportName };
}

function firstLine(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

async function boot(copy, out) {
  const write = result => fs.writeFileSync(out, JSON.stringify(result) + '\n');
  const { file, exportName } = rootModule(copy);
  const modulePath = path.join(copy, file);
  if (!fs.existsSync(modulePath)) {
    write({ verdict: 'error', message: `${file} was not compiled` });
    return;
  }
  // Nest is resolved from the compiled module, so the app and this script share one @nestjs/core.
  const appRequire = createRequire(modulePath);
  let AppModule;
  try {
    AppModule = appRequire(modulePath)[exportName];
  } catch (error) {
    // A module that throws while loading crashes the real app before Nest starts, too.
    write({ verdict: 'fails', message: firstLine(error), error: error?.constructor?.name });
    return;
  }
  if (typeof AppModule !== 'function') {
    write({ verdict: 'error', message: `${file} has no export ${exportName}` });
    return;
  }
  const { NestFactory } = appRequire('@nestjs/core');
  try {
    await NestFactory.create(AppModule, { preview: true, abortOnError: false, logger: false });
    write({ verdict: 'boots' });
  } catch (error) {
    write({ verdict: 'fails', message: firstLine(error), error: error?.constructor?.name });
  }
}

// ---------------------------------------------------------------------------------------------
// compare

const CANT_RESOLVE =
  /^Nest can't resolve dependencies of the (.+?) \((.*)\)\. Please make sure that the argument(?: (.+?))? at index \[(\d+)\] is available in the (.+?) (?:context|module)\./;
const CANNOT_EXPORT =
  /^Nest cannot export a provider\/module that is not a part of the currently processed module \((.+?)\)\. Please verify whether the exported (.+?) is available in this particular context\./;
const CANNOT_CREATE = /^Nest cannot create the (.+?) instance\./;

/** `"X"` (Nest 11+) and `X` (older wording, seaworthy) name the same string token. */
const unquote = s => (s !== undefined && /^".*"$/.test(s) ? s.slice(1, -1) : s);

function parse(message) {
  let m = CANT_RESOLVE.exec(message);
  if (m) {
    return {
      kind: 'resolve',
      type: m[1],
      deps: m[2].split(', ').map(unquote).join(', '),
      token: unquote(m[3]),
      index: m[4],
      module: m[5],
    };
  }
  m = CANNOT_EXPORT.exec(message);
  if (m) return { kind: 'export', module: m[1], token: unquote(m[2]) };
  m = CANNOT_CREATE.exec(message);
  if (m) return { kind: 'create', module: m[1] };
  return { kind: 'other', text: message };
}

/** Nest 12.5 prints no token and "current" for the `import type` case: those compare as unknown. */
function sameTuple(nest, sw) {
  if (nest.kind !== sw.kind) return false;
  if (nest.kind === 'resolve') {
    return (
      nest.type === sw.type &&
      nest.deps === sw.deps &&
      nest.index === sw.index &&
      (nest.token === undefined || nest.token === sw.token) &&
      (nest.module === 'current' || nest.module === sw.module)
    );
  }
  if (nest.kind === 'export') return nest.module === sw.module && nest.token === sw.token;
  return nest.text === sw.text;
}

function compare(nestFile, swFile) {
  const nest = readJson(nestFile);
  const report = readJson(swFile);
  const errors = (report.findings ?? []).filter(
    f => f.rule?.startsWith('nest/') && f.severity === 'error' && !f.suppressed,
  );
  const swVerdict =
    errors.length === 0
      ? 'boots'
      : `fails (${errors.length} error${errors.length > 1 ? 's' : ''}: ` +
        errors.map(f => `${f.rule}: ${f.message.split('\n')[0]}`).join(' | ') +
        ')';
  let agree;
  if (nest.verdict === 'boots') {
    agree = errors.length === 0;
  } else if (errors.length !== 1) {
    agree = false;
  } else {
    const expected = parse(nest.message);
    const finding = errors[0];
    if (expected.kind === 'create') {
      const names = new Set(finding.message.match(/[A-Za-z_$][\w$]*/g) ?? []);
      agree = finding.rule === 'nest/circular-import' && names.has(expected.module);
    } else {
      agree = sameTuple(expected, parse(finding.message.split('\n')[0]));
    }
  }
  process.stdout.write(`${agree ? 'agree' : 'DISAGREE'}\t${swVerdict}\n`);
}

// ---------------------------------------------------------------------------------------------
// same

function same(recordedFile, nestFile) {
  const nest = readJson(nestFile);
  const lines = fs.readFileSync(recordedFile, 'utf8').split('\n');
  const [verdict, message = ''] = [lines[1]?.trim(), lines[2]?.trim()];
  if (verdict !== nest.verdict) {
    process.stdout.write('DIFFERENT\n');
  } else if (verdict === 'boots' || message === nest.message) {
    process.stdout.write('same\n');
  } else {
    const recorded = parse(message);
    const fresh = parse(nest.message);
    const normalisedSame =
      recorded.kind === 'create' || recorded.kind === 'other'
        ? recorded.kind === fresh.kind && recorded.module === fresh.module && recorded.text === fresh.text
        : sameTuple(fresh, recorded) || sameTuple(recorded, fresh);
    process.stdout.write(normalisedSame ? 'same-normalised\n' : 'DIFFERENT\n');
  }
}

// ---------------------------------------------------------------------------------------------

const commands = {
  deps: () => deps(args[0], args[1]),
  prepare: () => prepare(args[0], args[1]),
  boot: () => boot(args[0], args[1]),
  compare: () => compare(args[0], args[1]),
  same: () => same(args[0], args[1]),
};
if (!commands[command]) {
  process.stderr.write(`usage: nest-differential.mjs deps|prepare|boot|compare|same ...\n`);
  process.exit(2);
}
try {
  await commands[command]();
  // Nest may leave handles open (the HTTP adapter); the verdict is written, so stop here.
  process.exit(0);
} catch (error) {
  process.stderr.write(`nest-differential.mjs ${command}: ${error?.stack ?? error}\n`);
  process.exit(2);
}
