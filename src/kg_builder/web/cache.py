"""A cache bounded by count and by total size, least recently used dropped first.

The graph does not change while it is served, so answers and pages are kept for the build; the bounds
keep a flood of distinct requests from growing the server's memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["BoundedCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most ``max_entries`` values and ``max_bytes`` of their costs; a value costing more than
    ``max_item`` is never kept (it would evict everything else)."""

    def __init__(self, max_entries: int, max_bytes: int, max_item: int | None = None) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.max_item = max_bytes if max_item is None else max_item
        self.items: OrderedDict[K, V] = OrderedDict()
        self.costs: dict[K, int] = {}
        self.bytes = 0

    def get(self, key: K) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def keep(self, key: K, value: V, cost: int) -> None:
        """Keep ``value`` unless it is already kept or costs too much; then drop the oldest past the bounds."""
        if cost > self.max_item or key in self.items:
            return
        self.items[key] = value
        self.costs[key] = cost
        self.bytes += cost
        while self.items and (len(self.items) > self.max_entries or self.bytes > self.max_bytes):
            old, _ = self.items.popitem(last=False)
            self.bytes -= self.costs.pop(old)

    def clear(self) -> None:
        self.items.clear()
        self.costs.clear()
        self.bytes = 0
