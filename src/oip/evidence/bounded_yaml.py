"""A bounded YAML loader for evidence files: PyYAML's safe loader without YAML's risky parts.

No Django. Refused while composing, before anything is expanded (so an alias bomb costs only
the bytes it has): aliases (`*a`), anchors (`&a`), explicit tags (`!!str`, `!x`), a key
repeated in one mapping (YAML keeps the last one silently), nesting deeper than `MAX_DEPTH`
(records need five levels). Merge keys (`<<`) and the `=` value are plain text, dates stay
text (the evidence checker reads them), and unquoted booleans, integers and floats become
`NotText` keeping the words written, so "must be a string" can show them (`country: NO`).

Two loaders share the composer: libyaml's parser when PyYAML has it (about 1 s per MiB) and
PyYAML's pure-Python parser (about 3.5 times slower); `LOADERS` lists them, fastest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

try:  # libyaml's parser, when PyYAML was built with it (the wheels are)
    from yaml._yaml import CParser

    LIBYAML = True
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    LIBYAML = False

MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class NotText:
    """A YAML scalar written without quotes that YAML reads as a boolean or a number."""

    kind: str  # "boolean", "integer", "number"
    text: str  # as written in the file

    def __str__(self) -> str:
        return self.text


class Refused(Exception):
    """A YAML feature evidence files may not use; `trail` is where (keys and indexes)."""

    def __init__(self, trail: list[str | int], message: str, mark: Any) -> None:
        self.trail = list(trail)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None
        super().__init__(message)


class _BoundedComposer(Composer):
    """PyYAML's composer, refusing aliases, anchors, tags, repeated keys and deep nesting."""

    def __init__(self) -> None:
        Composer.__init__(self)
        self.trail: list[str | int] = []  # where the node being composed is, for messages
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        step: str | int | None = None
        if isinstance(parent, SequenceNode):
            step = index
        elif isinstance(parent, MappingNode) and index is not None:
            step = index.value if isinstance(index, ScalarNode) else "?"
        if step is not None:
            self.trail.append(step)
        self.depth += 1
        try:
            event = self.peek_event()  # type: ignore[attr-defined]
            if isinstance(event, yaml.AliasEvent):
                self._refuse("aliases (*name) are not allowed in evidence files", event)
            if getattr(event, "anchor", None) is not None:
                self._refuse("anchors (&name) are not allowed in evidence files", event)
            if getattr(event, "tag", None) is not None:
                self._refuse(f"tags ({event.tag}) are not allowed in evidence files", event)
            if self.depth > MAX_DEPTH:
                self._refuse(f"nested more than {MAX_DEPTH} levels deep", event)
            node: Node = Composer.compose_node(self, parent, index)  # type: ignore[assignment]
            return node
        finally:
            self.depth -= 1
            if step is not None:
                self.trail.pop()

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        start = self.get_event()  # type: ignore[attr-defined]
        tag = self.resolve(MappingNode, None, start.implicit)  # type: ignore[attr-defined]
        node = MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        seen: set[str] = set()
        while not self.check_event(yaml.MappingEndEvent):  # type: ignore[attr-defined]
            key_event = self.peek_event()  # type: ignore[attr-defined]
            key = self.compose_node(node, None)
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    self.trail.append(key.value)
                    self._refuse("the same key appears twice in one mapping", key_event)
                seen.add(key.value)
            value = self.compose_node(node, key)
            node.value.append((key, value))
        node.end_mark = self.get_event().end_mark  # type: ignore[attr-defined]
        return node

    def _refuse(self, message: str, event: Any) -> None:
        raise Refused(self.trail, message, event.start_mark)


class _PythonLoader(_BoundedComposer, Reader, Scanner, Parser, SafeConstructor, Resolver):
    """The bounded loader on PyYAML's pure-Python parser."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


LOADERS: tuple[type[_BoundedComposer], ...] = (_PythonLoader,)
if LIBYAML:

    class _LibyamlLoader(_BoundedComposer, CParser, SafeConstructor, Resolver):
        """The bounded loader on libyaml's parser: the same events, about 3.5 times faster."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    LOADERS = (_LibyamlLoader, _PythonLoader)


def _not_text(kind: str) -> Any:
    def construct(loader: SafeConstructor, node: ScalarNode) -> NotText:
        return NotText(kind, node.value)

    return construct


# Dates stay text (the checker reads them, so a bad date is a field error); merge keys and
# the `=` value tag would change what a record says without being visible in it.
_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}
for _loader in LOADERS:
    _loader.yaml_implicit_resolvers = {  # type: ignore[attr-defined]
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }
    for _tag, _kind in (("bool", "boolean"), ("int", "integer"), ("float", "number")):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _not_text(_kind))  # type: ignore[attr-defined]


def load(text: str, loader_class: type[_BoundedComposer]) -> Any:
    """The one YAML document in `text`, read by a bounded loader (SafeConstructor: no code)."""
    loader: Any = loader_class(text)  # type: ignore[call-arg]
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
