"""Problems found in directory data, collected into one report instead of stopping at the first."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    entry_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.entry_id or '-'}: {self.field or '-'}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, file: str, line: int, entry_id: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(file, line, entry_id, field_name, message))

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems)

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.sorted()]


class DirectoryError(Exception):
    """The directory has problems; ``report`` lists every one."""

    def __init__(self, report: Report):
        self.report = report
        count = len(report.problems)
        super().__init__(f"the directory has {count} problem{'s' if count != 1 else ''}")
