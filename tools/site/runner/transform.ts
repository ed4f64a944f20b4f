/**
 * A notebook cell's TypeScript as JavaScript that the site's notebook runner (`worker.ts`) runs the way Jupyter's
 * Deno kernel runs a cell:
 *
 * - types are stripped by sucrase (npm, MIT), which keeps every line where it was, so an error's line is the
 *   cell's line;
 * - the cell's top-level `const`, `let`, `var`, `function`, `class` and `import` bindings live on one shared scope
 *   object that later cells see and that a cell run again may declare anew: every reference to them, in this cell
 *   or a later one, reads `__cellScope.name` (acorn parses the code; a small scope analysis leaves local names
 *   alone);
 * - `import … from "…"` becomes a look-up in the modules the runner bundles (`__cellRuntime.import`), and so does
 *   `import("…")`;
 * - the cell is an async function, so top-level `await` works, and its last expression statement is returned:
 *   the cell's result, displayed like Jupyter's `execute_result`.
 *
 * Pure: no DOM, no worker (tested in tests/runner_test.ts).
 *
 * @module
 */

import { transform } from "sucrase";
import type * as ES from "acorn";
import { parse } from "acorn";

/** The name the shared scope object has inside a transformed cell. */
export const SCOPE = "__cellScope";
/** The name of the runtime object (module look-ups, declarations) inside a transformed cell. */
export const RUNTIME = "__cellRuntime";

/** A cell ready to run: `code` evaluates to `async (scope, runtime) => result`. */
export interface CellProgram {
  /** JavaScript: an async arrow function taking the scope object and the runtime, returning the cell's result. */
  code: string;
  /** The names the cell declares at its top level, in order of first appearance. */
  declared: string[];
  /** The module specifiers the cell imports, as written. */
  imports: string[];
}

/** Options for {@linkcode transformCell}. */
export interface TransformOptions {
  /** Names already on the shared scope (declared by cells run before). */
  known?: Iterable<string>;
  /**
   * Whether a name is a global of the place the cell runs in (`console`, `Math`, `Deno`): a free name that is
   * neither declared by a cell nor a global is read from the shared scope, so a function may use a name that a
   * later cell declares. Default: nothing is a global.
   */
  isGlobal?: (name: string) => boolean;
  /** The name stack traces give the cell (`//# sourceURL=`), e.g. `cell-4.ts`. */
  sourceURL?: string;
}

/** A cell that does not parse: the message and where, as the cell's 1-based line and column. */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

/**
 * A cell's TypeScript without its types, line for line (sucrase's `typescript` transform; unused imports are
 * kept, since a later cell may use them).
 *
 * @throws {CellSyntaxError} if the cell is not TypeScript
 */
export function stripTypes(source: string): string {
  try {
    return transform(source, { transforms: ["typescript"], keepUnusedImports: true, disableESTransforms: true }).code;
  } catch (e) {
    throw syntaxError(e, source);
  }
}

/**
 * A cell's TypeScript as a {@linkcode CellProgram}.
 *
 * @throws {CellSyntaxError} if the cell does not parse, or exports something (a cell is not a module)
 */
export function transformCell(source: string, options: TransformOptions = {}): CellProgram {
  const js = stripTypes(source);
  let program: ES.Program;
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", locations: true });
  } catch (e) {
    throw syntaxError(e, source);
  }
  const rewriter = new Rewriter(js, new Set(options.known ?? []), options.isGlobal ?? (() => false));
  const { prefix, declared, imports } = rewriter.program(program);
  const url = options.sourceURL ? `\n//# sourceURL=${options.sourceURL}` : "";
  const code = `(async (${SCOPE}, ${RUNTIME}) => {"use strict";${prefix}${rewriter.render(0, js.length)}\n})${url}`;
  return { code, declared, imports };
}

/**
 * A module specifier as the runner's module table names it: `npm:` and the version go
 * (`npm:@observablehq/plot@0.6.17` → `@observablehq/plot`); `@course/lib/…` paths stay.
 */
