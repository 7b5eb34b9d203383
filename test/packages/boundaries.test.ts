import { expect } from 'chai';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * What each package may import of the others (README "Architecture"). The
 * chaincode imports nothing of ours: it runs alone as Fabric's chaincode
 * service. `scripts/` and `test/` are no packages and may import anything.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  chaincode: [],
  network: ['chaincode'],
  shared: ['chaincode'],
  gateway: ['chaincode', 'network', 'shared'],
  // The CLI's `civic token` signs development tokens with the gateway's dev key.
  cli: ['chaincode', 'shared', 'gateway'],
  web: ['chaincode', 'shared'],
};

/** The only packages the chaincode may depend on: what Fabric's chaincode needs and its validators. */
const CHAINCODE_DEPENDENCIES = ['ajv', 'ajv-formats', 'fabric-contract-api', 'fabric-shim', 're2js'];

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
}

function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
    }
  };
  walk(path.join(root, dir));
  return out;
}

/** Every module a file names: imports, re-exports, `import()` and `require()`. */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);

/** What in `dir` breaks the boundaries: relative imports into a package it may not import, bare imports it does not declare. */
export function violationsOf(root: string, dir: string, mayImport: readonly string[], declared: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const packageRoot = path.join(root, dir);
  for (const file of sourceFiles(root, dir)) {
    const where = path.relative(root, file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        if (target === packageRoot || target.startsWith(packageRoot + path.sep)) continue;
        const top = path.relative(root, target).split(path.sep)[0];
        if (!mayImport.includes(top)) found.push(`${where} imports ${spec} (${top}/ is not among ${dir}'s imports)`);
        else if (!declared.has(`@civic-ledger/${top}`)) found.push(`${where} imports ${spec}, but ${dir}/package.json does not declare @civic-ledger/${top}`);
      } else if (spec.startsWith('node:') || BUILTINS.has(spec)) {
        continue;
      } else if (!declared.has(packageOf(spec))) {
        found.push(`${where} imports ${spec}, which ${dir}/package.json does not declare`);
      }
    }
  }
  return found;
}

describe('packages and what each may import', function () {
  const root = readPackage('.');

  it('has one workspace package per folder that ships code, each named @civic-ledger/<folder>', function () {
    expect(root.workspaces).to.have.members(Object.keys(MAY_IMPORT));
    for (const dir of Object.keys(MAY_IMPORT)) expect(readPackage(dir).name).to.equal(`@civic-ledger/${dir}`);
  });

  for (const [dir, mayImport] of Object.entries(MAY_IMPORT)) {
    it(`${dir}/ imports only ${mayImport.length ? mayImport.join(', ') : 'itself'} of ours, and only the packages its package.json declares`, function () {
      const pkg = readPackage(dir);
      const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
      expect(violationsOf(ROOT, dir, mayImport, declared)).to.deep.equal([]);
    });
  }

  it('gives the chaincode no dependency beyond what chaincode needs', function () {
    const pkg = readPackage('chaincode');
    expect(Object.keys(pkg.dependencies ?? {})).to.have.members(CHAINCODE_DEPENDENCIES);
    expect(pkg.devDependencies ?? {}).to.deep.equal({});
  });

  it('finds a violation when there is one (an import of the gateway from the chaincode, an undeclared package)', function () {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-boundaries-'));
    try {
      fs.mkdirSync(path.join(root, 'chaincode', 'src'), { recursive: true });
      fs.writeFileSync(path.join(root, 'chaincode', 'src', 'probe.ts'), "import '../../gateway/src/config';\nimport express from 'express';\nexport const x = express;\n");
      const found = violationsOf(root, 'chaincode', MAY_IMPORT.chaincode, new Set(CHAINCODE_DEPENDENCIES));
      expect(found).to.have.length(2);
      expect(found[0]).to.match(/gateway\/ is not among chaincode's imports/);
      expect(found[1]).to.match(/express, which chaincode\/package\.json does not declare/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
