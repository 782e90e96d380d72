"""Romanisation of names for emails and usernames: tables for the alphabets Faker's locales use,
Hangul by its syllable arithmetic, Indic scripts from Unicode character names.

Only what an address needs: lower-case ASCII letters. A script with no rule here (Thai, CJK
ideographs) gives an empty result, and the caller falls back to the locale's romanised name
data or to a Latin given name (see :func:`datagen.generators.locales.romanised`).

Example:
    >>> romanise("Александра"), romanise("Γιώργος"), romanise("김민준")
    ('aleksandra', 'giorgos', 'gimminjun')
"""

from __future__ import annotations

import unicodedata

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўјљњћџѓќѕ",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g u j "
        "lj nj c dz g k dz".split(),
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(),
        strict=True,
    )
)
_HEBREW = dict(
    zip(
        "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
        "a v g d h v z ch t y k k l m m n n s a p f ts ts k r sh t".split(),
        strict=True,
    )
)
_ARABIC = dict(
    zip(
        "ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآؤئپچژگکی",
        "a b t th j h kh d dh r z s sh s d t z a gh f q k l m n h w y a a - a i a w y p ch zh g "
        "k y".split(),
        strict=True,
    )
)
_GEORGIAN = dict(
    zip(
        "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
        "a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h".split(),
        strict=True,
    )
)
_ARMENIAN = dict(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև",
        "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f ev"
        "".split(),
        strict=True,
    )
)
TABLE = {**_CYRILLIC, **_GREEK, **_HEBREW, **_ARABIC, **_GEORGIAN, **_ARMENIAN}

# Hangul syllables: (initial, medial, final) from the code point (Revised Romanization, simplified)
_L = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_V = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_T = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()


def _hangul(c: str) -> str:
    s = ord(c) - 0xAC00
    lead, vowel, tail = s // 588, s % 588 // 28, s % 28
    return (_L[lead] + _V[vowel] + _T[tail]).replace("-", "")


def _indic(c: str) -> str:
    """Devanagari, Bengali, Tamil... from the character's Unicode name: LETTER KA -> ka, VOWEL
    SIGN II -> i; an inherent 'a' is dropped before a vowel sign or a virama (see romanise)."""
    name = unicodedata.name(c, "")
    if " LETTER " in name:
        word = name.split(" LETTER ")[1].split()[0].lower()
        return word if word.isalpha() else ""
    if " VOWEL SIGN " in name:
        return "\x01" + name.split(" VOWEL SIGN ")[1].split()[0].lower()[:2]
    if name.endswith((" SIGN VIRAMA", " SIGN HALANTA", " SIGN PULLI", " SIGN AL-LAKUNA")):
        return "\x01"
    return ""


def romanise(text: str) -> str:
    """Lower-case ASCII letters standing for ``text`` ('' when its script has no rule here)."""
    out = []
    for c in unicodedata.normalize("NFC", text.lower()):
        if c.isascii():
            out.append(c if c.isalpha() else "")
        elif c in TABLE or unicodedata.normalize("NFD", c)[0] in TABLE:  # ώ is ω
            out.append(TABLE.get(c, TABLE.get(unicodedata.normalize("NFD", c)[0], "")))
        elif 0xAC00 <= ord(c) <= 0xD7A3:
            out.append(_hangul(c))
        elif 0x0900 <= ord(c) <= 0x0DFF:  # Devanagari .. Sinhala
            piece = _indic(c)
            if piece.startswith("\x01") and out and out[-1].endswith("a"):
                out[-1] = out[-1][:-1]  # the consonant's inherent vowel gives way
            out.append(piece.lstrip("\x01"))
        else:
            folded = unicodedata.normalize("NFKD", c)
            out.append("".join(x for x in folded if x.isascii() and x.isalpha()))
    return "".join(out).replace("-", "")