export function moduleKey(specifier: string): string {
  if (!specifier.startsWith("npm:")) return specifier;
  const rest = specifier.slice(4).replace(/^\//, "");
  const m = /^(@[^/@]+\/[^/@]+|[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(rest);
  return m ? m[1] + (m[2] ?? "") : rest;
}

/**
 * The cell's line where an error was thrown, read from its stack (the first frame in `sourceURL`), or undefined
 * when no frame is in the cell. A {@linkcode CellSyntaxError} carries its line.
 */
export function errorLine(error: unknown, sourceURL: string): number | undefined {
  if (error instanceof CellSyntaxError) return error.line;
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const escaped = sourceURL.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${escaped}(?:, <anonymous>)?:(\\d+):(\\d+)`).exec(stack); // Deno adds ", <anonymous>"
  return m ? Number(m[1]) : undefined;
}

function syntaxError(e: unknown, source: string): CellSyntaxError {
  const message = e instanceof Error ? e.message : String(e);
  const at = /\((\d+):(\d+)\)\s*$/.exec(message);
  const line = at ? Number(at[1]) : 1, column = at ? Number(at[2]) : 0;
  const text = message.replace(/\s*\(\d+:\d+\)\s*$/, "").replace(/^Error transforming [^:]*: /, "");
  const shown = source.split("\n")[line - 1]?.trim();
  return new CellSyntaxError(shown ? `${text} (line ${line}: ${shown})` : text, line, column);
}

type Node = ES.AnyNode;
type Fn = ES.Function & Node;
type ClassNode = ES.Class & Node;

/** A scope of the cell: its top level (shared names), a function's, or a block's. */
interface Scope {
  kind: "top" | "function" | "block";
  names: Set<string>;
  parent?: Scope;
}

/** Where a variable declaration stands: as a statement, in a `for (…;` head, or left of `of`/`in`. */
type DeclarationPlace = "statement" | "for-init" | "for-left";

/** Walks a parsed cell, collecting edits to its text; `render` applies them. */
class Rewriter {
  private edits: { start: number; end: number; text: string }[] = [];
  private shorthand = new WeakSet<Node>();
  private declared: string[] = [];
  private imports: string[] = [];

  constructor(
    private readonly js: string,
    private readonly known: ReadonlySet<string>,
    private readonly isGlobal: (name: string) => boolean,
  ) {}

  /** The cell's text from `start` to `end`, with the edits inside that range applied. */
  render(start: number, end: number): string {
    const inside = this.edits.filter((e) => e.start >= start && e.end <= end).sort((a, b) => a.start - b.start);
    let text = "", at = start;
    for (const e of inside) {
      text += this.js.slice(at, e.start) + e.text;
      at = e.end;
    }
    return text + this.js.slice(at, end);
  }

  /** Replaces `start`–`end` (and every edit inside it) with `text`. */
  private replace(start: number, end: number, text: string) {
    this.edits = this.edits.filter((e) => e.start < start || e.end > end);
    this.edits.push({ start, end, text });
  }

  program(program: ES.Program): { prefix: string; declared: string[]; imports: string[] } {
    const top: Scope = { kind: "top", names: new Set() };
    hoistVars(program, top.names);
    lexicalNames(program.body, top.names);
    this.declared = [...top.names];
    let prefix = "";
    for (const statement of program.body) {
      const inner = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
      if (inner?.type === "FunctionDeclaration") prefix += `${SCOPE}.${inner.id.name} = ${inner.id.name};`;
      this.statement(statement, top);
    }
    const last = program.body.at(-1);
    if (last?.type === "ExpressionStatement") {
      this.replace(last.start, last.end, `return (${this.render(last.expression.start, last.expression.end)});`);
    }
    return { prefix, declared: this.declared, imports: this.imports };
  }

  private statement(node: ES.Statement | ES.ModuleDeclaration, scope: Scope) {
    switch (node.type) {
      case "ImportDeclaration":
        return this.importDeclaration(node);
      case "ExportNamedDeclaration":
        if (node.declaration) {
          this.statement(node.declaration, scope);
          this.replace(node.start, node.end, this.render(node.declaration.start, node.declaration.end));
          return;
        }
        throw this.error(node, "A notebook cell cannot export: declare the name instead, later cells see it");
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        throw this.error(node, "A notebook cell cannot export: declare the name instead, later cells see it");
      case "ClassDeclaration":
        this.classNode(node, scope);
        if (scope.kind === "top") {
          this.replace(node.start, node.end, `;${SCOPE}.${node.id.name} = ${this.render(node.start, node.end)};`);
        }
        return;
      case "VariableDeclaration":
        return this.declaration(node, scope, "statement");
      default:
        return this.visit(node, scope);
    }
  }

  private importDeclaration(node: ES.ImportDeclaration) {
    const from = String(node.source.value);
    this.imports.push(from);
    const load = `await ${RUNTIME}.import(${JSON.stringify(from)})`;
    const named: string[] = [];
    const parts: string[] = [];
    for (const s of node.specifiers) {
      if (s.type === "ImportNamespaceSpecifier") parts.push(`${SCOPE}.${s.local.name} = ${load};`);
      else {
        const imported = s.type === "ImportDefaultSpecifier"
          ? "default"
          : s.imported.type === "Identifier"
          ? s.imported.name
          : String(s.imported.value);
        named.push(`${JSON.stringify(imported)}: ${SCOPE}.${s.local.name}`);
      }
    }
    if (named.length > 0) parts.push(`({${named.join(", ")}} = ${load});`);
    if (node.specifiers.length === 0) parts.push(`${load};`);
    const lines = this.js.slice(node.start, node.end).split("\n").length - 1;
    this.replace(node.start, node.end, ";" + parts.join(" ") + "\n".repeat(lines));
  }

  /** A variable declaration: local ones stay; shared ones (the cell's top level) become assignments to the scope. */
  private declaration(node: ES.VariableDeclaration, scope: Scope, place: DeclarationPlace) {
    for (const d of node.declarations) {
      this.visit(d.id, scope);
      if (d.init) this.visit(d.init, scope);
    }
    const shared = node.kind === "var" ? functionScope(scope).kind === "top" : scope.kind === "top";
    if (!shared) return;
    if (node.kind === "using" || node.kind === "await using") {
      throw this.error(node, `A notebook cell cannot hold \`${node.kind}\` at its top level: put it in a block`);
    }
    const ds = node.declarations;
    const keyword = node.start + node.kind.length;
    let text = place === "statement" ? ";" : "";
    text += this.render(keyword, ds[0].start).replace(/^\s+/, (s) => s.replace(/[^\n]/g, ""));
    ds.forEach((d, k) => {
      const target = this.render(d.start, d.end);
      const value = d.init ? "" : node.kind === "var" ? "" : " = undefined";
      if (place === "for-left") text += target;
      else if (!d.init && node.kind === "var") {
        text += `(${RUNTIME}.declare(${JSON.stringify(d.id.type === "Identifier" ? d.id.name : "")}))`;
      } else text += `(${target}${value})`;
      if (k + 1 < ds.length) text += this.render(d.end, ds[k + 1].start);
    });
    if (place === "statement") text += ";";
    this.replace(node.start, place === "statement" ? node.end : ds.at(-1)!.end, text);
  }

  private visit(node: Node | null | undefined, scope: Scope): void {
    if (!node) return;
    switch (node.type) {
      case "Identifier":
        return this.identifier(node, scope);
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        return this.functionNode(node, scope);
      case "ClassDeclaration":
      case "ClassExpression":
        return this.classNode(node, scope);
      case "BlockStatement":
        return this.block(node.body, scope);
      case "StaticBlock":
        return this.block(node.body, scope, "function");
      case "SwitchStatement":
        this.visit(node.discriminant, scope);
        return this.block(node.cases, scope);
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
        return this.forNode(node, scope);
      case "CatchClause": {
        const inner: Scope = { kind: "block", names: new Set(), parent: scope };
        if (node.param) patternNames(node.param, inner.names);
        this.visit(node.param, inner);
        return this.visit(node.body, inner);
      }
      case "VariableDeclaration":
        return this.declaration(node, scope, "statement");
      case "MemberExpression":
        this.visit(node.object, scope);
        if (node.computed) this.visit(node.property, scope);
        return;
      case "Property":
      case "PropertyDefinition":
      case "MethodDefinition":
        return this.property(node, scope);
      case "LabeledStatement":
        return this.visit(node.body, scope);
      case "BreakStatement":
      case "ContinueStatement":
      case "MetaProperty":
        return;
      case "UnaryExpression":
        if (node.operator === "typeof" && node.argument.type === "Identifier") {
          if (this.resolve(node.argument.name, scope) === "unknown") return;
        }
        return this.visit(node.argument, scope);
      case "ImportExpression":
        this.replace(node.start, node.start + "import".length, `${RUNTIME}.import`);
        this.visit(node.source, scope);
        return this.visit(node.options, scope);
      case "ImportDeclaration":
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        return this.statement(node, scope);
      default:
        return this.children(node, scope);
    }
  }

  /** Every child node, in source order (keys of an ESTree node come in source order). */
  private children(node: Node, scope: Scope) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "type" || key === "loc" || key === "start" || key === "end") continue;
      if (Array.isArray(value)) { for (const v of value) this.visitValue(v, scope); }
      else this.visitValue(value, scope);
    }
  }

  private visitValue(value: unknown, scope: Scope) {
    if (value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string") {
      this.visit(value as Node, scope);
    }
  }

  private identifier(node: ES.Identifier, scope: Scope) {
    const where = this.resolve(node.name, scope);
    if (where === "local" || where === "global") return;
    const label = this.shorthand.has(node) ? `${node.name}: ` : "";
    this.replace(node.start, node.end, `${label}${SCOPE}.${node.name}`);
  }

  /** Where a name is: a local of a function or block, the shared scope, a global, or not known yet. */
  private resolve(name: string, scope: Scope): "local" | "shared" | "global" | "unknown" {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.names.has(name)) return s.kind === "top" ? "shared" : "local";
    }
    if (this.known.has(name)) return "shared";
    return this.isGlobal(name) ? "global" : "unknown";
  }

  private property(
    node: ES.Property | ES.AssignmentProperty | ES.PropertyDefinition | ES.MethodDefinition,
    scope: Scope,
  ) {
    if (node.computed) this.visit(node.key, scope);
    if (node.type === "Property" && node.shorthand) {
      const value = node.value as Node;
      this.shorthand.add(value.type === "AssignmentPattern" ? value.left : value);
    }
    this.visit(node.value, scope);
  }

  private functionNode(node: Fn, scope: Scope) {
    const inner: Scope = { kind: "function", names: new Set(), parent: scope };
    if (node.type !== "ArrowFunctionExpression") inner.names.add("arguments");
    if (node.type === "FunctionExpression" && node.id) inner.names.add(node.id.name);
    for (const p of node.params) patternNames(p, inner.names);
    if (node.body.type === "BlockStatement") {
      hoistVars(node.body, inner.names);
      lexicalNames(node.body.body, inner.names);
    }
    for (const p of node.params) this.visit(p, inner);
    if (node.body.type === "BlockStatement") { for (const s of node.body.body) this.visit(s, inner); }
    else this.visit(node.body, inner);
  }

  private classNode(node: ClassNode, scope: Scope) {
    this.visit(node.superClass, scope);
    const inner: Scope = { kind: "block", names: new Set(node.id ? [node.id.name] : []), parent: scope };
    for (const member of node.body.body) this.visit(member, inner);
  }

  /** A block's statements (or a switch's cases) in a scope of their own (`kind` "function" for a static block). */
  private block(body: Node[], scope: Scope, kind: "block" | "function" = "block") {
    const inner: Scope = { kind, names: new Set(), parent: scope };
    const statements = body.flatMap((n) => n.type === "SwitchCase" ? n.consequent : [n]);
    if (kind === "function") { for (const s of statements) hoistVars(s, inner.names); }
    lexicalNames(statements, inner.names);
    for (const n of body) {
      if (n.type === "SwitchCase") {
        this.visit(n.test, inner);
        for (const s of n.consequent) this.statement(s, inner);
      } else this.statement(n as ES.Statement, inner);
    }
  }

  private forNode(node: ES.ForStatement | ES.ForInStatement | ES.ForOfStatement, scope: Scope) {
    const head = node.type === "ForStatement" ? node.init : node.left;
    const lexical = head?.type === "VariableDeclaration" && head.kind !== "var";
    const inner: Scope = lexical ? { kind: "block", names: new Set(), parent: scope } : scope;
    if (lexical) { for (const d of head.declarations) patternNames(d.id, inner.names); }
    if (head?.type === "VariableDeclaration") {
      this.declaration(head, inner, node.type === "ForStatement" ? "for-init" : "for-left");
    } else this.visit(head, inner);
    if (node.type === "ForStatement") {
      this.visit(node.test, inner);
      this.visit(node.update, inner);
    } else this.visit(node.right, inner);
    this.visit(node.body, inner);
  }

  private error(node: Node, message: string): CellSyntaxError {
    const line = this.js.slice(0, node.start).split("\n").length;
    return new CellSyntaxError(message, line, node.start - this.js.lastIndexOf("\n", node.start - 1) - 1);
  }
}

