#!/usr/bin/env python3
"""Prints each failed test of a .trx file with the head of its message and stack trace."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(path: str) -> None:
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        info = result.find("t:Output/t:ErrorInfo", NS)
        for tag, limit in (("Message", 20), ("StackTrace", 12)):
            node = info.find(f"t:{tag}", NS) if info is not None else None
            lines = (node.text or "").strip().splitlines() if node is not None else []
            for line in lines[:limit]:
                print(f"    {line}")
            if len(lines) > limit:
                print(f"    ... ({len(lines) - limit} more lines)")


if __name__ == "__main__":
    main(sys.argv[1])
