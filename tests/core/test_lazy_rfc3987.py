"""The rfc3987_syntax stand-in: no grammars built at import, the same answers as the real module when used."""

import json
import subprocess
import sys

SAMPLES = ["http://example.com/caf\u00e9", "https://example.org/a b", "urn:isbn:0451450523", "://missing-scheme",
           "relative/path?q=1", ""]

REAL = f"""
import json, rfc3987_syntax
print(json.dumps([[rfc3987_syntax.is_valid_syntax(rule, s) for s in {SAMPLES!r}] for rule in ("iri", "iri_reference")]))
"""

KIT = f"""
import json, sys
import analysis, altair, jsonschema  # the order of a notebook or a build worker
from jsonschema import Draft202012Validator
stand_in = type(sys.modules["rfc3987_syntax"]).__name__
lark_before = any(name == "lark" or name.startswith("lark.") for name in sys.modules)
checker = Draft202012Validator.FORMAT_CHECKER
import rfc3987_syntax
answers = [[rfc3987_syntax.is_valid_syntax(rule, s) for s in {SAMPLES!r}] for rule in ("iri", "iri_reference")]
formats = [checker.conforms(s, "iri") for s in {SAMPLES!r}]
print(json.dumps(dict(stand_in=stand_in, lark_before=lark_before, answers=answers, formats=formats,
                      real_after=type(sys.modules["rfc3987_syntax"]).__name__, iri_checked="iri" in checker.checkers)))
"""


def _run(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_stand_in_builds_no_grammar_at_import_and_delegates_to_the_real_module():
    real = _run(REAL)
    kit = _run(KIT)
    assert kit["stand_in"] == "_StandIn"  # installed by `import analysis`, before jsonschema
    assert kit["lark_before"] is False  # importing altair and jsonschema built no grammar
    assert kit["iri_checked"] is True  # jsonschema still registered its "iri" format checker
    assert kit["answers"] == real  # the stand-in's answers are the real module's
    assert kit["formats"] == real[0]  # and jsonschema's "iri" checks give them
    assert kit["real_after"] == "module"  # after first use, the real module is in sys.modules
    assert True in real[0] and False in real[0]  # the samples tell valid from invalid
