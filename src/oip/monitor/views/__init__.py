"""The public monitor's views: thin, one module per page; the data comes from `oip.monitor.fetch`."""
