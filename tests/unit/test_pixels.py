"""Images judged by their header and decoded within a memory budget."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from PIL import Image

from bench.bombs import png
from gateway.pixels import (
    MAX_PIXELS,
    MAX_WEBP_PIXELS,
    DecodeBudget,
    TooManyPixels,
    Undecodable,
    _reduced,
    check_size,
    header_size,
    thumbnail,
)


def saved(image: Image.Image, form: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=form, **options)
    return out.getvalue()


def exif() -> Image.Exif:
    found = Image.new("RGB", (1, 1)).getexif()
    found[0x010E] = "x" * 5000  # a long description: an APP1 segment before SOF
    return found


IMAGES = {
    "png-rgb": lambda: saved(Image.new("RGB", (1500, 900)), "PNG"),
    "png-rgba": lambda: saved(Image.new("RGBA", (1500, 900)), "PNG"),
    "png-palette": lambda: saved(Image.new("P", (1500, 900)), "PNG", transparency=0),
    "png-grey-16-bit": lambda: saved(Image.new("I;16", (1500, 900)), "PNG"),
    "png-grey-alpha": lambda: saved(Image.new("LA", (1500, 900)), "PNG"),
    "png-bilevel": lambda: saved(Image.new("1", (1500, 900)), "PNG"),
    "png-tall": lambda: saved(Image.new("RGB", (10, 7000)), "PNG"),
    "jpeg": lambda: saved(Image.new("RGB", (3000, 2000)), "JPEG"),
    "jpeg-progressive": lambda: saved(
        Image.new("RGB", (3000, 2000)), "JPEG", progressive=True
    ),
    "jpeg-cmyk": lambda: saved(Image.new("CMYK", (3000, 2000)), "JPEG"),
    "jpeg-grey": lambda: saved(Image.new("L", (3000, 2000)), "JPEG"),
    "jpeg-exif": lambda: saved(Image.new("RGB", (3000, 2000)), "JPEG", exif=exif()),
    "webp-lossy": lambda: saved(Image.new("RGB", (1500, 900)), "WEBP"),
    "webp-lossless": lambda: saved(Image.new("RGB", (1500, 900)), "WEBP", lossless=1),
    "webp-alpha": lambda: saved(Image.new("RGBA", (1500, 900)), "WEBP"),
    "webp-extended": lambda: saved(Image.new("RGB", (1500, 900)), "WEBP", exif=exif()),
}


@pytest.mark.parametrize("name", IMAGES)
def test_the_header_says_the_size_pillow_decodes_and_the_thumbnail_fits(
    name: str,
) -> None:
    data = IMAGES[name]()
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    assert header_size(data) == size
    with Image.open(io.BytesIO(thumbnail(data))) as small:
        assert small.format == "JPEG"
        assert max(small.size) == 320
        scale = 320 / max(size)
        assert abs(small.width - size[0] * scale) <= 1
        assert abs(small.height - size[1] * scale) <= 1


def test_a_small_image_keeps_its_size() -> None:
    with Image.open(io.BytesIO(thumbnail(png(10, 7)))) as small:
        assert small.size == (10, 7)


def test_a_bomb_is_refused_from_its_header_alone() -> None:
    # The header of a 12000 x 12000 PNG, and no pixels at all: nothing to decode.
    bomb = png(12_000, 12_000)[:33]
    with pytest.raises(TooManyPixels, match="12000 x 12000"):
        check_size(bomb)
    with pytest.raises(TooManyPixels):
        thumbnail(bomb)


def test_the_caps() -> None:
    side = int(MAX_PIXELS**0.5)
    assert check_size(png(side, side)[:33]) == (side, side)
    with pytest.raises(TooManyPixels, match="40 megapixels"):
        check_size(png(side + 1, side + 1)[:33])
    webp = saved(Image.new("RGB", (16, 16)), "WEBP", lossless=1)
    assert check_size(webp) == (16, 16)
    # A lossless WebP's header: 14 bits each of width - 1 and height - 1.
    wide = (4000 - 1) | ((3001 - 1) << 14)
    big_webp = webp[:21] + wide.to_bytes(4, "little") + webp[25:]
    assert header_size(big_webp) == (4000, 3001)
    assert 4000 * 3001 > MAX_WEBP_PIXELS
    with pytest.raises(TooManyPixels, match="12 megapixels"):
        check_size(big_webp)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\0\0\0\0\x05",  # zero wide
        b"\xff\xd8\xff\xe0\0\x10JFIF" + b"\0" * 8,  # no frame header
        b"\xff\xd8\xff\xda\0\x08" + b"\0" * 8,  # a scan before any frame
        b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 20,
    ],
    ids=["png-cut", "png-zero-wide", "jpeg-no-sof", "jpeg-scan-first", "webp-bad"],
)
def test_a_header_that_does_not_say_the_size_is_undecodable(data: bytes) -> None:
    with pytest.raises(Undecodable):
        check_size(data)


def test_reducing_in_strips_is_reducing_whole() -> None:
    image = Image.effect_mandelbrot((997, 603), (-2, -1, 1, 1), 50).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize((997, 603)))
    for factor in (1, 3, 8):
        assert _reduced(image, factor).tobytes() == image.reduce(factor).tobytes()


def test_the_budget_makes_a_decode_that_does_not_fit_wait() -> None:
    budget = DecodeBudget(100)
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    order: list[str] = []

    def first() -> None:
        with budget.spend(70):
            first_in.set()
            first_out.wait(5)
            order.append("first done")

    def second() -> None:
        first_in.wait(5)
        with budget.spend(60):
            order.append("second in")
            second_in.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert not second_in.wait(0.2)  # 70 + 60 > 100: it waits
    with budget.spend(30):  # what still fits goes ahead
        assert budget.used == 100
    first_out.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first done", "second in"]
    assert budget.used == 0
    with budget.spend(1000):  # more than the whole budget runs, alone
        assert budget.used == 100
