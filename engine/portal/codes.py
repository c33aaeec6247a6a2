"""Random codes the portal hands out, and how they are kept: only hashes of secrets are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: read aloud over the phone and typed from paper without mistakes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 10  # ~49 bits: with the per-address limit, guessing is hopeless
VERIFY_CODE_LENGTH = 8  # ~40 bits, printed on every letter
VERIFY_KEY = "verify_code"  # where the frozen letter's data keeps it


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_query_code() -> str:
    return random_code(QUERY_CODE_LENGTH)


def new_verify_code() -> str:
    code = random_code(VERIFY_CODE_LENGTH)
    return f"{code[:4]}-{code[4:]}"


def normalised(code: str) -> str:
    """What the applicant typed, as stored: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in str(code or "").upper() if ch not in " -\t")[:64]


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def code_hash(code: str) -> str:
    return sha256_hex("query:" + normalised(code))


def same(stored_hex: str, given_hex: str) -> bool:
    """Constant-time comparison (no timing hint of how much of a guess was right)."""
    return hmac.compare_digest(stored_hex.encode(), given_hex.encode())


def new_tracking_number(day) -> str:
    """网上申请查询号: W + the day + 6 random digits (not a count: says nothing of other submissions)."""
    return f"W{day:%Y%m%d}{secrets.randbelow(10**6):06d}"


def _stream(key: str) -> bytes:
    return hashlib.sha256(("seal:" + key).encode()).digest()


def seal(code: str, key: str) -> str:
    """The query code sealed under the idempotency key (only whoever holds the key can open it): a retry
    with the same key is answered with the same code, though the code itself is stored only hashed."""
    raw = code.encode()
    return bytes(a ^ b for a, b in zip(raw, _stream(key))).hex()


def unseal(sealed: str, key: str) -> str:
    return bytes(a ^ b for a, b in zip(bytes.fromhex(sealed), _stream(key))).decode()


def verification_print(number: str) -> dict:
    """What a letter prints when it is issued: its new verification code and, when the portal's public
    address is configured, the verification address (the letter shows it as a QR code)."""
    from urllib.parse import urlencode

    from ..settings import get_settings

    code = new_verify_code()
    base = get_settings().public_url.rstrip("/")
    url = f"{base}/portal/verify?{urlencode({'number': number, 'code': code})}" if base else ""
    return {VERIFY_KEY: code, "verify_url": url}
