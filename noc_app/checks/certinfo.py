"""Validity dates, subject and issuer from a DER certificate, stdlib only.

``SSLSocket.getpeercert()`` returns an empty dict when verification is off,
and we want expiry details even then (``verify_tls = false``) and after a
failed verification (to say *when* it expired). Only the few fields needed
are read, by walking the ASN.1 structure of RFC 5280's TBSCertificate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_SEQUENCE = 0x30
_SET = 0x31
_OID = 0x06
_UTC_TIME = 0x17
_GENERALIZED_TIME = 0x18
_EXPLICIT_VERSION = 0xA0

_ATTRIBUTE_NAMES = {
    "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST",
    "2.5.4.10": "O", "2.5.4.11": "OU", "1.2.840.113549.1.9.1": "emailAddress",
}


class CertificateParseError(ValueError):
    pass


@dataclass(frozen=True)
class CertificateInfo:
    not_before: dt.datetime
    not_after: dt.datetime
    subject: str  # "CN=api.example.com, O=Example"
    issuer: str


def _element(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the TLV at ``pos``."""
    try:
        tag = data[pos]
        length = data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
    except IndexError as exc:
        raise CertificateParseError("truncated DER") from exc
    if pos + length > len(data):
        raise CertificateParseError("truncated DER")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items = []
    while start < end:
        tag, content_start, content_end = _element(data, start)
        items.append((tag, content_start, content_end))
        start = content_end
    return items


def _oid(raw: bytes) -> str:
    first, arcs, value = raw[0], [], 0
    arcs.extend(divmod(first, 40) if first < 80 else (2, first - 80))
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(str(a) for a in arcs)


def _text(tag: int, raw: bytes) -> str:
    if tag == 0x1E:  # BMPString
        return raw.decode("utf-16-be", errors="replace")
    return raw.decode("utf-8", errors="replace")


def _name(data: bytes, start: int, end: int) -> str:
    parts = []
    for set_tag, set_start, set_end in _children(data, start, end):
        if set_tag != _SET:
            continue
        for _, attr_start, attr_end in _children(data, set_start, set_end):
            (oid_tag, o_start, o_end), (value_tag, v_start, v_end) = _children(data, attr_start, attr_end)[:2]
            oid = _oid(data[o_start:o_end])
            parts.append(f"{_ATTRIBUTE_NAMES.get(oid, oid)}={_text(value_tag, data[v_start:v_end])}")
    return ", ".join(parts)


def _time(tag: int, raw: bytes) -> dt.datetime:
    text = raw.decode("ascii")
    if tag == _UTC_TIME:  # YYMMDDHHMMSSZ; RFC 5280: YY >= 50 is 19YY
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif tag != _GENERALIZED_TIME:
        raise CertificateParseError(f"unexpected time tag {tag:#x}")
    return dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=dt.timezone.utc)


def parse_certificate(der: bytes) -> CertificateInfo:
    tag, start, end = _element(der, 0)
    if tag != _SEQUENCE:
        raise CertificateParseError("not a certificate")
    tbs_tag, tbs_start, tbs_end = _children(der, start, end)[0]
    fields = _children(der, tbs_start, tbs_end)
    if fields and fields[0][0] == _EXPLICIT_VERSION:
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, ...
    try:
        _, (_, i_start, i_end), (_, v_start, v_end), (_, s_start, s_end) = fields[1:5]
        (nb_tag, nb_start, nb_end), (na_tag, na_start, na_end) = _children(der, v_start, v_end)
        return CertificateInfo(
            not_before=_time(nb_tag, der[nb_start:nb_end]),
            not_after=_time(na_tag, der[na_start:na_end]),
            subject=_name(der, s_start, s_end),
            issuer=_name(der, i_start, i_end),
        )
    except (ValueError, IndexError) as exc:
        raise CertificateParseError("unexpected certificate structure") from exc
