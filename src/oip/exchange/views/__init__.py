"""The exchange's pages, server-rendered like the monitor's: one module per group of pages."""