/** The nearest function scope (or the top level) around `scope`. */
function functionScope(scope: Scope): Scope {
  let s = scope;
  while (s.kind === "block" && s.parent) s = s.parent;
  return s;
}

/** The names a binding pattern declares. */
function patternNames(p: ES.Pattern | Node, out: Set<string>): void {
  switch (p.type) {
    case "Identifier":
      out.add(p.name);
      return;
    case "ObjectPattern":
      for (const prop of p.properties) patternNames(prop.type === "RestElement" ? prop.argument : prop.value, out);
      return;
    case "ArrayPattern":
      for (const e of p.elements) if (e) patternNames(e, out);
      return;
    case "AssignmentPattern":
      return patternNames(p.left, out);
    case "RestElement":
      return patternNames(p.argument, out);
  }
}

/** The `var` names declared anywhere under `node`, not inside a nested function or class. */
function hoistVars(node: Node, out: Set<string>): void {
  if (node.type === "VariableDeclaration" && node.kind === "var") {
    for (const d of node.declarations) patternNames(d.id, out);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (!child || typeof child !== "object" || typeof child.type !== "string") continue;
      if (/Function|Class/.test(child.type) || child.type === "StaticBlock") continue;
      hoistVars(child as Node, out);
    }
  }
}

/** The lexical names (`let`, `const`, `class`, `function`, `import`) declared directly by `statements`. */
function lexicalNames(statements: readonly Node[], out: Set<string>): void {
  for (const s of statements) {
    const node = s.type === "ExportNamedDeclaration" && s.declaration ? s.declaration : s;
    if (node.type === "VariableDeclaration" && node.kind !== "var") {
      for (const d of node.declarations) patternNames(d.id, out);
    } else if ((node.type === "FunctionDeclaration" || node.type === "ClassDeclaration") && node.id) {
      out.add(node.id.name);
    } else if (node.type === "ImportDeclaration") { for (const spec of node.specifiers) out.add(spec.local.name); }
  }
}
