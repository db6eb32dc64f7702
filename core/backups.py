"""Encrypted database backups: pg_dump in custom format, encrypted as it streams, and the way back.

The file: MAGIC, a 16-byte salt, then chunks of [4-byte length][12-byte nonce][ciphertext + 16-byte
tag]. Each chunk is AES-256-GCM with the key derived from BACKUP_PASSPHRASE (scrypt, the salt);
the chunk's number and whether it is the last are authenticated with it, so a file that was cut
short, reordered or altered does not restore. The dump never touches the disk unencrypted and is
never whole in memory (1 MiB chunks).

`cryptography` comes from the project's own dependencies (pyproject.toml), so backups need no
system tool besides PostgreSQL's pg_dump and pg_restore.
"""

import os
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"LAJU-BACKUP-1\n"
CHUNK = 1024 * 1024
_HEADER = struct.Struct(">I")


class BackupError(Exception):
    pass


def backup_key(passphrase: str, salt: bytes) -> bytes:
    if len(passphrase or "") < 16:
        raise BackupError("BACKUP_PASSPHRASE must be set and at least 16 characters long.")
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def _associated(index: int, last: bool) -> bytes:
    return struct.pack(">Q?", index, last)


def encrypt_stream(source: IO[bytes], target: IO[bytes], *, passphrase: str) -> int:
    """Encrypt `source` into `target`; returns the number of plaintext bytes."""
    salt = os.urandom(16)
    cipher = AESGCM(backup_key(passphrase, salt))
    target.write(MAGIC + salt)
    total, index = 0, 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if chunk else b""
        last = not following
        nonce = os.urandom(12)
        sealed = cipher.encrypt(nonce, chunk, _associated(index, last))
        target.write(_HEADER.pack(len(sealed)) + nonce + sealed)
        total += len(chunk)
        if last:
            return total
        chunk, index = following, index + 1


def decrypt_chunks(source: IO[bytes], *, passphrase: str) -> Iterator[bytes]:
    """The plaintext of an encrypted backup, chunk by chunk; BackupError if it is not intact."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("Not a LAJU DIGITAL backup file.")
    cipher = AESGCM(backup_key(passphrase, source.read(16)))
    index = 0
    while True:
        header = source.read(_HEADER.size)
        if len(header) < _HEADER.size:
            raise BackupError("The backup file is cut short.")
        (length,) = _HEADER.unpack(header)
        nonce, sealed = source.read(12), source.read(length)
        if len(sealed) < length:
            raise BackupError("The backup file is cut short.")
        last = source.peek(1) == b"" if hasattr(source, "peek") else None
        try:
            if last is None:
                try:
                    plain = cipher.decrypt(nonce, sealed, _associated(index, False))
                except InvalidTag:
                    plain = cipher.decrypt(nonce, sealed, _associated(index, True))
                    last = True
            else:
                plain = cipher.decrypt(nonce, sealed, _associated(index, last))
        except InvalidTag:
            raise BackupError("Wrong passphrase, or the backup file was altered.") from None
        yield plain
        if last:
            if source.read(1):
                raise BackupError("The backup file has data after its end.")
            return
        index += 1


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def database_backup(*, db: dict, output: Path, passphrase: str) -> int:
    """pg_dump -Fc of `db` encrypted into `output` (written to a temporary name, then renamed); plaintext bytes."""
    backup_key(passphrase, b"0" * 16)  # refuse a missing passphrase before dumping anything
    args, env = _pg_args(db)
    partial = output.with_name(output.name + ".partial")
    dump = subprocess.Popen(["pg_dump", "--format=custom", "--no-owner", *args], stdout=subprocess.PIPE, env=env)  # noqa: S603, S607  fixed argument list, no shell; pg_dump from PATH as the operator installed it
    try:
        with partial.open("wb") as target:
            size = encrypt_stream(dump.stdout, target, passphrase=passphrase)  # type: ignore[arg-type]
    finally:
        dump.stdout.close()  # type: ignore[union-attr]
        code = dump.wait()
    if code != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed with exit code {code}.")
    os.chmod(partial, 0o600)
    partial.rename(output)
    return size


def database_restore(*, db: dict, source: Path, passphrase: str) -> None:
    """Decrypt `source` into pg_restore --clean --if-exists: the database becomes what the backup holds.

    The whole file is checked (every chunk authenticated) before pg_restore sees a byte, so a wrong
    passphrase or a damaged file changes nothing.
    """
    with source.open("rb") as handle:
        for _chunk in decrypt_chunks(handle, passphrase=passphrase):
            pass
    args, env = _pg_args(db)
    restore = subprocess.Popen(  # noqa: S603  fixed argument list, no shell
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", *args],  # noqa: S607  pg_restore from PATH as the operator installed it
        stdin=subprocess.PIPE,
        env=env,
    )
    try:
        with source.open("rb") as handle:
            for chunk in decrypt_chunks(handle, passphrase=passphrase):
                restore.stdin.write(chunk)  # type: ignore[union-attr]
    finally:
        restore.stdin.close()  # type: ignore[union-attr]
        code = restore.wait()
    if code != 0:
        raise BackupError(f"pg_restore failed with exit code {code}; the database is unchanged (one transaction).")
