"""The public monitor's views: thin, one module per page; each reads its page via `oip.monitor.reads` and renders it."""
