#!/usr/bin/env python3
"""Read verbatim exports with third-party readers and print what they see as JSON.

Usage: read_with_translate_toolkit.py XLIFF12_FILE TMX_FILE XLIFF21_FILE

* XLIFF 1.2 and TMX are loaded with translate-toolkit
  (`from translate.storage import xliff, tmx`).
* XLIFF 2.1 is parsed with Python's standard xml.etree.ElementTree
  (translate-toolkit has no XLIFF 2 reader), to check the structure.
"""

import json
import sys
import xml.etree.ElementTree as ET

from translate.storage import tmx, xliff

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"


def read_xliff12(path):
    store = xliff.xlifffile.parsefile(path)
    units = []
    for unit in store.units:
        target_node = unit.getlanguageNode(lang=None, index=1)
        units.append(
            {
                "id": unit.xmlelement.get("id"),
                "tt_id": unit.getid(),
                "source": str(unit.source),
                "target": str(unit.target) if unit.target is not None else None,
                "approved": bool(unit.isapproved()),
                "state": target_node.get("state") if target_node is not None else None,
                "state_n": unit.get_state_n(),
                "translatable": bool(unit.istranslatable()),
            }
        )
    return {
        "source_language": store.getsourcelanguage(),
        "target_language": store.gettargetlanguage(),
        "units": units,
    }


def read_tmx(path):
    store = tmx.tmxfile.parsefile(path)
    units = []
    for unit in store.units:
        props = {}
        for prop in unit.xmlelement.iter("prop"):
            props[prop.get("type")] = prop.text or ""
        units.append(
            {
                "id": unit.getid(),
                "source": str(unit.source),
                "target": str(unit.target),
                "props": props,
            }
        )
    return {"units": units}


def read_xliff21(path):
    q = lambda name: "{%s}%s" % (XLIFF2_NS, name)  # noqa: E731
    root = ET.parse(path).getroot()
    units = []
    for file_el in root.findall(q("file")):
        for unit in file_el.iter(q("unit")):
            segment = unit.find(q("segment"))
            source = segment.find(q("source")) if segment is not None else None
            target = segment.find(q("target")) if segment is not None else None
            notes = {}
            notes_el = unit.find(q("notes"))
            if notes_el is not None:
                for note in notes_el.findall(q("note")):
                    notes[note.get("category")] = note.text or ""
            units.append(
                {
                    "file": file_el.get("id"),
                    "id": unit.get("id"),
                    "translate": unit.get("translate", "yes"),
                    "state": segment.get("state") if segment is not None else None,
                    "subState": segment.get("subState") if segment is not None else None,
                    "source": source.text or "" if source is not None else None,
                    "target": target.text or "" if target is not None else None,
                    "notes": notes,
                }
            )
    return {
        "root": root.tag,
        "version": root.get("version"),
        "srcLang": root.get("srcLang"),
        "trgLang": root.get("trgLang"),
        "units": units,
    }


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    result = {
        "xliff12": read_xliff12(sys.argv[1]),
        "tmx": read_tmx(sys.argv[2]),
        "xliff21": read_xliff21(sys.argv[3]),
    }
    json.dump(result, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
