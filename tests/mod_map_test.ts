// lib/mod.ts's map of the library (module, what, notebook) must say which notebooks import each module:
// computed here from the notebooks' own import statements, names imported from "@course/lib" resolved to the
// module that exports them.

import assert from "node:assert/strict";
import { listNotebooks, readNotebook, sourceOf } from "../tools/notebooks/_notebook.ts";

const LIB = new URL("../lib/", import.meta.url);

/** The names a module exports (functions, classes, constants, types, interfaces, and `export { … }` lists). */
function exportedNames(source: string): string[] {
  const names = [...source.matchAll(/^export (?:async )?(?:function\*?|class|const|let|interface|type|enum) (\w+)/gm)]
    .map((m) => m[1]);
  for (const list of source.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const item of list[1].split(",")) {
      const name = item.trim().replace(/^type /, "").split(/ as /).pop()!.trim();
      if (name) names.push(name);
    }
  }
  return names;
}

/** Which module of lib/ each name that `@course/lib` re-exports comes from. */
async function moduleOfName(): Promise<Map<string, string>> {
  const mod = await Deno.readTextFile(new URL("mod.ts", LIB));
  const owner = new Map<string, string>();
  for (const m of mod.matchAll(/^export \* from "\.\/([\w/.]+)";/gm)) {
    for (const name of exportedNames(await Deno.readTextFile(new URL(m[1], LIB)))) owner.set(name, m[1]);
  }
  for (const m of mod.matchAll(/^export \{([^}]*)\} from "\.\/([\w/.]+)";/gms)) {
    const module = m[2].replace(/\/mod\.ts$/, "/");
    for (const item of m[1].split(",")) {
      const name = item.trim().replace(/^type /, "");
      if (name) owner.set(name, module);
    }
  }
  return owner;
}

/** For each lib module a notebook imports from, the notebooks that do ("04", "09a", …). */
async function notebooksByModule(): Promise<Map<string, Set<string>>> {
  const owner = await moduleOfName();
  const uses = new Map<string, Set<string>>();
  const add = (module: string, notebook: string) => uses.set(module, (uses.get(module) ?? new Set()).add(notebook));
  for (const path of await listNotebooks(new URL("../notebooks", import.meta.url).pathname)) {
    const id = path.split("/").pop()!.split("-")[0];
    const code = (await readNotebook(path)).cells.filter((c) => c.cell_type === "code").map(sourceOf).join("\n");
    for (const m of code.matchAll(/import \{([^}]*)\} from "@course\/lib(?:\/([\w/.]+))?";/g)) {
      if (m[2]) {
        add(m[2].replace(/\/mod\.ts$/, "/"), id);
        continue;
      }
      for (const item of m[1].split(",")) {
        const name = item.trim().replace(/^type /, "").split(/ as /)[0].trim();
        if (!name) continue;
        const module = owner.get(name);
        assert.ok(module, `${id} imports ${name} from @course/lib, which re-exports no such name`);
        add(module, id);
      }
    }
  }
  return uses;
}

/** "01, 04–06" → the notebook ids it names; "—" → none. */
function expandNotebooks(cell: string): string[] {
  if (cell.trim() === "—") return [];
  return cell.split(",").flatMap((part) => {
    const [from, to] = part.trim().split("–");
    if (to === undefined) return [from];
    const ids = [];
    for (let k = Number(from); k <= Number(to); k++) ids.push(String(k).padStart(2, "0"));
    return ids;
  });
}

Deno.test("lib/mod.ts's map names, for each module, exactly the notebooks that import it", async () => {
  const mod = await Deno.readTextFile(new URL("mod.ts", LIB));
  const rows = [...mod.matchAll(/^ \* \| ((?:`[\w/.]+`(?:, )?)+) \| .* \| ([^|]+) \|$/gm)].map((m) => ({
    modules: [...m[1].matchAll(/`([\w/.]+)`/g)].map((x) => x[1]),
    notebooks: m[2].trim(),
  }));
  assert.ok(rows.length > 30, `${rows.length} rows read from the map`);
  const uses = await notebooksByModule();
  const mapped = new Set(rows.flatMap((r) => r.modules));
  const missing = [...uses.keys()].filter((m) => !mapped.has(m));
  assert.deepEqual(missing, [], "every module a notebook imports has a row in the map");
  const wrong: string[] = [];
  for (const row of rows) {
    const actual = [...new Set(row.modules.flatMap((m) => [...(uses.get(m) ?? [])]))].sort();
    const said = expandNotebooks(row.notebooks).sort();
    if (said.join(",") !== actual.join(",")) {
      wrong.push(
        `${row.modules.join(", ")}: the map says ${row.notebooks}, the notebooks: ${actual.join(", ") || "—"}`,
      );
    }
  }
  assert.deepEqual(wrong, [], wrong.join("\n"));
});
