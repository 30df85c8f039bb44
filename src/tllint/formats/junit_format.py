"""JUnit XML: one testcase per file checked, one failure per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tllint.finding import Finding
from tllint.formats import Context, location, message_with_confirmation, related_location


def render(findings: list[Finding], context: Context) -> str:
    by_file: dict[str, list[Finding]] = {path: [] for path in context.files}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    suites = ET.Element("testsuites", name="tllint", tests=str(len(by_file)), failures=str(len(findings)))
    suite = ET.SubElement(
        suites, "testsuite", name="tllint", tests=str(len(by_file)), failures=str(len(findings)), errors="0", skipped="0"
    )
    for path, items in by_file.items():
        case = ET.SubElement(suite, "testcase", name=path, classname=path.replace("/", ".").removesuffix(".py"))
        for f in items:
            failure = ET.SubElement(case, "failure", message=f"{f.code}: {f.headline()}", type=f.code)
            failure.text = f"{location(f)}: {f.code} ({f.name}, {f.severity}) {message_with_confirmation(f)}" + "".join(
                f"\n  {related_location(f, r)}: {r.label}" for r in f.related
            )
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
