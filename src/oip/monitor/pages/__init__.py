"""The monitor's pages as typed read models: one module per page, each with a `build(...)`
returning a frozen dataclass made only from its explicit arguments (the catalogue, the engine's
`Evaluation`, the date and, where a page lists them, the evidence rows the reader fetched).

Templates read these values' attributes; the reports build from the same models. Modules:
`values` (shared cells, rows, changes), `evidence` (observations and sources), `region`
(spreads, milestones), then one per page: `overview`, `country`, `area`, `target`, `changes`,
`methodology`, `downloads`.
"""
