"""`python -m locales`: fill the English catalog, whose text is the msgids themselves."""

from __future__ import annotations

from babel.messages.pofile import read_po, write_po

from locales import po_path


def fill_english() -> int:
    """Copy each msgid into its empty English msgstr; return how many were filled."""
    path = po_path("en")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string) or message.fuzzy:  # a guessed plural is wrong too
                message.string = tuple(message.id)
                filled += 1
        elif not message.string or message.fuzzy:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    return filled


if __name__ == "__main__":
    print(f"English catalog: {fill_english()} entries filled from their msgids.")
