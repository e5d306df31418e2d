"""Keyword tables of the parser (upper-case spellings, Latin and Cyrillic)."""

from __future__ import annotations

from .model import Degree, Scheme

#: 1:1 character normalisation (keeps positions): dashes, spaces, apostrophes, full-width.
TRANSLATE: dict[int, str] = {}
for _c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043":
    TRANSLATE[ord(_c)] = "-"
for (
    _c
) in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff":
    TRANSLATE[ord(_c)] = " "
for _c in "\u2018\u2019\u02bb\u02bc\u0060\u2032\u00b4\u02b9\u201b\u02bd":
    TRANSLATE[ord(_c)] = "'"
TRANSLATE.update(
    {
        ord("\uff1a"): ":",
        ord("\uff0f"): "/",
        ord("\uff08"): "(",
        ord("\uff09"): ")",
        ord("\uff0c"): ",",
        ord("\uff5c"): "|",
        ord("\uff0b"): "+",
        ord("\u2044"): "/",
        ord("\u2215"): "/",
    }
)

#: Lead publishers that start an international identifier.
PRIMARY: dict[str, str] = {"ISO": "ISO", "IEC": "IEC", "CISPR": "CISPR", "ИСО": "ISO", "МЭК": "IEC"}
#: Co-publishers accepted after a slash.
COPUBLISHERS: dict[str, str] = {
    "IEC": "IEC",
    "ISO": "ISO",
    "IEEE": "IEEE",
    "ASTM": "ASTM",
    "SAE": "SAE",
    "CIE": "CIE",
    "HL7": "HL7",
    "OECD": "OECD",
    "ASME": "ASME",
    "UNDP": "UNDP",
    "IDF": "IDF",
    "OIML": "OIML",
    "МЭК": "IEC",
    "ИСО": "ISO",
}
#: Document types (upper-case spelling → canonical).
TYPES: dict[str, str] = {
    "TS": "TS",
    "TR": "TR",
    "PAS": "PAS",
    "GUIDE": "Guide",
    "IWA": "IWA",
    "ISP": "ISP",
    "TTA": "TTA",
    "R": "R",
    "DATA": "DATA",
    "SRD": "SRD",
    "CA": "CA",
    "WT": "WT",
    "ACEE": "ACEE",
    "DIRECTIVES": "Directives",
    "ТО": "TR",
    "ТУ": "TS",
    "ТС": "TS",
    "ПАС": "PAS",
    "РУКОВОДСТВО": "Guide",
}
#: Multi-word types whose number is a free-text name.
NAMED_TYPES: dict[tuple[str, ...], str] = {
    ("WHITE", "PAPER"): "White Paper",
    ("TECHNOLOGY", "REPORT"): "Technology Report",
    ("TREND", "REPORT"): "Trend Report",
    ("TECHNOLOGY", "AND", "MARKET", "OUTLOOK", "PAPER"): "Technology and Market Outlook Paper",
}
#: Stages (upper-case spelling → harmonised code name).
STAGE_WORDS: dict[str, str] = {
    "PWI": "PWI",
    "NP": "NP",
    "NWIP": "NP",
    "AWI": "AWI",
    "WD": "WD",
    "CD": "CD",
    "PD": "CD",
    "DIS": "DIS",
    "CDV": "DIS",
    "FDIS": "FDIS",
    "PRF": "PRF",
    "FPR": "PRF",
}
#: Words combining a stage and a type (``DTS``, legacy ``PDTR``).
STAGE_TYPE_WORDS: dict[str, tuple[str, str]] = {
    "DTS": ("DIS", "TS"),
    "DTR": ("DIS", "TR"),
    "DPAS": ("DIS", "PAS"),
    "DGUIDE": ("DIS", "Guide"),
    "PDTR": ("CD", "TR"),
    "PDTS": ("CD", "TS"),
    "PDPAS": ("CD", "PAS"),
    "FDTR": ("FDIS", "TR"),
    "FDTS": ("FDIS", "TS"),
    "DISP": ("DIS", "ISP"),
    "FDISP": ("FDIS", "ISP"),
}
#: Supplement kinds.
SUPP_KINDS: dict[str, str] = {
    "AMD": "Amd",
    "AM": "Amd",
    "AMEND": "Amd",
    "AMENDMENT": "Amd",
    "COR": "Cor",
    "CORR": "Cor",
    "CORRIGENDUM": "Cor",
    "TC": "Cor",
    "ADD": "Add",
    "ADDENDUM": "Add",
    "SUPPL": "Suppl",
    "SUP": "Suppl",
    "SUPPLEMENT": "Suppl",
    "EXT": "Ext",
    "ISH": "ISH",
    "FRAG": "FRAG",
    "ИЗМ": "Amd",
    "ПОПР": "Cor",
}
#: Words combining a stage and a supplement kind (``DAM``, legacy ``PDAM``, ``FDAmd``).
SUPP_COMBINED: dict[str, tuple[str, str]] = {
    "DAM": ("DIS", "Amd"),
    "DAMD": ("DIS", "Amd"),
    "FDAM": ("FDIS", "Amd"),
    "FDAMD": ("FDIS", "Amd"),
    "PDAM": ("CD", "Amd"),
    "PDAMD": ("CD", "Amd"),
    "DCOR": ("DIS", "Cor"),
    "FDCOR": ("FDIS", "Cor"),
    "DAD": ("DIS", "Add"),
    "PDAD": ("CD", "Add"),
}
#: Committee levels of committee documents (``ISO/IEC JTC 1/SC 27 N 1234``).
COMMITTEE_WORDS = frozenset({"JTC", "TC", "SC", "WG", "PC", "JWG", "AG", "CASCO", "COPOLCO", "DEVCO"})
FORMS = frozenset({"CSV", "RLV", "EXV", "CMV", "SER", "DB", "PRV"})
LANGS: dict[str, str] = {
    "E": "en",
    "F": "fr",
    "R": "ru",
    "S": "es",
    "A": "ar",
    "C": "zh",
    "D": "de",
    "EN": "en",
    "FR": "fr",
    "RU": "ru",
    "ES": "es",
    "AR": "ar",
    "ZH": "zh",
    "DE": "de",
    "ENG": "en",
    "FRE": "fr",
    "FRA": "fr",
    "RUS": "ru",
}
ROMAN: dict[str, int] = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
DEGREES: dict[str, Degree] = {
    "IDT": Degree.IDT,
    "MOD": Degree.MOD,
    "NEQ": Degree.NEQ,
    "IDENTICAL": Degree.IDT,
    "MODIFIED": Degree.MOD,
}

