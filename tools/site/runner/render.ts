/**
 * A cell's outputs drawn into a notebook page the way nbconvert's lab template draws them (`.jp-OutputArea`,
 * `.jp-OutputArea-child`, `.jp-OutputArea-output` with `data-mime-type`), so the page's styles apply and an output
 * made in the page looks like one made by Jupyter. Each drawn output carries `data-output-kind`, the kind
 * `tools/notebooks/_notebook.ts` `outputKinds` gives it (`execute_result:text/html+text/plain`), which the
 * browser test compares with Jupyter's record.
 *
 * @module
 */

import { marked } from "marked";
import type { MimeBundle, Output } from "./protocol.ts";

/** The MIME types drawn, most preferred first (as JupyterLab prefers them). */
const PREFERRED = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/plain"];

/** The kind of an output, as `outputKinds` names it: `stream:stdout`, `error:TypeError`, `display_data:text/html`. */
export function outputKind(output: Output): string {
  if (output.output_type === "stream") return `stream:${output.name}`;
  if (output.output_type === "error") return `error:${output.ename}`;
  const type = output.output_type === "update_display_data" ? "display_data" : output.output_type;
  return `${type}:${Object.keys(output.data).sort().join("+")}`;
}

/** The output area of a code cell (`.jp-CodeCell`), made empty; created if the cell had no outputs. */
export function clearOutputs(cell: HTMLElement): HTMLElement {
  let wrapper = cell.querySelector<HTMLElement>(":scope > .jp-Cell-outputWrapper");
  if (!wrapper) {
    wrapper = document.createElement("div");
    wrapper.className = "jp-Cell-outputWrapper";
    wrapper.innerHTML = `<div class="jp-Collapser jp-OutputCollapser jp-Cell-outputCollapser"></div>` +
      `<div class="jp-OutputArea jp-Cell-outputArea"></div>`;
    cell.appendChild(wrapper);
  }
  cell.classList.remove("jp-mod-noOutputs");
  const area = wrapper.querySelector<HTMLElement>(".jp-OutputArea")!;
  area.replaceChildren();
  return area;
}

/**
 * Draws `output` at the end of `area` and returns the element drawn (a `.jp-OutputArea-child`). A stream
 * output right after one of the same name is added to it, as Jupyter front ends show them.
 */
export function appendOutput(area: HTMLElement, output: Output): HTMLElement {
  const last = area.lastElementChild as HTMLElement | null;
  if (output.output_type === "stream" && last?.dataset.outputKind === outputKind(output)) {
    last.querySelector("pre")!.textContent += output.text;
    return last;
  }
  const child = document.createElement("div");
  child.className = "jp-OutputArea-child";
  fillOutput(child, output);
  area.appendChild(child);
  return child;
}

/** Draws `output` into `child` (a `.jp-OutputArea-child`), replacing what it showed. */
export function fillOutput(child: HTMLElement, output: Output): void {
  const prompt = document.createElement("div");
  prompt.className = "jp-OutputPrompt jp-OutputArea-prompt";
  if (output.output_type === "execute_result") prompt.textContent = `Out[${output.execution_count}]:`;
  let body: HTMLElement;
  if (output.output_type === "stream") {
    body = textOutput(output.text, `application/vnd.jupyter.${output.name}`);
  } else if (output.output_type === "error") {
    body = textOutput(output.traceback.join("\n"), "application/vnd.jupyter.stderr");
    body.classList.add("course-run-error");
  } else {
    body = richOutput(output.data);
    if (output.output_type === "execute_result") body.classList.add("jp-OutputArea-executeResult");
  }
  child.dataset.outputKind = outputKind(output);
  child.replaceChildren(prompt, body);
  if (body.dataset.mimeType === "text/html") runScripts(body);
}

function textOutput(text: string, mime: string): HTMLElement {
  const body = document.createElement("div");
  body.className = "jp-RenderedText jp-OutputArea-output";
  body.dataset.mimeType = mime;
  const pre = document.createElement("pre");
  pre.textContent = text;
  body.appendChild(pre);
  return body;
}

/** A MIME bundle drawn by its most preferred type. */
export function richOutput(data: MimeBundle): HTMLElement {
  const mime = PREFERRED.find((m) => m in data) ?? Object.keys(data)[0] ?? "text/plain";
  const value = data[mime];
  const text = Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value);
  if (mime === "text/plain" || !PREFERRED.includes(mime)) return textOutput(text, mime);
  const body = document.createElement("div");
  body.dataset.mimeType = mime;
  if (mime === "text/html" || mime === "image/svg+xml") {
    body.className = "jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output";
    body.innerHTML = text;
  } else if (mime === "text/markdown") {
    body.className = "jp-RenderedHTMLCommon jp-RenderedMarkdown jp-OutputArea-output";
    body.innerHTML = marked.parse(text, { async: false });
  } else {
    body.className = "jp-RenderedImage jp-OutputArea-output";
    const img = document.createElement("img");
    img.src = `data:${mime};base64,${text.replace(/\s/g, "")}`;
    body.appendChild(img);
  }
  return body;
}

/** Scripts set through innerHTML do not run; an output's scripts run as they do in Jupyter (trusted output). */
function runScripts(body: HTMLElement): void {
  for (const old of body.querySelectorAll("script")) {
    const script = document.createElement("script");
    for (const attribute of old.attributes) script.setAttribute(attribute.name, attribute.value);
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
}
