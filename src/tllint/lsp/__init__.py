"""`tllint server`: a language server over stdio (pygls), imported only by that subcommand.

- `convert`: findings to diagnostics (message, rule link, related places);
- `actions`: code actions (a finding's fix, `# noqa` for a line, every safe fix of the document);
- `hover`: a backbone constructor's input contract and the pixels the script feeds it;
- `server`: documents, debounced lints in a worker thread, cancellation, settings.
"""

from __future__ import annotations

from tllint.lsp.actions import quick_fixes
from tllint.lsp.convert import lint_document, to_diagnostic
from tllint.lsp.server import TllintServer, create_server, serve

__all__ = ["TllintServer", "create_server", "lint_document", "quick_fixes", "serve", "to_diagnostic"]
