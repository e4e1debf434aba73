import express from 'express';

/**
 * The Functions Framework parses every body (JSON, text, form, raw) with body-parser before a
 * function runs, and a body it cannot parse (malformed JSON, an unsupported charset or encoding, a
 * broken gzip stream) never reaches the function: the error falls through to Express's final
 * handler, which answers an HTML page. The framework offers no option and no error hook for this,
 * and it does not expose its Express app, so Tandem takes the one seam there is: the final handler
 * Express uses when an app is given no callback, which is how the framework's server calls it.
 * Every Express app in the process (there is one per function) then answers through `answer`.
 */
type Answer = (error: unknown, req: express.Request, res: express.Response) => void;

let installed: Answer | undefined;

/** Routes what Express's final handler would answer to `answer` instead (the last one given wins). */
export function answerFrameworkErrorsWith(answer: Answer): void {
  const patched = installed !== undefined;
  installed = answer;
  if (patched) return;
  const app = express.application as unknown as {
    handle(req: express.Request, res: express.Response, callback?: (error?: unknown) => void): void;
  };
  const handle = app.handle;
  app.handle = function handleWithJsonErrors(req, res, callback) {
    const done =
      callback ??
      ((error?: unknown) => {
        if (res.headersSent) {
          res.end();
          return;
        }
        if (error === undefined) {
          // Nothing matched: the framework routes every path to the function, so this does not happen.
          res.status(404).json({ error: { code: 'not_found', message: `Nothing here: ${req.method} ${req.path}` } });
          return;
        }
        installed!(error, req, res);
      });
    return handle.call(this, req, res, done);
  };
}
