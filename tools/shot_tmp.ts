// Usage: deno run -A /tmp/shot.ts OUT.png < HTML
import { launchBrowser } from "./_browser.ts";
const html = await new Response(Deno.stdin.readable).text();
const browser = await launchBrowser();
const page = await browser.newPage();
await page.setViewport({ width: 900, height: 600 });
await page.setContent(`<html><body style="font-family:system-ui;margin:12px">${html}</body></html>`);
await page.screenshot({ path: Deno.args[0], fullPage: true });
await browser.close();