# ------------------------------------------------------------------------------ schemes

_VN = Scheme("TCVN", "VN", "STAMEQ (Viet Nam)")
_UZ = Scheme("O‘z DSt", "UZ", "Uzstandard (Uzbekistan)", state_degree=True)
_KZ = Scheme(
    "СТ РК", "KZ", "KazStandard (Kazakhstan)", year_sep="-", slash_degree=Degree.IDT, paren_degree=Degree.MOD
)
_RU = Scheme(
    "ГОСТ Р",
    "RU",
    "Rosstandart (Russia)",
    year_sep="-",
    slash_degree=Degree.IDT,
    paren_degree=Degree.MOD,
    cyrillic_embed=True,
    short_years=True,
    reads_short_years=True,
)
_RU_PNST = Scheme(
    "ПНСТ", "RU", "Rosstandart (Russia)", year_sep="-", slash_degree=Degree.IDT, paren_degree=Degree.MOD
)
_GOST = Scheme(
    "ГОСТ",
    None,
    "EASC (interstate, CIS)",
    year_sep="-",
    slash_degree=Degree.IDT,
    paren_degree=Degree.MOD,
    short_years=True,
    reads_short_years=True,
)
_BY = Scheme(
    "СТБ",
    "BY",
    "Gosstandart (Belarus)",
    year_sep="-",
    slash_degree=Degree.IDT,
    paren_degree=Degree.MOD,
    reads_short_years=True,
)
_UA = Scheme("ДСТУ", "UA", "UAS (Ukraine)")
_CN_T = Scheme("GB/T", "CN", "SAC (China)", year_sep="-", slash_degree=Degree.IDT, reads_short_years=True)
_CN_Z = Scheme("GB/Z", "CN", "SAC (China)", year_sep="-", slash_degree=Degree.IDT, reads_short_years=True)
_CN = Scheme("GB", "CN", "SAC (China)", year_sep="-", slash_degree=Degree.IDT, reads_short_years=True)
_EN = Scheme("EN", "EU", "CEN/CENELEC")


def _ks(division: str) -> Scheme:
    return Scheme(f"KS {division}", "KR", "KATS (Korea)")


def _jis(division: str) -> Scheme:
    return Scheme(f"JIS {division}", "JP", "JISC (Japan)", embed_degree=None)


