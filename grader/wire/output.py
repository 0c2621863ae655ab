"""The output a student's code printed, gathered across calls under one cap."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OutputLog:
    """Student output gathered across calls, capped so a flood can never fill memory or disk."""

    limit: int
    parts: list[str] = field(default_factory=list)
    size: int = 0
    truncated: bool = False

    def add(self, text: str) -> None:
        if not text:
            return
        room = self.limit - self.size
        if room <= 0:
            self.truncated = True
            return
        if len(text) > room:
            text, self.truncated = text[:room], True
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts)
