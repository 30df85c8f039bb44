"""Every fixture file under tests/fixtures/TLxxx/ gets exactly the findings it declares."""

from __future__ import annotations

import pytest

from fixture_support import actual, codes_under_test, expected, fixture_files


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path):
    text = path.read_text()
    codes = codes_under_test(path, text)
    assert actual(path, text, codes) == expected(text, codes)


def test_each_rule_has_six_firing_and_six_clean_fixtures():
    from tllint.rules import rule_classes

    counts: dict[str, list[int]] = {}
    for path in fixture_files():
        text = path.read_text()
        for code in codes_under_test(path, text):
            fire, clean = counts.setdefault(code, [0, 0])
            if any(c == code for c, _ in expected(text, {code})):
                counts[code][0] += 1
            else:
                counts[code][1] += 1
    missing = {cls.code: counts.get(cls.code, [0, 0]) for cls in rule_classes() if min(counts.get(cls.code, [0, 0])) < 6}
    assert missing == {}, f"rules with fewer than 6 firing / 6 clean fixtures: {missing}"
