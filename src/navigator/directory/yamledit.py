"""Changing one entry inside a directory file's text, leaving every other byte as it was.

A hand-kept file carries comments, folded descriptions and a layout that a re-dump would lose, so
an approved change rewrites only the lines of the fields that changed (a new entry is appended
after the last one). Every edit is checked by reading the result back: the edited entry must read
as the intended one and every other entry exactly as before, or ``EditError`` is raised and the
caller writes nothing.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from navigator.directory.schema import TOP_FIELDS
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose
from navigator.directory.yamlwrite import dump_entries


class EditError(Exception):
    """The edit cannot be made safely; the file must be left as it is."""


def without_nulls(value):
    """``value`` as the directory writes it: absent and null fields mean the same, so nulls go."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [without_nulls(item) for item in value]
    return value


def _entries_of(text: str) -> tuple[SequenceNode | None, list[dict]]:
    try:
        root = compose(text)
    except YamlSyntaxError as error:
        raise EditError(f"line {error.line}: {error.message}") from None
    if root is None:
        return None, []
    if not isinstance(root, SequenceNode):
        raise EditError("the file is not a YAML list of entries")
    converter = NodeConverter()
    entries = [converter.convert(item) for item in root.value]
    if converter.issues:
        issue = converter.issues[0]
        raise EditError(f"line {issue.line}: {issue.message}")
    return root, entries


def _id_of(node) -> str | None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "id" and isinstance(value_node, ScalarNode):
                return value_node.value
    return None


def entry_in(text: str, entry_id: str) -> dict | None:
    """The entry ``entry_id`` as ``text`` holds it (nulls dropped), or None when it is not there."""
    root, entries = _entries_of(text)
    for node, entry in zip(root.value if root else (), entries, strict=True):
        if _id_of(node) == entry_id:
            return without_nulls(entry)
    return None


def entries_by_id(text: str) -> dict[str, dict]:
    """Every entry of ``text`` with an id, by id (nulls dropped); EditError for a broken file."""
    root, entries = _entries_of(text)
    found = {}
    for node, entry in zip(root.value if root else (), entries, strict=True):
        entry_id = _id_of(node)
        if entry_id is not None and entry_id not in found:
            found[entry_id] = without_nulls(entry)
    return found


def _last_line(node, lines: list[str]) -> int:
    """The 0-based line holding the last character of ``node``'s own text (not trailing comments)."""
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    end = node.end_mark
    line = end.line if end.column > 0 else end.line - 1
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        # A block scalar's mark runs over the blank lines after it, which belong to the layout.
        while line > node.start_mark.line and not lines[line].strip():
            line -= 1
    return line


def _field_lines(key: str, value, indent: int) -> list[str]:
    """``key: value`` in the directory's style, as lines indented to ``indent`` (the first bare)."""
    dumped = dump_entries([{key: value}]).splitlines(keepends=True)
    lines = []
    for number, line in enumerate(dumped):
        body = line[2:] if line.strip() else line
        lines.append(body if number == 0 or not line.strip() else " " * indent + body)
    return lines


def _node_at(node, path: tuple):
    """The node at ``path`` (keys and positions) under ``node``, or None."""
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            node = next(
                (value for key, value in node.value if isinstance(key, ScalarNode) and key.value == step),
                None,
            )
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            return None
        if node is None:
            return None
    return node


def _scalar_leaves(old, new, path: tuple, found: list) -> bool:
    """Collect (path, new value) for each scalar that differs; False when anything else differs
    (a key or item added or removed, a type changed), which a whole-field rewrite must handle."""
    if old == new:
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        if list(old) != list(new):
            return False
        return all(_scalar_leaves(old[key], new[key], (*path, key), found) for key in old)
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return False
        pairs = enumerate(zip(old, new, strict=True))
        return all(_scalar_leaves(a, b, (*path, index), found) for index, (a, b) in pairs)
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)) or new is None:
        return False
    found.append((path, new))
    return True


def _scalar_patches(key: str, node, old, new, lines: list[str]) -> list[tuple[int, int, int, str]] | None:
    """In-place replacements (line, start column, end column, text) that turn the value of field
    ``key`` from ``old`` into ``new`` by rewriting only the scalars that changed (one phone's
    number, not the whole phones list); None when the change is more than that."""
    found: list = []
    if not _scalar_leaves(old, new, (), found) or not found:
        return None
    patches = []
    for path, value in found:
        scalar = _node_at(node, path)
        if (
            not isinstance(scalar, ScalarNode)
            or scalar.style in ("|", ">")
            or scalar.start_mark.line != scalar.end_mark.line
        ):
            return None
        written = _field_lines(key, value, 0)
        if len(written) != 1 or not written[0].startswith(f"{key}: "):
            return None
        text = written[0][len(key) + 2 :].rstrip("\n")
        patches.append((scalar.start_mark.line, scalar.start_mark.column, scalar.end_mark.column, text))
    return patches


