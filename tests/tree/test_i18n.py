"""The catalogues are complete and consistent (docs/translating.md): every
text tools/i18n-extract finds in the templates and the C sources has a
German and a Polish translation, each keeps the message's {placeholders}
and HTML tags, has as many plural forms as its language, and breaks no
attribute; web/i18n/hearth.pot is up to date. A failure lists every
message missing, so one run says all there is to translate. Cases run
alone: CASE=complete."""
import glob
import importlib.machinery
import importlib.util
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import harness as h  # noqa: E402

SRC = os.environ.get("HEARTH_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
LANGS = {"de": 2, "pl": 3}


def extractor():
    path = os.path.join(SRC, "tools", "i18n-extract")
    loader = importlib.machinery.SourceFileLoader("i18n_extract", path)
    spec = importlib.util.spec_from_loader("i18n_extract", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def catalogue(ex, lang):
    return ex.read_po(os.path.join(SRC, "web", "i18n", lang + ".po"))


def name(key):
    ctx, mid = key
    return ("[%s] " % ctx if ctx else "") + mid


@h.case
def complete(t, fx):
    """Every message has a translation in each language."""
    ex = extractor()
    msgs = ex.collect(SRC)
    t.ok(len(msgs) > 300, "found the messages (%d)" % len(msgs))
    for lang in LANGS:
        po = catalogue(ex, lang)
        missing = [k for k in msgs
                   if k not in po or po[k]["fuzzy"] or
                   not all(po[k]["forms"])]
        t.ok(not missing, "%s.po translates every message" % lang,
             "%d missing (run tools/i18n-extract --update, then translate "
             "the empty msgstr in web/i18n/%s.po):\n  %s" % (
                 len(missing), lang, "\n  ".join(
                     name(k) for k in sorted(missing, key=lambda k: k[1]))))


@h.case
def consistent(t, fx):
    """Placeholders, tags, plural forms and quotes survive translation."""
    ex = extractor()
    msgs = ex.collect(SRC)
    for lang, nforms in LANGS.items():
        po = catalogue(ex, lang)
        bad = []
        for key, e in msgs.items():
            if key not in po:
                continue
            forms = po[key]["forms"]
            want = set(re.findall(r"\{[^}]*\}", key[1]))
            tags = sorted(re.findall(r"<[^>]*>", key[1]))
            if e["plural"] and len(forms) != nforms:
                bad.append("%s: %d plural forms, %s has %d" % (
                    name(key), len(forms), lang, nforms))
            if e["plural"]:
                want |= set(re.findall(r"\{[^}]*\}", e["plural"]))
            for i, s in enumerate(forms):
                got = set(re.findall(r"\{[^}]*\}", s))
                if got != want and not e["plural"]:
                    bad.append("%s: placeholders %s, not %s" % (
                        name(key), sorted(got), sorted(want)))
                # A plural's form may leave out the count ("eine
                # Minute"), never invent a placeholder or drop another.
                if e["plural"] and (got - want or
                                    (want - {"{n}"}) - got):
                    bad.append("%s: form %d has placeholders %s, not %s"
                               % (name(key), i, sorted(got),
                                  sorted(want)))
                if sorted(re.findall(r"%[-+ #0-9.]*[a-zA-Z]", s)) != \
                        sorted(re.findall(r"%[-+ #0-9.]*[a-zA-Z]",
                                          key[1])) and "%" in key[1]:
                    bad.append("%s: the printf conversions differ" %
                               name(key))
                if sorted(re.findall(r"<[^>]*>", s)) != tags:
                    bad.append("%s: the HTML tags differ" % name(key))
                if '"' in s and '"' not in key[1]:
                    bad.append("%s: a \" would end an attribute" % name(key))
                if re.search(r"&(?![a-z]+;|#\d+;)", s) and \
                        not re.search(r"&(?![a-z]+;|#\d+;)", key[1]):
                    bad.append("%s: a bare & (write &amp;)" % name(key))
        t.ok(not bad, "%s.po keeps placeholders, tags and forms" % lang,
             "\n  ".join(bad))


@h.case
def cause_args(t, fx):
    """Every cause_new()/cause_newn() in the C sources words a marked
    pattern (N_ or NN_) whose {placeholders} are exactly the arguments it
    is given (CT, CW, CN, CZ, CI), so no text shows a {name} unfilled or
    drops an argument; the catalogues' placeholders are held to the same
    pattern by consistent."""
    ex = extractor()
    call = re.compile(r"\bcause_newn?\s*\(")
    bad, seen = [], 0
    for pat in ("core/*/*.c", "web/pages/*.c", "modules/*/*.c"):
        for path in sorted(glob.glob(os.path.join(SRC, pat))):
            with open(path, encoding="utf-8") as f:
                text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
            if path.endswith("cause.c"):
                continue
            for m in call.finditer(text):
                depth, i = 1, m.end()
                while depth and i < len(text):
                    c = text[i]
                    if c == '"':
                        i = re.match(ex.C_STR, text[i:]).end() + i
                        continue
                    depth += {"(": 1, ")": -1}.get(c, 0)
                    i += 1
                body = text[m.end():i - 1]
                where = "%s:%d" % (os.path.relpath(path, SRC),
                                   text.count("\n", 0, m.start()) + 1)
                mark = re.search(r"\bNN?_\s*\(((?:%s|\s|,)*)\)" %
                                 ex.C_STR, body)
                if mark is None:
                    bad.append("%s: the pattern is not a N_ or NN_ "
                               "literal" % where)
                    continue
                seen += 1
                forms = [ex.literal(a) for a in ex.split_args(mark.group(1))]
                want = set()
                for form in forms:
                    want |= set(re.findall(r"\{([^}]*)\}", form or ""))
                got = set(re.findall(r'\bC[TWNZI]\s*\(\s*"(\w+)"', body))
                if want != got:
                    bad.append("%s: placeholders %s, arguments %s" % (
                        where, sorted(want), sorted(got)))
                if len(re.findall(r'\bC[TWNZI]\s*\(', body)) > 4:
                    bad.append("%s: more than CAUSE_ARGS (4) arguments" %
                               where)
                if any("%" in (form or "") for form in forms):
                    bad.append("%s: a printf conversion in a pattern" %
                               where)
    t.ok(seen >= 10, "found the causes (%d)" % seen)
    t.ok(not bad, "each cause's pattern and arguments agree",
         "\n  ".join(bad))


@h.case
def stale(t, fx):
    """hearth.pot is what the extractor makes now, and no translation is
    left over for a message that is gone (it would only mislead)."""
    ex = extractor()
    msgs = ex.collect(SRC)
    pot = ex.read_po(os.path.join(SRC, "web", "i18n", "hearth.pot"))
    pot.pop((None, ""), None)
    t.ok(set(pot) == set(msgs), "hearth.pot is up to date",
         "run tools/i18n-extract; differs by %d messages" % len(
             set(pot) ^ set(msgs)))
    for lang in LANGS:
        po = catalogue(ex, lang)
        po.pop((None, ""), None)
        gone = [k for k in po if k not in msgs]
        t.ok(not gone, "%s.po has no message that is gone" % lang,
             "\n  ".join(name(k) for k in gone))


@h.case
def extractor_rule(t, fx):
    """The extractor reads templates as render.c does: text runs with
    {{vars}}, readable attributes, {{#_}}, and nothing else."""
    ex = extractor()
    tpl = ('<p title="Hi {{who}}" class="x y">\n  Hello {{name}},\n  '
           'welcome</p><input type="submit" value="Go">'
           '<input value="raw"><a href="/x">{{#_}}Read <b>{{n}}</b> '
           'items{{/_}}</a>{{#s}}Cut{{/s}} off · {{x}}')
    path = os.path.join(t.tmpdir(), "t.html")
    with open(path, "w") as f:
        f.write(tpl)
    got = [m for m, *_ in ex.from_template(path, "t.html")]
    t.is_(got, ["Hi {who}", "Hello {name}, welcome", "Go",
                "Read <b>{n}</b> items", "Cut", "off · {x}"],
          "the messages, in order")


if __name__ == "__main__":
    h.main_cases()