#: National bodies that adopt European Standards: canonical prefix before ``EN``, country.
EN_ADOPTERS: dict[str, tuple[str, str, str]] = {
    "BS": ("BS EN", "GB", "BSI (United Kingdom)"),
    "DIN": ("DIN EN", "DE", "DIN (Germany)"),
    "NF": ("NF EN", "FR", "AFNOR (France)"),
    "UNE": ("UNE-EN", "ES", "UNE (Spain)"),
    "SS": ("SS-EN", "SE", "SIS (Sweden)"),
    "NEN": ("NEN-EN", "NL", "NEN (Netherlands)"),
    "ÖNORM": ("ÖNORM EN", "AT", "Austrian Standards"),
    "OENORM": ("ÖNORM EN", "AT", "Austrian Standards"),
    "PN": ("PN-EN", "PL", "PKN (Poland)"),
    "ČSN": ("ČSN EN", "CZ", "ÚNMZ (Czechia)"),
    "CSN": ("ČSN EN", "CZ", "ÚNMZ (Czechia)"),
    "SN": ("SN EN", "CH", "SNV (Switzerland)"),
    "UNI": ("UNI EN", "IT", "UNI (Italy)"),
    "DS": ("DS/EN", "DK", "Danish Standards"),
    "NS": ("NS-EN", "NO", "Standard Norge"),
    "SFS": ("SFS-EN", "FI", "SFS (Finland)"),
    "EVS": ("EVS-EN", "EE", "EVS (Estonia)"),
    "LST": ("LST EN", "LT", "LST (Lithuania)"),
    "LVS": ("LVS EN", "LV", "LVS (Latvia)"),
    "STN": ("STN EN", "SK", "SÚTN (Slovakia)"),
    "SIST": ("SIST EN", "SI", "SIST (Slovenia)"),
    "MSZ": ("MSZ EN", "HU", "MSZT (Hungary)"),
    "SR": ("SR EN", "RO", "ASRO (Romania)"),
    "BDS": ("BDS EN", "BG", "BDS (Bulgaria)"),
    "ELOT": ("ELOT EN", "GR", "NQIS ELOT (Greece)"),
    "CYS": ("CYS EN", "CY", "CYS (Cyprus)"),
    "NBN": ("NBN EN", "BE", "NBN (Belgium)"),
    "HRN": ("HRN EN", "HR", "HZN (Croatia)"),
    "IST": ("ÍST EN", "IS", "IST (Iceland)"),
    "ÍST": ("ÍST EN", "IS", "IST (Iceland)"),
    "TS": ("TS EN", "TR", "TSE (Türkiye)"),
    "SRPS": ("SRPS EN", "RS", "ISS (Serbia)"),
    "MKS": ("MKS EN", "MK", "ISRM (North Macedonia)"),
    "ILNAS": ("ILNAS-EN", "LU", "ILNAS (Luxembourg)"),
    "MSA": ("MSA EN", "MT", "MCCAA (Malta)"),
    "I.S.": ("I.S. EN", "IE", "NSAI (Ireland)"),
}

#: Other national prefixes (single words), canonical prefix, country, body, year separator.
OTHER_SCHEMES: dict[str, Scheme] = {
    "TCVN": _VN,
    "ГОСТ": _GOST,
    "GOST": _GOST,
    "ПНСТ": _RU_PNST,
    "PNST": _RU_PNST,
    "СТБ": _BY,
    "STB": _BY,
    "ДСТУ": _UA,
    "DSTU": _UA,
    "EN": _EN,
    "BS": Scheme("BS", "GB", "BSI (United Kingdom)"),
    "DIN": Scheme("DIN", "DE", "DIN (Germany)"),
    "SNI": Scheme("SNI", "ID", "BSN (Indonesia)"),
    "SANS": Scheme("SANS", "ZA", "SABS (South Africa)"),
    "MS": Scheme("MS", "MY", "Standards Malaysia"),
    "PNS": Scheme("PNS", "PH", "BPS (Philippines)"),
    "SLS": Scheme("SLS", "LK", "SLSI (Sri Lanka)"),
    "CNS": Scheme("CNS", "TW", "BSMI (Taiwan)", embed_degree=None),
    "KMS": Scheme("KMS", "KG", "Kyrgyzstandard (Kyrgyzstan)", year_sep="-", slash_degree=Degree.IDT),
    "AS": Scheme("AS", "AU", "Standards Australia"),
    "AS/NZS": Scheme("AS/NZS", "AU", "Standards Australia / Standards New Zealand"),
    "NZS": Scheme("NZS", "NZ", "Standards New Zealand"),
    "NBR": Scheme("ABNT NBR", "BR", "ABNT (Brazil)"),
    "NTC": Scheme("NTC", "CO", "ICONTEC (Colombia)"),
    "NCH": Scheme("NCh", "CL", "INN (Chile)"),
    "IRAM": Scheme("IRAM", "AR", "IRAM (Argentina)"),
    "UNIT": Scheme("UNIT", "UY", "UNIT (Uruguay)"),
    "SASO": Scheme("SASO", "SA", "SASO (Saudi Arabia)"),
    "TIS": Scheme("TIS", "TH", "TISI (Thailand)"),
    "QCVN": Scheme("QCVN", "VN", "Viet Nam (technical regulation)", embed_degree=None),
}


def ks(division: str) -> Scheme:
    return _ks(division)


def jis(division: str) -> Scheme:
    return _jis(division)


UZ = _UZ
KZ = _KZ
RU = _RU
CN_T = _CN_T
CN_Z = _CN_Z
CN = _CN
EN = _EN


def en_adopter(word: str) -> Scheme:
    prefix, country, body = EN_ADOPTERS[word]
    return Scheme(prefix, country, body)


def unknown_scheme(prefix: str, year_sep: str) -> Scheme:
    return Scheme(prefix, None, "unknown", year_sep=year_sep, embed_degree=None, known=False)
