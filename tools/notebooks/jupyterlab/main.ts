/**
 * A JupyterLab 4 notebook page, for `deno task check:jupyter --ui lab`: one `NotebookPanel` as JupyterLab
 * builds it (its notebook, cell, output and editor packages, its renderers: HTML, SVG, Markdown, LaTeX
 * through MathJax), talking to the classic Notebook server that serves this page as a static file
 * (`--NotebookApp.extra_static_paths`). Shaped after JupyterLab's own `examples/notebook`, less the command
 * palette, completer and toolbar, which the check does not use.
 *
 * Opened as `/static/lab/index.html?token=T&path=NB.ipynb`. For the check it sets `window.__course`:
 * `ready` once the kernel is connected (or `failed`), `runAll()` (Run All, `NotebookActions.runAll`),
 * `finished` (when each code cell's execution ended, by cell index, from `NotebookActions.executed`),
 * `cells()`, `toJSON()` and `shutdown()`. Bundled by `build.ts`; nothing is saved (autosave is off).
 *
 * @module
 */

import type { IYText } from "@jupyter/ydoc";
import type { CodeCell } from "@jupyterlab/cells";
import {
  CodeMirrorEditorFactory,
  CodeMirrorMimeTypeService,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding,
} from "@jupyterlab/codemirror";
import { DocumentManager } from "@jupyterlab/docmanager";
import { DocumentRegistry } from "@jupyterlab/docregistry";
import { createMarkdownParser } from "@jupyterlab/markedparser-extension";
import { MathJaxTypesetter } from "@jupyterlab/mathjax-extension";
import {
  NotebookActions,
  NotebookModelFactory,
  NotebookPanel,
  NotebookWidgetFactory,
  runCell,
  setCellExecutor,
  StaticNotebook,
} from "@jupyterlab/notebook";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { type Event, ServerConnection, ServiceManager, UserManager } from "@jupyterlab/services";
import { Stream } from "@lumino/signaling";
import { Widget } from "@lumino/widgets";

const params = new URLSearchParams(location.search);

/**
 * Notebook 6.4's server speaks the kernel protocol over websockets without a subprotocol: offered one,
 * it answers without, Chromium fails the handshake (and logs it), and JupyterLab reconnects without one.
 * Offering none from the start gives the same connection without the failed first attempt.
 */
class LegacyWebSocket extends WebSocket {
  constructor(url: string | URL, _protocols?: string | string[]) {
    super(url);
  }
}

/** Notebook 6.4's server has no `/api/events`: an events manager that never subscribes. */
class NoEvents implements Event.IManager {
  readonly stream: Event.Stream = new Stream(this);
  isDisposed = false;
  constructor(readonly serverSettings: ServerConnection.ISettings) {}
  emit(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

const serverSettings = ServerConnection.makeSettings({
  baseUrl: `${location.origin}/`,
  wsUrl: `${location.origin.replace(/^http/, "ws")}/`,
  token: params.get("token") ?? "",
  appendToken: true, // websockets carry ?token=: a static page has no login cookie
  WebSocket: LegacyWebSocket as typeof WebSocket,
});
/** Notebook 6.4's server has no `/api/me` either: a fixed identity (only collaboration would use one). */
const learner = { username: "learner", name: "Learner", display_name: "Learner", initials: "L", color: "#1976d2" };
const manager = new ServiceManager({
  serverSettings,
  events: new NoEvents(serverSettings),
  user: new UserManager({
    serverSettings,
    userApiClient: { serverSettings, get: () => Promise.resolve({ identity: learner, permissions: {} }) },
  }),
});

function editorFactory(languages: EditorLanguageRegistry): CodeMirrorEditorFactory {
  const themes = new EditorThemeRegistry();
  EditorThemeRegistry.getDefaultThemes().forEach((theme) => themes.addTheme(theme));
  const extensions = new EditorExtensionRegistry();
  EditorExtensionRegistry.getDefaultExtensions({ themes }).forEach((e) => extensions.addExtension(e));
  // What JupyterLab's codemirror extension adds: the editor shows and edits the cell's shared source.
  extensions.addExtension({
    name: "shared-model-binding",
    factory: (options) => {
      const shared = options.model.sharedModel as IYText;
      return EditorExtensionRegistry.createImmutableExtension(
        ybinding({ ytext: shared.ysource, undoManager: shared.undoManager ?? undefined }),
      );
    },
  });
  return new CodeMirrorEditorFactory({ extensions, languages });
}

async function main(): Promise<void> {
  setCellExecutor({ runCell }); // as JupyterLab's notebook extension does
  await manager.ready;
  const languages = new EditorLanguageRegistry();
  EditorLanguageRegistry.getDefaultLanguages().forEach((language) => languages.addLanguage(language));
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories,
    latexTypesetter: new MathJaxTypesetter(),
    markdownParser: createMarkdownParser(languages),
  });
  const registry = new DocumentRegistry();
  const docManager = new DocumentManager({
    registry,
    manager,
    opener: { open: () => {}, opened: { connect: () => false, disconnect: () => false } },
  });
  docManager.autosave = false; // never write into the course's notebooks
  registry.addModelFactory(new NotebookModelFactory({}));
  registry.addWidgetFactory(
    new NotebookWidgetFactory({
      name: "Notebook",
      modelName: "notebook",
      fileTypes: ["notebook"],
      defaultFor: ["notebook"],
      preferKernel: true,
      canStartKernel: true,
      rendermime,
      contentFactory: new NotebookPanel.ContentFactory({ editorFactory: editorFactory(languages).newInlineEditor }),
      mimeTypeService: new CodeMirrorMimeTypeService(languages),
      // Every cell stays in the page (no virtual scrolling) and the page ends with the last cell, as a
      // full-page screenshot needs.
      notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: "none", scrollPastEnd: false },
    }),
  );

  const panel = docManager.open(params.get("path") ?? "") as NotebookPanel;
  panel.id = "main";
  panel.addClass("jp-ThemedContainer");
  Widget.attach(panel, document.body);
  globalThis.addEventListener("resize", () => panel.update());

  const finished: Record<number, number> = {};
  NotebookActions.executed.connect((_, { notebook, cell }) => {
    if (notebook === panel.content && cell.model.type === "code") finished[notebook.widgets.indexOf(cell)] = Date.now();
  });
  const course = {
    ready: false,
    started: 0,
    finished,
    runAll() {
      course.started = Date.now();
      void NotebookActions.runAll(panel.content, panel.sessionContext);
    },
    /** Each cell: whether it is code, its source, and the elements its outputs are drawn in. */
    cells: () =>
      panel.content.widgets.map((cell) => ({
        code: cell.model.type === "code",
        source: cell.model.sharedModel.getSource(),
        outputs: [...(cell as CodeCell).outputArea?.node.querySelectorAll(".jp-OutputArea-output") ?? []],
      })),
    toJSON: () => panel.context.model.toJSON(),
    shutdown: () => panel.sessionContext.shutdown(),
  };
  Object.assign(globalThis, { __course: course });
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel) throw new Error(`no kernel started for ${panel.context.path}`);
  while (kernel.connectionStatus !== "connected" || kernel.status !== "idle") {
    await new Promise((r) => setTimeout(r, 100));
  }
  course.ready = true;
}

main().catch((e) => {
  console.error(e);
  Object.assign(globalThis, { __course: { ready: false, failed: String(e) } });
});
