/**
 * Serves figures with nodeplotlib's web app on localhost, and stops it on request.
 *
 * nodeplotlib's own `plot()` is built for scripts: it starts its NestJS server on every
 * interface, runs `xdg-open` (unless NODEPLOTLIB_PORT is set), logs with console.log, never
 * tells the caller its port, shuts down when the last browser tab disconnects (so a reload
 * finds nothing) and exports no way to stop it. So this module boots nodeplotlib's
 * ServerModule itself — the same web app, socket.io gateway and plot store — bound to
 * 127.0.0.1, with no browser opened, the bound port known, and `close()` to stop it.
 *
 * Three of the web app's files are served changed (see offline_page.ts and
 * plot_component_fix.ts): the page, so it works offline; main.js, so the console stays free of
 * errors; and plotly.js, from npm instead of a CDN.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { NestFactory } from "@nestjs/core";
import { of } from "rxjs";
import { ServerModule } from "nodeplotlib/src/lib/server/server.module.js";
import { PlotsService } from "nodeplotlib/src/lib/server/plots/plots.service.js";
import type { Figure } from "./figure.ts";
import { offlinePage, PLOTLY_PATH } from "./offline_page.ts";
import { fixPlotComponent } from "./plot_component_fix.ts";

/** Options of {@linkcode servePlots}. */
export interface ServeOptions {
  /** TCP port; 0 (the default) takes any free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1, so the plots are not served to the network. */
  hostname?: string;
}

/** A running plot server. */
export interface PlotServer {
  /** The page, e.g. "http://127.0.0.1:40123/". */
  url: string;
  /** The bound port (the chosen one when 0 was asked). */
  port: number;
  /** Stops the server: closes the socket.io gateway and the HTTP listener. */
  close(): Promise<void>;
}

/** The subset of Express's request and response that the page middleware uses. */
interface Request {
  method: string;
  path: string;
}
interface Response {
  type(type: string): Response;
  set(field: string, value: string): Response;
  send(body: string): void;
  sendFile(path: string): void;
}

/**
 * Starts nodeplotlib's server with `figures` (one card each, in order). The page loads
 * plotly.js from the npm package `plotly.js-dist-min` instead of nodeplotlib's CDN link; an
 * Error says so when that package is not installed. Throws if the port is taken.
 *
 * @example
 * ```ts ignore
 * const server = await servePlots([{ data: [{ x: [1, 2], y: [3, 1] }], layout: {} }]);
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function servePlots(
  figures: readonly Figure[],
  options: ServeOptions = {},
): Promise<PlotServer> {
  const files = await webFiles();
  const app = await NestFactory.create(ServerModule, { logger: ["error", "warn"] });
  // Registered before listen(), so it runs ahead of nodeplotlib's static files.
  app.use((req: Request, res: Response, next: () => void) => {
    if (req.method !== "GET" || req.path.startsWith("/socket.io/")) return next();
    if (req.path === PLOTLY_PATH) return res.sendFile(files.plotlyJs);
    if (req.path === "/main.js") return res.type("js").send(files.mainJs);
    // The app's routes (/, /plots) and index.html: the page. Other files are nodeplotlib's.
    if (!/\.[a-z0-9]+$/i.test(req.path) || req.path === "/index.html") {
      return res.type("html").set("Cache-Control", "no-cache").send(files.indexHtml);
    }
    next();
  });
  const hostname = options.hostname ?? "127.0.0.1";
  try {
    await app.listen(options.port ?? 0, hostname);
  } catch (error) {
    await app.close();
    throw new Error(`Cannot serve the plots on ${hostname}:${options.port ?? 0}: ${error}`);
  }
  const port: number = app.getHttpServer().address().port;
  app.get(PlotsService).setBuffer(of(figures.map((f) => ({
    data: of(f.data),
    layout: of(f.layout),
    config: f.config,
  }))));
  return { url: `http://${hostname}:${port}/`, port, close: () => app.close() };
}

/** The files served changed: the page and main.js as text, plotly.js as a path. */
async function webFiles(): Promise<{ indexHtml: string; mainJs: string; plotlyJs: string }> {
  const require = createRequire(import.meta.url);
  const web = join(dirname(require.resolve("nodeplotlib/package.json")), "src/lib/server/web");
  let plotlyJs: string;
  try {
    plotlyJs = require.resolve("plotly.js-dist-min/plotly.min.js");
  } catch {
    throw new Error(
      "The npm package plotly.js-dist-min is not installed (nodeplotlib's page would load " +
        "plotly.js from cdn.plot.ly): add it to package.json and run `npm ci`",
    );
  }
  return {
    indexHtml: offlinePage(await Deno.readTextFile(join(web, "index.html"))),
    mainJs: fixPlotComponent(await Deno.readTextFile(join(web, "main.js"))),
    plotlyJs,
  };
}