def _apply_patches(lines: list[str], patches) -> list[str]:
    patched = list(lines)
    for line, start, end, text in sorted(patches, reverse=True):
        patched[line] = patched[line][:start] + text + patched[line][end:]
    return patched


def _check_result(text: str, expected: list[dict]) -> None:
    _, entries = _entries_of(text)
    if entries != expected:
        raise EditError("the edited file does not read back as intended; nothing was written")


def replace_entry(text: str, entry_id: str, new_entry: dict) -> str:
    """``text`` with the entry ``entry_id`` changed to ``new_entry``, touching only changed fields.

    A field whose change is only in some of its scalars (one phone's number) has just those
    scalars rewritten in place; any other changed field's lines are replaced, a removed field's
    lines deleted, and a new field is inserted after the nearest field that precedes it in the
    README's order. Comments and blank lines between fields stay where they are.
    """
    root, entries = _entries_of(text)
    position = next(
        (index for index, node in enumerate(root.value if root else ()) if _id_of(node) == entry_id),
        None,
    )
    if position is None:
        raise EditError(f"'{entry_id}' is not in this file")
    node = root.value[position]
    if node.flow_style:
        raise EditError(f"'{entry_id}' is written as a one-line mapping; edit it by hand")
    old_entry, new_entry = entries[position], without_nulls(new_entry)
    if new_entry.get("id") != entry_id:
        raise EditError("an entry's id never changes")
    lines = text.splitlines(keepends=True)

    # Each field in file order: its key, first line, column, and last line of its value.
    fields = [
        (
            key_node.value,
            key_node.start_mark.line,
            key_node.start_mark.column,
            _last_line(value_node, lines),
        )
        for key_node, value_node in node.value
    ]
    node_of = {key_node.value: value_node for key_node, value_node in node.value}
    order = {key: index for index, key in enumerate(TOP_FIELDS)}
    existing = {key for key, *_ in fields}
    additions: dict[str, list[str]] = {}
    for key in new_entry:
        if key not in existing:
            rank = order.get(key, len(order))
            anchor = max(
                (field for field in fields if order.get(field[0], len(order)) <= rank),
                key=lambda field: order.get(field[0], len(order)),
                default=fields[-1],
            )
            additions.setdefault(anchor[0], []).append(key)
    column = fields[0][2]
    output = lines[: fields[0][1]]

    def emit(new_lines: list[str]) -> None:
        if output and not output[-1].endswith("\n"):  # the file's last line had no line break
            output[-1] += "\n"
        output.extend(new_lines)

    for index, (key, first, key_column, last) in enumerate(fields):
        following = fields[index + 1][1] if index + 1 < len(fields) else last + 1
        gap = lines[last + 1 : following]  # comments and blank lines before the next field
        if key not in new_entry:
            if index == 0:
                raise EditError(f"the first field of '{entry_id}' ({key}) cannot be removed")
        elif new_entry[key] == old_entry.get(key):
            output.extend(lines[first : last + 1])
        elif (patches := _scalar_patches(key, node_of[key], old_entry.get(key), new_entry[key], lines)) is not None:
            output.extend(_apply_patches(lines, patches)[first : last + 1])
        else:
            replacement = _field_lines(key, new_entry[key], key_column)
            emit([lines[first][:key_column] + replacement[0], *replacement[1:]])
        for added in sorted(additions.get(key, ()), key=lambda name: order.get(name, len(order))):
            emit(
                [
                    " " * column + line if line.strip() else line
                    for line in _field_lines(added, new_entry[added], column)
                ]
            )
        output.extend(gap)
    output.extend(lines[fields[-1][3] + 1 :])
    result = "".join(output)
    expected = list(entries)
    expected[position] = new_entry
    _check_result(result, expected)
    return result


def append_entry(text: str, entry: dict) -> str:
    """``text`` with ``entry`` added after its last entry, in the same indentation."""
    root, entries = _entries_of(text)
    entry = without_nulls(entry)
    if root is not None and root.flow_style:
        if entries:
            raise EditError("the file's list is written on one line ([...]); edit it by hand")
        start, end = root.start_mark.index, root.end_mark.index
        result = text[:start] + dump_entries([entry]) + text[end:].lstrip("\n")
    else:
        indent = 0
        if root is not None and root.value:
            first = root.value[0].start_mark
            line = text.splitlines()[first.line][: first.column].rstrip()
            indent = max(len(line) - 1, 0)  # the column of the first item's "-"
        body = "".join(
            " " * indent + line if line.strip() else line for line in dump_entries([entry]).splitlines(keepends=True)
        )
        result = text if not text or text.endswith("\n") else text + "\n"
        if result.strip() and not result.endswith("\n\n"):
            result += "\n"
        result += body
    _check_result(result, [*entries, entry])
    return result
